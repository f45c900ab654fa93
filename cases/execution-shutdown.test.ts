/**
 * Executions vs box shutdown (upstream P:test_execution_shutdown, C:test_lifecycle_comprehensive,
 * P+C:test_runner_concurrency). Upstream asserted "raises, no 500 in the message"; here the
 * refusals are the exact typed errors of protocol §6.2: exec on a stopped box → 409 `stopped`
 * (SDK `stopped: `), exec on a removed box → 404 `not_found` (SDK `box not found: `).
 */
import {
  drain,
  finishSdkExec,
  type SdkBox,
  type SdkExecution,
  startAfterReady,
} from '../drivers/node-sdk/driver.ts';
import { claims, describe, expect, test } from '../fixtures/index.ts';

/** Starts a long command and returns once it has provably started (it printed "ready"). */
async function startLong(
  box: SdkBox,
): Promise<{ ex: SdkExecution; finish: () => Promise<{ stdout: string; exitCode: number }> }> {
  const { ex, stdout, seen } = await startAfterReady(box, 'sleep 300; echo not-reached');
  return { ex, finish: () => finishSdkExec(ex, stdout, seen) };
}

describe.concurrent('executions and box shutdown', () => {
  test.override('image', ({ stack }) => stack.images.busybox);

  test(
    'wait() resolves when the box is stopped under a running exec',
    claims({
      pins: ['lifecycle.exec-ends-on-stop'],
      ports: ['test_wait_resolves_after_box_stop'],
      needs: 'vm',
    }),
    async ({ box }) => {
      const { finish } = await startLong(box);
      await box.stop();
      // A 300 s sleep cannot finish on its own within the test timeout: resolving means the
      // stop ended it. It died, so it did not succeed and never printed its last line.
      const r = await finish();
      expect(r.stdout).toBe('ready\n');
      expect(r.exitCode).not.toBe(0);
      expect((await box.info()).state.status).toBe('stopped');
    },
  );

  test(
    'exec on a stopped box is a typed `stopped` error',
    claims({
      pins: ['box-state.exec.stopped', 'http.code.stopped'],
      ports: ['test_exec_on_stopped_box_is_typed_error', 'test_exec_on_stopped_box_fails'],
      needs: ['vm'],
      detects: ['exec-stopped-500'],
    }),
    async ({ box, rest }) => {
      await box.stop();
      await expect(box.exec('echo', ['must-not-run'])).rejects.toThrow(/^stopped: /);
      const res = await rest.startExec(box.id, { command: 'echo', args: ['must-not-run'] });
      expect(res.status, res.text).toBe(409);
      expect(res.envelope).toMatchObject({ code: 'stopped', type: 'StoppedError' });
      // And the box is still usable once started again.
      await box.start();
      const ex = await box.exec('echo', ['back']);
      const [out, res2] = await Promise.all([ex.stdout().then(drain), ex.wait()]);
      expect({ out, exitCode: res2.exitCode }).toEqual({ out: 'back\n', exitCode: 0 });
    },
  );

  test(
    'exec after remove is 404 not_found',
    claims({
      pins: ['box-state.exec.removed'],
      ports: ['test_exec_after_box_removed_is_typed_error'],
      detects: ['exec-removed-500'],
      needs: ['create'],
    }),
    async ({ rt, box, rest }) => {
      await rt.remove(box.id, true);
      const res = await rest.startExec(box.id, { command: 'true', args: [] });
      expect(res.status, res.text).toBe(404);
      expect(res.envelope).toMatchObject({ code: 'not_found', type: 'NotFoundError' });
      // The stale SDK handle gets the typed error too.
      await expect(box.exec('true')).rejects.toThrow(/^box not found: /);
    },
  );

  test(
    'force DELETE during a running exec succeeds and wait() does not hang',
    claims({
      pins: ['lifecycle.exec-ends-on-remove'],
      ports: ['test_box_delete_during_running_exec'],
      needs: 'vm',
    }),
    async ({ rt, box, rest }) => {
      const { finish } = await startLong(box);
      const del = await rest.tenant('DELETE', `/boxes/${box.id}`, { query: { force: 'true' } });
      expect(del.status, del.text).toBe(204);
      const r = await finish();
      expect(r.stdout).toBe('ready\n');
      expect(r.exitCode).not.toBe(0);
      expect(await rt.getInfo(box.id)).toBeNull();
    },
  );
});
