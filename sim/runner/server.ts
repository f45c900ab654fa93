/**
 * Assembles the runner: Docker client, services, HTTP routes and the WebSocket attach
 * endpoint on one node:http server. `GET /` is the only unauthenticated route.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus } from 'node:os';
import type { BugId } from '../bugs.ts';
import { inScope, renameScope, SCOPE_HEADER, SWITCH_PATH, serveSwitch } from '../shared/mutant-switch.ts';
import { AttachHandler } from './attach.ts';
import { BoxRecords, boxRecordsDir } from './box-records.ts';
import { BoxService } from './boxes.ts';
import type { RunnerConfig } from './config.ts';
import { connectDocker } from './docker.ts';
import { ApiError, notFound, toApiError } from './errors.ts';
import { ExecService } from './exec-service.ts';
import { authorized, sendError, sendJson, unauthenticated } from './http-util.ts';
import type { Journal, JournalEntry } from './journal.ts';
import { Metrics } from './metrics.ts';
import { buildRoutes, matchRoute } from './routes.ts';

export interface Runner {
  server: Server;
  boxes: BoxService;
  port: number;
  close(): Promise<void>;
}

export async function startRunner(p: {
  config: RunnerConfig;
  bugs: ReadonlySet<BugId>;
  journal: Journal;
  host: string;
  port: number;
  docker: { dockerHost: string; callMs: number };
}): Promise<Runner> {
  const docker = connectDocker(p.docker);
  const boxes = new BoxService(docker, {
    runnerId: p.config.runnerId,
    registry: p.config.registry,
    bugs: p.bugs,
    hostCpus: cpus().length,
    records: new BoxRecords(boxRecordsDir(p.config.stateDir)),
  });
  const metrics = new Metrics();
  const execs = new ExecService({ boxes, bugs: p.bugs, metrics, journal: p.journal });
  const attach = new AttachHandler({ boxes, execs, journal: p.journal, token: p.config.token });
  const routes = buildRoutes({ boxes, execs, metrics });

  const server = createServer((req, res) => {
    const t0 = performance.now();
    const url = new URL(req.url ?? '/', 'http://runner');
    // Stryker disable next-line all: the mutation check's own switch must survive every mutant
    if (url.pathname === SWITCH_PATH) return void serveSwitch(req, res, url, { bearer: p.config.token });
    if (url.pathname === '/' && req.method === 'GET') return sendJson(res, 200, { status: 'ok' });
    const scope = req.headers[SCOPE_HEADER];
    const entry: JournalEntry = { op: 'unknown', box_id: null };
    const run = async (): Promise<void> => {
      if (!authorized(req, p.config.token)) {
        entry.op = 'auth_failed';
        entry.path = url.pathname;
        throw unauthenticated();
      }
      let match: ReturnType<typeof matchRoute>;
      try {
        match = matchRoute(routes, req.method ?? 'GET', url.pathname);
      } catch {
        throw new ApiError('invalid_argument', 'malformed percent-encoding in path');
      }
      if (match === null) throw notFound(`no route ${req.method} ${url.pathname}`);
      if (match === 'method')
        throw new ApiError('unsupported', `method ${req.method} not allowed on ${url.pathname}`);
      entry.op = match.route.op;
      // Runner code counts under the API route that called it, else under its own op (tools/mutation).
      renameScope(typeof scope === 'string' ? scope : `runner ${entry.op}`);
      if (match.params.id) entry.box_id = match.params.id;
      if (match.params.eid) entry.exec_id = match.params.eid;
      await match.route.handler({ req, res, params: match.params, url, entry });
    };
    inScope('runner', run)
      .catch((err) => {
        const e = toApiError(err);
        entry.error = e.code;
        if (e.code === 'internal' || e.code === 'engine_unavailable') entry.message = e.message;
        sendError(res, e);
      })
      .finally(() => {
        if (entry.op === 'unknown') return;
        entry.status = res.statusCode;
        entry.ms = Math.round((performance.now() - t0) * 10) / 10;
        p.journal.write(entry);
      });
  });
  server.on('upgrade', (req, socket, head) => {
    const scope = req.headers[SCOPE_HEADER];
    inScope(typeof scope === 'string' ? scope : 'runner attach', () =>
      attach.handleUpgrade(req, socket, head),
    );
  });
  server.on('clientError', (_err, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(p.port, p.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    server,
    boxes,
    port,
    async close() {
      // Boxes are NOT touched: they must survive a runner restart.
      execs.disposeAll();
      attach.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
