/**
 * WebSocket attach (§4.3): auth and lookup happen BEFORE the 101 so refusals are plain HTTP
 * statuses with an envelope (401 / 404), which is what the SDK maps (§6.4). A new attach to
 * an exec that already has a socket takes it over instead of answering 409 (§4.4 step 3).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { notFound, toApiError } from './errors.ts';
import type { ExecService } from './exec-service.ts';
import { authorized, refuseUpgrade, unauthenticated } from './http-util.ts';
import type { Journal } from './journal.ts';

const ATTACH = /^\/v1\/boxes\/(?<id>[^/]+)\/executions\/(?<eid>[^/]+)\/attach$/;

export class AttachHandler {
  /** 1 MiB inbound frame cap like the real runner; no compression (the SDK offers none). */
  readonly wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 20, perMessageDeflate: false });
  private readonly execs: ExecService;
  private readonly journal: Journal;
  private readonly token: string;

  constructor(p: { execs: ExecService; journal: Journal; token: string }) {
    this.execs = p.execs;
    this.journal = p.journal;
    this.token = p.token;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => {});
    const path = new URL(req.url ?? '/', 'http://runner').pathname;
    const m = ATTACH.exec(path);
    let boxId: string | null = null;
    let execId: string | undefined;
    try {
      if (!m) throw notFound(`no WebSocket route ${path}`);
      boxId = decodeURIComponent(m.groups?.id ?? '');
      execId = decodeURIComponent(m.groups?.eid ?? '');
      if (!authorized(req, this.token)) throw unauthenticated();
      const session = this.execs.get(boxId, execId);
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        const r = session.attach(ws);
        this.journal.write({
          op: 'attach',
          box_id: boxId,
          exec_id: execId,
          status: 101,
          attach_no: session.attachCount,
          replayed_bytes: r.replayedBytes,
          superseded: r.superseded,
          finished: session.finished,
        });
        ws.on('close', (code) => this.journal.write({ op: 'detach', box_id: boxId, exec_id: execId, code }));
      });
    } catch (err) {
      const e = toApiError(err);
      this.journal.write({
        op: 'attach',
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
