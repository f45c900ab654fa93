/**
 * The teardown pipeline: the targets' parts (stack/targets) → services → stack file →
 * stray supervisors → (data) → (secrets). The port book stays (stack/port-memory.ts), so the
 * next setup listens where this stack did.
 */
import { readdir, rm } from 'node:fs/promises';
import { createProvider } from '../bootstrap/providers/index.ts';
import { type BootstrapConfig, SERVICE_NAMES } from '../kernel/config.ts';
import { type StatePaths, statePaths } from '../kernel/paths.ts';
import { stopSupervised } from '../kernel/process/supervised.ts';
import { createProgress, type Progress, secondsSince } from '../kernel/progress.ts';
import { readSecrets, type Secrets } from '../kernel/secrets.ts';
import { readStackFile, removeStackFile, type StackFile } from '../kernel/stack-file.ts';
import { DOWN_ORDER, STACK_TARGETS } from './targets/index.ts';

export interface TeardownOptions {
  /** Resolved by the entry point; the Docker endpoint is the one the sim runner used. */
  config: BootstrapConfig;
  wipeData: boolean;
  full: boolean;
  quiet?: boolean;
}

/** Stops every service the stack file names; answers how many. */
async function stopServices(
  stack: StackFile,
  config: BootstrapConfig,
  paths: StatePaths,
  progress: Progress,
): Promise<number> {
  // Secrets are only needed by providers for probes; teardown must work even without them.
  const secrets = await readSecrets(paths.secretsFile).catch(() => ({}) as Secrets);
  const provider = await createProvider(stack.provider, { config, paths, secrets, progress });
  let stopped = 0;
  for (const name of SERVICE_NAMES) {
    const record = stack.services[name];
    if (!record) continue;
    await progress.step(`stop ${name}`, () => provider.down(record));
    stopped += 1;
  }
  return stopped;
}

/** Supervisors the stack file no longer names (lost or corrupt stack file) must not linger. */
async function stopStraySupervisors(paths: StatePaths): Promise<void> {
  const leftovers = await readdir(paths.runDir).catch(() => [] as string[]);
  for (const file of leftovers.filter((f) => f.endsWith('.state.json'))) {
    const name = file.slice(0, -'.state.json'.length);
    await stopSupervised(paths.runDir, name, `\0never-matches\0`);
  }
}

async function dropFiles(paths: StatePaths, opts: TeardownOptions): Promise<void> {
  if (opts.wipeData) await rm(paths.dataDir, { recursive: true, force: true });
  if (opts.full) {
    await rm(paths.secretsFile, { force: true });
    await rm(paths.runDir, { recursive: true, force: true });
    await rm(paths.logDir, { recursive: true, force: true });
  }
}

export async function teardownStack(opts: TeardownOptions): Promise<string> {
  const t0 = performance.now();
  const { config } = opts;
  const paths = statePaths(config.stateDir);
  const progress = createProgress(process.stderr, opts.quiet ?? false);
  const stack = await readStackFile(paths.stackFile).catch((err: Error) => {
    progress.info(`warning: ${err.message}; stopping what the run dir still knows about`);
    return null;
  });
  // Before the services: the API and runner hold connections to them.
  const down = { config, paths, stack, progress, wipeData: opts.wipeData, full: opts.full };
  const notes: string[] = [];
  for (const target of DOWN_ORDER) {
    const note = await STACK_TARGETS[target].down(down);
    if (note) notes.push(note);
  }
  const stopped = stack ? await stopServices(stack, config, paths, progress) : 0;
  if (stack) await removeStackFile(paths.stackFile);
  await stopStraySupervisors(paths);
  await dropFiles(paths, opts);
  const kept = opts.full ? 'kept: image cache' : opts.wipeData ? 'kept: secrets' : 'kept: data and secrets';
  const dropped = notes.map((n) => `, ${n}`).join('');
  return `stack down: ${stopped} services stopped${dropped} in ${secondsSince(t0)} (${kept}; state dir ${paths.stateDir})`;
}
