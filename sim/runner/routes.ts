/**
 * The runner's HTTP routes (sim/CONTRACT.md). Each handler fills in its journal entry; the
 * server wrapper adds status/latency/error and writes one line per request.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dropBoxImages } from './box-images.ts';
import type { BoxService } from './boxes.ts';
import { cloneExportRoutes } from './clone-export.ts';
import { badRequest } from './errors.ts';
import type { ExecService } from './exec-service.ts';
import { parseResize, parseSignal } from './exec-spec.ts';
import { copyIn, copyOut } from './files.ts';
import { readBody, readJson, sendEmpty, sendJson, TAR_LIMIT } from './http-util.ts';
import type { JournalEntry } from './journal.ts';
import type { Metrics } from './metrics.ts';
import { networkRoutes } from './network.ts';
import { snapshotRoutes } from './snapshots.ts';
import { volumeRoutes } from './volumes.ts';

export interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  url: URL;
  entry: JournalEntry;
}

export interface Deps {
  boxes: BoxService;
  execs: ExecService;
  metrics: Metrics;
}

export interface Route {
  method: string;
  pattern: RegExp;
  op: string;
  handler: (ctx: Ctx) => Promise<void>;
}

const BOX = '(?<id>[^/]+)';
const EXEC = `/v1/boxes/${BOX}/executions/(?<eid>[^/]+)`;
const re = (s: string): RegExp => new RegExp(`^${s}$`);

export function buildRoutes(d: Deps): Route[] {
  return [
    {
      method: 'POST',
      pattern: re('/boxes'),
      op: 'create',
      handler: async ({ req, res, entry }) => {
        const body = await readJson(req);
        if (body && typeof body === 'object' && 'box_id' in body) entry.box_id = String(body.box_id);
        const r = await d.boxes.create(body);
        Object.assign(entry, {
          image: r.spec.image,
          pulled: r.pulled,
          ...(r.notes.length ? { notes: r.notes } : {}),
        });
        sendJson(res, 201, r.view);
      },
    },
    {
      method: 'GET',
      pattern: re('/boxes'),
      op: 'list',
      handler: async ({ res, entry }) => {
        const boxes = await d.boxes.list();
        entry.count = boxes.length;
        sendJson(res, 200, { boxes });
      },
    },
    {
      method: 'GET',
      pattern: re(`/boxes/${BOX}`),
      op: 'get',
      handler: async ({ res, params }) =>
        sendJson(res, 200, d.boxes.view(await d.boxes.require(params.id as string))),
    },
    {
      method: 'POST',
      pattern: re(`/boxes/${BOX}/start`),
      op: 'start',
      handler: async ({ res, params }) => sendJson(res, 200, await d.boxes.start(params.id as string)),
    },
    {
      method: 'POST',
      pattern: re(`/boxes/${BOX}/stop`),
      op: 'stop',
      handler: async ({ res, params }) => sendJson(res, 200, await d.boxes.stop(params.id as string)),
    },
    {
      method: 'DELETE',
      pattern: re(`/boxes/${BOX}`),
      op: 'remove',
      handler: async ({ res, params, url, entry }) => {
        const force = url.searchParams.get('force') === 'true';
        entry.force = force;
        await d.boxes.remove(params.id as string, force);
        d.execs.dropBox(params.id as string);
        d.metrics.drop(params.id as string);
        await dropBoxImages(d.boxes, params.id as string);
        sendEmpty(res);
      },
    },
    {
      method: 'POST',
      pattern: re(`/v1/boxes/${BOX}/exec`),
      op: 'exec',
      handler: async ({ req, res, params, entry }) => {
        const body = (await readJson(req)) as Record<string, unknown>;
        // Command and arg count only: args/env values may carry secrets.
        Object.assign(entry, {
          command: body?.command,
          argc: Array.isArray(body?.args) ? body.args.length : 0,
          tty: body?.tty === true,
        });
        if (typeof body?.user === 'string') entry.user = body.user;
        const { session, preflightMs } = await d.execs.start(params.id as string, body);
        entry.exec_id = session.id;
        entry.preflight_ms = Math.round(preflightMs * 10) / 10;
        sendJson(res, 201, { execution_id: session.id });
      },
    },
    {
      method: 'GET',
      pattern: re(EXEC),
      op: 'exec_status',
      handler: async ({ res, params }) => {
        const s = d.execs.get(params.id as string, params.eid as string);
        sendJson(res, 200, {
          execution_id: s.id,
          status: s.status,
          exit_code: s.finished ? s.exitCode : null,
          started_at: new Date(s.startedAt).toISOString(),
          duration_ms: s.endedAt ? s.endedAt - s.startedAt : null,
        });
      },
    },
    {
      method: 'DELETE',
      pattern: re(EXEC),
      op: 'kill',
      handler: async ({ res, params, entry }) => {
        const s = d.execs.get(params.id as string, params.eid as string);
        entry.was_running = !s.finished;
        await s.kill();
        sendEmpty(res);
      },
    },
    {
      method: 'POST',
      pattern: re(`${EXEC}/signal`),
      op: 'signal',
      handler: async ({ req, res, params, entry }) => {
        const s = d.execs.get(params.id as string, params.eid as string);
        const sig = parseSignal(await readJson(req));
        entry.signal = sig;
        await s.signal(sig);
        sendEmpty(res);
      },
    },
    {
      method: 'POST',
      pattern: re(`${EXEC}/resize`),
      op: 'resize',
      handler: async ({ req, res, params, entry }) => {
        const s = d.execs.get(params.id as string, params.eid as string);
        const size = parseResize(await readJson(req));
        Object.assign(entry, size);
        await s.resize(size);
        sendEmpty(res);
      },
    },
    ...[re(`${EXEC}/attach`), re(`/v1/boxes/${BOX}/attach`)].map((pattern) => ({
      method: 'GET',
      pattern,
      op: 'attach',
      handler: async () => {
        throw badRequest('attach requires a WebSocket upgrade');
      },
    })),
    {
      method: 'PUT',
      pattern: re(`/v1/boxes/${BOX}/files`),
      op: 'copy_in',
      handler: async ({ req, res, params, url, entry }) => {
        const sid = url.searchParams.get('source_is_dir');
        const body = await readBody(req, TAR_LIMIT);
        const r = await copyIn(
          d.boxes,
          params.id as string,
          url.searchParams.get('path'),
          sid === null ? null : sid === 'true',
          body,
        );
        Object.assign(entry, { path: r.target, mode: r.mode, entries: r.entries, bytes: r.bytes });
        sendEmpty(res);
      },
    },
    {
      method: 'GET',
      pattern: re(`/v1/boxes/${BOX}/files`),
      op: 'copy_out',
      handler: async ({ res, params, url, entry }) => {
        const r = await copyOut(d.boxes, params.id as string, url.searchParams.get('path'));
        Object.assign(entry, { path: r.path, is_dir: r.isDir });
        res.writeHead(200, {
          'content-type': 'application/x-tar',
          'x-boxlite-source-is-dir': String(r.isDir),
        });
        let bytes = 0;
        r.stream.on('data', (c: Buffer) => {
          bytes += c.length;
        });
        r.stream.pipe(res);
        await new Promise<void>((resolve) => {
          r.stream.on('end', resolve);
          r.stream.on('error', () => {
            res.destroy();
            resolve();
          });
          res.on('close', resolve);
        });
        entry.bytes = bytes;
      },
    },
    {
      method: 'GET',
      pattern: re(`/v1/boxes/${BOX}/metrics`),
      op: 'metrics',
      handler: async ({ res, params }) => {
        await d.boxes.require(params.id as string);
        sendJson(res, 200, d.metrics.snapshot(params.id as string));
      },
    },
    ...snapshotRoutes(d.boxes),
    ...cloneExportRoutes(d.boxes),
    ...volumeRoutes(d.boxes),
    ...networkRoutes(d.boxes),
  ];
}

export function matchRoute(
  routes: Route[],
  method: string,
  path: string,
): { route: Route; params: Record<string, string> } | 'method' | null {
  let pathMatched = false;
  for (const route of routes) {
    const m = route.pattern.exec(path);
    if (!m) continue;
    pathMatched = true;
    if (route.method !== method) continue;
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(m.groups ?? {})) params[k] = decodeURIComponent(v);
    return { route, params };
  }
  return pathMatched ? 'method' : null;
}
