/**
 * WebSocket attach proxy. Auth and box lookup happen at our upgrade; only when the runner's
 * own upgrade succeeds do we answer 101, so runner refusals (404 unknown exec, 409 already
 * attached) reach the SDK as the same plain HTTP status + body (protocol §6.4). After that, frames
 * are relayed verbatim both ways: binary and text, pings, close codes. Two routes: an exec's
 * attach, and 0.11's box-level attach to the main command, whose session id the runner names
 * in `x-boxlite-execution-id` on its 101 — relayed on ours, since the client has no other
 * way to learn it. When a main-command attach ends the box has usually stopped, so its row is
 * brought up to date at once rather than on the next lifecycle sweep.
 */
import { type IncomingMessage, type Server, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';
import { inScope, keepScope, renameScope } from '../shared/mutant-switch.ts';
import type { AccessLog } from './access-log.ts';
import { authenticate } from './auth.ts';
import { ApiError, envelope, foreignNamespace, toApiError } from './errors.ts';
import type { App } from './http.ts';
import { syncBox } from './lifecycle.ts';
import { Router, resolveTenantPath } from './router.ts';
import { scopeHeader } from './runner-client.ts';
import { findBox } from './store.ts';

type AttachKind = 'exec' | 'main';
const attachRouter = new Router<AttachKind>()
  .add('GET', '/boxes/:id/executions/:eid/attach', 'exec')
  .add('GET', '/boxes/:id/attach', 'main');
const MAIN_SESSION_HEADER = 'x-boxlite-execution-id';
const ATTACH_SCOPE = 'GET /boxes/:id/executions/:eid/attach';

/** Headers to add to our 101 for one upgrade request (the runner's main session id). */
const extraHeaders = new WeakMap<IncomingMessage, string[]>();

interface Refusal {
  status: number;
  body: Buffer;
  contentType: string;
}

export function attachUpgradeHandler(server: Server, app: App, log: AccessLog): void {
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 16 << 20 });
  wss.on('headers', (headers, req) => headers.push(...(extraHeaders.get(req) ?? [])));
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // One scope for both attach routes: the upgrade is routed inside (tools/mutation).
    inScope(ATTACH_SCOPE, () => void handleUpgrade(req, socket, head, app, log, wss));
  });
  server.on('close', () => wss.close());
}

async function handleUpgrade(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  app: App,
  log: AccessLog,
  wss: WebSocketServer,
) {
  const start = performance.now();
  const url = new URL(req.url ?? '/', 'http://sim-api');
  let boxId: string | undefined;
  let route: string | undefined;
  const logged = (status: number) =>
    log.write({
      method: 'GET',
      path: url.pathname,
      status,
      route,
      box_id: boxId,
      ms: performance.now() - start,
    });
  socket.on('error', () => {});

  let upstream: Upstream;
  let kind: AttachKind = 'exec';
  try {
    const principal = await authenticate(req, app.db, app.bugs);
    const at = resolveTenantPath(
      url.pathname,
      principal.org.path_prefix,
      (rest) => 'handler' in attachRouter.match('GET', rest),
    );
    if (at && 'foreign' in at) throw foreignNamespace(at.foreign);
    const m = at ? attachRouter.match('GET', at.rest) : null;
    if (!m || !('handler' in m)) throw new ApiError('not_found', `no websocket route ${url.pathname}`);
    kind = m.handler;
    route = m.route;
    renameScope(route);
    const box = await findBox(
      app.db,
      principal.org.id,
      m.params.id ?? '',
      false,
      app.bugs.has('cross-org-box-lookup'),
    );
    if (!box) throw new ApiError('not_found', `box ${m.params.id} not found`);
    boxId = box.id;
    const session = kind === 'exec' ? `/executions/${encodeURIComponent(m.params.eid ?? '')}` : '';
    const target = `${app.runner.baseUrl.replace(/^http/, 'ws')}/v1/boxes/${box.id}${session}/attach${url.search}`;
    upstream = await connectUpstream(target, app.runner.authHeader);
    if (upstream.mainSessionId) extraHeaders.set(req, [`${MAIN_SESSION_HEADER}: ${upstream.mainSessionId}`]);
  } catch (err) {
    const refusal = isRefusal(err) ? err : apiRefusal(toApiError(err));
    refuse(socket, refusal);
    logged(refusal.status);
    return;
  }
  if (socket.destroyed) {
    upstream.ws.terminate();
    logged(499);
    return;
  }
  const mainBox = kind === 'main' ? boxId : undefined;
  wss.handleUpgrade(req, socket, head, (client) => {
    keepScope(client); // frames arrive on a socket the server made: count them under the attach
    logged(101);
    bridge(client, upstream);
    if (mainBox) client.once('close', () => void syncBox(app, mainBox).catch(() => {}));
  });
}

/**
 * The runner socket plus whatever it said before the client side was wired up. Its first
 * ping often rides in the same TCP segment as the 101 and is parsed synchronously with
 * 'open', so recording must start at construction, not after an await.
 */
interface Upstream {
  ws: WebSocket;
  /** The runner's main session id, from its 101 (box-level attach only). */
  mainSessionId: string | null;
  early: { kind: 'message' | 'ping'; data: WebSocket.RawData; binary: boolean }[];
  closed: { code: number; reason: Buffer } | null;
  detach: () => void;
}

function connectUpstream(target: string, auth: string): Promise<Upstream> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(target, {
      headers: { authorization: auth, ...scopeHeader() },
      perMessageDeflate: false,
      handshakeTimeout: 10_000,
      maxPayload: 16 << 20,
    });
    const up: Upstream = { ws, mainSessionId: null, early: [], closed: null, detach: () => {} };
    ws.once('upgrade', (res) => {
      const id = res.headers[MAIN_SESSION_HEADER];
      if (typeof id === 'string' && id) up.mainSessionId = id;
    });
    const onMessage = (data: WebSocket.RawData, binary: boolean) =>
      up.early.push({ kind: 'message', data, binary });
    const onPing = (data: Buffer) => up.early.push({ kind: 'ping', data, binary: true });
    const onClose = (code: number, reason: Buffer) => {
      up.closed = { code, reason };
    };
    ws.on('message', onMessage);
    ws.on('ping', onPing);
    ws.on('close', onClose);
    up.detach = () => {
      ws.off('message', onMessage);
      ws.off('ping', onPing);
      ws.off('close', onClose);
    };
    ws.once('open', () => resolve(up));
    ws.once('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const ct = res.headers['content-type'];
        reject({
          status: res.statusCode ?? 502,
          body: Buffer.concat(chunks),
          contentType: typeof ct === 'string' ? ct : 'text/plain',
        } satisfies Refusal);
      });
      res.on('error', () =>
        reject(apiRefusal(new ApiError('upstream_unavailable', 'runner dropped the attach handshake'))),
      );
    });
    ws.on('error', (err) =>
      reject(new ApiError('upstream_unavailable', `runner attach unavailable: ${err.message}`)),
    );
  });
}

function bridge(client: WebSocket, up: Upstream): void {
  const upstream = up.ws;
  up.detach();
  for (const f of up.early) {
    if (f.kind === 'ping') client.ping(f.data);
    else client.send(f.data, { binary: f.binary });
  }
  if (up.closed) {
    closeLike(client, up.closed.code, up.closed.reason);
    return;
  }
  const relay = (to: WebSocket) => (d: WebSocket.RawData, bin: boolean) => {
    if (to.readyState === WebSocket.OPEN) to.send(d, { binary: bin });
  };
  upstream.on('message', relay(client));
  client.on('message', relay(upstream));
  // Pings travel end to end; each ws endpoint answers pongs itself, so pongs are not relayed.
  upstream.on('ping', (d) => client.readyState === WebSocket.OPEN && client.ping(d));
  client.on('ping', (d) => upstream.readyState === WebSocket.OPEN && upstream.ping(d));
  upstream.on('close', (code, reason) => closeLike(client, code, reason));
  client.on('close', (code, reason) => closeLike(upstream, code, reason));
  upstream.on('error', () => client.terminate());
  client.on('error', () => upstream.terminate());
}

/** Mirrors a close: 1005 (no code) closes bare, 1006 (no handshake) drops the TCP connection. */
function closeLike(ws: WebSocket, code: number, reason: Buffer): void {
  if (ws.readyState === WebSocket.CLOSED || ws.readyState === WebSocket.CLOSING) return;
  try {
    if (code === 1005) ws.close();
    else if (code === 1006) ws.terminate();
    else ws.close(code, reason);
  } catch {
    ws.terminate();
  }
}

const isRefusal = (e: unknown): e is Refusal =>
  typeof e === 'object' && e !== null && 'status' in e && Buffer.isBuffer((e as Refusal).body);

function apiRefusal(err: ApiError): Refusal {
  return {
    status: err.status,
    body: Buffer.from(JSON.stringify(envelope(err.code, err.message))),
    contentType: 'application/json',
  };
}

function refuse(socket: Duplex, r: Refusal): void {
  if (socket.destroyed) return;
  const head = `HTTP/1.1 ${r.status} ${STATUS_CODES[r.status] ?? 'Error'}\r\nContent-Type: ${r.contentType}\r\nContent-Length: ${r.body.length}\r\nConnection: close\r\n\r\n`;
  socket.end(Buffer.concat([Buffer.from(head), r.body]));
}
