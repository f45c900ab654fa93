/** The teardown pipeline: sim components → services → stack file → (data) → (secrets). */
import { readdir, rm } from 'node:fs/promises';
import { stopBoxliteStack } from '../bootstrap/boxlite-recipe/index.ts';
import { createProvider } from '../bootstrap/providers/index.ts';
import { stopServe } from '../bootstrap/serve/index.ts';
import { type BootstrapConfig, SERVICE_NAMES } from '../kernel/config.ts';
import { statePaths } from '../kernel/paths.ts';
import { stopSupervised } from '../kernel/process/supervised.ts';
import { createProgress, secondsSince } from '../kernel/progress.ts';
import { readSecrets, type Secrets } from '../kernel/secrets.ts';
import { readStackFile, removeStackFile } from '../kernel/stack-file.ts';
import { removeSimBoxes, stopSim } from '../sim/launch.ts';

export interface TeardownOptions {
  /** Resolved by the entry point; the Docker endpoint is the one the sim runner used. */
  config: BootstrapConfig;
  wipeData: boolean;
  full: boolean;
  quiet?: boolean;
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
  let stopped = 0;
  // Before the services: the API and runner hold connections to them.
  await stopBoxliteStack(paths, opts.full);
  if (stack) {
    await stopSim(stack, paths);
    await stopServe(paths);
    // Secrets are only needed by providers for probes; teardown must work even without them.
    const secrets = await readSecrets(paths.secretsFile).catch(() => ({}) as Secrets);
    const provider = await createProvider(stack.provider, { config, paths, secrets, progress });
    for (const name of SERVICE_NAMES) {
      const record = stack.services[name];
      if (!record) continue;
      await progress.step(`stop ${name}`, () => provider.down(record));
      stopped += 1;
    }
    await removeStackFile(paths.stackFile);
  }
  // Supervisors the stack file no longer names (lost or corrupt stack file) must not linger.
  const leftovers = await readdir(paths.runDir).catch(() => [] as string[]);
  for (const file of leftovers.filter((f) => f.endsWith('.state.json'))) {
    const name = file.slice(0, -'.state.json'.length);
    await stopSupervised(paths.runDir, name, `\0never-matches\0`);
  }
  let boxes = 0;
  if (opts.wipeData) {
    boxes = await removeSimBoxes(paths.stateDir, config.dockerHost);
    await rm(paths.dataDir, { recursive: true, force: true });
  }
  if (opts.full) {
    await rm(paths.secretsFile, { force: true });
    await rm(paths.runDir, { recursive: true, force: true });
    await rm(paths.logDir, { recursive: true, force: true });
  }
  const kept = opts.full ? 'kept: image cache' : opts.wipeData ? 'kept: secrets' : 'kept: data and secrets';
  const dropped = boxes ? `, ${boxes} sim box(es) removed` : '';
  return `stack down: ${stopped} services stopped${dropped} in ${secondsSince(t0)} (${kept}; state dir ${paths.stateDir})`;
}
