/** Request/response helpers and the shared handler types. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BugId } from '../bugs.ts';
import type { ApiConfig } from './config.ts';
import type { Db } from './db.ts';
import { ApiError } from './errors.ts';
import type { BoxLocks } from './locks.ts';
import type { RunnerClient, RunnerReply } from './runner-client.ts';
import type { Principal } from './store.ts';

export interface App {
  cfg: ApiConfig;
  db: Db;
  locks: BoxLocks;
  runner: RunnerClient;
  bugs: ReadonlySet<BugId>;
}

export interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Record<string, string>;
  /** Set for every route but the public ones. */
  principal: Principal;
  /** Resolved box id for the access log. */
  boxId?: string;
}

export type Handler = (ctx: Ctx, app: App) => Promise<void>;

/**
 * The cloud API stamps every answer with its version (apps/api/src/common/middleware/
 * version-header.middleware.ts:21, applied to every route at app.module.ts:226; the version
 * defaults to '0.0.0-dev', config/configuration.ts:204): upstream's path check reads it as
 * proof a request went through the API layer.
 */
export const API_VERSION_HEADER = 'X-BoxLite-Api-Version';
export const SIM_API_VERSION = 'sim-api/1';

export { sendError, sendJson } from '../shared/envelope.ts';

export function sendNoContent(res: ServerResponse): void {
  res.writeHead(204);
  res.end();
}

/** Relays a buffered runner answer verbatim (status, content-type, body). */
export function sendReply(res: ServerResponse, reply: RunnerReply): void {
  const ct = reply.headers['content-type'];
  const headers: Record<string, string | number> = { 'content-length': reply.body.length };
  if (typeof ct === 'string') headers['content-type'] = ct;
  res.writeHead(reply.status, headers);
  res.end(reply.body);
}

const MAX_JSON = 1 << 20;

/** Reads a JSON body; an empty body reads as `undefined`, malformed JSON is 400. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_JSON) throw new ApiError('invalid_argument', 'request body exceeds 1 MiB');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ApiError('invalid_argument', `invalid JSON body: ${(err as Error).message}`);
  }
}
