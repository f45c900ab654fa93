/**
 * Sim runner entry point. Bad input (flags, stack/secrets file, journal path, busy port) is
 * one line on stderr and exit 2. SIGTERM/SIGINT stop the server but leave every box running:
 * a restarted runner re-adopts them from their labels.
 */
import { runMain, UsageError } from '../../kernel/errors.ts';
import { BUG_SWITCHES } from '../bugs.ts';
import { parseRunnerArgs } from './cli-args.ts';
import { loadRunnerConfig, type RunnerConfig } from './config.ts';
import { Journal } from './journal.ts';
import { startRunner } from './server.ts';

const log = (line: string): void => {
  process.stdout.write(`runner: ${line}\n`);
};

// One bad request must not take every live exec down with the process; log it loudly instead.
process.on('unhandledRejection', (err) => {
  process.stderr.write(
    `runner: unhandled rejection: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
});

await runMain('sim runner', async () => {
  const args = parseRunnerArgs(process.argv.slice(2), process.env);
  let config: RunnerConfig;
  try {
    config = await loadRunnerConfig(args.stack);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  let journal: Journal;
  try {
    journal = new Journal(args.journal);
  } catch (err) {
    throw new UsageError(`cannot write journal ${args.journal}: ${(err as Error).message}`);
  }
  for (const b of BUG_SWITCHES) {
    if (args.bugs.has(b.id) && b.owner === 'api')
      log(`bug switch ${b.id} is API-owned; the runner ignores it`);
  }
  let runner: Awaited<ReturnType<typeof startRunner>>;
  try {
    runner = await startRunner({
      config,
      bugs: args.bugs,
      journal,
      host: args.host,
      port: args.port,
      docker: { dockerHost: args.dockerHost, callMs: args.dockerTimeoutMs },
    });
  } catch (err) {
    throw new UsageError(`cannot listen on ${args.host}:${args.port}: ${(err as Error).message}`);
  }
  const stopped = new Promise<void>((resolve) => {
    const stop = (sig: string): void => {
      log(`${sig}: stopping (boxes are left running)`);
      journal.write({ op: 'runner_stop', box_id: null, signal: sig });
      void runner.close().then(resolve);
      // A wedged close must not keep a supervisor waiting forever.
      setTimeout(() => resolve(), 5000).unref();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });

  // Re-adoption: nothing to rebuild (the engine is the source of truth); record what we found.
  try {
    const found = await runner.boxes.list();
    for (const b of found) journal.write({ op: 'adopt', box_id: b.box_id, box_status: b.status });
    log(`adopted ${found.length} existing box(es)`);
  } catch (err) {
    log(`could not list existing boxes yet: ${(err as Error).message}`);
  }

  // Printed last: supervisors and tests take this line as "ready", adoption included.
  const bugs = [...args.bugs].join(',') || 'none';
  journal.write({ op: 'runner_start', box_id: null, port: runner.port, runner_id: config.runnerId, bugs });
  log(
    `listening on http://${args.host}:${runner.port} (runner id ${config.runnerId}, registry ${config.registry ?? 'none'}, docker ${args.dockerHost}, bugs ${bugs})`,
  );

  await stopped;
  process.exit(0);
});
