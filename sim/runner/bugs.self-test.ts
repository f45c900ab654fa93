/**
 * Each runner-owned bug switch flips exactly its behaviour: a runner started with the switch
 * misbehaves, a default runner on the same stack (same boxes) does not, and the switched
 * runner stays correct elsewhere.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, test } from 'vitest';
import { attached, attachLive, type Peer, req, runExec, signalExec } from '../testkit/client.ts';
import { startRunner } from '../testkit/processes.ts';
import { useRunnerSuite } from '../testkit/suites.ts';

const BOX = `bugs-${process.pid}`;
const STOPPED = `bugs-stopped-${process.pid}`;

const suite = useRunnerSuite({ boxes: [{ box_id: BOX }, { box_id: STOPPED }] });

beforeAll(async () => {
  expect((await req(suite.peer, 'POST', `/boxes/${STOPPED}/stop`)).status).toBe(200);
}, 120_000);

/** Another runner on the same stack (same boxes) with one switch; the suite disposes of it. */
async function withBug(bug: string): Promise<Peer> {
  return { url: (await startRunner(suite.stack, { bugs: [bug] })).url, key: suite.stack.token };
}

const exec = (r: Peer, body: Record<string, unknown>, box = BOX) =>
  req(r, 'POST', `/v1/boxes/${box}/exec`, { body: { tty: false, ...body } });

describe('runner bug switches', { timeout: 120_000 }, () => {
  test('exec-stdout-drop loses output of fast execs; the default loses none', async () => {
    // Measured ~55-70 % loss with the switch; >= 10 % of 30 keeps this far from flaky.
    const N = 30;
    const lost = async (r: Peer): Promise<number> => {
      let n = 0;
      for (let i = 0; i < N; i++) {
        const a = await runExec(r, BOX, { command: 'echo', args: [`line-${i}`] });
        expect(a.exitCode).toBe(0);
        if (a.stdoutBeforeExit !== `line-${i}\n`) n++;
      }
      return n;
    };
    expect(await lost(suite.peer)).toBe(0);
    const buggy = await withBug('exec-stdout-drop');
    const n = await lost(buggy);
    expect(n).toBeGreaterThanOrEqual(3);
  });

  test('exec-stopped-500: 500 internal instead of 409 stopped', async () => {
    expect((await exec(suite.peer, { command: 'echo' }, STOPPED)).json.error.code).toBe('stopped');
    const buggy = await withBug('exec-stopped-500');
    const r = await exec(buggy, { command: 'echo' }, STOPPED);
    expect(r.status).toBe(500);
    expect(r.json.error.code).toBe('internal');
    expect((await exec(buggy, { command: 'no-such-binary' })).status).toBe(422);
  });

  test('exec-spawn-500: a missing binary answers 500 instead of 422', async () => {
    expect((await exec(suite.peer, { command: 'no-such-binary' })).status).toBe(422);
    const buggy = await withBug('exec-spawn-500');
    const r = await exec(buggy, { command: 'no-such-binary' });
    expect(r.status).toBe(500);
    expect(r.json.error.code).toBe('internal');
    expect((await exec(buggy, { command: 'id', user: 'ghost' })).status).toBe(400);
    expect((await exec(buggy, { command: 'echo' }, STOPPED)).status).toBe(409);
  });

  test('exec-user-500: an unknown user answers 500 instead of 400', async () => {
    expect((await exec(suite.peer, { command: 'id', user: 'ghost' })).status).toBe(400);
    const buggy = await withBug('exec-user-500');
    const r = await exec(buggy, { command: 'id', user: 'ghost' });
    expect(r.status).toBe(500);
    expect(r.json.error.code).toBe('internal');
    expect((await runExec(buggy, BOX, { command: 'id', args: ['-u'], user: 'tester' })).stdout).toBe(
      '1000\n',
    );
  });

  test('signal-after-exit-204: signalling a finished exec answers 204 instead of 409', async () => {
    const finishedOn = async (r: Peer): Promise<string> => {
      const id = (await exec(r, { command: 'true' })).json.execution_id;
      await attached(r, BOX, id);
      return id;
    };
    const a = await finishedOn(suite.peer);
    expect((await signalExec(suite.peer, BOX, a, 15)).status).toBe(409);
    const buggy = await withBug('signal-after-exit-204');
    const b = await finishedOn(buggy);
    expect((await signalExec(buggy, BOX, b, 15)).status).toBe(204);
    // Running execs are still signalled for real, and bad signals still refused.
    const live = (await exec(buggy, { command: 'sleep', args: ['30'] })).json.execution_id;
    const at = await attachLive(buggy, BOX, live);
    await sleep(200);
    expect((await signalExec(buggy, BOX, live, 9)).status).toBe(400);
    expect((await signalExec(buggy, BOX, live, 15)).status).toBe(204);
    expect((await at.result).exitCode).toBe(143);
  });

  test('attach-no-replay: output before the first attach is lost; live output still flows', async () => {
    const early = async (r: Peer): Promise<string> => {
      const id = (await exec(r, { command: 'sh', args: ['-c', 'echo early; sleep 1; echo late'] })).json
        .execution_id;
      await sleep(400);
      return (await attached(r, BOX, id)).stdout;
    };
    expect(await early(suite.peer)).toBe('early\nlate\n');
    const buggy = await withBug('attach-no-replay');
    expect(await early(buggy)).toBe('late\n');
  });

  test('host-bind-honored: a host path volume is mounted instead of refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runner-bind-'));
    writeFileSync(join(dir, 'secret.txt'), 'host-data');
    const body = (id: string) => ({
      box_id: id,
      image: suite.stack.image(),
      volumes: [{ host_path: dir, guest_path: '/mnt/host' }],
    });
    try {
      const refused = await req(suite.peer, 'POST', '/boxes', { body: body(`${BOX}-bind0`) });
      expect(refused.status).toBe(400);
      const buggy = await withBug('host-bind-honored');
      const created = await req(buggy, 'POST', '/boxes', { body: body(`${BOX}-bind1`) });
      expect(created.status, created.text).toBe(201);
      const a = await runExec(buggy, `${BOX}-bind1`, {
        command: 'cat',
        args: ['/mnt/host/secret.txt'],
      });
      expect(a.stdout).toBe('host-data');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
