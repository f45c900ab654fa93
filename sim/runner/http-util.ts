/**
 * Small HTTP helpers: JSON/error replies, bounded body reads (buffered or chunked — Node
 * de-chunks transparently), bearer auth, and raw-socket refusals for WebSocket upgrades.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { ApiError, badRequest } from './errors.ts';

export const JSON_LIMIT = 1 << 20;
export const TAR_LIMIT = 512 << 20;

export { sendError, sendJson } from '../shared/envelope.ts';

export function sendEmpty(res: ServerResponse, status = 204): void {
  res.writeHead(status);
  res.end();
}

export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > limit) throw badRequest(`request body exceeds ${limit} bytes`);
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Empty body → {} so body-less POSTs work; invalid JSON → 400. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const buf = await readBody(req, JSON_LIMIT);
  if (buf.length === 0) return {};
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch {
    throw badRequest('body is not valid JSON');
  }
}

export function authorized(req: IncomingMessage, token: string): boolean {
  const h = req.headers.authorization;
  if (typeof h !== 'string' || !h.startsWith('Bearer ')) return false;
  const given = Buffer.from(h.slice('Bearer '.length));
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

export const unauthenticated = (): ApiError =>
  new ApiError('unauthenticated', 'missing or invalid bearer token');

/** Answers an upgrade request with a plain HTTP error (the client reads status + body, protocol §6.4). */
export function refuseUpgrade(socket: Duplex, err: ApiError): void {
  const body = JSON.stringify(err.envelope());
  const reason = {
    400: 'Bad Request',
    401: 'Unauthorized',
    404: 'Not Found',
    409: 'Conflict',
    503: 'Service Unavailable',
  }[err.status];
  socket.end(
    `HTTP/1.1 ${err.status} ${reason ?? 'Error'}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
