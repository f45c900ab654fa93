/**
 * Raw REST contract of the sim API with the runner DOWN: everything the API answers on its
 * own (auth, routing, validation, quotas, images, typed 503s), plus logging and CLI input.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { req, upgradeStatus } from '../testkit/client.ts';
import { TEST_DB } from '../testkit/processes.ts';
import { useSim } from '../testkit/suites.ts';

const IMAGE = 'boxlite-e2e/busybox:1';
const suite = useSim({ runner: 'dead' });

const prefix = () => `t-${randomBytes(4).toString('hex')}`;
async function newOrg(quotas: Record<string, number> = {}, path_prefix = prefix()) {
  const r = await req(suite.sim, 'POST', '/_sim/orgs', { body: { path_prefix, quotas } });
  expect(r.status, r.text).toBe(201);
  return { key: r.json.api_key as string, prefix: r.json.path_prefix as string };
}

describe('public routes and auth', () => {
  it('serves health and config without auth; config advertises only what the sim implements', async () => {
    expect((await req(suite.sim, 'GET', '/health', { auth: false })).json).toMatchObject({ status: 'ok' });
    const c = await req(suite.sim, 'GET', '/v1/config', { auth: false });
    expect(c.json.capabilities).toEqual({
      snapshots_enabled: true,
      clone_enabled: true,
      export_enabled: true,
      import_enabled: true,
      linux_capabilities_enabled: true,
      exec_user_enabled: true,
      private_tunnels_enabled: false,
    });
  });

  it.each([
    ['missing', null],
    ['unknown hex', 'ab'.repeat(24)],
    ['junk', 'not a key!'],
  ])('answers 401 unauthenticated for a %s key on HTTP', async (_what, key) => {
    for (const path of ['/v1/me', '/v1/default/boxes']) {
      const r = await req(suite.sim, 'GET', path, { auth: key ?? false });
      expect(r.status).toBe(401);
      expect(r.json.error).toMatchObject({ code: 'unauthenticated', type: 'UnauthorizedError' });
    }
  });

  it('answers 401 at the WebSocket upgrade for missing and bad keys', async () => {
    expect(await upgradeStatus(suite.sim, 'x', 'y', false)).toBe(401);
    expect(await upgradeStatus(suite.sim, 'x', 'y', 'cd'.repeat(24))).toBe(401);
    expect(await upgradeStatus(suite.sim, 'x', 'y')).toBe(404);
  });

  it('describes the principal on /v1/me', async () => {
    const r = await req(suite.sim, 'GET', '/v1/me');
    expect(r.json).toMatchObject({
      principal_type: 'service_account',
      prefix: 'default',
      path_prefix: 'default',
    });
    expect(typeof r.json.sub).toBe('string');
    expect(Array.isArray(r.json.scopes)).toBe(true);
  });

  it('stores keys hashed, never in plaintext', async () => {
    const { key } = await newOrg();
    const c = new pg.Client({ ...suite.sim.stack.pg, database: TEST_DB });
    await c.connect();
    try {
      const r = await c.query('SELECT key_sha256 FROM api_keys');
      const dump = JSON.stringify(r.rows);
      expect(dump).not.toContain(key);
      expect(dump).not.toContain(suite.sim.adminKey);
    } finally {
      await c.end();
    }
  });

  it('keeps tenants apart: another namespace (an org or none) is 403 permission_denied', async () => {
    const { key } = await newOrg();
    for (const path of ['/v1/default/boxes', '/v1/no-such-org/boxes', '/v1/us-east/team-9/boxes/abc/exec']) {
      const method = path.endsWith('/exec') ? 'POST' : 'GET';
      const r = await req(suite.sim, method, path, { auth: key, body: method === 'POST' ? {} : undefined });
      expect([path, r.status, r.json?.error?.code]).toEqual([path, 403, 'permission_denied']);
    }
    // A path that is no tenant route under any namespace stays 404.
    expect((await req(suite.sim, 'GET', '/v1/default/nothing-here', { auth: key })).status).toBe(404);
  });

  it('prefix-less tenant paths are the canonical form: the org comes from the key', async () => {
    const { key, prefix: p } = await newOrg();
    expect((await req(suite.sim, 'GET', '/v1/boxes', { auth: key })).json).toEqual({ boxes: [] });
    const bare = await req(suite.sim, 'GET', '/v1/boxes/nope00000000', { auth: key });
    const own = await req(suite.sim, 'GET', `/v1/${p}/boxes/nope00000000`, { auth: key });
    expect([bare.status, bare.json.error.code]).toEqual([404, 'not_found']);
    expect(bare.json).toEqual(own.json);
    // The same route table: a wrong verb is 405 either way.
    expect((await req(suite.sim, 'PUT', '/v1/boxes', { auth: key })).status).toBe(405);
  });

  it('supports multi-segment prefixes', async () => {
    const p = `${prefix()}/team-42`;
    const { key } = await newOrg({}, p);
    const r = await req(suite.sim, 'GET', `/v1/${p}/boxes`, { auth: key });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ boxes: [] });
  });

  it('refuses the sim admin route to non-admin keys', async () => {
    const { key } = await newOrg();
    const r = await req(suite.sim, 'POST', '/_sim/orgs', { auth: key, body: { path_prefix: prefix() } });
    expect(r.status).toBe(403);
    expect(r.json.error.code).toBe('permission_denied');
  });
});

describe('errors with string codes', () => {
  it('invalid JSON is 400 invalid_argument', async () => {
    const r = await req(suite.sim, 'POST', '/v1/default/boxes', { raw: '{"image":' });
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe('invalid_argument');
  });

  it('unknown box is 404 not_found on get, remove, start, exec', async () => {
    for (const [m, p] of [
      ['GET', '/boxes/00000000-0000-0000-0000-000000000000'],
      ['DELETE', '/boxes/ZZZZZZZZZZZZ'],
      ['POST', '/boxes/ZZZZZZZZZZZZ/start'],
      ['POST', '/boxes/ZZZZZZZZZZZZ/exec'],
    ] as const) {
      const r = await req(suite.sim, m, `/v1/default${p}`, m === 'POST' ? { body: { command: 'true' } } : {});
      expect(r.status, `${m} ${p}`).toBe(404);
      expect(r.json.error).toMatchObject({ code: 'not_found', type: 'NotFoundError' });
      expect(r.text).toContain('not');
    }
  });

  it.each([
    [{ image: IMAGE, cpus: 0 }, 400],
    [{ image: IMAGE, memory_mib: -1 }, 400],
    [{ image: IMAGE, cpus: 999 }, 400],
    [{ image: IMAGE, volumes: [{ host_path: '/etc', guest_path: '/mnt' }] }, 400],
    [{ image: IMAGE, cpus: 9 }, 429],
    [{ image: IMAGE, memory_mib: 8_192_000_000 }, 429],
    [{ image: IMAGE, disk_size_gb: 99_999_999 }, 429],
  ])('create %j → %i with no leaked box', async (body, status) => {
    const r = await req(suite.sim, 'POST', '/v1/default/boxes', { body });
    expect(r.status).toBe(status);
    expect(r.json.error.code).toBe(
      status === 429 ? 'resource_exhausted' : 'volumes' in body ? 'unsupported' : 'invalid_argument',
    );
    expect(r.json.box_id).toBeUndefined();
    if ('cpus' in body) expect(r.text).toMatch(/cpu/);
  });

  it('enforces org totals with 429 resource_exhausted', async () => {
    const { key, prefix: p } = await newOrg({ max_total_cpus: 2, max_boxes: 5 });
    const r = await req(suite.sim, 'POST', `/v1/${p}/boxes`, { auth: key, body: { image: IMAGE, cpus: 3 } });
    expect(r.status).toBe(429);
    expect(r.json.error.code).toBe('resource_exhausted');
    const none = await newOrg({ max_boxes: 0 });
    const r2 = await req(suite.sim, 'POST', `/v1/${none.prefix}/boxes`, {
      auth: none.key,
      body: { image: IMAGE },
    });
    expect(r2.status).toBe(429);
  });

  it('an image missing from the registry is 422 image_pull_failed naming it', async () => {
    const r = await req(suite.sim, 'POST', '/v1/default/boxes', { body: { image: 'no-such/image:404' } });
    expect(r.status).toBe(422);
    expect(r.json.error.code).toBe('image_pull_failed');
    expect(r.json.error.message).toContain('no-such/image:404');
  });

  it('a dead runner is 503 upstream_unavailable (never 500, never a hang) and leaks no box', async () => {
    const t0 = Date.now();
    const r = await req(suite.sim, 'POST', '/v1/default/boxes', {
      body: { image: IMAGE, name: `dead-${prefix()}` },
    });
    expect(r.status).toBe(503);
    expect(r.json.error.code).toBe('upstream_unavailable');
    expect(Date.now() - t0).toBeLessThan(10_000);
    const list = await req(suite.sim, 'GET', '/v1/default/boxes');
    expect(list.json.boxes.filter((b: { name: string }) => b.name?.startsWith('dead-'))).toEqual([]);
  });

  it('volumes are routed to the runner (here unreachable: 503), tunnels need a box, wrong verbs 405', async () => {
    // This suite runs no runner: a served route says so, where an unserved one said `unsupported`.
    const r = await req(suite.sim, 'GET', '/v1/default/volumes');
    expect(r.status, r.text).toBe(503);
    expect(r.json.error.code).toBe('upstream_unavailable');
    const t = await req(suite.sim, 'POST', '/v1/default/boxes/TUNNELnobox1/network/tunnel', {
      body: { isPublic: false },
    });
    expect(t.status).toBe(404);
    expect((await req(suite.sim, 'PUT', '/v1/default/boxes')).status).toBe(405);
  });
});

describe('logging and CLI', () => {
  it('writes one JSON access-log line per request, with box ids and no keys', async () => {
    await req(suite.sim, 'GET', '/v1/default/boxes/ABCDEFabcdef');
    await new Promise((r) => setTimeout(r, 100));
    const text = await readFile(suite.sim.accessLog, 'utf8');
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.find((l) => l.box_id === 'ABCDEFabcdef')).toMatchObject({
      method: 'GET',
      status: 404,
      path: '/api/v1/default/boxes/ABCDEFabcdef',
    });
    for (const l of lines)
      expect(Object.keys(l).sort()).toEqual(expect.arrayContaining(['ts', 'method', 'path', 'status', 'ms']));
    expect(text).not.toContain(suite.sim.adminKey);
  });

  it('rejects bad input with one line and exit code 2', () => {
    const main = fileURLToPath(new URL('./main.ts', import.meta.url));
    for (const args of [
      [],
      ['--port', 'x', '--stack', 's', '--runner-url', 'http://x', '--access-log', 'l'],
      ['--port', '1', '--stack', '/nonexistent.json', '--runner-url', 'http://x:1', '--access-log', '/tmp/l'],
      ['--bogus'],
    ]) {
      const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', timeout: 20_000 });
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    const r = spawnSync(
      process.execPath,
      [
        main,
        '--port',
        '1',
        '--stack',
        suite.sim.stack.stackFile,
        '--runner-url',
        'http://x:1',
        '--access-log',
        '/tmp/l',
        '--bugs',
        'nope',
      ],
      {
        encoding: 'utf8',
        timeout: 20_000,
      },
    );
    expect(r.status).toBe(2);
  });
});
