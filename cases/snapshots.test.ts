/**
 * Snapshots and clone through the Node SDK (protocol §5.2, §5.3; upstream
 * test_snapshot_clone, a port of BoxLite's snapshot.rs / clone_export_rs round trips): a
 * snapshot is listed right away, restore brings the disk back, a clone's disk is its own.
 * Disk content is checked from inside the guest, so it must cross SDK → API → runner → box.
 *
 * Cloning a running box quiesces it, it does not stop it: the core freezes the guest and pauses
 * the VM for the disk copy, then resumes it to Running (boxlite src/litebox/box_impl.rs
 * `with_quiesce_async`, called from clone_export.rs `clone_boxes`). Its processes are paused,
 * not killed: an exec in flight finishes whole, new execs run, the pid stays. A snapshot of a
 * running box quiesces it the same way.
 */
import { type SdkBox, runSdkSh as sh } from '../drivers/node-sdk/driver.ts';
import { attach } from '../drivers/rest/attach.ts';
import {
  type CaseContext,
  claims,
  describe,
  expect,
  reportsExitAndPid,
  test,
  waitFor,
} from '../fixtures/index.ts';
import { startExec } from './attach-steps.ts';

async function put(box: SdkBox, path: string, content: string): Promise<void> {
  const r = await sh(box, `mkdir -p "$(dirname ${path})" && printf %s '${content}' > ${path}`);
  expect(r.exitCode, r.stderr).toBe(0);
}

async function read(box: SdkBox, path: string): Promise<string> {
  const r = await sh(box, `cat ${path}`);
  expect(r.exitCode, r.stderr).toBe(0);
  return r.stdout;
}

describe.concurrent('snapshots', claims({ needs: ['vm', 'snapshots'] }), () => {
  test(
    'a snapshot of a stopped box is listed and fetched by name with the full Snapshot shape',
    claims({
      ports: ['test_snapshot_create_appears_in_list'],
      pins: [
        'snapshots.create.route',
        'snapshots.list.route',
        'snapshots.get.route',
        'snapshots.shape',
        'snapshots.get.unknown',
      ],
    }),
    async ({ box }) => {
      await put(box, '/var/state', 'listed');
      await box.stop();
      const snap = await box.snapshot.create('e2e-snap-1');
      expect(snap).toMatchObject({ name: 'e2e-snap-1', boxId: box.id });
      expect(typeof snap.id).toBe('string');
      expect(Number.isInteger(snap.createdAt)).toBe(true);
      expect(Math.abs(snap.createdAt - Date.now() / 1000)).toBeLessThan(3600);
      expect(snap.sizeBytes).toBeGreaterThanOrEqual(0);
      const listed = await box.snapshot.list();
      expect(listed.map((s) => s.name)).toContain('e2e-snap-1');
      expect(await box.snapshot.get('e2e-snap-1')).toMatchObject({ id: snap.id, name: 'e2e-snap-1' });
      // protocol §5.2: a 404 on get is null, not an error.
      expect(await box.snapshot.get('no-such-snapshot')).toBeNull();
    },
  );

  test(
    'restore brings back the disk as it was at the snapshot',
    claims({
      ports: ['test_snapshot_restore_reverts_disk'],
      pins: ['snapshots.restore.route', 'snapshots.restore.content'],
    }),
    async ({ box }) => {
      await put(box, '/var/state', 'before-snapshot');
      await box.stop();
      await box.snapshot.create('e2e-restore');
      await box.start();
      await put(box, '/var/state', 'after-snapshot');
      await put(box, '/var/added-later', 'x');
      expect(await read(box, '/var/state')).toBe('after-snapshot');
      await box.stop();
      await box.snapshot.restore('e2e-restore');
      await box.start();
      expect(await read(box, '/var/state')).toBe('before-snapshot');
      expect((await sh(box, 'test -e /var/added-later')).exitCode).toBe(1);
    },
  );

  test(
    'a snapshot of a running box leaves it running: its exec in flight finishes whole, new execs run',
    claims({ pins: ['snapshots.running-source'] }),
    async ({ box, rest, stack }) => {
      await keepsRunning({ box, rest, stack }, async () => {
        await box.snapshot.create('while-serving');
      });
      expect(await box.snapshot.get('while-serving')).toMatchObject({ name: 'while-serving' });
    },
  );

  test(
    'restore of a running box is refused as an invalid state and changes nothing',
    claims({ pins: ['snapshots.restore.running'] }),
    async ({ box }) => {
      await put(box, '/var/state', 'one');
      await box.snapshot.create('while-running');
      await put(box, '/var/state', 'two');
      await expect(box.snapshot.restore('while-running')).rejects.toThrow(/invalid state|running/i);
      expect(await read(box, '/var/state')).toBe('two');
    },
  );

  test(
    'a duplicate name is refused; remove drops the snapshot from the list',
    claims({ pins: ['snapshots.name-taken', 'snapshots.remove.route'] }),
    async ({ box }) => {
      await box.stop();
      await box.snapshot.create('twice');
      await expect(box.snapshot.create('twice')).rejects.toThrow(/already exists/i);
      await box.snapshot.remove('twice');
      expect(await box.snapshot.get('twice')).toBeNull();
      expect((await box.snapshot.list()).map((s) => s.name)).not.toContain('twice');
      await expect(box.snapshot.restore('twice')).rejects.toThrow(/not found/i);
    },
  );

  test(
    'with two snapshots, get and restore address the one named; the list is newest first',
    claims({ pins: ['snapshots.list.newest-first', 'snapshots.restore.content'] }),
    async ({ box }) => {
      await put(box, '/var/state', 'first');
      await box.stop();
      await box.snapshot.create('snap-a');
      await box.start();
      await put(box, '/var/state', 'second');
      await box.stop();
      await box.snapshot.create('snap-b');
      expect(await box.snapshot.get('snap-a')).toMatchObject({ name: 'snap-a' });
      expect(await box.snapshot.get('snap-b')).toMatchObject({ name: 'snap-b' });
      // Upstream db/snapshot.rs lists "Newest first" (ORDER BY created_at DESC, rowid DESC).
      expect((await box.snapshot.list()).map((s) => s.name)).toEqual(['snap-b', 'snap-a']);
      await box.snapshot.restore('snap-a');
      await box.start();
      expect(await read(box, '/var/state')).toBe('first');
    },
  );
});

/**
 * Runs `quiesce` (a snapshot, a clone) on a running box while an exec is in flight (its first
 * output seen): the box comes out as it went in — running, the same pid where Box JSON reports
 * one, the exec finished whole (paused, not killed), and a new exec runs.
 */
async function keepsRunning(
  { box, rest, stack }: Pick<CaseContext, 'rest' | 'stack'> & { box: SdkBox },
  quiesce: () => Promise<void>,
): Promise<void> {
  const state = async () =>
    (await rest.tenant<{ status: string; pid?: number | null }>('GET', `/boxes/${box.id}`)).json;
  const before = await state();
  expect(before?.status).toBe('running');
  const ticks = 'i=0; while [ $i -lt 40 ]; do echo t$i; i=$((i+1)); sleep 0.05; done';
  const session = await attach(rest.target, box.id, await startExec(rest, box.id, ticks));
  await waitFor('the exec in flight to print its first tick', async () =>
    session.frames.some((f) => f.kind === 'stdout'),
  );
  await quiesce();
  const after = await state();
  expect(after?.status, 'the source afterwards').toBe('running');
  if (reportsExitAndPid(stack)) expect(after?.pid, 'the same process').toBe(before?.pid);
  expect((await box.info()).state.running).toBe(true);
  const ran = await session.done;
  expect(ran.exitCode, 'the exec in flight ends by itself').toBe(0);
  expect(ran.stdout).toBe(Array.from({ length: 40 }, (_, i) => `t${i}\n`).join(''));
  expect(await rest.exec(box.id, { command: 'echo', args: ['after'] })).toMatchObject({
    stdout: 'after\n',
    exitCode: 0,
  });
}

describe.concurrent('clone', claims({ needs: ['vm', 'clone'] }), () => {
  test(
    "a clone's disk starts as the parent's and then is its own",
    claims({ ports: ['test_clone_box_yields_independent_disk'], pins: ['clone.route', 'clone.disk'] }),
    async ({ box, rt, tracker }) => {
      await put(box, '/var/shared', 'from-parent');
      await box.stop();
      const clone = await box.cloneBox(null, null);
      tracker.record(clone.id, 'node-sdk');
      expect(clone.id).not.toBe(box.id);
      expect(await rt.getInfo(clone.id)).toMatchObject({ id: clone.id, image: (await box.info()).image });
      await box.start();
      await clone.start();
      expect(await read(clone, '/var/shared')).toBe('from-parent');
      await put(clone, '/var/shared', 'from-clone');
      expect(await read(box, '/var/shared')).toBe('from-parent');
      expect(await read(clone, '/var/shared')).toBe('from-clone');
      await put(box, '/var/parent-only', 'p');
      expect((await sh(clone, 'test -e /var/parent-only')).exitCode).toBe(1);
    },
  );

  test(
    'cloning a running box leaves it running: its exec in flight finishes whole, new execs run, same pid',
    claims({ pins: ['clone.running-source'] }),
    async ({ box, rest, rt, stack, tracker }) => {
      let cloneId = '';
      await keepsRunning({ box, rest, stack }, async () => {
        cloneId = (await box.cloneBox(null, null)).id;
        tracker.record(cloneId, 'node-sdk');
      });
      expect((await rt.getInfo(cloneId))?.state.running, 'the clone is not started by the clone').toBe(false);
    },
  );

  test(
    'a named clone is found by its name',
    claims({ pins: ['clone.name'] }),
    async ({ box, rt, tracker, boxName }) => {
      await box.stop();
      const name = boxName();
      const clone = await box.cloneBox(null, name);
      tracker.record(clone.id, 'node-sdk');
      expect(clone.name).toBe(name);
      expect((await rt.get(name))?.id).toBe(clone.id);
    },
  );

  test(
    "a clone has its source box's cpus and memory",
    claims({ pins: ['clone.resources'] }),
    async ({ rt, image, tracker, boxName }) => {
      // Upstream clone_export.rs: a clone is provisioned with the source's own options.
      const src = await rt.create({ image, cpus: 2, memoryMib: 768 }, boxName());
      await src.stop();
      const clone = await src.cloneBox(null, null);
      tracker.record(clone.id, 'node-sdk');
      expect(await rt.getInfo(clone.id)).toMatchObject({ id: clone.id, cpus: 2, memoryMib: 768 });
    },
  );
});
