/**
 * The recipe as typed steps (docs/stack-bootstrap.md): each names its inputs (checkout paths
 * whose tree hash keys the build cache), the exact commands, what makes a re-run a no-op,
 * and the probe that proves it worked. `--plan` prints these same objects; setup runs them.
 */
import { access, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { RecipeLayout } from './layout.ts';
import type { ShellCommand } from './shell.ts';

export type StepId =
  | 'toolchains'
  | 'libboxlite'
  | 'runner-binary'
  | 'api-deps'
  | 'secrets'
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
  /** Steps whose keys are part of this one's (the runner links the library). */
  after: StepId[];
  /** Exact commands as a person would type them. */
  commands: ShellCommand[];
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
}

const exists = (p: string) =>
  access(p).then(
    () => true,
    () => false,
  );

export async function makefileHasDistC(root: string): Promise<boolean> {
  const text = await readFile(join(root, 'Makefile'), 'utf8').catch(() => '');
  return /^dist\\?:c\s*:/m.test(text);
}

export function recipeSteps(f: StepFacts): RecipeStep[] {
  const l = f.layout;
  const root = l.checkout.root;
  const apiUrl = `http://127.0.0.1:${f.apiPort}/api`;
  const runnerUrl = `http://127.0.0.1:${f.runnerPort}`;
  const service = l.mode === 'systemd' ? 'systemd unit' : 'supervisor';
  return [
    {
      id: 'toolchains',
      title: 'toolchains from the checkout',
      inputs: [],
      after: [],
      commands: [
        { cwd: root, argv: ['cargo', '--version'] },
        { cwd: '/tmp', env: { GOTOOLCHAIN: 'local' }, argv: ['go', 'version'] },
        { cwd: '/tmp', argv: ['yarn', '--version'] },
      ],
      actions: [
        'Rust channel: rust-toolchain.toml (cargo honours it); Go: apps/runner/go.mod `go` line, installed ≥ pinned',
        'yarn missing → npm install --prefix <cache>/boxlite-stack/yarn yarn@1.22.22',
      ],
      idempotence: 'read-only checks; yarn is installed into the cache once',
      probe: 'each version command exits 0; Go version ≥ the go.mod pin',
      outputs: [],
    },
    {
      id: 'libboxlite',
      title: 'C SDK static library → sdks/go',
      inputs: ['Cargo.toml', 'Cargo.lock', 'rust-toolchain.toml', 'Makefile', 'src', 'sdks/c'],
      after: [],
      commands: [
        f.hasDistC
          ? { cwd: root, argv: ['make', 'dist:c'] }
          : { cwd: root, argv: ['cargo', 'build', '--release', '-p', 'boxlite-c'] },
        { cwd: root, argv: ['cp', 'target/release/libboxlite.a', 'sdks/go/libboxlite.a'] },
      ],
      actions: [],
      idempotence: 'skipped when the inputs tree hash is unchanged and sdks/go/libboxlite.a exists',
      probe: 'sdks/go/libboxlite.a exists',
      outputs: [l.libboxlite],
    },
    {
      id: 'runner-binary',
      title: 'runner (Go, cgo over libboxlite.a)',
      inputs: ['apps/runner', 'apps/go.work', 'sdks/go'],
      after: ['libboxlite'],
      commands: [
        {
          cwd: join(root, 'apps', 'runner'),
          env: { CGO_ENABLED: '1', GOTOOLCHAIN: 'local' },
          argv: ['go', 'build', '-o', join(f.runnerBuild, 'boxlite-runner'), './cmd/runner'],
        },
        { cwd: root, argv: ['install', '-m', '0755', join(f.runnerBuild, 'boxlite-runner'), l.runnerBin] },
      ],
      actions: [`mkdir -p ${l.homeDir} (BOXLITE_HOME_DIR)`],
      idempotence:
        'the build is skipped when its inputs (and the library key) are unchanged; install always copies',
      probe: `${l.runnerBin} is executable`,
      outputs: [join(f.runnerBuild, 'boxlite-runner')],
    },
    {
      id: 'api-deps',
      title: 'API dependencies (yarn workspace in apps/)',
      inputs: ['apps/package.json', 'apps/api/package.json'],
      after: [],
      commands: [{ cwd: l.apps, argv: ['yarn', 'install', '--non-interactive'] }],
      actions: [
        'touch apps/yarn.lock when missing (else "apps isn\'t part of the project")',
        'ln -s . apps/apps (project.json paths)',
      ],
      idempotence:
        'skipped when the package manifests are unchanged and apps/node_modules/.bin/ts-node exists',
      probe: 'apps/node_modules/.bin/ts-node exists',
      outputs: [join(l.apps, 'node_modules', '.bin', 'ts-node')],
    },
    {
      id: 'secrets',
      title: 'secrets (0600, minted once)',
      inputs: [],
      after: [],
      commands: [],
      actions: [
        `${l.secretsFile}: ENCRYPTION_SALT, PROXY_API_KEY`,
        'stack secrets: ADMIN_API_KEY, ENCRYPTION_KEY, RUNNER_TOKEN (→ DEFAULT_RUNNER_API_KEY = BOXLITE_RUNNER_TOKEN)',
      ],
      idempotence: 'existing files are reused; a corrupt one is an error, never re-minted',
      probe: 'both files mode 0600',
      outputs: [],
    },
    {
      id: 'env-file',
      title: 'env files (rewritten every run, 0600)',
      inputs: [],
      after: [],
      commands: [],
      actions: [
        `${l.envFile}: upstream's API variables, PORT=${f.apiPort}, DEFAULT_RUNNER_API_URL=${runnerUrl}, this stack's DB/Redis/registry`,
        `${l.runnerEnvFile}: BOXLITE_API_URL=${apiUrl} BOXLITE_RUNNER_TOKEN API_VERSION=2 API_PORT=${f.runnerPort} RUNNER_DOMAIN BOXLITE_HOME_DIR INSECURE_REGISTRIES`,
      ],
      idempotence: 'same inputs give byte-identical files; a change restarts the components that read them',
      probe: 'mode 0600',
      outputs: [],
    },
    {
      id: 'api',
      title: `API (${service})`,
      inputs: [],
      after: ['api-deps', 'env-file'],
      commands: [],
      actions: [
        `run in apps/: ${join('apps', 'node_modules', '.bin', 'ts-node')} --transpile-only --project api/tsconfig.app.json -r tsconfig-paths/register api/src/main.ts`,
        l.mode === 'systemd'
          ? 'write /etc/systemd/system/boxlite-api.service; systemctl daemon-reload; systemctl enable boxlite-api; systemctl restart boxlite-api'
          : `supervised as boxlite-api, log ${l.apiLog}`,
      ],
      idempotence: 'reused when alive, healthy and started from the same unit + env files',
      probe: `GET ${apiUrl}/health → 200 (90 s)`,
      outputs: [],
    },
    {
      id: 'runner',
      title: `runner + registration (${service})`,
      inputs: [],
      after: ['runner-binary', 'api'],
      commands: [],
      actions: [
        `run ${l.runnerBin} with ${l.envFile} then ${l.runnerEnvFile}`,
        l.mode === 'systemd'
          ? 'write /etc/systemd/system/boxlite-runner.service; systemctl daemon-reload; systemctl enable boxlite-runner; systemctl restart boxlite-runner'
          : `supervised as boxlite-runner, log ${l.runnerLog}`,
      ],
      idempotence: 'reused when alive, healthy and the same binary key + unit + env files',
      probe: `GET ${runnerUrl}/ → 200, then GET ${apiUrl}/runners lists "default" ready (60 s)`,
      outputs: [],
    },
    {
      id: 'smoke',
      title: '/v1/me smoke',
      inputs: [],
      after: ['runner'],
      commands: [],
      actions: [`GET ${apiUrl}/v1/me with the admin key`],
      idempotence: 'read-only',
      probe: 'HTTP 200 with "sub"; path_prefix recorded (401 → hint: --wipe-data)',
      outputs: [],
    },
    {
      id: 'seed',
      title: 'seed hook (admin quotas, images)',
      inputs: [],
      after: ['smoke'],
      commands: [],
      actions: [
        'the stack guest images are already in the stack registry (setup pushed them)',
        'admin quota hook',
      ],
      idempotence: 'the hook upserts',
      probe: 'the hook reports what it did',
      outputs: [],
    },
    {
      id: 'stack-file',
      title: 'stack file (target boxlite)',
      inputs: [],
      after: ['seed'],
      commands: [],
      actions: ['api/runner records: url, endpoint, credentials, process, log + journal source, version'],
      idempotence: 'rewritten atomically',
      probe: 'validates against the stack-file schema',
      outputs: [],
    },
  ];
}

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
