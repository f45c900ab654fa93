/**
 * One prepared box tunnel (protocol §5.5): a listener on the API's host whose address is the
 * tunnel `uri`. The client sends `CONNECT <authority> HTTP/1.1` to it (BoxLite 0.11
 * `connect_box_network_tunnel`); we answer `200 Connection Established` and relay bytes both
 * ways to the guest port, half-close included. A refusal is a plain-text non-2xx reply, as
 * BoxLite's own proxy gives. The listener lives for `TUNNEL_TTL_MS`, serving any number of
 * CONNECTs; each one re-checks the box, so a stopped box serves nothing. A removed box's
 * listeners close with it (`closeTunnels`): nothing of a box outlives its removal.
 */
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';

const TUNNEL_TTL_MS = 10 * 60_000;
const HEAD_LIMIT = 16 * 1024;

export interface TunnelTarget {
  /** Where the guest port is reachable now, or why not (plain sentence + HTTP status). */
  resolve(): Promise<{ host: string; port: number } | { status: number; reason: string }>;
  /** Bug tunnel-half-close-drops-response: the client's half-close tears the relay down. */
  halfCloseDrops?: boolean;
}

function refuse(sock: Socket, status: number, reason: string): void {
  const text =
    { 404: 'Not Found', 409: 'Conflict', 502: 'Bad Gateway', 400: 'Bad Request' }[status] ?? 'Error';
  sock.end(
    `HTTP/1.1 ${status} ${text}\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(reason)}\r\nconnection: close\r\n\r\n${reason}`,
  );
}

function serve(sock: Socket, target: TunnelTarget): void {
  let head = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) {
      if (head.length > HEAD_LIMIT) refuse(sock, 400, 'CONNECT request head too large');
      return;
    }
    sock.off('data', onData);
    sock.pause();
    const rest = head.subarray(end + 4);
    if (!/^CONNECT \S+ HTTP\/1\.[01]\r\n/.test(head.toString('latin1'))) {
      refuse(sock, 400, 'expected an HTTP CONNECT request');
      return;
    }
    void target.resolve().then(
      (to) => {
        if ('status' in to) return refuse(sock, to.status, to.reason);
        const up = tcpConnect({ host: to.host, port: to.port, allowHalfOpen: true });
        let connected = false;
        up.once('error', (err) => {
          if (connected) sock.destroy();
          else refuse(sock, 502, `guest port ${to.port} is not reachable: ${err.message}`);
        });
        up.once('connect', () => {
          connected = true;
          sock.write('HTTP/1.1 200 Connection Established\r\n\r\n');
          if (rest.length) up.write(rest);
          sock.pipe(up);
          up.pipe(sock);
          if (target.halfCloseDrops)
            sock.once('end', () => {
              up.destroy();
              sock.destroy();
            });
          sock.resume();
        });
        sock.once('error', () => up.destroy());
      },
      (err: Error) => refuse(sock, 502, `tunnel target lookup failed: ${err.message}`),
    );
  };
  sock.on('data', onData);
  sock.on('error', () => sock.destroy());
}

/** Open listeners by box id, closed when the box is removed. */
const byBox = new Map<string, Set<Server>>();

/** Opens the listener for box `boxId`; resolves with its address (the tunnel uri). */
export async function openTunnel(
  target: TunnelTarget,
  bindHost: string,
  boxId: string,
): Promise<{ uri: string; server: Server }> {
  const server = createServer({ allowHalfOpen: true }, (sock) => serve(sock, target));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, bindHost, () => resolve());
  });
  server.unref();
  const mine = byBox.get(boxId) ?? new Set<Server>();
  byBox.set(boxId, mine.add(server));
  server.once('close', () => {
    mine.delete(server);
    if (mine.size === 0 && byBox.get(boxId) === mine) byBox.delete(boxId);
  });
  setTimeout(() => server.close(), TUNNEL_TTL_MS).unref();
  const addr = server.address();
  if (!addr || typeof addr === 'string') throw new Error('tunnel listener has no TCP address');
  return { uri: `http://${bindHost}:${addr.port}`, server };
}

/** Closes every listener of box `boxId` (it was removed). */
export function closeTunnels(boxId: string): void {
  for (const server of byBox.get(boxId) ?? []) server.close();
}
