/**
 * Request shapes of both admin implementations against a recording HTTP server: the real API's
 * admin routes (cited in real-api.ts), the sim's `/api/_sim` routes, the shared key routes,
 * and the one-line errors.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AdminError, type AdminOrg, openStackAdmin } from './index.ts';

interface Seen {
  method: string;
  path: string;
  auth: string | undefined;
  body: unknown;
}

type Reply = { status: number; json?: unknown };
let seen: Seen[] = [];
let replies: ((s: Seen) => Reply | undefined)[] = [];
let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => {
      raw += c.toString();
    });
    req.on('end', () => {
      const s: Seen = {
        method: req.method ?? '',
        path: req.url ?? '',
        auth: req.headers.authorization,
        body: raw ? JSON.parse(raw) : undefined,
      };
      seen.push(s);
      const r = replies.map((f) => f(s)).find(Boolean) ?? { status: 204 };
      res.writeHead(r.status, r.json !== undefined ? { 'content-type': 'application/json' } : {});
      res.end(r.json !== undefined ? JSON.stringify(r.json) : undefined);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  seen = [];
  replies = [];
});

const on = (method: string, path: string, reply: Reply) =>
  replies.push((s) => (s.method === method && s.path === path ? reply : undefined));

const org: AdminOrg = { id: 'org-1', name: 'b', pathPrefix: 'org-1', apiKey: 'orgkey', quotas: {} };

describe('real API admin', () => {
  const admin = () => openStackAdmin({ apiUrl: base, adminKey: 'adminkey', server: 'boxlite-api' });

  it('adminOrg: the key org from GET /v1/me, its totals from the admin quota route (GB → MiB)', async () => {
    on('GET', '/api/v1/me', { status: 200, json: { path_prefix: '6f1c-uuid' } });
    on('GET', '/api/admin/organizations/6f1c-uuid/quota', {
      status: 200,
      json: {
        totalCpuQuota: 32,
        totalMemoryQuota: 64,
        totalDiskQuota: 200,
        maxConcurrentBoxes: 50,
        customized: true,
      },
    });
    const o = await admin().adminOrg();
    expect(o).toEqual({
      id: '6f1c-uuid',
      name: 'admin',
      pathPrefix: '6f1c-uuid',
      apiKey: 'adminkey',
      quotas: { max_total_cpus: 32, max_total_memory_mib: 65536, max_boxes: 50 },
    });
    expect(seen.map((s) => [s.method, s.path, s.auth])).toEqual([
      ['GET', '/api/v1/me', 'Bearer adminkey'],
      ['GET', '/api/admin/organizations/6f1c-uuid/quota', 'Bearer adminkey'],
    ]);
  });

  it('setQuota: totals to PATCH /admin/organizations/:id/quota, per-box limits to PATCH /organizations/:id/quota', async () => {
    on('PATCH', '/api/admin/organizations/org-1/quota', {
      status: 200,
      json: { totalCpuQuota: 4, totalMemoryQuota: 2, totalDiskQuota: 200, maxConcurrentBoxes: 3 },
    });
    const q = await admin().setQuota(org, {
      max_total_cpus: 4,
      max_total_memory_mib: 2048,
      max_boxes: 3,
      max_cpus: 2,
      max_memory_mib: 1024,
      max_disk_gb: 5,
    });
    expect(seen.map((s) => [s.method, s.path, s.auth, s.body])).toEqual([
      [
        'PATCH',
        '/api/admin/organizations/org-1/quota',
        'Bearer adminkey',
        { totalCpuQuota: 4, totalMemoryQuota: 2, maxConcurrentBoxes: 3 },
      ],
      [
        'PATCH',
        '/api/organizations/org-1/quota',
        'Bearer adminkey',
        { maxCpuPerSandbox: 2, maxMemoryPerSandbox: 1, maxDiskPerSandbox: 5 },
      ],
    ]);
    expect(q).toMatchObject({ max_total_cpus: 4, max_total_memory_mib: 2048, max_boxes: 3, max_cpus: 2 });
  });

  it('setQuota: memory that is no whole GB is refused before any request; a missing per-box route says so', async () => {
    const err = await admin()
      .setQuota(org, { max_memory_mib: 128 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AdminError);
    expect((err as AdminError).unsupported).toBe(true);
    expect((err as Error).message).toMatch(/^max_memory_mib=128 MiB is not a whole number of GB/);
    expect(seen).toEqual([]);
    on('PATCH', '/api/organizations/org-1/quota', { status: 404, json: { message: 'Cannot PATCH' } });
    await expect(admin().setQuota(org, { max_cpus: 1 })).rejects.toThrow(
      /^PATCH \/organizations\/org-1\/quota → HTTP 404 .*fixture_setup\.py sets max_cpu_per_box/,
    );
  });

  it('createOrg and deleteOrg are unsupported with an admin key, and send nothing', async () => {
    for (const p of [admin().createOrg(), admin().deleteOrg(org)]) {
      const err = await p.catch((e: unknown) => e);
      expect((err as AdminError).unsupported).toBe(true);
      expect((err as Error).message).toMatch(/AuthGuard\(jwt\)/);
    }
    expect(seen).toEqual([]);
  });
});

describe('keys (both servers): the org key calls POST / DELETE /api/api-keys', () => {
  for (const server of ['sim', 'boxlite-api'] as const) {
    it(`${server}: mint with permissions and a camelCase expiry, revoke by name`, async () => {
      on('POST', '/api/api-keys', {
        status: 201,
        json: {
          name: 'k 1',
          value: 'secret',
          createdAt: 'x',
          permissions: ['write:boxes', 'delete:boxes'],
          expiresAt: '2030-01-01T00:00:00.000Z',
        },
      });
      const admin = openStackAdmin({ apiUrl: base, adminKey: 'adminkey', server });
      const key = await admin.createApiKey(org, { name: 'k 1', expiresAt: new Date('2030-01-01T00:00:00Z') });
      expect(key).toEqual({
        name: 'k 1',
        value: 'secret',
        permissions: ['write:boxes', 'delete:boxes'],
        expiresAt: '2030-01-01T00:00:00.000Z',
      });
      await admin.revokeApiKey(org, key);
      expect(seen.map((s) => [s.method, s.path, s.auth, s.body])).toEqual([
        [
          'POST',
          '/api/api-keys',
          'Bearer orgkey',
          {
            name: 'k 1',
            permissions: ['write:boxes', 'delete:boxes'],
            expiresAt: '2030-01-01T00:00:00.000Z',
          },
        ],
        ['DELETE', '/api/api-keys/k%201', 'Bearer orgkey', undefined],
      ]);
    });
  }

  it('a key minted without an expiry has none (the answer has no expiresAt)', async () => {
    on('POST', '/api/api-keys', { status: 201, json: { name: 'k', value: 'v', permissions: [] } });
    const admin = openStackAdmin({ apiUrl: base, adminKey: 'adminkey', server: 'boxlite-api' });
    expect((await admin.createApiKey(org, { name: 'k', permissions: [] })).expiresAt).toBeNull();
    expect(seen[0]!.body).toEqual({ name: 'k', permissions: [] });
  });

  it('boxlite-api without the quota routes: adminOrg has no quotas, setQuota is unsupported with the answer', async () => {
    on('GET', '/api/v1/me', { status: 200, json: { path_prefix: 'o1' } });
    const missing = (method: string) => ({
      status: 404,
      json: {
        statusCode: 404,
        error: 'Not Found',
        message: `Cannot ${method} /api/admin/organizations/o1/quota`,
      },
    });
    on('GET', '/api/admin/organizations/o1/quota', missing('GET'));
    on('PATCH', '/api/admin/organizations/o1/quota', missing('PATCH'));
    const admin = openStackAdmin({ apiUrl: base, adminKey: 'adminkey', server: 'boxlite-api' });
    const o = await admin.adminOrg();
    expect(o.quotas).toEqual({});
    const err = await admin.setQuota(o, { max_boxes: 3 }).catch((e: AdminError) => e);
    expect(err).toBeInstanceOf(AdminError);
    expect((err as AdminError).unsupported).toBe(true);
    expect((err as AdminError).message).toMatch(
      /Cannot PATCH \/api\/admin\/organizations\/o1\/quota.*no org quota route/,
    );
  });

  it("a refusal is one line naming the call, status and Nest's message", async () => {
    on('POST', '/api/api-keys', {
      status: 409,
      json: {
        path: '/api/api-keys',
        timestamp: 'x',
        statusCode: 409,
        error: 'Conflict',
        message: 'API key with this name already exists',
      },
    });
    const admin = openStackAdmin({ apiUrl: base, adminKey: 'adminkey', server: 'sim' });
    await expect(admin.createApiKey(org, { name: 'x' })).rejects.toThrow(
      /^POST \/api-keys → HTTP 409 API key with this name already exists$/,
    );
  });
});

describe('sim admin', () => {
  const admin = () => openStackAdmin({ apiUrl: base, adminKey: 'adminkey', server: 'sim' });

  it('createOrg / setQuota / deleteOrg go to the /api/_sim routes with the admin key', async () => {
    replies.push((s) =>
      s.method === 'POST' && s.path === '/api/_sim/orgs'
        ? {
            status: 201,
            json: {
              org_id: 'org_x',
              name: 'n',
              path_prefix: (s.body as { path_prefix: string }).path_prefix,
              quotas: { max_boxes: 1 },
              api_key: 'k',
            },
          }
        : undefined,
    );
    on('PATCH', '/api/_sim/orgs/org_x/quotas', { status: 200, json: { quotas: { max_boxes: 2 } } });
    const a = admin();
    const o = await a.createOrg({ name: 'n', quotas: { max_boxes: 1 } });
    expect(o).toMatchObject({ id: 'org_x', name: 'n', apiKey: 'k', quotas: { max_boxes: 1 } });
    expect(o.pathPrefix).toMatch(/^e2e-org-[0-9a-f]{10}$/);
    expect(await a.setQuota(o, { max_boxes: 2 })).toEqual({ max_boxes: 2 });
    await a.deleteOrg(o);
    expect(seen.map((s) => [s.method, s.path, s.auth, s.body])).toEqual([
      [
        'POST',
        '/api/_sim/orgs',
        'Bearer adminkey',
        { path_prefix: o.pathPrefix, name: 'n', quotas: { max_boxes: 1 } },
      ],
      ['PATCH', '/api/_sim/orgs/org_x/quotas', 'Bearer adminkey', { quotas: { max_boxes: 2 } }],
      ['DELETE', '/api/_sim/orgs/org_x', 'Bearer adminkey', undefined],
    ]);
  });
});

describe('serve admin', () => {
  it('createOrg asks the server and quotes it; every other operation is refused without a request', async () => {
    on('GET', '/api/v1/me', { status: 200, json: { sub: 'serve', prefix: null } });
    on('POST', '/api/api-keys', { status: 404 });
    const a = openStackAdmin({ apiUrl: base, adminKey: 'k', server: 'serve' });
    await expect(a.createOrg()).rejects.toThrow(
      /^boxlite serve has one static bearer key and no organizations.*; it answered: GET \/v1\/me → HTTP 200 \{"sub":"serve","prefix":null\}; POST \/api-keys → HTTP 404$/,
    );
    expect(seen.map((s) => [s.method, s.path])).toEqual([
      ['GET', '/api/v1/me'],
      ['POST', '/api/api-keys'],
    ]);
    seen = [];
    for (const p of [
      a.adminOrg(),
      a.setQuota(org, {}),
      a.createApiKey(org),
      a.revokeApiKey(org, 'x'),
      a.deleteOrg(org),
    ]) {
      await expect(p).rejects.toThrow(/^boxlite serve has one static bearer key and no organizations/);
    }
    expect(seen).toEqual([]);
  });
});
