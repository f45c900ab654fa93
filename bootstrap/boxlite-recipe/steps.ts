/**
 * The recipe as typed steps (docs/stack-bootstrap.md): each names its inputs (checkout paths
 * whose tree hash keys the build cache), the exact commands, what makes a re-run a no-op,
 * and the probe that proves it worked. `--plan` prints these same objects; setup runs them.
 */
import { access, copyFile, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { generateGoWork, goModulePath, goWorkFile, goWorkUses, requiredVersions } from './go-work.ts';
import type { RecipeLayout } from './layout.ts';
import { type NativeDepsChoice, nativeDepsEnv } from './native-deps.ts';
import { type OidcPlan, oidcAction } from './oidc.ts';
import type { ShellCommand } from './shell.ts';
import type { ToolVersions } from './toolchains.ts';
import { type YarnChoice, yarnInstallArgv, yarnInstallEnv } from './yarn.ts';

export type StepId =
  | 'toolchains'
  | 'libboxlite'
  | 'runner-binary'
  | 'api-deps'
  | 'secrets'
  | 'oidc'
  | 'env-file'
  | 'api'
  | 'runner'
  | 'smoke'
  | 'seed'
  | 'stack-file';

export interface RecipeStep {
  id: StepId;
  title: string;
  /** Checkout-relative inputs; a step with inputs is skipped when their hash is unchanged. */
  inputs: string[];
  /** Inputs that are not checkout files (toolchain versions, build modes): part of the key. */
  keyFacts: string[];
  /** Steps whose keys are part of this one's (the runner links the library). */
  after: StepId[];
  /** Exact commands as a person would type them (a build step's build). */
  commands: ShellCommand[];
  /** Commands run on every setup, cached or not (installing a build output). */
  always: ShellCommand[];
  /** Actions that are not shell commands (file writes, HTTP calls), described. */
  actions: string[];
  idempotence: string;
  probe: string;
  /** Absolute outputs a cache hit requires to still exist. */
  outputs: string[];
}

export interface StepFacts {
  layout: RecipeLayout;
  apiPort: number;
  runnerPort: number;
  /** Whether the checkout's Makefile has a `dist:c` target (else plain cargo, as V1/V2 did). */
  hasDistC: boolean;
  /** The runner's build dir (depends on the input key; `<key>` in a plan). */
  runnerBuild: string;
  nativeDeps: NativeDepsChoice;
  yarn: YarnChoice;
  tools: ToolVersions;
  /** apps/go.work's `use` dirs, checkout-relative (inputs of the runner build). */
  goWorkInputs: string[];
  /** Every package.json of the yarn workspace, checkout-relative. */
  workspaceManifests: string[];
  /** Host binaries put beside the runner when the library is a stub build. */
  runtimeTools: Record<string, string>;
  oidc: OidcPlan;
}

const step = (
  s: Partial<RecipeStep> & Pick<RecipeStep, 'id' | 'title' | 'idempotence' | 'probe'>,
): RecipeStep => ({
  inputs: [],
  keyFacts: [],
  after: [],
  commands: [],
  always: [],
  actions: [],
  outputs: [],
  ...s,
});

/** `dist:c` defined in the Makefile or a file it includes (upstream: make/dist.mk). */
export const hasDistC = (...texts: string[]) => texts.some((t) => /^dist\\?:c\s*:/m.test(t));

function buildSteps(f: StepFacts): RecipeStep[] {
  const l = f.layout;
  const root = l.checkout.root;
  const stub = f.nativeDeps.mode === 'stub';
  const goWork = goWorkFile(f.runnerBuild);
  const runtimeDir = join(dirname(l.runnerBin), 'runtime');
  return [
    step({
      id: 'toolchains',
      title: 'toolchains from the checkout',
      commands: [
        { cwd: root, argv: ['cargo', '--version'] },
        { cwd: '/tmp', env: { GOTOOLCHAIN: 'local' }, argv: ['go', 'version'] },
        { cwd: l.cacheDir, argv: yarnInstallArgv(f.yarn) },
        { cwd: '/tmp', argv: ['yarn', '--version'] },
      ],
      actions: [
        'Rust channel: rust-toolchain.toml (cargo honours it); Go: apps/runner/go.mod `go` line, installed ≥ pinned',
        `yarn ${f.yarn.version} (${f.yarn.source}) from npm ${f.yarn.pkg}, not corepack; first in PATH`,
        `found: ${Object.entries(f.tools)
          .map(([k, v]) => `${k} ${v}`)
          .join('; ')}`,
      ],
      idempotence: 'read-only checks; yarn is installed into the cache once per version',
      probe: 'each version command exits 0; Go version ≥ the go.mod pin',
    }),
    step({
      id: 'libboxlite',
      title: `C SDK static library → sdks/go (native deps: ${f.nativeDeps.mode})`,
      inputs: [
        'Cargo.toml',
        'Cargo.lock',
        'rust-toolchain.toml',
        'Makefile',
        'make',
        '.cargo',
        'src',
        'sdks/c',
      ],
      keyFacts: [`native-deps=${f.nativeDeps.mode}`, `rustc=${f.tools.rustc}`, `cargo=${f.tools.cargo}`],
      commands: [
        f.hasDistC
          ? { cwd: root, env: nativeDepsEnv(f.nativeDeps.mode), argv: ['make', 'dist:c'] }
          : {
              cwd: root,
              env: nativeDepsEnv(f.nativeDeps.mode),
              argv: ['cargo', 'build', '--release', '-p', 'boxlite-c'],
            },
        { cwd: root, argv: ['cp', 'target/release/libboxlite.a', 'sdks/go/libboxlite.a'] },
      ],
      actions: [
        `native deps ${f.nativeDeps.mode}: ${f.nativeDeps.reason}${stub ? ' → BOXLITE_DEPS_STUB=1 (links; no VM can start from it)' : ''}`,
        'outputs kept for other consumers: target/release/libboxlite.{a,so}, sdks/go/libboxlite.a',
      ],
      idempotence:
        'skipped when the inputs tree hash, native-deps mode and Rust toolchain are unchanged and sdks/go/libboxlite.a exists',
      probe: 'sdks/go/libboxlite.a exists',
      outputs: [l.libboxlite],
    }),
    step({
      id: 'runner-binary',
      title: "runner (Go, cgo over libboxlite.a) against the checkout's sdks/go",
      inputs: [...new Set(['apps/runner', 'apps/go.work', 'apps/go.work.sum', 'sdks/go', ...f.goWorkInputs])],
      keyFacts: [`go=${f.tools.go}`, `gowork=${root}`],
      after: ['libboxlite'],
      commands: [
        {
          cwd: join(root, 'apps', 'runner'),
          env: { CGO_ENABLED: '1', GOTOOLCHAIN: 'local', GOWORK: goWork },
          argv: ['go', 'build', '-o', join(f.runnerBuild, 'boxlite-runner'), './cmd/runner'],
        },
      ],
      always: [
        { cwd: root, argv: ['install', '-m', '0755', join(f.runnerBuild, 'boxlite-runner'), l.runnerBin] },
        ...(stub
          ? Object.entries(f.runtimeTools).map(([name, from]) => ({
              cwd: root,
              argv: ['install', '-D', '-m', '0755', from, join(runtimeDir, name)],
            }))
          : []),
      ],
      actions: [
        `write ${goWork}: apps/go.work's modules (absolute) + replace the sdks/go module => ${join(root, 'sdks', 'go')}; copy apps/go.work.sum beside it`,
        `mkdir -p ${l.homeDir} (BOXLITE_HOME_DIR)`,
        ...(stub
          ? [
              `stub library: runtime tools ${Object.keys(f.runtimeTools).join(', ')} from the host into ${runtimeDir} (beside the runner, where libboxlite looks)`,
            ]
          : []),
      ],
      idempotence:
        'the build is skipped when its inputs, Go version and the library key are unchanged; install always copies',
      probe: `${l.runnerBin} is executable`,
      outputs: [join(f.runnerBuild, 'boxlite-runner')],
    }),
    step({
      id: 'api-deps',
      title: `API dependencies (yarn ${f.yarn.version} workspace in apps/)`,
      inputs: [
        'apps/package.json',
        'apps/yarn.lock',
        'apps/.yarnrc.yml',
        'apps/.yarn',
        ...f.workspaceManifests,
      ],
      keyFacts: [`node=${f.tools.node}`, `yarn=${f.yarn.version}`],
      commands: [{ cwd: l.apps, env: yarnInstallEnv(), argv: ['yarn', 'install'] }],
      actions: [
        'touch apps/yarn.lock when missing (else "apps isn\'t part of the project")',
        'ln -s . apps/apps (project.json paths)',
      ],
      idempotence:
        'skipped when the manifests, lockfile, .yarnrc.yml, Node and yarn versions are unchanged and apps/node_modules/.bin/ts-node exists',
      probe: 'apps/node_modules/.bin/ts-node exists',
      outputs: [join(l.apps, 'node_modules', '.bin', 'ts-node')],
    }),
  ];
}

function serviceSteps(f: StepFacts): RecipeStep[] {
  const l = f.layout;
  const apiUrl = `http://127.0.0.1:${f.apiPort}/api`;
  const runnerUrl = `http://127.0.0.1:${f.runnerPort}`;
  const service = l.mode === 'systemd' ? 'systemd unit' : 'supervisor';
  return [
    step({
      id: 'secrets',
      title: 'secrets (0600, minted once)',
      actions: [
        `${l.secretsFile}: ENCRYPTION_SALT, PROXY_API_KEY`,
        'stack secrets: ADMIN_API_KEY, ENCRYPTION_KEY, RUNNER_TOKEN (→ DEFAULT_RUNNER_API_KEY = BOXLITE_RUNNER_TOKEN)',
      ],
      idempotence: 'existing files are reused; a corrupt one is an error, never re-minted',
      probe: 'both files mode 0600',
    }),
    step({
      id: 'oidc',
      title: 'OIDC issuer (the API reads its discovery document at start-up)',
      actions: [oidcAction(f.oidc, l.oidcLog)],
      idempotence: 'the discovery server is reused while alive on the same issuer',
      probe: f.oidc.served
        ? `GET ${f.oidc.issuer}/.well-known/openid-configuration → 200`
        : 'none: the issuer is yours',
    }),
    step({
      id: 'env-file',
      title: 'env files (rewritten every run, 0600)',
      actions: [
        `${l.envFile}: upstream's API variables, PORT=${f.apiPort}, DEFAULT_RUNNER_API_URL=${runnerUrl}, OIDC_ISSUER_BASE_URL=${f.oidc.issuer}, BOXLITE_SYSTEM_IMAGES (the stack's guest images), this stack's DB/Redis/registry`,
        `${l.runnerEnvFile}: BOXLITE_API_URL=${apiUrl} BOXLITE_RUNNER_TOKEN API_VERSION=2 API_PORT=${f.runnerPort} RUNNER_DOMAIN BOXLITE_HOME_DIR INSECURE_REGISTRIES`,
      ],
      idempotence: 'same inputs give byte-identical files; a change restarts the components that read them',
      probe: 'mode 0600',
    }),
    step({
      id: 'api',
      title: `API (${service})`,
      after: ['api-deps', 'env-file'],
      actions: [
        `run in apps/: ${join('apps', 'node_modules', '.bin', 'ts-node')} --transpile-only --project api/tsconfig.app.json -r tsconfig-paths/register api/src/main.ts`,
        l.mode === 'systemd'
          ? 'write /etc/systemd/system/boxlite-api.service; systemctl daemon-reload; systemctl enable boxlite-api; systemctl restart boxlite-api'
          : `supervised as boxlite-api, log ${l.apiLog}`,
      ],
      idempotence: 'reused when alive, healthy and started from the same unit + env files',
      probe: `GET ${apiUrl}/health → 200 (300 s: ts-node transpiles the API first); dying first → its last ERROR line`,
    }),
    step({
      id: 'runner',
      title: `runner + registration (${service})`,
      after: ['runner-binary', 'api'],
      actions: [
        `run ${l.runnerBin} with ${l.envFile} then ${l.runnerEnvFile}`,
        l.mode === 'systemd'
          ? 'write /etc/systemd/system/boxlite-runner.service; systemctl daemon-reload; systemctl enable boxlite-runner; systemctl restart boxlite-runner'
          : `supervised as boxlite-runner, log ${l.runnerLog}`,
      ],
      idempotence: 'reused when alive, healthy and the same binary key + unit + env files',
      probe: `GET ${runnerUrl}/ → 200, then GET ${apiUrl}/admin/runners lists "default" ready (60 s)`,
    }),
    step({
      id: 'smoke',
      title: '/v1/me smoke',
      after: ['runner'],
      actions: [`GET ${apiUrl}/v1/me with the admin key`],
      idempotence: 'read-only',
      probe: 'HTTP 200 with "sub"; path_prefix recorded (401 → hint: --wipe-data)',
    }),
    step({
      id: 'seed',
      title: 'seed hook (admin quotas, images)',
      after: ['smoke'],
      actions: [
        'the stack guest images are already in the stack registry (setup pushed them)',
        'admin quota hook (the admin routes this API has)',
      ],
      idempotence: 'the hook upserts',
      probe: 'the hook reports what it did',
    }),
    step({
      id: 'stack-file',
      title: 'stack file (target boxlite)',
      after: ['seed'],
      actions: ['api/runner records: url, endpoint, credentials, process, log + journal source, version'],
      idempotence: 'rewritten atomically',
      probe: 'validates against the stack-file schema',
    }),
  ];
}

export const recipeSteps = (f: StepFacts): RecipeStep[] => [...buildSteps(f), ...serviceSteps(f)];

const exists = (p: string) =>
  access(p).then(
    () => true,
    () => false,
  );

/** `api-deps`' non-command actions: the empty lock seed and the apps/apps self-link. */
export async function prepareYarnWorkspace(apps: string): Promise<void> {
  if (!(await exists(join(apps, 'yarn.lock')))) await writeFile(join(apps, 'yarn.lock'), '');
  if (!(await exists(join(apps, 'apps')))) await symlink('.', join(apps, 'apps'));
}

/** The runner's home dir (upstream: mkdir /var/lib/boxlite, chown $USER). */
export async function ensureRunnerHome(l: RecipeLayout): Promise<void> {
  await mkdir(l.homeDir, { recursive: true });
  await mkdir(dirname(l.runnerBin), { recursive: true });
}

/** The runner build's go.work (go-work.ts) and go.work.sum, written into its build dir. */
export async function writeRunnerGoWork(l: RecipeLayout, buildDir: string, goVersion: string): Promise<void> {
  const root = l.checkout.root;
  const sdkModule = goModulePath(await readFile(join(root, 'sdks', 'go', 'go.mod'), 'utf8'));
  if (!sdkModule) throw new Error(`${join(root, 'sdks/go/go.mod')} names no module`);
  const appsGoWork = await readFile(join(root, 'apps', 'go.work'), 'utf8').catch(() => '');
  const sdkVersions: string[] = [];
  for (const dir of goWorkUses(appsGoWork)) {
    const gomod = await readFile(join(root, 'apps', dir, 'go.mod'), 'utf8').catch(() => '');
    for (const v of requiredVersions(gomod, sdkModule)) if (!sdkVersions.includes(v)) sdkVersions.push(v);
  }
  await mkdir(buildDir, { recursive: true });
  await writeFile(
    goWorkFile(buildDir),
    generateGoWork({ root, appsGoWork, sdkModule, sdkVersions, goVersion }),
  );
  await copyFile(join(root, 'apps', 'go.work.sum'), `${goWorkFile(buildDir)}.sum`).catch(() => {});
}
