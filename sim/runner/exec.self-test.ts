/**
 * Exec against a real Docker-backed runner: output, exit codes, env/cwd/user, tty, timeouts,
 * stdin, signal and kill, spawn-failure classification — raw HTTP + WebSocket only.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, test } from 'vitest';
import { attached, attachLive, req, runExec, signalExec } from '../testkit/client.ts';
import { useRunnerSuite } from '../testkit/suites.ts';

const BOX = `exec-${process.pid}`;
const suite = useRunnerSuite({ boxes: [{ box_id: BOX, cpus: 1, memory_mib: 128 }] });

const run = (body: Record<string, unknown>) => runExec(suite.peer, BOX, body);

describe('exec', { timeout: 60_000 }, () => {
  test('stdout, stderr and exit codes 0, 1, 42, 127', async () => {
    const a = await run({ command: 'sh', args: ['-c', 'echo out; echo err >&2'] });
    expect(a).toMatchObject({ stdout: 'out\n', stderr: 'err\n', exitCode: 0 });
    expect((await run({ command: 'false' })).exitCode).toBe(1);
    expect((await run({ command: 'sh', args: ['-c', 'exit 42'] })).exitCode).toBe(42);
    expect((await run({ command: 'sh', args: ['-c', 'no-such-cmd'] })).exitCode).toBe(127);
  });

  test('a signal death is reported as 128+N', async () => {
    expect((await run({ command: 'sh', args: ['-c', 'kill -TERM $$'] })).exitCode).toBe(143);
    expect((await run({ command: 'sh', args: ['-c', 'kill -KILL $$'] })).exitCode).toBe(137);
  });

  test('exit frame comes last, after all output, then the socket closes', async () => {
    const a = await run({
      command: 'sh',
      args: ['-c', 'for i in 1 2 3 4 5; do echo line$i; done; echo e >&2'],
    });
    expect(a.order.at(-1)).toBe('exit');
    expect(a.afterExit).toBe(0);
    expect(a.stdout).toBe('line1\nline2\nline3\nline4\nline5\n');
    expect(a.closeCode).toBe(1000);
  });

  test('env, working_dir and user', async () => {
    expect((await run({ command: 'sh', args: ['-c', 'echo $FOO'], env: { FOO: 'bar baz' } })).stdout).toBe(
      'bar baz\n',
    );
    expect((await run({ command: 'pwd', working_dir: '/tmp' })).stdout).toBe('/tmp\n');
    expect((await run({ command: 'id', args: ['-u'], user: 'tester' })).stdout).toBe('1000\n');
    expect((await run({ command: 'id', args: ['-u'], user: '4242' })).stdout).toBe('4242\n');
    expect((await run({ command: 'id', args: ['-u'] })).stdout).toBe('0\n');
  });

  test('spawn failures are answered before the exec starts', async () => {
    const missing = await req(suite.peer, 'POST', `/v1/boxes/${BOX}/exec`, {
      body: {
        command: 'definitely-not-here',
        tty: false,
      },
    });
    expect(missing.status).toBe(422);
    expect(missing.json.error.code).toBe('execution_failed');
    const abs = await req(suite.peer, 'POST', `/v1/boxes/${BOX}/exec`, {
      body: {
        command: '/nope/bin',
        tty: false,
      },
    });
    expect(abs.json.error.code).toBe('execution_failed');
    const user = await req(suite.peer, 'POST', `/v1/boxes/${BOX}/exec`, {
      body: {
        command: 'id',
        user: 'nobody-here',
        tty: false,
      },
    });
    expect(user.status).toBe(400);
    expect(user.json.error).toMatchObject({ code: 'invalid_argument', type: 'InvalidArgumentError' });
    const wd = await req(suite.peer, 'POST', `/v1/boxes/${BOX}/exec`, {
      body: {
        command: 'pwd',
        working_dir: '/nope',
        tty: false,
      },
    });
    expect(wd.json.error.code).toBe('execution_failed');
    const unknownBox = await req(suite.peer, 'POST', '/v1/boxes/no-such-box/exec', {
      body: {
        command: 'echo',
        tty: false,
      },
    });
    expect(unknownBox.status).toBe(404);
    expect(unknownBox.json.error.code).toBe('not_found');
  });

  test('tty: output on 0x01 only, resize reaches the terminal; non-tty resize is refused', async () => {
    const rep = await req(suite.peer, 'POST', `/v1/boxes/${BOX}/exec`, {
      body: {
        command: 'sh',
        // No initial `stty size`: the 80x24 default is applied right after start and can lose
        // the race with a fast first command (Docker 20.10 has no ConsoleSize on exec).
        args: ['-c', 'echo err >&2; read x; stty size'],
        tty: true,
      },
    });
    const id = rep.json.execution_id;
    const at = await attachLive(suite.peer, BOX, id);
    await sleep(300);
    const rz = await req(suite.peer, 'POST', `/v1/boxes/${BOX}/executions/${id}/resize`, {
      body: {
        cols: 120,
        rows: 40,
      },
    });
    expect(rz.status).toBe(204);
    at.session.sendStdin('go\n');
    const a = await at.result;
    expect(a.stderr).toBe('');
    expect(a.stdout).toContain('err');
    expect(a.stdout).toContain('40 120');
    expect(a.exitCode).toBe(0);

    const plain = await req(suite.peer, 'POST', `/v1/boxes/${BOX}/exec`, {
      body: {
        command: 'sleep',
        args: ['5'],
        tty: false,
      },
    });
    const pid = plain.json.execution_id;
    const bad = await req(suite.peer, 'POST', `/v1/boxes/${BOX}/executions/${pid}/resize`, {
      body: {
        cols: 10,
        rows: 10,
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('invalid_argument');
    await req(suite.peer, 'DELETE', `/v1/boxes/${BOX}/executions/${pid}`);
  });

  test('timeout: SIGTERM, then SIGKILL after the grace for a TERM-ignoring process', async () => {
    const t0 = Date.now();
    const soft = await run({ command: 'sleep', args: ['30'], timeout_seconds: 1 });
    expect(soft.exitCode).toBe(143);
    expect(Date.now() - t0).toBeLessThan(5000);

    const t1 = Date.now();
    const rep = await req(suite.peer, 'POST', `/v1/boxes/${BOX}/exec`, {
      body: {
        command: 'sh',
        args: ['-c', 'trap "" TERM; sleep 30'],
        timeout_seconds: 1,
        tty: false,
      },
    });
    const id = rep.json.execution_id;
    const a = await attached(suite.peer, BOX, id);
    const took = Date.now() - t1;
    expect(a.exitCode).toBe(137);
    expect(took).toBeGreaterThanOrEqual(2800);
    expect(took).toBeLessThan(8000);
    const st = await req(suite.peer, 'GET', `/v1/boxes/${BOX}/executions/${id}`);
    expect(st.json).toMatchObject({ status: 'timed_out', exit_code: 137 });
  });

  test('stdin frames then stdin_eof end `cat`', async () => {
    const rep = await req(suite.peer, 'POST', `/v1/boxes/${BOX}/exec`, {
      body: {
        command: 'cat',
        tty: false,
      },
    });
    const at = await attachLive(suite.peer, BOX, rep.json.execution_id);
    at.session.sendStdin('hello\n');
    at.session.sendStdin(Buffer.from([0x00, 0x01, 0x02, 0x0a]));
    at.session.sendEof();
    const a = await at.result;
    expect(a.exitCode).toBe(0);
    expect(a.stdout).toBe('hello\n\x00\x01\x02\n');
  });

  test('signal 15 and the allowed-signal set; finished exec → 409', async () => {
    const rep = await req(suite.peer, 'POST', `/v1/boxes/${BOX}/exec`, {
      body: {
        command: 'sh',
        args: ['-c', 'trap "echo got-usr1; exit 7" USR1; while :; do sleep 0.1; done'],
        tty: false,
      },
    });
    const id = rep.json.execution_id;
    const at = await attachLive(suite.peer, BOX, id);
    await sleep(300);
    const nine = await signalExec(suite.peer, BOX, id, 9);
    expect(nine.status).toBe(400);
    expect(nine.json.error.code).toBe('invalid_argument');
    expect((await signalExec(suite.peer, BOX, id, 10)).status).toBe(204);
    const a = await at.result;
    expect(a).toMatchObject({ stdout: 'got-usr1\n', exitCode: 7 });
    const late = await signalExec(suite.peer, BOX, id, 15);
    expect(late.status).toBe(409);
    expect(late.json.error.code).toBe('invalid_state');

    const r2 = await req(suite.peer, 'POST', `/v1/boxes/${BOX}/exec`, {
      body: {
        command: 'sleep',
        args: ['30'],
        tty: false,
      },
    });
    const id2 = r2.json.execution_id;
    const at2 = await attachLive(suite.peer, BOX, id2);
    await sleep(200);
    expect((await signalExec(suite.peer, BOX, id2, 15)).status).toBe(204);
    expect((await at2.result).exitCode).toBe(143);
  });

  test('kill (DELETE): SIGKILL, status killed, attached socket gets exit', async () => {
    const rep = await req(suite.peer, 'POST', `/v1/boxes/${BOX}/exec`, {
      body: {
        command: 'sh',
        args: ['-c', 'trap "" TERM; sleep 30 & wait'],
        tty: false,
      },
    });
    const id = rep.json.execution_id;
    const at = await attachLive(suite.peer, BOX, id);
    await sleep(200);
    const t0 = Date.now();
    expect((await req(suite.peer, 'DELETE', `/v1/boxes/${BOX}/executions/${id}`)).status).toBe(204);
    const a = await at.result;
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(a.exitCode).toBe(137);
    const st = await req(suite.peer, 'GET', `/v1/boxes/${BOX}/executions/${id}`);
    expect(st.json).toMatchObject({ execution_id: id, status: 'killed', exit_code: 137 });
    // The orphaned background sleep was killed with the tree.
    const ps = await run({ command: 'sh', args: ['-c', 'ps | grep -c "[s]leep 30" || true'] });
    expect(ps.stdout.trim()).toBe('0');
  });

  test('status probe and unknown exec ids', async () => {
    const rep = await req(suite.peer, 'POST', `/v1/boxes/${BOX}/exec`, {
      body: {
        command: 'sleep',
        args: ['1'],
        tty: false,
      },
    });
    const id = rep.json.execution_id;
    expect((await req(suite.peer, 'GET', `/v1/boxes/${BOX}/executions/${id}`)).json).toMatchObject({
      status: 'running',
      exit_code: null,
    });
    await attached(suite.peer, BOX, id);
    expect((await req(suite.peer, 'GET', `/v1/boxes/${BOX}/executions/${id}`)).json).toMatchObject({
      status: 'completed',
      exit_code: 0,
    });
    expect((await req(suite.peer, 'GET', `/v1/boxes/${BOX}/executions/exec-nope`)).status).toBe(404);
    await expect(attached(suite.peer, BOX, 'exec-nope')).rejects.toMatchObject({
      status: 404,
    });
  });

  test('metrics count executions, errors and bytes', async () => {
    const before = (await req(suite.peer, 'GET', `/v1/boxes/${BOX}/metrics`)).json;
    await run({ command: 'echo', args: ['12345'] });
    await req(suite.peer, 'POST', `/v1/boxes/${BOX}/exec`, {
      body: {
        command: 'not-a-binary',
        tty: false,
      },
    });
    const after = (await req(suite.peer, 'GET', `/v1/boxes/${BOX}/metrics`)).json;
    expect(after.commands_executed_total - before.commands_executed_total).toBe(1);
    expect(after.exec_errors_total - before.exec_errors_total).toBe(1);
    expect(after.bytes_received_total - before.bytes_received_total).toBe(6);
    expect(after).toMatchObject({ cpu_percent: null, memory_bytes: null, network_tcp_errors: null });
    expect(typeof after.bytes_sent_total).toBe('number');
  });
});
