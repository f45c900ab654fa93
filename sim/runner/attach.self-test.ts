/**
 * Attach semantics: buffering before the first attach, re-attach after a dropped socket
 * (replay of only the unsent bytes), takeover of a lingering socket, keepalive pings, and
 * auth on both HTTP and the WebSocket upgrade.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, test, vi } from 'vitest';
import { attached, attachLive, req } from '../testkit/client.ts';
import { readJournal } from '../testkit/processes.ts';
import { useRunnerSuite } from '../testkit/suites.ts';

const BOX = `attach-${process.pid}`;
const suite = useRunnerSuite({ boxes: [{ box_id: BOX }] });

async function startExec(body: Record<string, unknown>): Promise<string> {
  const r = await req(suite.peer, 'POST', `/v1/boxes/${BOX}/exec`, {
    body: {
      tty: false,
      ...body,
    },
  });
  expect(r.status, r.text).toBe(201);
  return r.json.execution_id;
}

describe('attach', { timeout: 60_000 }, () => {
  test('output produced before the first attach is delivered, then exit', async () => {
    const id = await startExec({ command: 'sh', args: ['-c', 'echo early; echo early-err >&2'] });
    await sleep(1000); // the exec is long finished before anyone attaches
    const a = await attached(suite.peer, BOX, id);
    expect(a).toMatchObject({ stdout: 'early\n', stderr: 'early-err\n', exitCode: 0, afterExit: 0 });
    // Attaching again after exit gets just the exit frame (no repeat of output).
    const again = await attached(suite.peer, BOX, id);
    expect(again).toMatchObject({ stdout: '', stderr: '', exitCode: 0 });
  });

  test('re-attach after a dropped socket: unsent output is replayed, nothing is repeated', async () => {
    const id = await startExec({
      command: 'sh',
      args: ['-c', 'echo first; sleep 1; echo second; sleep 1; echo third'],
    });
    const first = await attachLive(suite.peer, BOX, id);
    await vi.waitFor(() => expect(first.session.frames.some((f) => f.kind === 'stdout')).toBe(true));
    first.session.drop(); // client vanishes without a close handshake
    const a1 = await first.result;
    expect(a1.stdout).toBe('first\n');
    await sleep(1500); // "second" is produced while nobody is attached
    const a2 = await attached(suite.peer, BOX, id);
    expect(a2.stdout).toBe('second\nthird\n');
    expect(a2.exitCode).toBe(0);
  });

  test('a new attach takes over a lingering socket instead of 409', async () => {
    const id = await startExec({ command: 'sh', args: ['-c', 'sleep 1; echo done'] });
    const old = await attachLive(suite.peer, BOX, id);
    const fresh = await attachLive(suite.peer, BOX, id);
    const o = await old.result;
    expect(o.closeCode).toBe(4000);
    expect(o.exitCode).toBeNull();
    const f = await fresh.result;
    expect(f).toMatchObject({ stdout: 'done\n', exitCode: 0 });
  });

  test('the server pings right after the upgrade', async () => {
    const id = await startExec({ command: 'sleep', args: ['2'] });
    const a = await attached(suite.peer, BOX, id);
    expect(a.firstPingMs).not.toBeNull();
    expect(a.firstPingMs as number).toBeLessThan(5000); // the SDK gives up after 10 s of silence
  });

  test('401 with an envelope on bad tokens, for HTTP and the WS upgrade', async () => {
    const none = await req(suite.peer, 'GET', '/boxes', { auth: false });
    expect(none.status).toBe(401);
    expect(none.json.error).toMatchObject({ code: 'unauthenticated' });
    expect((await req(suite.peer, 'GET', `/boxes/${BOX}`, { auth: 'wrong' })).status).toBe(401);
    expect((await req(suite.peer, 'GET', '/', { auth: false })).json).toEqual({ status: 'ok' });
    const id = await startExec({ command: 'echo', args: ['x'] });
    const err = await attached(suite.peer, BOX, id, { auth: 'wrong' }).catch((e) => e);
    expect(err.status).toBe(401);
    expect(JSON.parse(err.body).error.code).toBe('unauthenticated');
    await attached(suite.peer, BOX, id);
  });

  test('the journal records exec and attach with ids, never the token', async () => {
    const id = await startExec({ command: 'echo', args: ['journal'] });
    await attached(suite.peer, BOX, id);
    await sleep(100);
    const lines = readJournal(suite.runner);
    expect(lines.find((l) => l.op === 'exec' && l.exec_id === id)).toMatchObject({
      box_id: BOX,
      status: 201,
    });
    expect(lines.find((l) => l.op === 'attach' && l.exec_id === id)).toMatchObject({
      box_id: BOX,
      status: 101,
    });
    expect(lines.find((l) => l.op === 'exec_exit' && l.exec_id === id)).toMatchObject({ exit_code: 0 });
    for (const l of lines) expect(typeof l.ts).toBe('string');
    expect(JSON.stringify(lines)).not.toContain(suite.stack.token);
  });
});
