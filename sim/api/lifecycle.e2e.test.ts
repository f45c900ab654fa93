/**
 * Raw REST + WebSocket contract with a live private runner: ids, state errors, locks,
 * transparent attach/files proxying, restart durability, and a runner dying mid-life.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { request } from 'undici';
import { beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { BOX_ID_RE } from './ids.ts';
import { TEST_IMAGE } from './testkit/sdk.ts';
import { call, useSim } from './testkit/spawn.ts';

const P = '/v1/default';
const suite = useSim();

async function createBox(extra: Record<string, unknown> = {}): Promise<string> {
  const r = await call(suite.sim, 'POST', `${P}/boxes`, {
    json: { image: TEST_IMAGE, network: { mode: 'enabled' }, ...extra },
  });
  expect(r.status, r.text).toBe(201);
  return r.json.box_id;
}

async function execId(id: string, body: Record<string, unknown>): Promise<string> {
  const r = await call(suite.sim, 'POST', `${P}/boxes/${id}/exec`, { json: { tty: false, ...body } });
  expect(r.status, r.text).toBe(201);
  return r.json.execution_id;
}

interface AttachResult {
  stdout: string;
  stderr: string;
  exit: number | null;
  pings: number;
  closeCode: number | null;
}

function attach(id: string, eid: string, onOpen?: (ws: WebSocket) => void): Promise<AttachResult> {
  const url = `${suite.sim.apiUrl.replace('http', 'ws')}${P}/boxes/${id}/executions/${eid}/attach`;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${suite.sim.adminKey}` } });
    const res: AttachResult = { stdout: '', stderr: '', exit: null, pings: 0, closeCode: null };
    ws.on('open', () => onOpen?.(ws));
    ws.on('ping', () => res.pings++);
    ws.on('message', (d: Buffer, bin) => {
      if (bin) {
        if (d[0] === 1) res.stdout += d.subarray(1).toString();
        if (d[0] === 2) res.stderr += d.subarray(1).toString();
      } else {
        const m = JSON.parse(d.toString());
        if (m.type === 'exit') res.exit = m.exit_code;
      }
    });
    ws.on('close', (code) => {
      res.closeCode = code;
      resolve(res);
    });
    ws.on('unexpected-response', (_q, r) => reject(new Error(`attach answered ${r.statusCode}`)));
    ws.on('error', reject);
  });
}

describe('image pinning', () => {
  it('pins a box to the manifest digest its tag had at create time', async () => {
    const created = await call(suite.sim, 'POST', '/v1/default/boxes', { json: { image: TEST_IMAGE } });
    expect(created.status, created.text).toBe(201);
    try {
      // The runner journal records the reference it was asked to run: repo@sha256:<digest>.
      const journal = await readFile(join(suite.sim.stack.stateDir, 'runner.journal.jsonl'), 'utf8');
      const line = journal
        .split('\n')
        .find((l) => l.includes(`"box_id":"${created.json.box_id}"`) && l.includes('"op":"create"'));
      expect(line).toMatch(/boxlite-e2e\/busybox@sha256:[0-9a-f]{64}/);
    } finally {
      await call(suite.sim, 'DELETE', `/v1/default/boxes/${created.json.box_id}?force=true`);
    }
  });
});

describe('box state over raw REST', () => {
  it('mints 12-char base62 ids, refuses duplicate names, logs the created id', async () => {
    const name = `dup-${Date.now()}`;
    const id = await createBox({ name, unknown_field: { ignored: true } });
    expect(id).toMatch(BOX_ID_RE);
    const dup = await call(suite.sim, 'POST', `${P}/boxes`, { json: { image: TEST_IMAGE, name } });
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

  it('stop is idempotent; exec on a stopped box is 409 stopped; remove needs force while running', async () => {
    const id = await createBox();
    const rm = await call(suite.sim, 'DELETE', `${P}/boxes/${id}`);
    expect(rm.status).toBe(409);
    expect(rm.json.error.code).toBe('invalid_state');
    for (let i = 0; i < 2; i++) {
      const s = await call(suite.sim, 'POST', `${P}/boxes/${id}/stop`);
      expect(s.status).toBe(200);
      expect(s.json).toMatchObject({ box_id: id, status: 'stopped' });
    }
    const ex = await call(suite.sim, 'POST', `${P}/boxes/${id}/exec`, { json: { command: 'true' } });
    expect(ex.status).toBe(409);
    expect(ex.json.error.code).toBe('stopped');
    const st = await call(suite.sim, 'POST', `${P}/boxes/${id}/start`);
    expect(st.json).toMatchObject({ box_id: id, status: 'running' });
    expect((await call(suite.sim, 'DELETE', `${P}/boxes/${id}?force=true`)).status).toBe(204);
    expect((await call(suite.sim, 'DELETE', `${P}/boxes/${id}?force=true`)).status).toBe(404);
    const gone = await call(suite.sim, 'POST', `${P}/boxes/${id}/exec`, {
      json: { command: 'true', args: [] },
    });
    expect(gone.status).toBe(404);
    expect(gone.json.error.code).toBe('not_found');
  });

  it('concurrent lifecycle calls on one box serialise or answer 409 "state change", never 5xx', async () => {
    const id = await createBox();
    const replies = await Promise.all([
      call(suite.sim, 'POST', `${P}/boxes/${id}/stop`),
      call(suite.sim, 'POST', `${P}/boxes/${id}/start`),
      call(suite.sim, 'POST', `${P}/boxes/${id}/stop`),
      call(suite.sim, 'POST', `${P}/boxes/${id}/exec`, { json: { command: 'true' } }),
      call(suite.sim, 'DELETE', `${P}/boxes/${id}?force=true`),
    ]);
    for (const r of replies) {
      expect(r.status, r.text).toBeLessThan(500);
      if (r.status === 409 && r.json.error.code === 'invalid_state') expect(r.text).toContain('state change');
    }
    await call(suite.sim, 'DELETE', `${P}/boxes/${id}?force=true`);
  });

  it('force-removes a box during a running exec without 5xx', async () => {
    const id = await createBox();
    const eid = await execId(id, { command: 'sleep', args: ['30'] });
    const done = attach(id, eid);
    const rm = await call(suite.sim, 'DELETE', `${P}/boxes/${id}?force=true`);
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
    expect(r).toMatchObject({ stdout: 'out\n', stderr: 'err\n', exit: 3 });
    expect(r.pings).toBeGreaterThanOrEqual(1);
    const st = await call(suite.sim, 'GET', `${P}/boxes/${id}/executions/${eid}`);
    expect(st.json).toMatchObject({ execution_id: eid, status: 'completed', exit_code: 3 });
  });

  it('relays stdin binary frames and the stdin_eof text frame', async () => {
    const eid = await execId(id, { command: 'cat' });
    const r = await attach(id, eid, (ws) => {
      ws.send(Buffer.from('abc\n'));
      ws.send(JSON.stringify({ type: 'stdin_eof' }));
    });
    expect(r).toMatchObject({ stdout: 'abc\n', exit: 0 });
  });

  it('passes runner refusals through at the upgrade (unknown exec → 404)', async () => {
    await expect(attach(id, 'exec-nope')).rejects.toThrow(/404/);
    const sig = await call(suite.sim, 'POST', `${P}/boxes/${id}/executions/exec-nope/signal`, {
      json: { signal: 15 },
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
    const g = await call(suite.sim, 'GET', `${P}/boxes/${id}`);
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
      const r = await call(suite.sim, m, `${P}${p}`, json ? { json } : {});
      expect(r.status, `${m} ${p}: ${r.text}`).toBe(503);
      expect(r.json.error.code).toBe('upstream_unavailable');
      expect(Date.now() - t0).toBeLessThan(10_000);
    }
    await expect(attach(id, 'exec-x')).rejects.toThrow(/503/);
    // Reads come from Postgres and keep working.
    expect((await call(suite.sim, 'GET', `${P}/boxes/${id}`)).status).toBe(200);
  });
});
