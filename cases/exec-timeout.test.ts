/**
 * Exec timeouts (upstream §1.4: P+C test_exec_timeout). A timeout IS the contract here, so
 * elapsed-time bounds are allowed: the exec must not end before its deadline and must end
 * within deadline + TERM grace + slack. Beyond upstream: the exact death (SIGTERM → 143,
 * escalation to SIGKILL → 137) and the server's terminal status (`timed_out`) are asserted,
 * and a command that beats its deadline must stay `completed` after the deadline passes.
 */
import { drain, type SdkBox } from '../drivers/node-sdk/driver.ts';
import type { RestDriver } from '../drivers/rest/driver.ts';
import { claims, describe, expect, pause, test } from '../fixtures/index.ts';

const TIMEOUT_S = 2;
/** Deadline + TERM→KILL grace (a few seconds on every runtime) + scheduling slack. */
const KILL_BY_MS = 15_000;

interface Timed {
  stdout: string;
  stderr: string;
  exitCode: number;
  elapsedMs: number;
  execId: string;
}

async function timedExec(box: SdkBox, command: string, args: string[], timeoutSecs: number): Promise<Timed> {
  const t0 = performance.now();
  const ex = await box.exec(command, args, null, false, null, timeoutSecs, null);
  const execId = await ex.id();
  const [stdout, stderr, res] = await Promise.all([
    ex.stdout().then(drain),
    ex.stderr().then(drain),
    ex.wait(),
  ]);
  return { stdout, stderr, exitCode: res.exitCode, elapsedMs: performance.now() - t0, execId };
}

async function probe(rest: RestDriver, boxId: string, execId: string) {
  const res = await rest.tenant<{ status: string; exit_code: number | null }>(
    'GET',
    `/boxes/${boxId}/executions/${execId}`,
  );
  expect(res.status, res.text).toBe(200);
  return { status: res.json?.status, exit_code: res.json?.exit_code };
}

describe.concurrent('exec timeout', claims({ needs: 'vm' }), () => {
  test.override('image', ({ stack }) => stack.images.busybox);

  test(
    'timeout_seconds ends a long command with SIGTERM',
    claims({ pins: ['exec.timeout.term'], ports: ['test_exec_timeout_kills_long_command'] }),
    async ({ box, rest }) => {
      const r = await timedExec(box, 'sleep', ['300'], TIMEOUT_S);
      expect(r.exitCode).toBe(128 + 15);
      expect(r.elapsedMs).toBeGreaterThanOrEqual(TIMEOUT_S * 1000 - 100);
      expect(r.elapsedMs).toBeLessThan(KILL_BY_MS);
      expect(await probe(rest, box.id, r.execId)).toEqual({ status: 'timed_out', exit_code: 128 + 15 });
    },
  );

  test(
    'a command that ignores SIGTERM is escalated to SIGKILL',
    claims({ pins: ['exec.timeout.kill'], ports: ['test_exec_timeout_kills_sigterm_ignoring_process'] }),
    async ({ box, rest }) => {
      // The ignored TERM is inherited by sleep, so only a KILL can end this tree.
      const r = await timedExec(
        box,
        'sh',
        ['-c', 'trap "" TERM; echo armed; sleep 300; echo survived'],
        TIMEOUT_S,
      );
      expect(r.stdout).toBe('armed\n');
      expect(r.exitCode).toBe(128 + 9);
      expect(r.elapsedMs).toBeGreaterThanOrEqual(TIMEOUT_S * 1000 - 100);
      expect(r.elapsedMs).toBeLessThan(KILL_BY_MS);
      expect(await probe(rest, box.id, r.execId)).toEqual({ status: 'timed_out', exit_code: 128 + 9 });
    },
  );

  test(
    'a fractional deadline is honoured as given: 0.5 s ends the command',
    claims({ pins: ['exec.timeout.fractional'] }),
    async ({ box, rest }) => {
      // Protocol §4.1: timeout_seconds is a float (5.0, 12.5, 0.25); 0.11 takes it as
      // Duration::try_from_secs_f64, so 0.5 is half a second, not 0 and not "no deadline".
      const r = await timedExec(box, 'sleep', ['20'], 0.5);
      expect(r.exitCode).toBe(128 + 15);
      expect(r.elapsedMs).toBeGreaterThanOrEqual(400);
      expect(r.elapsedMs).toBeLessThan(KILL_BY_MS);
      expect(await probe(rest, box.id, r.execId)).toEqual({ status: 'timed_out', exit_code: 128 + 15 });
    },
  );

  test(
    'a command that beats its deadline keeps its own result',
    claims({ pins: ['exec.timeout.beaten'] }),
    async ({ box, rest }) => {
      const [ok, three] = await Promise.all([
        timedExec(box, 'sh', ['-c', 'echo done'], 1),
        timedExec(box, 'sh', ['-c', 'echo partial; exit 3'], 12.5),
      ]);
      expect(ok).toMatchObject({ stdout: 'done\n', stderr: '', exitCode: 0 });
      expect(three).toMatchObject({ stdout: 'partial\n', exitCode: 3 });
      // Let the 1 s deadline pass: a stale timer must not rewrite a finished exec.
      await pause(1500);
      expect(await probe(rest, box.id, ok.execId)).toEqual({ status: 'completed', exit_code: 0 });
      expect(await probe(rest, box.id, three.execId)).toEqual({ status: 'completed', exit_code: 3 });
    },
  );
});
