/**
 * Each api-owned bug switch changes exactly its behaviour: the same requests are answered
 * correctly by a default API and wrongly (the upstream way) with the switch on, while
 * neighbouring behaviour stays correct.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { attached, req, upgradeStatus } from '../testkit/client.ts';
import { TEST_IMAGE } from '../testkit/sdk.ts';
import { startSim, useSim } from '../testkit/suites.ts';

const P = '/v1/default';
const suite = useSim();

const create = (body: Record<string, unknown>) =>
  req(suite.sim, 'POST', `${P}/boxes`, { body: { image: TEST_IMAGE, ...body } });
const cleanup = async (r: { status: number; json: { box_id?: string } }) => {
  if (r.status === 201 && r.json.box_id)
    await req(suite.sim, 'DELETE', `${P}/boxes/${r.json.box_id}?force=true`);
};

describe('bug switches (api-owned)', () => {
  it('create-invalid-accepted: cpus=0 / memory_mib=-1 are created with defaults instead of 400', async () => {
    for (const body of [{ cpus: 0 }, { memory_mib: -1 }]) expect((await create(body)).status).toBe(400);
    await suite.sim.restartApi(['create-invalid-accepted']);
    for (const body of [{ cpus: 0 }, { memory_mib: -1 }]) {
      const r = await create(body);
      expect(r.status, r.text).toBe(201);
      expect(r.json).toMatchObject({ cpus: 1, memory_mib: 512 });
      await cleanup(r);
    }
    expect((await create({ cpus: 999 })).status).toBe(400);
  });

  it('create-oversize-clamped: cpus=999 is clamped to the per-box limit and created', async () => {
    await suite.sim.restartApi([]);
    expect((await create({ cpus: 999 })).status).toBe(400);
    await suite.sim.restartApi(['create-oversize-clamped']);
    const r = await create({ cpus: 999 });
    expect(r.status, r.text).toBe(201);
    expect(r.json.cpus).toBe(8);
    await cleanup(r);
    expect((await create({ cpus: 0 })).status).toBe(400);
  });

  it('quota-not-enforced: a per-box quota violation is created; range checks still apply', async () => {
    await suite.sim.restartApi([]);
    expect((await create({ cpus: 9 })).status).toBe(429);
    await suite.sim.restartApi(['quota-not-enforced']);
    const r = await create({ cpus: 9 });
    expect(r.status, r.text).toBe(201);
    expect(r.json.cpus).toBe(9);
    await cleanup(r);
    expect((await create({ cpus: 999 })).status).toBe(400);
  });

  it('exec-removed-500: exec after remove answers 500 instead of 404', async () => {
    await suite.sim.restartApi([]);
    const r = await create({});
    const id = r.json.box_id;
    await req(suite.sim, 'DELETE', `${P}/boxes/${id}?force=true`);
    expect(
      (await req(suite.sim, 'POST', `${P}/boxes/${id}/exec`, { body: { command: 'true', args: [] } })).status,
    ).toBe(404);
    await suite.sim.restartApi(['exec-removed-500']);
    const bad = await req(suite.sim, 'POST', `${P}/boxes/${id}/exec`, {
      body: { command: 'true', args: [] },
    });
    expect(bad.status).toBe(500);
    expect(bad.json.error.code).toBe('internal');
    // Only exec is affected: the removed box is still 404 elsewhere.
    expect((await req(suite.sim, 'GET', `${P}/boxes/${id}`)).status).toBe(404);
  });

  it('bad-token-500: a malformed bearer answers 500 (HTTP and WS); unknown and missing keys stay 401', async () => {
    await suite.sim.restartApi([]);
    expect((await req(suite.sim, 'GET', '/v1/me', { auth: 'junk!token' })).status).toBe(401);
    await suite.sim.restartApi(['bad-token-500']);
    const r = await req(suite.sim, 'GET', '/v1/me', { auth: 'junk!token' });
    expect(r.status).toBe(500);
    expect(await upgradeStatus(suite.sim, 'x', 'y', 'junk!token')).toBe(500);
    expect((await req(suite.sim, 'GET', '/v1/me', { auth: 'ab'.repeat(24) })).status).toBe(401);
    expect((await req(suite.sim, 'GET', '/v1/me', { auth: false })).status).toBe(401);
    expect((await req(suite.sim, 'GET', '/v1/me')).status).toBe(200);
  });

  it('host-bind-honored: a host path volume is mounted instead of refused', async () => {
    await suite.sim.restartApi([]);
    const dir = await mkdtemp(join(tmpdir(), 'sim-api-bind-'));
    await writeFile(join(dir, 'secret.txt'), 'host file\n');
    const vol = { volumes: [{ host_path: dir, guest_path: '/hostdir', read_only: true }] };
    const refused = await create(vol);
    expect(refused.status).toBe(400);
    expect(refused.json.error.code).toBe('unsupported');

    const both = await startSim({ bugs: ['host-bind-honored'], runnerBugs: ['host-bind-honored'] });
    try {
      const r = await req(both, 'POST', `${P}/boxes`, { body: { image: TEST_IMAGE, ...vol } });
      expect(r.status, r.text).toBe(201);
      const ex = await req(both, 'POST', `${P}/boxes/${r.json.box_id}/exec`, {
        body: { command: 'cat', args: ['/hostdir/secret.txt'], tty: false },
      });
      expect(ex.status).toBe(201);
      const out = (await attached(both, r.json.box_id, ex.json.execution_id)).stdout;
      expect(out).toBe('host file\n');
    } finally {
      await both.stop();
    }
  });
});
