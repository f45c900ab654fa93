/**
 * Box lifecycle against Docker: create/list/get, stop/start keeps the filesystem, exec on a
 * stopped box, remove, image pull failures, host-bind refusal, and re-adoption of boxes by a
 * restarted runner.
 */
import { describe, expect, test, vi } from 'vitest';
import { dockerClient } from '../../kernel/docker.ts';
import { req, runExec } from '../testkit/client.ts';
import { disposeStack, readJournal, startRunner } from '../testkit/processes.ts';
import { useRunnerSuite } from '../testkit/suites.ts';
import { testServices } from '../testkit/test-services.ts';

const B = (s: string): string => `box-${s}-${process.pid}`;
const suite = useRunnerSuite({ timeoutMs: 60_000 });

describe('boxes', { timeout: 90_000 }, () => {
  test('create → running box with a pid, listed and gettable; duplicate id → 409', async () => {
    const id = B('life');
    const r = await req(suite.peer, 'POST', '/boxes', {
      body: {
        box_id: id,
        image: suite.stack.image(),
        cpus: 1,
        memory_mib: 64,
      },
    });
    expect(r.status, r.text).toBe(201);
    expect(r.json).toMatchObject({ box_id: id, status: 'running' });
    expect(r.json.pid).toBeGreaterThan(0);
    const list = (await req(suite.peer, 'GET', '/boxes')).json;
    expect(list.boxes.map((b: { box_id: string }) => b.box_id)).toContain(id);
    expect((await req(suite.peer, 'GET', `/boxes/${id}`)).json).toMatchObject({
      box_id: id,
      status: 'running',
    });
    const dup = await req(suite.peer, 'POST', '/boxes', {
      body: {
        box_id: id,
        image: suite.stack.image(),
      },
    });
    expect(dup.status).toBe(409);
    expect(dup.json.error.code).toBe('already_exists');
    expect((await req(suite.peer, 'GET', '/boxes/nope-nope')).status).toBe(404);
  });

  test('stop/start keeps the filesystem; exec on a stopped box → 409 stopped', async () => {
    const id = B('life');
    await runExec(suite.peer, id, {
      command: 'sh',
      args: ['-c', 'echo kept > /root/marker'],
    });
    const stop = await req(suite.peer, 'POST', `/boxes/${id}/stop`);
    expect(stop.status).toBe(200);
    expect(stop.json).toMatchObject({ box_id: id, status: 'stopped', pid: null });
    const ex = await req(suite.peer, 'POST', `/v1/boxes/${id}/exec`, {
      body: {
        command: 'echo',
        tty: false,
      },
    });
    expect(ex.status).toBe(409);
    expect(ex.json.error).toMatchObject({ code: 'stopped', type: 'StoppedError' });
    const start = await req(suite.peer, 'POST', `/boxes/${id}/start`);
    expect(start.json).toMatchObject({ box_id: id, status: 'running' });
    expect((await runExec(suite.peer, id, { command: 'cat', args: ['/root/marker'] })).stdout).toBe('kept\n');
  });

  test('remove: running box needs force; removed box is 404', async () => {
    const id = B('life');
    const soft = await req(suite.peer, 'DELETE', `/boxes/${id}`);
    expect(soft.status).toBe(409);
    expect(soft.json.error.code).toBe('invalid_state');
    expect((await req(suite.peer, 'DELETE', `/boxes/${id}?force=true`)).status).toBe(204);
    expect((await req(suite.peer, 'GET', `/boxes/${id}`)).status).toBe(404);
    expect(
      (
        await req(suite.peer, 'POST', `/v1/boxes/${id}/exec`, {
          body: {
            command: 'echo',
            tty: false,
          },
        })
      ).status,
    ).toBe(404);
    expect((await req(suite.peer, 'DELETE', `/boxes/${id}?force=true`)).status).toBe(404);
  });

  test('a missing image is 422 image_pull_failed naming it; bad bodies are 400', async () => {
    const ref = suite.stack.image().replace(/busybox:1$/, 'no-such-image:404');
    const r = await req(suite.peer, 'POST', '/boxes', {
      body: {
        box_id: B('noimg'),
        image: ref,
      },
    });
    expect(r.status).toBe(422);
    expect(r.json.error).toMatchObject({ code: 'image_pull_failed', type: 'ImageError' });
    expect(r.json.error.message).toContain(ref);
    expect((await req(suite.peer, 'GET', `/boxes/${B('noimg')}`)).status).toBe(404);
    const bad = await req(suite.peer, 'POST', '/boxes', {
      body: {
        box_id: 'bad/id',
        image: suite.stack.image(),
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('invalid_argument');
  });

  test('a host-path volume is refused with 400; a managed volume mounts', async () => {
    const r = await req(suite.peer, 'POST', '/boxes', {
      body: {
        box_id: B('bind'),
        image: suite.stack.image(),
        volumes: [{ host_path: '/etc', guest_path: '/mnt/host', read_only: true }],
      },
    });
    expect(r.status).toBe(400);
    expect((await req(suite.peer, 'GET', `/boxes/${B('bind')}`)).status).toBe(404);
    const vol = `vol${process.pid}`;
    const ok = await req(suite.peer, 'POST', '/boxes', {
      body: {
        box_id: B('vol'),
        image: suite.stack.image(),
        volumes: [{ managed_volume: vol, guest_path: '/data', read_only: false }],
      },
    });
    expect(ok.status, ok.text).toBe(201);
    expect(
      (
        await runExec(suite.peer, B('vol'), {
          command: 'sh',
          args: ['-c', 'echo v > /data/f && cat /data/f'],
        })
      ).stdout,
    ).toBe('v\n');
    await req(suite.peer, 'DELETE', `/boxes/${B('vol')}?force=true`);
    await dockerClient(suite.stack.dockerHost)
      .getVolume(`boxlite-sim-vol-${vol}`)
      .remove()
      .catch(() => {});
  });

  test('entrypoint/cmd from the box replace the keep-alive loop; env and working_dir apply', async () => {
    const id = B('cmd');
    const r = await req(suite.peer, 'POST', '/boxes', {
      body: {
        box_id: id,
        image: suite.stack.image(),
        entrypoint: ['/bin/sleep'],
        cmd: ['300'],
        env: { BOX_ENV: 'yes' },
        working_dir: '/srv/app',
      },
    });
    expect(r.status, r.text).toBe(201);
    // A box with its own command waits for an explicit start (an exec is refused until then).
    const early = await req(suite.peer, 'POST', `/v1/boxes/${id}/exec`, { body: { command: 'true' } });
    expect(early.status, early.text).toBe(409);
    expect((await req(suite.peer, 'POST', `/boxes/${id}/start`)).status).toBe(200);
    const ps = await runExec(suite.peer, id, {
      command: 'sh',
      args: ['-c', 'cat /proc/1/cmdline | tr "\\0" " "; echo; echo $BOX_ENV; pwd'],
    });
    expect(ps.stdout).toBe('/bin/sleep 300 \nyes\n/srv/app\n');
  });

  test('a restarted runner re-adopts its boxes (and they kept running)', async () => {
    const id = B('adopt');
    expect(
      (await req(suite.peer, 'POST', '/boxes', { body: { box_id: id, image: suite.stack.image() } })).status,
    ).toBe(201);
    await runExec(suite.peer, id, {
      command: 'sh',
      args: ['-c', 'echo survived > /tmp/f'],
    });
    expect(await suite.runner.stop()).toBe(0);
    suite.runner = await startRunner(suite.stack, { name: suite.runner.name });
    // Adoption is logged right after the runner starts answering.
    await vi.waitFor(() => expect(suite.runner.log()).toMatch(/adopted [1-9]\d* existing box/));
    expect(readJournal(suite.runner).some((l) => l.op === 'adopt' && l.box_id === id)).toBe(true);
    const list = (await req(suite.peer, 'GET', '/boxes')).json;
    expect(list.boxes).toContainEqual(expect.objectContaining({ box_id: id, status: 'running' }));
    expect((await runExec(suite.peer, id, { command: 'cat', args: ['/tmp/f'] })).stdout).toBe('survived\n');
  });

  test('boxes of another runner (another stack) are invisible', async () => {
    const other = await testServices();
    try {
      const peer = { url: (await startRunner(other)).url, key: other.token };
      const list = (await req(peer, 'GET', '/boxes')).json;
      expect(list.boxes).toEqual([]);
      expect((await req(peer, 'GET', `/boxes/${B('adopt')}`)).status).toBe(404);
    } finally {
      await disposeStack(other);
    }
  });
});
