/**
 * Bearer-key authentication, shared by HTTP routes and the WS upgrade. Keys are looked up by
 * sha256 only; the plaintext never reaches the database or any log.
 */
import type { IncomingMessage } from 'node:http';
import type { BugId } from '../bugs.ts';
import type { Db } from './db.ts';
import { ApiError } from './errors.ts';
import { findPrincipal, type Principal, touchKey } from './store.ts';

/** Keys the sim mints (and ADMIN_API_KEY) are hex; anything else is "malformed". */
const WELL_FORMED = /^[0-9a-fA-F]+$/;

export function bearerOf(req: IncomingMessage): string | null {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return null;
  const m = /^Bearer[ \t]+(.*)$/i.exec(h.trim());
  const token = m?.[1]?.trim();
  return token ? token : null;
}

export async function authenticate(
  req: IncomingMessage,
  db: Db,
  bugs: ReadonlySet<BugId>,
): Promise<Principal> {
  const token = bearerOf(req);
  if (!token) throw new ApiError('unauthenticated', 'missing bearer token (Authorization: Bearer <api key>)');
  if (!WELL_FORMED.test(token)) {
    // Bug bad-token-500: upstream's token decoder throws on junk and nobody maps it to 401.
    if (bugs.has('bad-token-500')) throw new ApiError('internal', 'failed to decode api key');
    throw new ApiError('unauthenticated', 'invalid api key');
  }
  const principal = await findPrincipal(db, token, bugs.has('stale-key-accepted'));
  if (!principal) throw new ApiError('unauthenticated', 'invalid api key');
  // The principal keeps the row as read, so `current` shows the previous use, as upstream's does.
  const last = principal.key.last_used_at;
  if (!last || Date.now() - last.getTime() >= 10_000) await touchKey(db, principal.keyId);
  return principal;
}
