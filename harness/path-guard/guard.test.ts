import { appendFile, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPathGuard } from './guard.ts';

async function logs() {
  const dir = await mkdtemp(join(tmpdir(), 'guard-'));
  const runner = join(dir, 'runner.jsonl');
  const api = join(dir, 'api.jsonl');
  await writeFile(runner, '{"op":"create","box_id":"old000000001"}\n');
  await writeFile(api, '{"path":"/boxes/old000000001"}\n');
  return { runner, api };
}

/** A guard over fresh operation-shaped logs, with its cursors taken. */
async function perOpGuard() {
  const f = await logs();
  const guard = createPathGuard({
    runner: { kind: 'file', path: f.runner },
    api: { kind: 'file', path: f.api },
    perOp: { available: true },
  });
  return { f, guard, cursors: await guard.begin() };
}

describe('path guard', () => {
  it('passes when every box appears in both journals after the cursor', async () => {
    const f = await logs();
    const guard = createPathGuard({
      runner: { kind: 'file', path: f.runner },
      api: { kind: 'file', path: f.api },
    });
    const cursors = await guard.begin();
    await appendFile(f.runner, '{"op":"create","box_id":"abcDEF123456"}\n');
    await appendFile(f.api, '{"path":"/api/v1/p/boxes","box_id":"abcDEF123456"}\n');
    const v = await guard.verify(['abcDEF123456'], cursors, { timeoutMs: 200 });
    expect(v.ok).toBe(true);
  });

  it('only counts lines written after the cursor (an old box id does not satisfy it)', async () => {
    const f = await logs();
    const guard = createPathGuard({
      runner: { kind: 'file', path: f.runner },
      api: { kind: 'file', path: f.api },
    });
    const cursors = await guard.begin();
    const v = await guard.verify(['old000000001'], cursors, { timeoutMs: 100 });
    expect(v.ok).toBe(false);
  });

  it('names the missing ids and where it looked; waits for late writes', async () => {
    const f = await logs();
    const guard = createPathGuard({
      runner: { kind: 'file', path: f.runner },
      api: { kind: 'file', path: f.api },
    });
    const cursors = await guard.begin();
    setTimeout(() => void appendFile(f.runner, 'box_id=late00000001\n'), 150);
    const v = await guard.verify(['late00000001'], cursors, { timeoutMs: 600 });
    expect(v.missing.runner).toEqual([]);
    expect(v.missing.api).toEqual(['late00000001']);
    expect(v.message).toBe(
      `path guard: box(es) did not travel SDK → API → runner: API access log (file ${f.api}) lacks late00000001`,
    );
  });

  it('a missing journal source counts as missing, never as a pass', async () => {
    const guard = createPathGuard({ runner: null, api: null });
    const v = await guard.verify(['x00000000001'], await guard.begin(), { timeoutMs: 50 });
    expect(v.ok).toBe(false);
    expect(v.message).toMatch(/no source configured/);
  });

  it('per operation: a stop the API served that never reached the runner fails, naming op and box', async () => {
    const { f, guard, cursors } = await perOpGuard();
    const box = 'opsBox000001';
    const api = (method: string, path: string, status = 200) =>
      `${JSON.stringify({ method, path: `/api/v1/default${path}`, status, box_id: box })}\n`;
    await appendFile(
      f.api,
      api('POST', '/boxes', 201) + api('POST', `/boxes/${box}/exec`) + api('POST', `/boxes/${box}/stop`),
    );
    await appendFile(f.api, api('POST', `/boxes/${box}/start`, 409)); // refused: not an operation served
    await appendFile(
      f.runner,
      `${JSON.stringify({ op: 'create', box_id: box, status: 201 })}\n${JSON.stringify({ op: 'exec', box_id: box })}\n`,
    );
    const v = await guard.verify([box], cursors, { timeoutMs: 200 });
    expect(v.ok).toBe(false);
    expect(v.missing).toEqual({ runner: [], api: [] });
    expect(v.ops).toEqual({ checked: 3, gaps: [{ box, op: 'stop', api: 1, runner: 0 }] });
    expect(v.message).toMatch(
      /operation\(s\) served by the API never reached the runner \(file .+\): stop of opsBox000001 \(API served 1, runner journal shows 0\)/,
    );
    await appendFile(f.runner, `${JSON.stringify({ op: 'stop', box_id: box })}\n`);
    const after = await guard.verify([box], cursors, { timeoutMs: 200 });
    expect(after.ok, after.message).toBe(true);
    expect(after.message).toBe('path guard: 1 box(es), 3 operation(s) seen by API and runner');
  });

  it('minOps: an API line written after the client saw the answer is waited for, and its gap found', async () => {
    const { f, guard, cursors } = await perOpGuard();
    const box = 'lateOp000001';
    const line = (o: object) => `${JSON.stringify({ box_id: box, ...o })}\n`;
    await appendFile(f.api, line({ method: 'POST', path: '/api/v1/boxes', status: 201 }));
    await appendFile(f.runner, line({ op: 'create' }));
    // Without minOps the one op seen so far is clean; the stop line lands 300 ms later.
    setTimeout(
      () => void appendFile(f.api, line({ method: 'POST', path: `/api/v1/boxes/${box}/stop`, status: 200 })),
      300,
    );
    const v = await guard.verify([box], cursors, { timeoutMs: 3000, minOps: 2 });
    expect(v.ok).toBe(false);
    expect(v.ops).toEqual({ checked: 2, gaps: [{ box, op: 'stop', api: 1, runner: 0 }] });
  });

  it('per operation unavailable: the verdict says why, the id check still decides', async () => {
    const f = await logs();
    const why = 'boxlite serve is API and runtime in one process: no runner hop';
    const guard = createPathGuard({
      runner: { kind: 'file', path: f.runner },
      api: { kind: 'file', path: f.api },
      perOp: { available: false, why },
    });
    const cursors = await guard.begin();
    await appendFile(f.runner, 'box abcDEF123456\n');
    await appendFile(f.api, 'box abcDEF123456\n');
    const v = await guard.verify(['abcDEF123456'], cursors, { timeoutMs: 100 });
    expect(v.ok).toBe(true);
    expect(v.ops).toEqual({ unavailable: why });
    expect(v.message).toContain(`(per operation: ${why})`);
  });
});
