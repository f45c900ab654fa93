/**
 * The public error envelope `{"error":{"message","type","code"}}` with STRING codes
 * (protocol §6.1/§6.2), shared by the sim API and runner. The SDK dispatches on `code`, so
 * every refusal must be one of the canonical kinds; an integer code makes it unparseable.
 */
import type { ServerResponse } from 'node:http';

/** Canonical kind → (status, type), from src/shared/src/errors.rs. */
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
  storage_error: { status: 500, type: 'StorageError' },
  upstream_unavailable: { status: 503, type: 'UpstreamUnavailableError' },
  engine_unavailable: { status: 503, type: 'EngineError' },
  timeout: { status: 504, type: 'TimeoutError' },
} as const;
export type ErrorCode = keyof typeof ERROR_KINDS;

export interface Envelope {
  error: { message: string; type: string; code: string };
}

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly type: string;

  /** `status` overrides the canonical one only where a bug switch reproduces a wrong status. */
  constructor(code: ErrorCode, message: string, status?: number) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status ?? ERROR_KINDS[code].status;
    this.type = ERROR_KINDS[code].type;
  }

  envelope(): Envelope {
    return envelope(this.code, this.message);
  }
}

export function envelope(code: ErrorCode, message: string): Envelope {
  return { error: { message, type: ERROR_KINDS[code].type, code } };
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Error reply; once headers are out (a streamed body failed) the only honest signal is a reset. */
export function sendError(res: ServerResponse, err: ApiError): void {
  if (res.headersSent) {
    res.destroy(err);
    return;
  }
  sendJson(res, err.status, err.envelope());
}
