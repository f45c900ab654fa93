/** The runner's error policy on top of the shared envelope (sim/shared/envelope.ts). */

import { ApiError } from '../shared/envelope.ts';

export { ApiError, type ErrorCode } from '../shared/envelope.ts';

export const badRequest = (msg: string): ApiError => new ApiError('invalid_argument', msg);
export const notFound = (msg: string): ApiError => new ApiError('not_found', msg);

/** Anything that is not already an ApiError becomes a 500 `internal` with its message. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  return new ApiError('internal', msg);
}
