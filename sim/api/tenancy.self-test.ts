/**
 * Tenancy administration on the sim API with the runner DOWN: the tenant-facing key routes
 * (`/v1/api-keys`, as upstream's boxlite-api-key.controller.ts) and the sim-only org admin
 * (`PATCH /_sim/orgs/:id/quotas`, `DELETE /_sim/orgs/:id`): validation, scoping, revocation.
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

const mint = (key: string, body: unknown, path = '/v1/api-keys') =>
  req(suite.sim, 'POST', path, { auth: key, body });

describe('tenant-facing key routes', () => {
  it('mint answers the value once; list shows name and expiry, never a value; the key is of the same org', async () => {
    const org = await newOrg();
    const r = await mint(org.key, { name: 'ci', permissions: ['write:boxes'] });
    expect(r.status, r.text).toBe(201);
    expect(Object.keys(r.json).sort()).toEqual(['created_at', 'expires_at', 'name', 'permissions', 'value']);
    expect(r.json).toMatchObject({ name: 'ci', permissions: ['write:boxes'], expires_at: null });
    const me = await req(suite.sim, 'GET', '/v1/me', { auth: r.json.value });
    expect(me.json).toMatchObject({ org_id: org.id, path_prefix: org.prefix, expires_at: null });
    const list = await req(suite.sim, 'GET', `/v1/${org.prefix}/api-keys`, { auth: org.key });
    expect(list.status).toBe(200);
    expect(list.json.api_keys.map((k: { name: string }) => k.name)).toEqual(['ci']);
    expect(list.text).not.toContain(r.json.value);
  });

  it('refuses bad bodies, duplicate live names, a child outliving its parent or holding more than it', async () => {
    const org = await newOrg();
    for (const body of [
      { name: '', permissions: ['write:boxes'] },
      { name: 'a/b', permissions: ['write:boxes'] },
      { name: 'x', permissions: [] },
      { name: 'x', permissions: ['root:everything'] },
      { name: 'x', permissions: ['write:boxes'], expires_at: 'soon' },
    ]) {
      const r = await mint(org.key, body);
      expect([r.status, r.json.error.code], JSON.stringify(body)).toEqual([400, 'invalid_argument']);
    }
    expect((await mint(org.key, { name: 'dup', permissions: ['write:boxes'] })).status).toBe(201);
    const dup = await mint(org.key, { name: 'dup', permissions: ['write:boxes'] });
    expect([dup.status, dup.json.error.code]).toEqual([409, 'already_exists']);
    const soon = new Date(Date.now() + 60_000);
    const parent = await mint(org.key, {
      name: 'p',
      permissions: ['write:boxes'],
      expires_at: soon.toISOString(),
    });
    expect(parent.json.expires_at).toBe(soon.toISOString());
    const later = await mint(parent.json.value, {
      name: 'c',
      permissions: ['write:boxes'],
      expires_at: new Date(soon.getTime() + 1000).toISOString(),
    });
    expect([later.status, later.json.error.code]).toEqual([403, 'permission_denied']);
    // No expiry asked: the child inherits the parent's bound.
    const child = await mint(parent.json.value, { name: 'c2', permissions: ['write:boxes'] });
    expect(child.json.expires_at).toBe(soon.toISOString());
    // A key passes on only what it carries (upstream api-key-grant.ts ungrantablePermissions).
    const wider = await mint(parent.json.value, { name: 'c3', permissions: ['write:boxes', 'delete:boxes'] });
    expect([wider.status, wider.json.error.code]).toEqual([403, 'permission_denied']);
    expect(wider.json.error.message).toBe('Insufficient permissions for assigning: delete:boxes');
  });

  it('revoking is per org and per name: a key of another org cannot revoke it; revoked = unknown', async () => {
    const [a, b] = [await newOrg(), await newOrg()];
    const k = await mint(a.key, { name: 'shared-name', permissions: ['write:boxes'] });
    const other = await req(suite.sim, 'DELETE', '/v1/api-keys/shared-name', { auth: b.key });
    expect([other.status, other.json.error.code]).toEqual([404, 'not_found']);
    expect((await req(suite.sim, 'GET', '/v1/me', { auth: k.json.value })).status).toBe(200);
    expect((await req(suite.sim, 'DELETE', '/v1/api-keys/shared-name', { auth: a.key })).status).toBe(204);
    const gone = await req(suite.sim, 'GET', '/v1/me', { auth: k.json.value });
    const never = await req(suite.sim, 'GET', '/v1/me', { auth: randomBytes(24).toString('hex') });
    expect([gone.status, gone.text]).toEqual([never.status, never.text]);
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
    expect((await req(suite.sim, 'DELETE', '/v1/api-keys/r', { auth: org.key })).status).toBe(204);
    const expired = await mint(org.key, {
      name: 'e',
      permissions: ['write:boxes'],
      expires_at: new Date(Date.now() - 60_000).toISOString(),
    });
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
