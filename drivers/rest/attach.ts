/**
 * Raw WebSocket attach: collects every frame the server sends — stdout/stderr chunks in
 * order, text frames, pings, and the exit frame — so cases can assert on the protocol
 * itself (ordering, first ping, replay), not just on what an SDK made of it.
 */
import WebSocket from 'ws';
import { authHeader, type RestTarget, tenantUrl } from './http.ts';

export type Frame =
  | { kind: 'stdout' | 'stderr'; data: Buffer; at: number }
  | { kind: 'text'; text: string; at: number }
  | { kind: 'exit'; exitCode: number; at: number }
  | { kind: 'ping'; at: number };

export interface AttachResult {
  frames: Frame[];
  stdout: string;
  stderr: string;
  exitCode: number | null;
  /** ms from upgrade to the first ping (null if none). */
  firstPingMs: number | null;
  /** Close code, or null if the socket was dropped by us. */
  closeCode: number | null;
}

export interface AttachSession {
  ws: WebSocket;
  /** Frames so far, growing live (a test can wait for the first output before dropping). */
  frames: readonly Frame[];
  /** Resolves when the exit frame arrived and the socket closed, or `timeoutMs` passed. */
  done: Promise<AttachResult>;
  sendStdin(data: string | Buffer): void;
  sendEof(): void;
  /** Drops the TCP connection without a close handshake (as the real client does). */
  drop(): void;
}

export interface UpgradeRejection {
  status: number;
  body: string;
}

function summarise(frames: Frame[], closeCode: number | null, t0: number): AttachResult {
  const pick = (k: 'stdout' | 'stderr') =>
    Buffer.concat(frames.flatMap((f) => (f.kind === k ? [f.data] : []))).toString('utf8');
  const exit = frames.find((f) => f.kind === 'exit');
  const ping = frames.find((f) => f.kind === 'ping');
  return {
    frames,
    stdout: pick('stdout'),
    stderr: pick('stderr'),
    exitCode: exit?.kind === 'exit' ? exit.exitCode : null,
    firstPingMs: ping ? ping.at - t0 : null,
    closeCode,
  };
}

export function attachUrl(t: RestTarget, boxId: string, execId: string): string {
  return tenantUrl(t, `/boxes/${boxId}/executions/${execId}/attach`).replace(/^http/, 'ws');
}

/** Opens the attach socket; rejects with the HTTP status when the upgrade is refused. */
export function attach(
  t: RestTarget,
  boxId: string,
  execId: string,
  opts: { auth?: false | string; timeoutMs?: number; url?: string } = {},
): Promise<AttachSession> {
  const url = opts.url ?? attachUrl(t, boxId, execId);
  const ws = new WebSocket(url, { headers: authHeader(t, opts.auth), perMessageDeflate: false });
  const frames: Frame[] = [];
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => {
        body += c.toString();
      });
      res.on('end', () =>
        reject(
          Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { status: res.statusCode, body }),
        ),
      );
    });
    ws.once('error', reject);
    ws.on('ping', () => frames.push({ kind: 'ping', at: performance.now() }));
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const at = performance.now();
      if (isBinary) {
        const tag = data[0];
        if (tag === 1 || tag === 2)
          frames.push({ kind: tag === 1 ? 'stdout' : 'stderr', data: data.subarray(1), at });
        return;
      }
      const text = data.toString('utf8');
      try {
        const msg = JSON.parse(text) as { type?: string; exit_code?: unknown };
        if (msg.type === 'exit') {
          frames.push({ kind: 'exit', exitCode: typeof msg.exit_code === 'number' ? msg.exit_code : -1, at });
          return;
        }
      } catch {}
      frames.push({ kind: 'text', text, at });
    });
    ws.once('open', () => {
      ws.off('error', reject);
      ws.on('error', () => {});
      const done = new Promise<AttachResult>((res) => {
        const timer = setTimeout(() => {
          ws.terminate();
          res(summarise(frames, null, t0));
        }, opts.timeoutMs ?? 60_000);
        ws.once('close', (code) => {
          clearTimeout(timer);
          res(summarise(frames, code, t0));
        });
      });
      resolve({
        ws,
        frames,
        done,
        sendStdin: (d) => ws.send(typeof d === 'string' ? Buffer.from(d) : d, { binary: true }),
        sendEof: () => ws.send(JSON.stringify({ type: 'stdin_eof' })),
        drop: () => ws.terminate(),
      });
    });
  });
}
