/**
 * Raw REST + WebSocket contract with a live private runner: ids, state errors, locks,
 * transparent attach/files proxying, restart durability, and a runner dying mid-life.
 */
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { request } from 'undici';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AttachSession } from '../../drivers/rest/attach.ts';
import { type Attached, attachLive, req } from '../testkit/client.ts';
import { readJournal } from '../testkit/processes.ts';
import { TEST_IMAGE } from '../testkit/sdk.ts';
import { useSim } from '../testkit/suites.ts';
import { BOX_ID_RE } from './ids.ts';

const P = '/v1/default';
const suite = useSim();

async function createBox(extra: Record<string, unknown> = {}): Promise<string> {
  const r = await req(suite.sim, 'POST', `${P}/boxes`, {
    body: { image: TEST_IMAGE, network: { mode: 'enabled' }, ...extra },
  });
  expect(r.status, r.text).toBe(201);
  return r.json.box_id;
}

async function execId(id: string, body: Record<string, unknown>): Promise<string> {
  const r = await req(suite.sim, 'POST', `${P}/boxes/${id}/exec`, { body: { tty: false, ...body } });
  expect(r.status, r.text).toBe(201);
  return r.json.execution_id;
}

/** Attach through the API; `onOpen` may write stdin before the output is collected. */
async function attach(id: string, eid: string, onOpen?: (s: AttachSession) => void): Promise<Attached> {
  const live = await attachLive(suite.sim, id, eid);
  onOpen?.(live.session);
  return live.result;
}

describe('image pinning', () => {
  it('pins a box to the manifest digest its tag had at create time', async () => {
    const created = await req(suite.sim, 'POST', '/v1/default/boxes', { body: { image: TEST_IMAGE } });
    expect(created.status, created.text).toBe(201);
    try {
      // The runner journal records the reference it was asked to run: repo@sha256:<digest>.
      const line = readJournal(suite.sim.runner!).find(
        (l) => l.box_id === created.json.box_id && l.op === 'create',
      );
      expect(JSON.stringify(line)).toMatch(/boxlite-e2e\/busybox@sha256:[0-9a-f]{64}/);
    } finally {
      await req(suite.sim, 'DELETE', `/v1/default/boxes/${created.json.box_id}?force=true`);
    }
  });
});

describe('box state over raw REST', () => {
  it('mints 12-char base62 ids, refuses duplicate names, logs the created id', async () => {
    const name = `dup-${Date.now()}`;
    const id = await createBox({ name, unknown_field: { ignored: true } });
    expect(id).toMatch(BOX_ID_RE);
    const dup = await req(suite.sim, 'POST', `${P}/boxes`, { body: { image: TEST_IMAGE, name } });
    expect(dup.status).toBe(409);
    expect(dup.json.error.code).toBe('already_exists');
    await new Promise((r) => setTimeout(r, 100));
    const log = (await readFile(suite.sim.accessLog, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(
      log.find(
        (l) =>
          l.method === 'POST' && l.path === '/api/v1/default/boxes' && l.status === 201 && l.box_id === id,
      ),
    ).toBeTruthy();
  });

  it('stop is idempotent; exec on a stopped box is 409 stopped; a plain remove takes a running box', async () => {
    const running = await createBox();
    expect((await req(suite.sim, 'DELETE', `${P}/boxes/${running}`)).status).toBe(204);
    expect((await req(suite.sim, 'GET', `${P}/boxes/${running}`)).status).toBe(404);
    const id = await createBox();
    for (let i = 0; i < 2; i++) {
      const s = await req(suite.sim, 'POST', `${P}/boxes/${id}/stop`);
      expect(s.status).toBe(200);
      expect(s.json).toMatchObject({ box_id: id, status: 'stopped' });
    }
    const ex = await req(suite.sim, 'POST', `${P}/boxes/${id}/exec`, { body: { command: 'true' } });
    expect(ex.status).toBe(409);
    expect(ex.json.error.code).toBe('stopped');
    const st = await req(suite.sim, 'POST', `${P}/boxes/${id}/start`);
    expect(st.json).toMatchObject({ box_id: id, status: 'running' });
    expect((await req(suite.sim, 'DELETE', `${P}/boxes/${id}?force=true`)).status).toBe(204);
    expect((await req(suite.sim, 'DELETE', `${P}/boxes/${id}?force=true`)).status).toBe(404);
    const gone = await req(suite.sim, 'POST', `${P}/boxes/${id}/exec`, {
      body: { command: 'true', args: [] },
    });
    expect(gone.status).toBe(404);
    expect(gone.json.error.code).toBe('not_found');
  });

  it('concurrent lifecycle calls on one box serialise or answer 409 "state change", never 5xx', async () => {
    const id = await createBox();
    const replies = await Promise.all([
      req(suite.sim, 'POST', `${P}/boxes/${id}/stop`),
      req(suite.sim, 'POST', `${P}/boxes/${id}/start`),
      req(suite.sim, 'POST', `${P}/boxes/${id}/stop`),
      req(suite.sim, 'POST', `${P}/boxes/${id}/exec`, { body: { command: 'true' } }),
      req(suite.sim, 'DELETE', `${P}/boxes/${id}?force=true`),
    ]);
    for (const r of replies) {
      expect(r.status, r.text).toBeLessThan(500);
      if (r.status === 409 && r.json.error.code === 'invalid_state') expect(r.text).toContain('state change');
    }
    await req(suite.sim, 'DELETE', `${P}/boxes/${id}?force=true`);
  });

  it('force-removes a box during a running exec without 5xx', async () => {
    const id = await createBox();
    const eid = await execId(id, { command: 'sleep', args: ['30'] });
    const done = attach(id, eid);
    const rm = await req(suite.sim, 'DELETE', `${P}/boxes/${id}?force=true`);
    expect(rm.status).toBeLessThan(500);
    const t0 = Date.now();
    await done;
    expect(Date.now() - t0).toBeLessThan(30_000);
  });
});

describe('proxying', () => {
  let id: string;
  beforeAll(async () => {
    id = await createBox();
  });

  it('relays attach frames (binary stdout/stderr, text exit, pings) and execution status', async () => {
    const eid = await execId(id, { command: 'sh', args: ['-c', 'echo out; echo err >&2; exit 3'] });
    const r = await attach(id, eid);
    expect(r).toMatchObject({ stdout: 'out\n', stderr: 'err\n', exitCode: 3 });
    expect(r.frames.filter((f) => f.kind === 'ping').length).toBeGreaterThanOrEqual(1);
    const st = await req(suite.sim, 'GET', `${P}/boxes/${id}/executions/${eid}`);
    expect(st.json).toMatchObject({ execution_id: eid, status: 'completed', exit_code: 3 });
  });

  it('relays stdin binary frames and the stdin_eof text frame', async () => {
    const eid = await execId(id, { command: 'cat' });
    const r = await attach(id, eid, (session) => {
      session.sendStdin('abc\n');
      session.sendEof();
    });
    expect(r).toMatchObject({ stdout: 'abc\n', exitCode: 0 });
  });

  it('passes runner refusals through at the upgrade (unknown exec → 404)', async () => {
    await expect(attach(id, 'exec-nope')).rejects.toThrow(/404/);
    const sig = await req(suite.sim, 'POST', `${P}/boxes/${id}/executions/exec-nope/signal`, {
      body: { signal: 15 },
    });
    expect(sig.status).toBe(404);
    expect(sig.json.error.code).toBe('not_found');
  });

  it('streams a chunked tar upload and a tar download', async () => {
    const pack = tar.pack();
    pack.entry({ name: 'chunked.txt' }, 'via chunked upload\n');
    pack.finalize();
    const up = await request(`${suite.sim.apiUrl}${P}/boxes/${id}/files?path=${encodeURIComponent('/tmp')}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${suite.sim.adminKey}`, 'content-type': 'application/x-tar' },
      body: Readable.from(pack),
    });
    await up.body.dump();
    expect(up.statusCode).toBe(204);
    const down = await request(
      `${suite.sim.apiUrl}${P}/boxes/${id}/files?path=${encodeURIComponent('/tmp/chunked.txt')}`,
      {
        headers: { authorization: `Bearer ${suite.sim.adminKey}`, accept: 'application/x-tar' },
      },
    );
    expect(down.statusCode).toBe(200);
    const body = Buffer.from(await down.body.arrayBuffer());
    expect(body.toString('latin1')).toContain('via chunked upload');
  });
});

describe('durability and outages', () => {
  it('keeps boxes across an API restart', async () => {
    const id = await createBox({ name: `keep-${Date.now()}` });
    await suite.sim.restartApi();
    const g = await req(suite.sim, 'GET', `${P}/boxes/${id}`);
    expect(g.status).toBe(200);
    expect(g.json).toMatchObject({ box_id: id, status: 'running' });
    const eid = await execId(id, { command: 'echo', args: ['still here'] });
    expect((await attach(id, eid)).stdout).toBe('still here\n');
  });

  it('answers 503 upstream_unavailable for box calls once the runner is gone', async () => {
    const id = await createBox();
    await suite.sim.runner?.stop();
    for (const [m, p, json] of [
      ['POST', `/boxes/${id}/stop`, undefined],
      ['POST', `/boxes/${id}/exec`, { command: 'true' }],
      ['GET', `/boxes/${id}/metrics`, undefined],
      ['GET', `/boxes/${id}/files?path=/tmp`, undefined],
      ['POST', '/boxes', { image: TEST_IMAGE }],
    ] as const) {
      const t0 = Date.now();
      const r = await req(suite.sim, m, `${P}${p}`, json ? { body: json } : {});
      expect(r.status, `${m} ${p}: ${r.text}`).toBe(503);
      expect(r.json.error.code).toBe('upstream_unavailable');
      expect(Date.now() - t0).toBeLessThan(10_000);
    }
    await expect(attach(id, 'exec-x')).rejects.toThrow(/503/);
    // Reads come from Postgres and keep working.
    expect((await req(suite.sim, 'GET', `${P}/boxes/${id}`)).status).toBe(200);
  });
});
