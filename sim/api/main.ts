/**
 * Sim API entry point (see sim/CONTRACT.md):
 *   node sim/api/main.ts --port N --stack <stack.json> --runner-url http://127.0.0.1:M --access-log <file> [--bugs a,b]
 * Bad input → one line on stderr, exit 2; a dead service at boot → one line, exit 1;
 * SIGTERM/SIGINT → stop accepting, close connections and pools, exit 0.
 */
import type { AddressInfo } from 'node:net';
import { runMain, SetupError } from '../../kernel/errors.ts';
import { AccessLog } from './access-log.ts';
import { loadConfig, parseApiArgs } from './config.ts';
import { migrate, openDb, seedAdmin } from './db.ts';
import type { App } from './http.ts';
import { rebaseOnRegistry } from './image-catalog.ts';
import { BoxLocks } from './locks.ts';
import { RunnerClient } from './runner-client.ts';
import { createApiServer } from './server.ts';

async function main(): Promise<void> {
  const args = parseApiArgs(process.argv.slice(2), process.env);
  const cfg = await loadConfig(args);
  const { password: _pw, ...pgShown } = cfg.postgres;

  let db: Awaited<ReturnType<typeof openDb>>;
  try {
    db = await openDb(cfg.postgres);
    await migrate(db);
    await seedAdmin(db, cfg.adminApiKey);
    const moved = await rebaseOnRegistry(db, cfg.registry);
    if (moved.rows || moved.boxes)
      process.stdout.write(
        `sim-api: the stack registry is now ${cfg.registry}: rewrote ${moved.rows} image catalog row(s) and ${moved.boxes} live box(es) naming an old address\n`,
      );
  } catch (err) {
    throw new SetupError(
      `postgres ${pgShown.host}:${pgShown.port}/${pgShown.database}: ${(err as Error).message}`,
    );
  }
  const locks = new BoxLocks(cfg.redis);
  try {
    await locks.ready();
  } catch (err) {
    throw new SetupError(`redis ${cfg.redis.host}:${cfg.redis.port}: ${(err as Error).message}`);
  }
  const runner = new RunnerClient(cfg.runnerUrl, cfg.runnerToken);
  const app: App = { cfg, db, locks, runner, bugs: cfg.bugs };
  const log = new AccessLog(cfg.accessLog);
  const server = createApiServer(app, log);

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) =>
      reject(new SetupError(`cannot listen on ${cfg.host}:${cfg.port}: ${err.message}`)),
    );
    server.listen(cfg.port, cfg.host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  const bugs = [...cfg.bugs].join(',') || 'none';
  process.stdout.write(
    `sim-api: listening on http://${cfg.host}:${port}/api (runner ${cfg.runnerUrl}, postgres ${pgShown.host}:${pgShown.port}/${pgShown.database}, bugs ${bugs})\n`,
  );

  await new Promise<void>((resolve) => {
    const stop = (sig: string) => {
      process.stdout.write(`sim-api: ${sig}, shutting down\n`);
      server.close(() => resolve());
      server.closeAllConnections();
      // Upgraded sockets are not tracked by closeAllConnections; a deadline covers them.
      setTimeout(resolve, 2000).unref();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  await Promise.allSettled([db.end(), locks.close(), runner.close(), log.close()]);
  process.stdout.write('sim-api: stopped\n');
}

await runMain('sim-api', main);
// Lingering sockets (e.g. a half-open attach) must not keep a stopped server alive.
process.exit(process.exitCode ?? 0);
