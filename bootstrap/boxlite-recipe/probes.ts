/**
 * The recipe's health probes, the same against the real stack and a fake checkout:
 *   API      GET {api}/health → 200 (upstream polls it 45 × 2 s after `systemctl restart`)
 *   runner   GET http://127.0.0.1:{API_PORT}/ → 200 (pkg/api/server.go's public health route)
 *   register GET {api}/admin/runners with the admin key lists DEFAULT_RUNNER_NAME in state
 *            `ready` (admin runner controller; the v2 pull model: the runner's
 *            POST /runners/healthcheck flips its row to READY). GET {api}/runners is org-scoped.
 *   smoke    GET {api}/v1/me with the admin key → 200 with "sub"; `path_prefix` read from it
 */
import { request } from 'undici';
import { SetupError } from '../../kernel/errors.ts';

async function get(url: string, key?: string): Promise<{ status: number; text: string }> {
  const res = await request(url, {
    headers: key ? { authorization: `Bearer ${key}` } : {},
    headersTimeout: 3000,
    bodyTimeout: 3000,
  });
  return { status: res.statusCode, text: await res.body.text() };
}

export async function probeApiHealth(apiUrl: string): Promise<string> {
  const r = await get(`${apiUrl}/health`);
  if (r.status !== 200) throw new Error(`GET ${apiUrl}/health answered ${r.status}`);
  return 'ok';
}

export async function probeRunnerRoot(runnerUrl: string): Promise<string> {
  const r = await get(`${runnerUrl}/`);
  if (r.status !== 200) throw new Error(`GET ${runnerUrl}/ answered ${r.status}`);
  return 'ok';
}

export async function probeRunnerRegistered(apiUrl: string, adminKey: string, name: string): Promise<string> {
  const r = await get(`${apiUrl}/admin/runners`, adminKey);
  if (r.status !== 200) throw new Error(`GET ${apiUrl}/admin/runners answered ${r.status}`);
  const list = JSON.parse(r.text) as { name?: string; state?: string }[] | { items?: unknown };
  const rows = Array.isArray(list) ? list : ((list.items as { name?: string; state?: string }[]) ?? []);
  const row = rows.find((x) => x.name === name);
  if (!row) throw new Error(`runner "${name}" has not registered yet`);
  if (String(row.state).toLowerCase() !== 'ready') throw new Error(`runner "${name}" is ${row.state}`);
  return 'ready';
}

export interface MeSmoke {
  sub: string;
  pathPrefix: string;
}

/** Upstream's `/v1/me` smoke, with its 401 hint (secrets dropped while the DB kept the old hash). */
export async function smokeMe(apiUrl: string, adminKey: string): Promise<MeSmoke> {
  const r = await get(`${apiUrl}/v1/me`, adminKey).catch((err: Error) => {
    throw new SetupError(`GET ${apiUrl}/v1/me failed: ${err.message}`);
  });
  if (r.status === 401)
    throw new SetupError(
      `GET ${apiUrl}/v1/me answered 401: the database holds another admin key (secrets dropped, data kept?); run \`pnpm e2e:teardown --wipe-data\` and set up again`,
    );
  const body = r.status === 200 ? (JSON.parse(r.text) as { sub?: unknown; path_prefix?: unknown }) : {};
  if (r.status !== 200 || typeof body.sub !== 'string')
    throw new SetupError(`GET ${apiUrl}/v1/me answered ${r.status} without "sub": ${r.text.slice(0, 200)}`);
  return { sub: body.sub, pathPrefix: typeof body.path_prefix === 'string' ? body.path_prefix : '' };
}
