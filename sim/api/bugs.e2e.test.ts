/**
 * Each api-owned bug switch changes exactly its behaviour: the same requests are answered
 * correctly by a default API and wrongly (the upstream way) with the switch on, while
 * neighbouring behaviour stays correct.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { TEST_IMAGE } from './testkit/sdk.ts';
import { call, startSim, useSim } from './testkit/spawn.ts';

const P = '/v1/default';
const suite = useSim();

const create = (body: Record<string, unknown>) =>
  call(suite.sim, 'POST', `${P}/boxes`, { json: { image: TEST_IMAGE, ...body } });
const cleanup = async (r: { status: number; json: { box_id?: string } }) => {
  if (r.status === 201 && r.json.box_id)
    await call(suite.sim, 'DELETE', `${P}/boxes/${r.json.box_id}?force=true`);
};

const upgradeStatus = (key: string) =>
  new Promise<number>((resolve) => {
    const ws = new WebSocket(`${suite.sim.apiUrl.replace('http', 'ws')}${P}/boxes/x/executions/y/attach`, {
      headers: { authorization: `Bearer ${key}` },
    });
    ws.on('unexpected-response', (_q, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
    });
    ws.on('open', () => resolve(101));
    ws.on('error', () => resolve(-1));
  });

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
    await call(suite.sim, 'DELETE', `${P}/boxes/${id}?force=true`);
    expect(
      (await call(suite.sim, 'POST', `${P}/boxes/${id}/exec`, { json: { command: 'true', args: [] } }))
        .status,
    ).toBe(404);
    await suite.sim.restartApi(['exec-removed-500']);
    const bad = await call(suite.sim, 'POST', `${P}/boxes/${id}/exec`, {
      json: { command: 'true', args: [] },
    });
    expect(bad.status).toBe(500);
    expect(bad.json.error.code).toBe('internal');
    // Only exec is affected: the removed box is still 404 elsewhere.
    expect((await call(suite.sim, 'GET', `${P}/boxes/${id}`)).status).toBe(404);
  });

  it('bad-token-500: a malformed bearer answers 500 (HTTP and WS); unknown and missing keys stay 401', async () => {
    await suite.sim.restartApi([]);
    expect((await call(suite.sim, 'GET', '/v1/me', { key: 'junk!token' })).status).toBe(401);
    await suite.sim.restartApi(['bad-token-500']);
    const r = await call(suite.sim, 'GET', '/v1/me', { key: 'junk!token' });
    expect(r.status).toBe(500);
    expect(await upgradeStatus('junk!token')).toBe(500);
    expect((await call(suite.sim, 'GET', '/v1/me', { key: 'ab'.repeat(24) })).status).toBe(401);
    expect((await call(suite.sim, 'GET', '/v1/me', { key: null })).status).toBe(401);
    expect((await call(suite.sim, 'GET', '/v1/me')).status).toBe(200);
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
      const r = await call(both, 'POST', `${P}/boxes`, { json: { image: TEST_IMAGE, ...vol } });
      expect(r.status, r.text).toBe(201);
      const ex = await call(both, 'POST', `${P}/boxes/${r.json.box_id}/exec`, {
        json: { command: 'cat', args: ['/hostdir/secret.txt'], tty: false },
      });
      expect(ex.status).toBe(201);
      const out = await new Promise<string>((resolve, reject) => {
        const ws = new WebSocket(
          `${both.apiUrl.replace('http', 'ws')}${P}/boxes/${r.json.box_id}/executions/${ex.json.execution_id}/attach`,
          {
            headers: { authorization: `Bearer ${both.adminKey}` },
          },
        );
        let s = '';
        ws.on('message', (d: Buffer, bin) => {
          if (bin && d[0] === 1) s += d.subarray(1).toString();
          if (!bin) resolve(s);
        });
        ws.on('error', reject);
      });
      expect(out).toBe('host file\n');
    } finally {
      await both.stop();
    }
  });
});
