import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRemote } from './remote-check.ts';
import type { RemoteConfig } from './remote-config.ts';

const E2E = fileURLToPath(new URL('../commands/e2e.ts', import.meta.url));

/** A tiny BoxLite-shaped API: key "good", prefix "team" (or none at /v1/boxes). */
let server: Server;
let base = '';
beforeAll(async () => {
  server = createServer((req, res) => {
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.url === '/v1/config') return json(200, { capabilities: {} });
    if (!['/v1/me', '/v1/team/boxes', '/v1/nope/boxes'].includes(req.url ?? ''))
      return res.writeHead(404).end();
    if (req.headers.authorization !== 'Bearer good')
      return json(401, { error: { message: 'invalid api key', type: 'AuthError', code: 'unauthenticated' } });
    if (req.url === '/v1/me') return json(200, { prefix: 'team' });
    if (req.url === '/v1/team/boxes') return json(200, { boxes: [] });
    return json(404, { error: { message: 'no such prefix', type: 'NotFoundError', code: 'not_found' } });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const remote = (o: Partial<RemoteConfig>): RemoteConfig => ({
  url: base,
  apiKey: 'good',
  pathPrefix: null,
  image: null,
  smallImage: null,
  origin: 'BOXLITE_E2E_URL',
  ...o,
});

/** `pnpm e2e` itself: stderr and exit code. */
function e2e(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [E2E], { env: { PATH: '/usr/bin:/bin', ...env } }, (err, _out, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr }),
    );
  });
}

describe('remote stack check', () => {
  it('a good URL and key: the prefix comes from /v1/me, or an explicit one is verified', async () => {
    expect(await checkRemote(remote({}))).toBe('team');
    expect(await checkRemote(remote({ pathPrefix: 'team' }))).toBe('team');
  });

  it('a URL that is not a BoxLite API names the variable and the request', async () => {
    await expect(checkRemote(remote({ url: `${base}/api` }))).rejects.toThrow(
      `BOXLITE_E2E_URL=${base}/api is not a BoxLite API: GET ${base}/api/v1/config answered HTTP 404 without JSON`,
    );
  });

  it('a rejected key names the variable and the server message; exit 2', async () => {
    const err = (await checkRemote(remote({ apiKey: 'bad' })).catch((e: unknown) => e)) as Error;
    expect(err.message).toBe(
      `BOXLITE_E2E_API_KEY is rejected by ${base}: GET /v1/me answered HTTP 401: invalid api key`,
    );
    expect((err as { exitCode?: number }).exitCode).toBe(2);
  });

  it('a wrong prefix names it and what was tried', async () => {
    await expect(checkRemote(remote({ pathPrefix: 'nope' }))).rejects.toThrow(
      /^BOXLITE_E2E_PREFIX="nope" does not work on .*: GET \/v1\/nope\/boxes answered HTTP 404/,
    );
  });

  it('`pnpm e2e` with a bad key: one line, exit 2, no trace, no vitest', async () => {
    const r = await e2e({ BOXLITE_E2E_URL: base, BOXLITE_E2E_API_KEY: 'bad' });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `e2e: BOXLITE_E2E_API_KEY is rejected by ${base}: GET /v1/me answered HTTP 401: invalid api key\n`,
    );
  });

  it('`pnpm e2e` against a port where nothing listens: one line, exit 3', async () => {
    const r = await e2e({ BOXLITE_E2E_URL: 'http://127.0.0.1:9', BOXLITE_E2E_API_KEY: 'k' });
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(
      'e2e: BOXLITE_E2E_URL=http://127.0.0.1:9: the API does not answer (GET http://127.0.0.1:9/v1/config failed: ECONNREFUSED)\n',
    );
  });
});
