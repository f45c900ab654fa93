/** One admin request: JSON in, JSON out, and a one-line AdminError for anything but 2xx. */
import { call, type RestResponse } from '../rest/http.ts';
import { AdminError } from './types.ts';

export interface AdminCall {
  method: string;
  /** Path under the API base (`/v1/me`, `/_sim/orgs`, `/admin/organizations/…`). */
  path: string;
  key: string;
  body?: unknown;
  /** Extra statuses that are not errors (e.g. 404 the caller handles). */
  accept?: number[];
}

export function describe(c: AdminCall, res: RestResponse): string {
  const nest = (res.json as { message?: unknown } | null)?.message;
  const why = res.envelope
    ? `${res.envelope.code}: ${res.envelope.message}`
    : typeof nest === 'string'
      ? nest
      : res.text.slice(0, 300);
  return `${c.method} ${c.path} → HTTP ${res.status} ${why}`.trim();
}

export async function adminCall<T = unknown>(apiUrl: string, c: AdminCall): Promise<RestResponse<T>> {
  const res = await call<T>({ apiUrl, apiKey: c.key, pathPrefix: '' }, c.method, `${apiUrl}${c.path}`, {
    ...(c.body !== undefined ? { body: c.body } : {}),
    timeoutMs: 30_000,
  });
  if (res.status >= 300 && !(c.accept ?? []).includes(res.status)) throw new AdminError(describe(c, res));
  return res;
}

/**
 * Nest's answer for a route the app does not have (its router's NotFoundException, "Cannot GET
 * /api/x"), as opposed to a 404 for a missing resource: the route is absent in this version.
 */
export function routeMissing(res: RestResponse): boolean {
  const message = (res.json as { message?: unknown } | null)?.message;
  return res.status === 404 && typeof message === 'string' && /^Cannot [A-Z]+ \//.test(message);
}
