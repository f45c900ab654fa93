/**
 * Checks a remote stack before any case runs, so a wrong URL, key or prefix is one line
 * naming the setting and what was tried — exit 2 (the configuration is wrong) or 3 (nothing
 * answers) — instead of a vitest stack trace and "No test files found".
 */
import { request } from 'undici';
import { UnreachableError, UsageError } from '../../kernel/errors.ts';
import type { RemoteConfig } from './remote-config.ts';

interface Reply {
  status: number;
  json: unknown;
}

async function get(url: string, apiKey: string | null): Promise<Reply> {
  let res: Awaited<ReturnType<typeof request>>;
  try {
    res = await request(url, {
      headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
    });
  } catch (err) {
    const e = err as Error & { code?: string };
    throw new UnreachableError(`GET ${url} failed: ${e.code ?? e.message}`);
  }
  const text = await res.body.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: res.statusCode, json };
}

const said = (r: Reply) => {
  const m = (r.json as { error?: { message?: unknown } } | null)?.error?.message;
  return typeof m === 'string' ? `: ${m}` : '';
};

/** Where each setting came from, for the message. */
function labels(remote: RemoteConfig) {
  const fromEnv = remote.origin === 'BOXLITE_E2E_URL';
  return {
    url: fromEnv ? `BOXLITE_E2E_URL=${remote.url}` : `${remote.origin}: url ${remote.url}`,
    key: fromEnv ? 'BOXLITE_E2E_API_KEY' : `the API key (BOXLITE_E2E_API_KEY or ${remote.origin})`,
    prefix: `BOXLITE_E2E_PREFIX=${JSON.stringify(remote.pathPrefix)}`,
  };
}

/** The capability route, the caller's identity, then the prefix; returns the prefix to use. */
export async function checkRemote(remote: RemoteConfig): Promise<string> {
  const l = labels(remote);
  const configUrl = `${remote.url}/v1/config`;
  const config = await get(configUrl, null).catch((err: Error) => {
    throw new UnreachableError(`${l.url}: the API does not answer (${err.message})`);
  });
  if (config.status !== 200 || typeof config.json !== 'object' || config.json === null) {
    throw new UsageError(
      `${l.url} is not a BoxLite API: GET ${configUrl} answered HTTP ${config.status}${config.json ? '' : ' without JSON'} (a BoxLite API answers it with JSON: the cloud API and the sim under /api, boxlite serve at its root)`,
    );
  }
  const me = await get(`${remote.url}/v1/me`, remote.apiKey);
  if (me.status === 401 || me.status === 403) {
    throw new UsageError(
      `${l.key} is rejected by ${remote.url}: GET /v1/me answered HTTP ${me.status}${said(me)}`,
    );
  }
  if (me.status !== 200) throw new UsageError(`${l.url}: GET /v1/me answered HTTP ${me.status}${said(me)}`);
  if (remote.pathPrefix === null) {
    const found = (me.json as { path_prefix?: unknown; prefix?: unknown }) ?? {};
    const prefix = found.path_prefix ?? found.prefix ?? '';
    return typeof prefix === 'string' ? prefix : '';
  }
  const segment = remote.pathPrefix ? `/${remote.pathPrefix}` : '';
  const boxes = await get(`${remote.url}/v1${segment}/boxes`, remote.apiKey);
  if (boxes.status !== 200) {
    throw new UsageError(
      `${l.prefix} does not work on ${remote.url}: GET /v1${segment}/boxes answered HTTP ${boxes.status}${said(boxes)} (unset it to take the prefix from GET /v1/me)`,
    );
  }
  return remote.pathPrefix;
}
