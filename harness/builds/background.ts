/**
 * `pnpm e2e`'s builds, in the background of the case run: what is cached is ready at once;
 * what is not is built at low priority while the cases that need no build run, and its state
 * goes to the builds file (state.ts) the case workers wait on. `--no-build` or a missing
 * toolchain makes a build unavailable up front, with the reason and the command that builds it.
 */
import { mkdirSync } from 'node:fs';
import { Writable } from 'node:stream';
import { execa } from 'execa';
import { ensureCliBinary, findCargo, findCliBinary } from '../../bootstrap/cli-binary/index.ts';
import type { CliBinarySpec } from '../../bootstrap/cli-binary/spec.ts';
import { lowerBuildPriority } from '../../bootstrap/logged-command.ts';
import { findTools } from '../../bootstrap/sdk-shim/build.ts';
import { ensureSdkDrivers, findSdkDrivers } from '../../bootstrap/sdk-shim/index.ts';
import type { SdkShimSpec } from '../../bootstrap/sdk-shim/spec.ts';
import { createProgress, type Progress } from '../../kernel/progress.ts';
import {
  BUILD_COMMAND,
  type BuildName,
  type BuildState,
  type Builds,
  buildsFile,
  writeBuilds,
} from './state.ts';

export interface BuildRequest {
  reportDir: string;
  /** The builds the selected case files need. */
  names: readonly BuildName[];
  cli: CliBinarySpec;
  sdk: SdkShimSpec;
  searchPath: string;
  /** Use what is cached; build nothing. */
  noBuild: boolean;
  /** Where progress lines go (default stderr, each marked as the background's). */
  progress?: Progress;
}

type Product = Pick<Extract<BuildState, { state: 'ready' }>, 'cli' | 'drivers'>;

const ready = (p: Product): BuildState => ({ state: 'ready', at: new Date().toISOString(), ...p });
const unavailable = (name: BuildName, why: string): BuildState => ({
  state: 'unavailable',
  why: `${why}; build it with \`${BUILD_COMMAND[name]}\``,
});

async function lookUp(name: BuildName, r: BuildRequest): Promise<Product | null> {
  if (name === 'cli') {
    const cli = await findCliBinary(r.cli);
    return cli && { cli };
  }
  const drivers = await findSdkDrivers(r.sdk);
  return drivers && { drivers };
}

/** Why this machine cannot build it (null: it can), checked before anything waits on it. */
async function toolchainMissing(name: BuildName, r: BuildRequest): Promise<string | null> {
  if (name === 'sdk-drivers') {
    const why = await findTools(r.searchPath).then(
      () => null,
      (err: Error) => err.message,
    );
    if (why) return why;
  }
  if (name === 'cli' && r.cli.source.kind === 'binary') return null;
  const cargo = await findCargo(r.searchPath);
  const probe = await execa(cargo, ['-vV'], { reject: false });
  return probe.exitCode === 0 ? null : `cargo not found or not working (${cargo}): install Rust with rustup`;
}

async function build(name: BuildName, r: BuildRequest, progress: Progress): Promise<Product> {
  if (name === 'cli') {
    const cargo = await findCargo(r.searchPath);
    return { cli: await ensureCliBinary(r.cli, { progress, cargo, searchPath: r.searchPath }) };
  }
  return { drivers: await ensureSdkDrivers(r.sdk, { progress, searchPath: r.searchPath }) };
}

/** Progress lines on stderr, each saying it comes from the background build. */
function backgroundProgress(): Progress {
  const out = new Writable({
    write(chunk: Buffer, _enc, done) {
      process.stderr.write(`[background build] ${chunk.toString()}`);
      done();
    },
  });
  return createProgress(out);
}

/** Whether `name` can be had now (cached), later (being built) or not at all (why). */
async function firstState(name: BuildName, r: BuildRequest): Promise<BuildState> {
  let warm: Product | null;
  try {
    warm = await lookUp(name, r);
  } catch (err) {
    return unavailable(name, (err as Error).message);
  }
  if (warm) return ready(warm);
  if (r.noBuild) return unavailable(name, 'not cached and --no-build given');
  const missing = await toolchainMissing(name, r);
  return missing
    ? unavailable(name, `not cached and cannot be built here: ${missing}`)
    : { state: 'building', since: new Date().toISOString() };
}

/**
 * Writes every build's first state, then builds the missing ones one after another (they share
 * the build lock and the cargo target dir) at low priority. `done` settles when all have ended.
 */
export async function startBuilds(r: BuildRequest): Promise<{ builds: Builds; done: Promise<void> }> {
  const file = buildsFile(r.reportDir);
  const builds: Builds = {};
  for (const name of r.names) builds[name] = await firstState(name, r);
  mkdirSync(r.reportDir, { recursive: true });
  writeBuilds(file, builds);
  const cold = r.names.filter((n) => builds[n]?.state === 'building');
  if (cold.length) lowerBuildPriority();
  const progress = r.progress ?? backgroundProgress();
  const done = (async () => {
    for (const name of cold) {
      builds[name] = await build(name, r, progress).then(ready, (err: Error) =>
        unavailable(name, `the build failed: ${err.message}`),
      );
      writeBuilds(file, builds);
    }
  })();
  return { builds, done };
}
