/**
 * list and info in every box state. A user sees a box through six doors —
 * `rt.listInfo()`, `rt.getInfo(id)`, `rt.getInfo(name)`, `box.info()`, and over REST
 * `GET /boxes` and `GET /boxes/{id}` — and all of them must tell the same story in every state
 * (protocol §3.3): configured (created with its own command, not started), running, stopped by
 * `stop`, stopped because its main command exited (with `exit_code`), and removed. lifecycle.test
 * covers running ⇄ stopped through `info`; this file walks every state through every door.
 *
 * A box whose main command exited and is started again is a fresh run: it reports no exit code
 * until that run ends (0.11 core box_impl.rs start clears `exit_code`; serve types.rs leaves it
 * out while running, so "not finished" differs from "finished with 0"), and a stop then records
 * the stop's code. The cloud API's Box JSON has neither `exit_code` nor `pid` (target-facts
 * `reportsExitAndPid`), so there only the status is held.
 *
 * Also per state, what exec does there: a configured box whose init is the user's command
 * refuses an exec instead of booting it (0.11 litebox `ensure_usable_without_rerunning_main`:
 * running the user's command is not a side effect an exec may have).
 */
import type { Boxlite } from '@boxlite-ai/boxlite';
import type { SdkBox } from '../drivers/node-sdk/driver.ts';
import type { RestDriver } from '../drivers/rest/driver.ts';
import { claims, describe, expect, reportsExitAndPid, test, waitFor } from '../fixtures/index.ts';

interface Seen {
  door: string;
  status: string | null;
  running?: boolean;
  name: string | null;
  image: string | null;
  exit_code?: number | null;
}

/** What every door says about `box` right now (null status = the door does not know it). */
async function throughEveryDoor(rt: Boxlite, rest: RestDriver, box: SdkBox): Promise<Seen[]> {
  const [list, byId, byName, own, restList, restOne] = await Promise.all([
    rt.listInfo(),
    rt.getInfo(box.id),
    rt.getInfo(box.name ?? box.id),
    box.info().catch(() => null),
    rest.tenant<{ boxes: Array<Record<string, unknown>> }>('GET', '/boxes'),
    rest.tenant<Record<string, unknown>>('GET', `/boxes/${box.id}`),
  ]);
  const sdk = (door: string, i: Awaited<ReturnType<Boxlite['getInfo']>> | undefined): Seen => ({
    door,
    status: i?.state.status ?? null,
    ...(i ? { running: i.state.running } : {}),
    name: i?.name ?? null,
    image: i?.image ?? null,
  });
  const raw = (door: string, j: Record<string, unknown> | undefined | null): Seen => ({
    door,
    status: (j?.status as string | undefined) ?? null,
    name: (j?.name as string | undefined) ?? null,
    image: (j?.image as string | undefined) ?? null,
    ...(j ? { exit_code: (j.exit_code as number | undefined) ?? null } : {}),
  });
  return [
    sdk(
      'rt.listInfo',
      list.find((i) => i.id === box.id),
    ),
    sdk('rt.getInfo(id)', byId ?? undefined),
    sdk('rt.getInfo(name)', byName ?? undefined),
    sdk('box.info', own ?? undefined),
    raw(
      'GET /boxes',
      restList.json?.boxes.find((b) => b.box_id === box.id),
    ),
    raw('GET /boxes/{id}', restOne.status === 200 ? restOne.json : null),
  ];
}

/** Every door agrees on `status`, the SDK's `running` flag follows it, identity is kept. */
function expectAllSay(seen: Seen[], box: SdkBox, image: string, status: string, exitCode: unknown = null) {
  const expected = seen.map((s) => ({
    door: s.door,
    status,
    name: box.name,
    image,
    ...(s.door.startsWith('GET') ? { exit_code: exitCode } : { running: status === 'running' }),
  }));
  expect(seen).toEqual(expected);
}

describe.concurrent('list and info in every box state', claims({ needs: 'vm' }), () => {
  test.override('image', ({ stack }) => stack.images.busybox);

  test(
    'configured → running → stopped → removed: every door agrees at every step',
    claims({
      pins: [
        'box-state.create.initial',
        'box-state.start.configured',
        'box-state.stop.running',
        'box-state.remove.stopped',
        'box-state.remove.gone',
      ],
    }),
    async ({ rt, rest, image, boxName }) => {
      const box = await rt.create({ image, cmd: ['sleep', '600'] }, boxName());
      const created = await rest.tenant<{ created_at: string }>('GET', `/boxes/${box.id}`);
      expectAllSay(await throughEveryDoor(rt, rest, box), box, image, 'configured');

      await box.start();
      expectAllSay(await throughEveryDoor(rt, rest, box), box, image, 'running');

      await box.stop();
      // Stopping ended the main command, so it now has an exit code (the signal's, runtime-chosen).
      expectAllSay(await throughEveryDoor(rt, rest, box), box, image, 'stopped', expect.any(Number));
      // Identity survives the whole walk: created_at never moves, updated_at never goes back.
      const later = await rest.tenant<{ created_at: string; updated_at: string }>('GET', `/boxes/${box.id}`);
      expect(later.json?.created_at).toBe(created.json?.created_at);
      expect(Date.parse(later.json!.updated_at)).toBeGreaterThanOrEqual(Date.parse(created.json!.created_at));

      await rt.remove(box.id);
      const gone = await throughEveryDoor(rt, rest, box);
      expect(gone.map((s) => [s.door, s.status])).toEqual(gone.map((s) => [s.door, null]));
      expect((await rest.tenant('GET', `/boxes/${box.id}`)).status).toBe(404);
    },
  );

  test(
    'a main command that exits stops its box, with its exit code, in every door',
    claims({ pins: ['box-state.main.exits', 'box.json.exit-code'] }),
    async ({ rt, rest, image, boxName }) => {
      const box = await rt.create({ image, cmd: ['sh', '-c', 'exit 7'] }, boxName());
      await box.start();
      await waitFor('the box to stop when its command exits', async () => {
        const r = await rest.tenant<{ status: string }>('GET', `/boxes/${box.id}`);
        return r.json?.status === 'stopped';
      });
      expectAllSay(await throughEveryDoor(rt, rest, box), box, image, 'stopped', 7);
    },
  );

  test('a box whose main command exited, started again, shows the new run: running, a pid, no exit code; its stop records the stop, not the old exit', async ({
    rt,
    rest,
    image,
    stack,
    boxName,
  }) => {
    // The disk survives stop / start, so the second run finds the marker and keeps running.
    const once = 'if [ -e /var/ran-once ]; then exec sleep 600; else touch /var/ran-once; exit 7; fi';
    const box = await rt.create({ image, cmd: ['sh', '-c', once] }, boxName());
    const exits = reportsExitAndPid(stack);
    const raw = async () => (await rest.tenant<Record<string, unknown>>('GET', `/boxes/${box.id}`)).json!;
    await box.start();
    await waitFor('the first run to exit', async () => (await raw()).status === 'stopped');
    expectAllSay(await throughEveryDoor(rt, rest, box), box, image, 'stopped', exits ? 7 : null);

    await box.start();
    expectAllSay(await throughEveryDoor(rt, rest, box), box, image, 'running');
    const running = await raw();
    expect(running, 'a running main command has no exit code yet').not.toHaveProperty('exit_code');
    if (exits) expect(running.pid, 'the new run has a process').toEqual(expect.any(Number));
    expect((await rest.exec(box.id, { command: 'test', args: ['-e', '/var/ran-once'] })).exitCode).toBe(0);

    await box.stop();
    const stopped = await raw();
    expect(stopped.status).toBe('stopped');
    if (exits) {
      expect(stopped.exit_code, "the stop's code, not the first run's 7").toEqual(expect.any(Number));
      expect(stopped.exit_code).not.toBe(7);
      expect(stopped.pid ?? null, 'a stopped box has no process').toBeNull();
    } else expect(stopped).not.toHaveProperty('exit_code');
  });

  test(
    'a configured box with its own command refuses an exec and stays configured; start then runs it',
    claims({
      pins: ['box-state.exec.configured-own-cmd', 'box-state.main.foreground', 'http.code.invalid-state'],
    }),
    async ({ rt, rest, image, boxName }) => {
      const box = await rt.create(
        { image, cmd: ['sh', '-c', 'echo ran > /tmp/main-ran; exec sleep 600'] },
        boxName(),
      );
      const refused = await rest.startExec(box.id, { command: 'true' });
      expect(refused.status, refused.text).toBe(409);
      expect(refused.envelope).toMatchObject({ code: 'invalid_state', type: 'InvalidStateError' });
      expect(refused.envelope?.message).toContain('main command');
      await expect(box.exec('true')).rejects.toThrow(/^invalid state: /);
      expectAllSay(await throughEveryDoor(rt, rest, box), box, image, 'configured');

      await box.start();
      const r = await rest.exec(box.id, {
        command: 'sh',
        args: ['-c', 'while [ ! -s /tmp/main-ran ]; do sleep 0.05; done; cat /tmp/main-ran'],
      });
      expect(r).toMatchObject({ stdout: 'ran\n', exitCode: 0 });
    },
  );

  test(
    'a plain box runs right away; stop / start round trips show in every door',
    claims({ pins: ['box-state.exec.running', 'box-state.start.stopped', 'box-state.info-follows'] }),
    async ({ rt, rest, image, box }) => {
      const first = (await throughEveryDoor(rt, rest, box))[0]!.status;
      // The cloud API boots a plain box at create, serve at first use (harness/handle/target-facts).
      expect(['running', 'configured']).toContain(first);
      expect((await rest.exec(box.id, { command: 'true' })).exitCode).toBe(0);
      expectAllSay(await throughEveryDoor(rt, rest, box), box, image, 'running');
      for (let i = 0; i < 2; i++) {
        await box.stop();
        expectAllSay(await throughEveryDoor(rt, rest, box), box, image, 'stopped');
        await box.start();
        expectAllSay(await throughEveryDoor(rt, rest, box), box, image, 'running');
      }
    },
  );
});
