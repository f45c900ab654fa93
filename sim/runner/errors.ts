/**
 * Error envelope of the public protocol (§6.1/§6.2): every refusal the runner sends is an
 * ApiError rendered as {"error":{"message","type","code"}} with a STRING code — the SDK
 * dispatches on `code`, and an integer code makes the envelope unparseable.
 */

export type ErrorCode =
  | 'invalid_argument'
  | 'unsupported'
  | 'unauthenticated'
  | 'not_found'
  | 'already_exists'
  | 'invalid_state'
  | 'stopped'
  | 'image_pull_failed'
  | 'execution_failed'
  | 'internal'
  | 'engine_unavailable'
  | 'timeout';

/** Canonical kind → (status, type) table from src/shared/src/errors.rs. */
const KINDS: Record<ErrorCode, { status: number; type: string }> = {
  invalid_argument: { status: 400, type: 'InvalidArgumentError' },
  unsupported: { status: 400, type: 'UnsupportedError' },
  unauthenticated: { status: 401, type: 'UnauthorizedError' },
  not_found: { status: 404, type: 'NotFoundError' },
  already_exists: { status: 409, type: 'AlreadyExistsError' },
  invalid_state: { status: 409, type: 'InvalidStateError' },
  stopped: { status: 409, type: 'StoppedError' },
  image_pull_failed: { status: 422, type: 'ImageError' },
  execution_failed: { status: 422, type: 'ExecutionError' },
  internal: { status: 500, type: 'InternalError' },
  engine_unavailable: { status: 503, type: 'EngineError' },
  timeout: { status: 504, type: 'TimeoutError' },
};

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly type: string;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = KINDS[code].status;
    this.type = KINDS[code].type;
  }

  envelope(): { error: { message: string; type: string; code: string } } {
    return { error: { message: this.message, type: this.type, code: this.code } };
  }
}

export const badRequest = (msg: string): ApiError => new ApiError('invalid_argument', msg);
export const notFound = (msg: string): ApiError => new ApiError('not_found', msg);

/** Anything that is not already an ApiError becomes a 500 `internal` with its message. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  return new ApiError('internal', msg);
}
