/** The API's error policy on top of the shared envelope (sim/shared/envelope.ts). */
import { ApiError } from '../shared/envelope.ts';

export { ApiError, ERROR_KINDS, type ErrorCode, envelope } from '../shared/envelope.ts';

/** Shorthands for the errors handlers raise most. */
export const notFound = (what: string) => new ApiError('not_found', `${what} not found`);
export const invalid = (message: string) => new ApiError('invalid_argument', message);
export const busy = () => new ApiError('invalid_state', 'state change in progress; retry shortly');
/** A key used under another organization's namespace (upstream: the org guard's 403). */
export const foreignNamespace = (prefix: string) =>
  new ApiError('permission_denied', `this key's organization has no access to namespace '${prefix}'`);

/** Unknown failures become typed errors: a dead database is 503, anything else 500. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const e = err as { code?: string; message?: string };
  const msg = e.message ?? String(err);
  const dbDown = ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P01', '57P03', '08006', '08001'].includes(
    e.code ?? '',
  );
  if (dbDown || /Connection terminated|timeout exceeded when trying to connect/i.test(msg)) {
    return new ApiError('upstream_unavailable', `database unavailable: ${msg}`);
  }
  process.stderr.write(`sim-api: internal error: ${err instanceof Error ? (err.stack ?? msg) : msg}\n`);
  return new ApiError('internal', `internal error: ${msg}`);
}
