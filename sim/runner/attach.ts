/**
 * WebSocket attach (protocol §4.3): auth and lookup happen BEFORE the 101 so refusals are plain HTTP
 * statuses with an envelope (401 / 404), which is what the SDK maps (protocol §6.4). A new attach to
 * an exec that already has a socket takes it over instead of answering 409 (protocol §4.4 step 3).
 * Two routes: an exec's session, and (0.11) the box's main command, whose session id rides
 * back on the 101 as `x-boxlite-execution-id` — the client has no other way to learn it.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { keepScope } from '../shared/mutant-switch.ts';
import type { BoxService } from './boxes.ts';
import { badRequest, notFound, toApiError } from './errors.ts';
import type { ExecService } from './exec-service.ts';
import type { ExecSession } from './exec-session.ts';
import { authorized, refuseUpgrade, unauthenticated } from './http-util.ts';
import type { Journal } from './journal.ts';
import { openMainSession } from './main-session.ts';

const EXEC_ATTACH = /^\/v1\/boxes\/(?<id>[^/]+)\/executions\/(?<eid>[^/]+)\/attach$/;
const BOX_ATTACH = /^\/v1\/boxes\/(?<id>[^/]+)\/attach$/;
export const MAIN_SESSION_HEADER = 'x-boxlite-execution-id';

/** 0.11's `stdin` query: absent/1/true = writable, 0/false = read-only; anything else is refused. */
export function parseStdinQuery(raw: string | null): { readOnly: boolean } {
  if (raw === null || raw === '1' || raw === 'true') return { readOnly: false };
  if (raw === '0' || raw === 'false') return { readOnly: true };
  throw badRequest(`stdin must be one of 0, 1, false, true; got ${JSON.stringify(raw)}`);
}

export class AttachHandler {
  /** 1 MiB inbound frame cap like the real runner; no compression (the SDK offers none). */
  readonly wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 20, perMessageDeflate: false });
  private readonly boxes: BoxService;
  private readonly execs: ExecService;
  private readonly journal: Journal;
  private readonly token: string;
  /** Extra 101 headers per upgrade request (the main session id). */
  private readonly extraHeaders = new WeakMap<IncomingMessage, string[]>();

  constructor(p: { boxes: BoxService; execs: ExecService; journal: Journal; token: string }) {
    this.boxes = p.boxes;
    this.execs = p.execs;
    this.journal = p.journal;
    this.token = p.token;
    this.wss.on('headers', (headers, req) => headers.push(...(this.extraHeaders.get(req) ?? [])));
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => {});
    void this.upgrade(req, socket, head);
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://runner');
    const execRoute = EXEC_ATTACH.exec(url.pathname);
    const boxRoute = BOX_ATTACH.exec(url.pathname);
    let boxId: string | null = null;
    let execId: string | undefined;
    try {
      const m = execRoute ?? boxRoute;
      if (!m) throw notFound(`no WebSocket route ${url.pathname}`);
      boxId = decodeURIComponent(m.groups?.id ?? '');
      if (execRoute) execId = decodeURIComponent(execRoute.groups?.eid ?? '');
      if (!authorized(req, this.token)) throw unauthenticated();
      const { readOnly } = parseStdinQuery(url.searchParams.get('stdin'));
      let session: ExecSession;
      if (execId !== undefined) session = this.execs.get(boxId, execId);
      else {
        session = await openMainSession(this.boxes, this.execs, boxId);
        execId = session.id;
        this.extraHeaders.set(req, [`${MAIN_SESSION_HEADER}: ${session.id}`]);
      }
      if (socket.destroyed) return;
      const sessionBox = boxId;
      const sessionId = execId;
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        keepScope(ws); // frames arrive on a socket the server made: count them under the attach
        const r = session.attach(ws, { readOnly });
        this.journal.write({
          op: session.kind === 'main' ? 'attach_main' : 'attach',
          box_id: sessionBox,
          exec_id: sessionId,
          status: 101,
          attach_no: session.attachCount,
          replayed_bytes: r.replayedBytes,
          superseded: r.superseded,
          finished: session.finished,
        });
        ws.on('close', (code) =>
          this.journal.write({ op: 'detach', box_id: sessionBox, exec_id: sessionId, code }),
        );
      });
    } catch (err) {
      const e = toApiError(err);
      this.journal.write({
        op: execRoute ? 'attach' : 'attach_main',
        box_id: boxId,
        ...(execId ? { exec_id: execId } : {}),
        status: e.status,
        error: e.code,
      });
      refuseUpgrade(socket, e);
    }
  }

  close(): void {
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
  }
}
