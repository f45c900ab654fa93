/**
 * Tenancy administration on the sim API with the runner DOWN: the API's own key routes
 * (`/api/api-keys`, upstream apps/api/src/api-key/api-key.controller.ts) and the sim-only org
 * admin (`PATCH /_sim/orgs/:id/quotas`, `DELETE /_sim/orgs/:id`): validation, scoping, revocation.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { req } from '../testkit/client.ts';
import { TEST_DB } from '../testkit/processes.ts';
import { useSim } from '../testkit/suites.ts';

const suite = useSim({ runner: 'dead' });

async function newOrg() {
  const r = await req(suite.sim, 'POST', '/_sim/orgs', {
    body: { path_prefix: `t-${randomBytes(4).toString('hex')}`, quotas: { max_boxes: 3 } },
  });
  expect(r.status, r.text).toBe(201);
  return { id: r.json.org_id as string, key: r.json.api_key as string, prefix: r.json.path_prefix as string };
}

const mint = (key: string, body: unknown) => req(suite.sim, 'POST', '/api-keys', { auth: key, body });

describe('the API key routes (/api/api-keys)', () => {
  it('mint answers the value once, camelCase; list and get show it masked; the key is of the same org', async () => {
    const org = await newOrg();
    const r = await mint(org.key, { name: 'ci', permissions: ['write:boxes'] });
    expect(r.status, r.text).toBe(201);
    // ApiKeyResponseDto: no expiresAt asked, none answered.
    expect(Object.keys(r.json).sort()).toEqual(['createdAt', 'name', 'permissions', 'value']);
    expect(r.json).toMatchObject({ name: 'ci', permissions: ['write:boxes'] });
    const me = await req(suite.sim, 'GET', '/v1/me', { auth: r.json.value });
    expect(me.json).toMatchObject({ org_id: org.id, path_prefix: org.prefix, expires_at: null });
    const list = await req(suite.sim, 'GET', '/api-keys', { auth: org.key });
    expect(list.status).toBe(200);
    const ci = (list.json as { name: string; userId: string }[]).find((k) => k.name === 'ci');
    expect(Object.keys(ci ?? {}).sort()).toEqual([
      'createdAt',
      'expiresAt',
      'lastUsedAt',
      'name',
      'permissions',
      'userId',
      'value',
    ]);
    // Masked as upstream masks it: 3 characters, 20 stars, the last 3.
    expect(ci).toMatchObject({
      value: `${r.json.value.slice(0, 3)}${'*'.repeat(20)}${r.json.value.slice(-3)}`,
      expiresAt: null,
      lastUsedAt: expect.any(String),
    });
    // The org's own key is listed too (every key has a name).
    expect(list.json.length).toBe(2);
    expect(list.text).not.toContain(r.json.value);
    const one = await req(suite.sim, 'GET', '/api-keys/ci', { auth: org.key });
    expect([one.status, one.json.name]).toEqual([200, 'ci']);
    const cur = await req(suite.sim, 'GET', '/api-keys/current', { auth: r.json.value });
    expect([cur.status, cur.json.name, cur.json.userId]).toEqual([200, 'ci', ci!.userId]);
    // No `/v1` key routes: upstream has none.
    expect((await req(suite.sim, 'GET', '/v1/api-keys', { auth: org.key })).status).toBe(404);
  });

  it("refuses bad bodies (400, Nest's shape), duplicate names (409); grants and expiries are taken as asked", async () => {
    const org = await newOrg();
    for (const body of [
      [{ name: 'x', permissions: ['write:boxes'] }],
      { name: '', permissions: ['write:boxes'] },
      { name: 'x', permissions: ['root:everything'] },
      { name: 'x', permissions: 'write:boxes' },
      { name: 'x', permissions: ['write:boxes'], expiresAt: 'soon' },
    ]) {
      const r = await mint(org.key, body);
      expect([r.status, r.json.statusCode, r.json.error], JSON.stringify(body)).toEqual([
        400,
        400,
        'Bad Request',
      ]);
    }
    // What CreateApiKeyDto allows: no permissions, a "/" in a name, snake_case ignored.
    expect((await mint(org.key, { name: 'a/b', permissions: [] })).status).toBe(201);
    const snake = await mint(org.key, { name: 's', permissions: [], expires_at: '2030-01-01T00:00:00Z' });
    expect([snake.status, snake.json.expiresAt]).toEqual([201, undefined]);
    expect((await mint(org.key, { name: 'dup', permissions: ['write:boxes'] })).status).toBe(201);
    const dup = await mint(org.key, { name: 'dup', permissions: ['write:boxes'] });
    expect([dup.status, dup.json.message]).toEqual([409, 'API key with this name already exists']);
    // The grant is checked against the owner's role, not the calling key: a narrow key mints a wide one.
    const soon = new Date(Date.now() + 60_000);
    const parent = await mint(org.key, { name: 'p', permissions: [], expiresAt: soon.toISOString() });
    expect(parent.json.expiresAt).toBe(soon.toISOString());
    const later = new Date(soon.getTime() + 3_600_000).toISOString();
    const child = await mint(parent.json.value, {
      name: 'c',
      permissions: ['write:boxes', 'delete:boxes'],
      expiresAt: later,
    });
    expect([child.status, child.json.expiresAt, child.json.permissions]).toEqual([
      201,
      later,
      ['write:boxes', 'delete:boxes'],
    ]);
    // No expiry asked: none, whatever the calling key's.
    const free = await mint(parent.json.value, { name: 'c2', permissions: [] });
    expect([free.status, 'expiresAt' in free.json]).toEqual([201, false]);
    expect((await req(suite.sim, 'GET', '/api-keys/c2', { auth: org.key })).json.expiresAt).toBeNull();
  });

  it("answers an unknown key with Nest's 401; revoking is per org and per name; revoked = unknown", async () => {
    const none = await req(suite.sim, 'GET', '/api-keys', { auth: randomBytes(24).toString('hex') });
    expect([none.status, none.json.message]).toEqual([401, 'Invalid credentials']);
    const [a, b] = [await newOrg(), await newOrg()];
    const k = await mint(a.key, { name: 'shared-name', permissions: ['write:boxes'] });
    const other = await req(suite.sim, 'DELETE', '/api-keys/shared-name', { auth: b.key });
    expect([other.status, other.json.message]).toEqual([404, 'API key not found']);
    expect((await req(suite.sim, 'GET', '/v1/me', { auth: k.json.value })).status).toBe(200);
    const cur = (await req(suite.sim, 'GET', '/api-keys/current', { auth: a.key })).json;
    const elsewhere = await req(suite.sim, 'DELETE', `/api-keys/someone-else/shared-name`, { auth: a.key });
    expect(elsewhere.status).toBe(404);
    const own = await req(suite.sim, 'DELETE', `/api-keys/${cur.userId}/shared-name`, { auth: a.key });
    expect(own.status).toBe(204);
    const gone = await req(suite.sim, 'GET', '/v1/me', { auth: k.json.value });
    const never = await req(suite.sim, 'GET', '/v1/me', { auth: randomBytes(24).toString('hex') });
    expect([gone.status, gone.text]).toEqual([never.status, never.text]);
    expect((await req(suite.sim, 'DELETE', '/api-keys/shared-name', { auth: a.key })).status).toBe(404);
    // The name is free again once revoked.
    expect((await mint(a.key, { name: 'shared-name', permissions: ['write:boxes'] })).status).toBe(201);
  });
});

describe('sim org admin', () => {
  it('PATCH quotas sets some, keeps the rest, refuses unknown names; admin key only', async () => {
    const org = await newOrg();
    const r = await req(suite.sim, 'PATCH', `/_sim/orgs/${org.id}/quotas`, {
      body: { quotas: { max_cpus: 1 } },
    });
    expect(r.status, r.text).toBe(200);
    expect(r.json.quotas).toMatchObject({ max_cpus: 1, max_boxes: 3 });
    expect((await req(suite.sim, 'GET', '/v1/me', { auth: org.key })).json.quotas).toMatchObject({
      max_cpus: 1,
    });
    const bad = await req(suite.sim, 'PATCH', `/_sim/orgs/${org.id}/quotas`, {
      body: { quotas: { max_gpus: 1 } },
    });
    expect([bad.status, bad.json.error.code]).toEqual([400, 'invalid_argument']);
    const notAdmin = await req(suite.sim, 'PATCH', `/_sim/orgs/${org.id}/quotas`, {
      auth: org.key,
      body: { quotas: { max_cpus: 8 } },
    });
    expect(notAdmin.status).toBe(403);
    expect(
      (await req(suite.sim, 'PATCH', '/_sim/orgs/org_admin/quotas', { body: { quotas: {} } })).status,
    ).toBe(404);
  });

  it('DELETE refuses an org with a live box, then retires it: its keys stop working, its prefix stays taken', async () => {
    const org = await newOrg();
    const c = new pg.Client({ ...suite.sim.stack.pg, database: TEST_DB });
    await c.connect();
    try {
      await c.query(
        `INSERT INTO boxes (id, org_id, image, image_ref, cpus, memory_mib, disk_size_gb, status)
         VALUES ($1, $2, 'x', 'x', 1, 64, 1, 'stopped')`,
        [randomBytes(6).toString('hex'), org.id],
      );
      const busy = await req(suite.sim, 'DELETE', `/_sim/orgs/${org.id}`);
      expect([busy.status, busy.json.error.code]).toEqual([409, 'invalid_state']);
      await c.query('UPDATE boxes SET deleted_at = now() WHERE org_id = $1', [org.id]);
    } finally {
      await c.end();
    }
    expect((await req(suite.sim, 'DELETE', `/_sim/orgs/${org.id}`)).status).toBe(204);
    expect((await req(suite.sim, 'GET', '/v1/me', { auth: org.key })).status).toBe(401);
    expect((await req(suite.sim, 'DELETE', `/_sim/orgs/${org.id}`)).status).toBe(404);
    const again = await req(suite.sim, 'POST', '/_sim/orgs', { body: { path_prefix: org.prefix } });
    expect([again.status, again.json.error.code]).toEqual([400, 'invalid_argument']);
  });
});

describe('bug switches (tenancy)', () => {
  /** A live box row of `orgId` (the runner is down: rows are what the API looks up). */
  async function boxRow(orgId: string, name: string): Promise<string> {
    const id = randomBytes(6).toString('hex');
    const c = new pg.Client({ ...suite.sim.stack.pg, database: TEST_DB });
    await c.connect();
    try {
      await c.query(
        `INSERT INTO boxes (id, org_id, name, image, image_ref, cpus, memory_mib, disk_size_gb, status)
         VALUES ($1, $2, $3, 'x', 'x', 1, 64, 1, 'stopped')`,
        [id, orgId, name],
      );
    } finally {
      await c.end();
    }
    return id;
  }

  it("cross-org-box-lookup: another org's box id answers 200 instead of 404; names and lists stay scoped", async () => {
    await suite.sim.restartApi([]);
    const [a, b] = [await newOrg(), await newOrg()];
    const name = `n-${randomBytes(3).toString('hex')}`;
    const id = await boxRow(a.id, name);
    const asB = (path: string) => req(suite.sim, 'GET', `/v1/${b.prefix}${path}`, { auth: b.key });
    expect((await asB(`/boxes/${id}`)).status).toBe(404);
    await suite.sim.restartApi(['cross-org-box-lookup']);
    try {
      const leaked = await asB(`/boxes/${id}`);
      expect(leaked.status, leaked.text).toBe(200);
      expect(leaked.json.box_id).toBe(id);
      expect((await asB(`/boxes/${name}`)).status).toBe(404);
      expect((await asB('/boxes')).json.boxes).toEqual([]);
    } finally {
      await suite.sim.restartApi([]);
    }
  });

  it('stale-key-accepted: revoked and expired keys authenticate instead of 401', async () => {
    await suite.sim.restartApi([]);
    const org = await newOrg();
    const revoked = await mint(org.key, { name: 'r', permissions: ['write:boxes'] });
    expect((await req(suite.sim, 'DELETE', '/api-keys/r', { auth: org.key })).status).toBe(204);
    // A past expiry is accepted (CreateApiKeyDto has no bound): the key is born expired.
    const expired = await mint(org.key, {
      name: 'e',
      permissions: ['write:boxes'],
      expiresAt: new Date(Date.now() - 60_000).toISOString(),
    });
    expect(expired.status, expired.text).toBe(201);
    const me = (key: string) => req(suite.sim, 'GET', '/v1/me', { auth: key });
    expect([(await me(revoked.json.value)).status, (await me(expired.json.value)).status]).toEqual([
      401, 401,
    ]);
    await suite.sim.restartApi(['stale-key-accepted']);
    try {
      expect([(await me(revoked.json.value)).status, (await me(expired.json.value)).status]).toEqual([
        200, 200,
      ]);
      expect((await me(randomBytes(24).toString('hex'))).status).toBe(401);
    } finally {
      await suite.sim.restartApi([]);
    }
  });
});
