/**
 * The internal hop to the runner (CONTRACT.md). Every call is time-bounded; a runner that is
 * down or silent becomes 503 upstream_unavailable, never a 500 or a hang. Runner answers
 * (including its own error envelopes, e.g. 503 engine_unavailable) are passed through.
 */
import type { Readable } from 'node:stream';
import { Agent, type Dispatcher, request } from 'undici';
import { SCOPE_HEADER, scopeForRunner } from '../shared/mutant-switch.ts';
import { ApiError } from './errors.ts';

export interface RunnerReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** Parsed JSON body, or null when it is not JSON. */
  json: unknown;
}

export interface StreamReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Readable;
}

export const TIMEOUTS = {
  /** Create may pull an image and start a container. */
  lifecycle: 120_000,
  control: 15_000,
  /** Between body chunks of a file transfer. */
  stream: 120_000,
} as const;

export class RunnerClient {
  readonly baseUrl: string;
  private readonly token: string;
  private readonly agent: Agent;

  constructor(baseUrl: string, token: string) {
    this.baseUrl = baseUrl;
    this.token = token;
    this.agent = new Agent({ connect: { timeout: 2000 }, keepAliveTimeout: 4000 });
  }

  get authHeader(): string {
    return `Bearer ${this.token}`;
  }

  async call(
    method: Dispatcher.HttpMethod,
    path: string,
    opts: { json?: unknown; timeoutMs?: number } = {},
  ): Promise<RunnerReply> {
    const timeout = opts.timeoutMs ?? TIMEOUTS.control;
    const headers: Record<string, string> = { authorization: this.authHeader, ...scopeHeader() };
    let body: string | undefined;
    if (opts.json !== undefined) {
      body = JSON.stringify(opts.json);
      headers['content-type'] = 'application/json';
    }
    try {
      const res = await request(`${this.baseUrl}${path}`, {
        method,
        headers,
        body,
        dispatcher: this.agent,
        headersTimeout: timeout,
        bodyTimeout: timeout,
        signal: AbortSignal.timeout(timeout + 1000),
      });
      const buf = Buffer.from(await res.body.arrayBuffer());
      let json: unknown = null;
      if (buf.length) {
        try {
          json = JSON.parse(buf.toString('utf8'));
        } catch {
          json = null;
        }
      }
      return { status: res.statusCode, headers: res.headers, body: buf, json };
    } catch (err) {
      throw unreachable(this.baseUrl, err);
    }
  }

  /** Streams a request body through and hands back the streaming response (files, metrics, exec). */
  async stream(
    method: Dispatcher.HttpMethod,
    path: string,
    headers: Record<string, string>,
    body: Readable | null,
    timeoutMs: number,
  ): Promise<StreamReply> {
    try {
      const res = await request(`${this.baseUrl}${path}`, {
        method,
        headers: { ...headers, authorization: this.authHeader, ...scopeHeader() },
        body: body ?? undefined,
        dispatcher: this.agent,
        headersTimeout: timeoutMs,
        bodyTimeout: TIMEOUTS.stream,
      });
      return { status: res.statusCode, headers: res.headers, body: res.body };
    } catch (err) {
      throw unreachable(this.baseUrl, err);
    }
  }

  async close(): Promise<void> {
    await this.agent.close().catch(() => {});
  }
}

/** The route this call serves, for the runner's coverage (tools/mutation). */
export function scopeHeader(): Record<string, string> {
  const scope = scopeForRunner();
  return scope ? { [SCOPE_HEADER]: scope } : {};
}

function unreachable(base: string, err: unknown): ApiError {
  const e = err as { code?: string; name?: string; message?: string };
  const why = e.code ?? e.name ?? 'error';
  return new ApiError(
    'upstream_unavailable',
    `runner at ${base} is unavailable (${why}: ${e.message ?? ''})`.trim(),
  );
}
