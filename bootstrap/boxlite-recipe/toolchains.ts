/**
 * Toolchains, read from the checkout as upstream's bootstrap (V3) does: the Rust channel from
 * `rust-toolchain.toml` (cargo honours it by itself), the Go version from `apps/runner/go.mod`'s
 * `go` line, compared with `GOTOOLCHAIN=local go version` run outside any module (else Go ≥1.21
 * reports an auto-downloaded toolchain). Different on purpose: a Go older than the pin is an
 * error naming the install command, not an `rm -rf /usr/local/go` done for the user; yarn,
 * when missing, is installed into the cache with npm (upstream's `corepack enable` needs root
 * and fails its signature check on older corepacks), never globally.
 */
import { readFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { $ } from 'zx';
import { SetupError } from '../../kernel/errors.ts';
import { findExecutable } from '../../kernel/which.ts';
import { envAssignments } from './shell.ts';

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

/** Where yarn goes when the machine has none. */
export const cachedYarnDir = (cacheDir: string) => join(cacheDir, 'boxlite-stack', 'yarn');
export const YARN_VERSION = '1.22.22';

export interface Toolchains {
  /** PATH for every build command: the search path, rustup's bin, the cached yarn's bin. */
  searchPath: string;
  versions: Record<'cargo' | 'go' | 'yarn' | 'node', string>;
}

export async function ensureToolchains(o: {
  root: string;
  searchPath: string;
  cacheDir: string;
  nodeBinDir: string;
  /** The home dir rustup installed cargo under. */
  home: string;
}): Promise<Toolchains> {
  const pins = await readPins(o.root);
  const yarnBin = join(cachedYarnDir(o.cacheDir), 'node_modules', '.bin');
  // The harness's Node first: the API and yarn run on it (upstream wants Node ≥ 20).
  const searchPath = [o.nodeBinDir, ...o.searchPath.split(delimiter), join(o.home, '.cargo', 'bin'), yarnBin]
    .filter(Boolean)
    .join(delimiter);
  // Through `env`: the inherited environment (proxies, CA bundles) stays, PATH is ours.
  const run = (cwd: string, argv: string[], env: Record<string, string> = {}) =>
    $({ quiet: true, cwd })`env ${envAssignments(searchPath, env)} ${argv}`;
  if (!(await findExecutable('cargo', searchPath)))
    throw new SetupError(
      'cargo not found: install rustup with `--default-toolchain none` (rust-toolchain.toml picks the channel)',
    );
  const cargo = (await run(o.root, ['cargo', '--version'])).stdout.trim();
  if (!(await findExecutable('go', searchPath)))
    throw new SetupError(`go not found: install Go ${pins.goVersion} (apps/runner/go.mod)`);
  const goOut = (await run('/tmp', ['go', 'version'], { GOTOOLCHAIN: 'local' })).stdout.trim();
  const go = /go(\d[\w.]*)/.exec(goOut)?.[1] ?? '0';
  if (!versionAtLeast(go, pins.goVersion))
    throw new SetupError(
      `Go ${go} is older than apps/runner/go.mod's ${pins.goVersion}: install go${pins.goVersion}.linux-amd64.tar.gz into /usr/local and put /usr/local/go/bin first in PATH`,
    );
  if (!(await findExecutable('yarn', searchPath))) {
    const prefix = cachedYarnDir(o.cacheDir);
    await run(o.cacheDir, [
      'npm',
      'install',
      '--prefix',
      prefix,
      '--no-audit',
      '--no-fund',
      `yarn@${YARN_VERSION}`,
    ]);
  }
  const yarn = (await run('/tmp', ['yarn', '--version'])).stdout.trim();
  const node = (await run('/tmp', ['node', '--version'])).stdout.trim();
  return { searchPath, versions: { cargo, go: `go${go} (needs ${pins.goVersion})`, yarn, node } };
}
