/**
 * Raw REST driver: speaks the BoxLite wire protocol with undici and hands back everything a
 * contract case asserts on — status, raw body, parsed JSON and the error envelope — without
 * any SDK interpretation in between.
 */
import type { Readable } from 'node:stream';
import { request } from 'undici';

export interface RestTarget {
  apiUrl: string;
  apiKey: string;
  pathPrefix: string;
}

export interface ErrorEnvelope {
  message: string;
  type: string;
  code: string;
}

export interface RestResponse<T = unknown> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body's bytes (a tar download is not text). */
  body: Buffer;
  json: T | null;
  /** The `{"error":{...}}` envelope when the body is one (with a STRING code), else null. */
  envelope: ErrorEnvelope | null;
  ms: number;
}

export interface RestRequest {
  body?: unknown;
  /** Raw body (e.g. invalid JSON, a tar, or a stream sent chunked); wins over `body`. */
  raw?: string | Buffer | Readable;
  contentType?: string;
  /** false = no Authorization header; a string = that bearer instead of the key; {header} = that header as is. */
  auth?: RestAuth;
  query?: Record<string, string>;
  timeoutMs?: number;
}

export function parseEnvelope(json: unknown): ErrorEnvelope | null {
  const err = (json as { error?: unknown } | null)?.error;
  if (!err || typeof err !== 'object') return null;
  const { message, type, code } = err as Record<string, unknown>;
  if (typeof message !== 'string' || typeof type !== 'string' || typeof code !== 'string') return null;
  return { message, type, code };
}

/** Tenant-scoped path ("/boxes/x") → URL with the v1 + prefix segments, like the SDK builds it. */
export function tenantUrl(t: RestTarget, path: string): string {
  const prefix = t.pathPrefix ? `/${t.pathPrefix}` : '';
  return `${t.apiUrl}/v1${prefix}${path}`;
}

export function rootUrl(t: RestTarget, path: string): string {
  return `${t.apiUrl}/v1${path}`;
}

/** The API's own routes outside `/v1` (`/api/api-keys`): Nest controllers under the `api` prefix. */
export function appUrl(t: RestTarget, path: string): string {
  return `${t.apiUrl}${path}`;
}

export type RestAuth = false | string | { header: string };

export function authHeader(t: RestTarget, auth: RestAuth | undefined): Record<string, string> {
  if (auth === false) return {};
  if (typeof auth === 'object') return { authorization: auth.header };
  return { authorization: `Bearer ${typeof auth === 'string' ? auth : t.apiKey}` };
}

/** Every REST call is bounded; a case's deadline (testTimeout) is longer. */
export const DEFAULT_CALL_TIMEOUT_MS = 60_000;

/** A call that got no answer, named: `POST /api/v1/default/boxes/ab12/exec did not answer within 60 s`. */
export class CallError extends Error {
  override name = 'CallError';
  readonly code: string | undefined;

  constructor(message: string, code: string | undefined, cause: unknown) {
    super(message, { cause });
    this.code = code;
  }
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

function callError(method: string, u: URL, timeoutMs: number, err: unknown): CallError {
  const code = (err as { code?: string }).code;
  const what = `${method} ${u.pathname}`;
  if (code && TIMEOUT_CODES.has(code))
    return new CallError(`${what} did not answer within ${timeoutMs / 1000} s`, code, err);
  return new CallError(`${what}: ${(err as Error).message ?? String(err)}`, code, err);
}

export async function call<T = unknown>(
  t: RestTarget,
  method: string,
  url: string,
  opts: RestRequest = {},
): Promise<RestResponse<T>> {
  const u = new URL(url);
  for (const [k, v] of Object.entries(opts.query ?? {})) u.searchParams.set(k, v);
  const headers: Record<string, string> = { ...authHeader(t, opts.auth) };
  let body: string | Buffer | Readable | undefined;
  if (opts.raw !== undefined) {
    body = opts.raw;
    headers['content-type'] = opts.contentType ?? 'application/json';
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] = 'application/json';
  }
  const t0 = performance.now();
  const timeout = opts.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
  let res: Awaited<ReturnType<typeof request>>;
  let bytes: Buffer;
  try {
    res = await request(u, {
      method: method as 'GET',
      headers,
      body,
      headersTimeout: timeout,
      bodyTimeout: timeout,
    });
    bytes = Buffer.from(await res.body.arrayBuffer());
  } catch (err) {
    throw callError(method, u, timeout, err);
  }
  const text = bytes.toString('utf8');
  const ms = performance.now() - t0;
  let json: T | null = null;
  try {
    json = text ? (JSON.parse(text) as T) : null;
  } catch {
    json = null;
  }
  return {
    status: res.statusCode,
    headers: res.headers,
    text,
    body: bytes,
    json,
    envelope: parseEnvelope(json),
    ms,
  };
}
