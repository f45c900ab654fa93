/**
 * Toolchains, read from the checkout as upstream's bootstrap (V3) does: the Rust channel from
 * `rust-toolchain.toml` (cargo honours it by itself), the Go version from `apps/runner/go.mod`'s
 * `go` line, compared with `GOTOOLCHAIN=local go version` run outside any module (else Go ≥1.21
 * reports an auto-downloaded toolchain). Different on purpose: a Go older than the pin is an
 * error naming the install command, not an `rm -rf /usr/local/go` done for the user; yarn is
 * the version apps/package.json pins, npm-installed into the cache (yarn.ts), never globally.
 * The versions found are part of the build keys: a new compiler rebuilds.
 */
import { access, readFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { $ } from 'zx';
import { SetupError } from '../../kernel/errors.ts';
import { findExecutable } from '../../kernel/which.ts';
import { envAssignments } from './shell.ts';
import { type YarnChoice, yarnInstallArgv } from './yarn.ts';

export interface ToolchainPins {
  rustChannel: string;
  goVersion: string;
}

export async function readPins(root: string): Promise<ToolchainPins> {
  const toml = parseToml(await readFile(join(root, 'rust-toolchain.toml'), 'utf8')) as {
    toolchain?: { channel?: string };
  };
  const gomod = await readFile(join(root, 'apps/runner/go.mod'), 'utf8');
  return {
    rustChannel: toml.toolchain?.channel ?? 'stable',
    // Upstream's fallback when the line is missing.
    goVersion: /^go (\d[\w.]*)\s*$/m.exec(gomod)?.[1] ?? '1.25.4',
  };
}

/** a ≥ b for dotted versions (1.26.8 ≥ 1.26). */
export function versionAtLeast(a: string, b: string): boolean {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? 0;
    const y = pb[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}

export interface HostTools {
  /** PATH of this process (the entry point's). */
  searchPath: string;
  /** The home dir rustup installed cargo under. */
  home: string;
  /** The harness's Node (the API and yarn run on it). */
  nodeBinDir: string;
}

/** PATH for every build command: the harness's Node, the pinned yarn, the search path, rustup's bin. */
export const recipeSearchPath = (h: HostTools, yarn: YarnChoice): string =>
  [h.nodeBinDir, yarn.binDir, ...h.searchPath.split(delimiter), join(h.home, '.cargo', 'bin')]
    .filter(Boolean)
    .join(delimiter);

export type ToolVersions = Record<'rustc' | 'cargo' | 'go' | 'node' | 'yarn', string>;

/** Read-only: each tool's version as the build would see it ('missing' when absent). */
export async function readToolVersions(
  root: string,
  searchPath: string,
  yarn: YarnChoice,
): Promise<ToolVersions> {
  const v = async (cwd: string, argv: string[], env: Record<string, string> = {}): Promise<string> => {
    if (!(await findExecutable(argv[0] as string, searchPath))) return 'missing';
    const r = await $({ quiet: true, cwd, nothrow: true })`env ${envAssignments(searchPath, env)} ${argv}`;
    return r.exitCode === 0 ? r.stdout.trim() : 'missing';
  };
  const go = await v('/tmp', ['go', 'version'], { GOTOOLCHAIN: 'local' });
  return {
    rustc: await v(root, ['rustc', '--version']),
    cargo: await v(root, ['cargo', '--version']),
    go: /go(\d[\w.]*)/.exec(go)?.[1] ?? 'missing',
    node: await v('/tmp', ['node', '--version']),
    yarn: yarn.version,
  };
}

export interface Toolchains {
  searchPath: string;
  versions: ToolVersions;
}

const exists = (p: string) =>
  access(p).then(
    () => true,
    () => false,
  );

/** Checks the toolchains the build needs and installs the pinned yarn into the cache once. */
export async function ensureToolchains(o: {
  root: string;
  host: HostTools;
  yarn: YarnChoice;
  cacheDir: string;
}): Promise<Toolchains> {
  const pins = await readPins(o.root);
  const searchPath = recipeSearchPath(o.host, o.yarn);
  if (!(await findExecutable('cargo', searchPath)))
    throw new SetupError(
      'cargo not found: install rustup with `--default-toolchain none` (rust-toolchain.toml picks the channel)',
    );
  if (!(await findExecutable('go', searchPath)))
    throw new SetupError(`go not found: install Go ${pins.goVersion} (apps/runner/go.mod)`);
  if (!(await exists(join(o.yarn.binDir, 'yarn')))) {
    const r = await $({
      quiet: true,
      cwd: o.cacheDir,
      nothrow: true,
    })`env ${envAssignments(searchPath)} ${yarnInstallArgv(o.yarn)}`;
    if (r.exitCode !== 0)
      throw new SetupError(
        `installing ${o.yarn.pkg}@${o.yarn.version} (${o.yarn.source}) with npm failed: ${r.stderr.trim().split('\n').at(-1)}`,
      );
  }
  const versions = await readToolVersions(o.root, searchPath, o.yarn);
  if (!versionAtLeast(versions.go, pins.goVersion))
    throw new SetupError(
      `Go ${versions.go} is older than apps/runner/go.mod's ${pins.goVersion}: install go${pins.goVersion}.linux-amd64.tar.gz into /usr/local and put /usr/local/go/bin first in PATH`,
    );
  for (const t of ['rustc', 'cargo', 'node'] as const)
    if (versions[t] === 'missing') throw new SetupError(`\`${t} --version\` failed in ${o.root}`);
  return { searchPath, versions };
}
