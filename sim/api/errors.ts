/**
 * Public error envelope `{"error":{"message","type","code"}}` with STRING codes (protocol §6).
 * The SDK dispatches on `code`, so every error we emit must use one of the canonical kinds.
 */
export const ERROR_KINDS = {
  invalid_argument: { status: 400, type: 'InvalidArgumentError' },
  unsupported: { status: 400, type: 'UnsupportedError' },
  unauthenticated: { status: 401, type: 'UnauthorizedError' },
  permission_denied: { status: 403, type: 'AuthError' },
  not_found: { status: 404, type: 'NotFoundError' },
  already_exists: { status: 409, type: 'AlreadyExistsError' },
  invalid_state: { status: 409, type: 'InvalidStateError' },
  stopped: { status: 409, type: 'StoppedError' },
  image_pull_failed: { status: 422, type: 'ImageError' },
  execution_failed: { status: 422, type: 'ExecutionError' },
  resource_exhausted: { status: 429, type: 'ResourceExhaustedError' },
  internal: { status: 500, type: 'InternalError' },
  database_error: { status: 500, type: 'DatabaseError' },
  upstream_unavailable: { status: 503, type: 'UpstreamUnavailableError' },
  engine_unavailable: { status: 503, type: 'EngineError' },
  timeout: { status: 504, type: 'TimeoutError' },
} as const;
export type ErrorCode = keyof typeof ERROR_KINDS;

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  constructor(code: ErrorCode, message: string, status?: number) {
    super(message);
    this.code = code;
    this.status = status ?? ERROR_KINDS[code].status;
  }
}

export function envelope(
  code: ErrorCode,
  message: string,
): { error: { message: string; type: string; code: string } } {
  return { error: { message, type: ERROR_KINDS[code].type, code } };
}

/** Shorthands for the errors handlers raise most. */
export const notFound = (what: string) => new ApiError('not_found', `${what} not found`);
export const invalid = (message: string) => new ApiError('invalid_argument', message);
export const busy = () => new ApiError('invalid_state', 'state change in progress; retry shortly');

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
