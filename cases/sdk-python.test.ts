/**
 * Smoke through the real PyPI SDK (`boxlite`, pinned in drivers/python/venv.ts) in REST mode —
 * the client upstream's own e2e suite is written in. Each case runs its ops in one Python
 * process (drivers/python/driver.py); every box the script creates is tracked the moment it
 * exists, so cleanup and the path guard cover it like any SDK-made box.
 *
 * Asserted the way upstream does, but tighter: exact exit codes and streams, the typed
 * exception class and code instead of "no 500 in the message", state after stop/start.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { ExecOutcome } from '../drivers/protocol.ts';
import { type PyBoxInfo, type PyOp, type PyOpResult, runPythonOps } from '../drivers/python/driver.ts';
import { ensurePythonSdk } from '../drivers/python/venv.ts';
import {
  type BoxTracker,
  type CallClock,
  claims,
  describe,
  expect,
  runContext,
  type StackHandle,
  stateAfterCreate,
  test,
} from '../fixtures/index.ts';
import { createProgress } from '../kernel/progress.ts';

const BOX_ID_RE = /^[0-9A-Za-z]{12}$/;
/** Well-formed ids never issued: the real format and upstream's UUID shape. */
const UNKNOWN_IDS = ['zzzzzzzzzzzz', '00000000-0000-0000-0000-000000000001'];

let python = '';
let hostDir = '';

beforeAll(async () => {
  python = await ensurePythonSdk({ cacheDir: runContext().cacheDir, progress: createProgress() });
  hostDir = await mkdtemp(join(tmpdir(), 'boxlite-e2e-py-'));
}, 600_000);

afterAll(async () => {
  if (hostDir) await rm(hostDir, { recursive: true, force: true });
});

interface PyCtx {
  stack: StackHandle;
  tracker: BoxTracker;
  clock: CallClock;
}
/** Runs ops through the Python SDK: boxes it creates go to this test's tracker, its time to the call clock. */
const py = ({ stack, tracker, clock }: PyCtx, ops: PyOp[]) =>
  clock.time(runPythonOps(python, stack, ops, tracker.record));

/** The op's result, failing the test with the SDK's error text if the op failed. */
function ok<T>(r: PyOpResult | undefined): T {
  expect(r, 'op was not answered').toBeDefined();
  expect(r!.error, `${r!.op} #${r!.index} failed (${r!.error_type})`).toBeNull();
  return r!.result as T;
}
const exec = (r: PyOpResult | undefined) => ok<ExecOutcome>(r);
const sh = (script: string, extra: Partial<Extract<PyOp, { op: 'exec' }>> = {}): PyOp => ({
  op: 'exec',
  command: 'sh',
  args: ['-c', script],
  ...extra,
});

/** Upstream's heuristic for "a typed error, not a crash"; kept next to the exact class check. */
const notInternal = (msg: string | null) => expect(msg ?? '').not.toMatch(/500|Internal/);

describe('python SDK (PyPI boxlite, REST)', () => {
  test(
    'create with a name; get_info reports id, name, image, resources and state',
    claims({
      pins: [
        'box.create.name',
        'box.get.route',
        'box.json.image',
        'box.json.cpus',
        'box.json.memory',
        'box.json.status',
      ],
      ports: ['test_create_named_box', 'test_get_info_returns_box_metadata'],
      needs: ['create'],
    }),
    async ({ stack, tracker, clock, image, boxName }) => {
      const name = boxName();
      const [created, info, handle] = await py({ stack, tracker, clock }, [
        { op: 'create', image, name },
        { op: 'get_info', box: '$0' },
        { op: 'info', box: '$0' },
      ]);
      const box = ok<{ id: string; name: string }>(created);
      expect(box.id).toMatch(BOX_ID_RE);
      expect(box.name).toBe(name);
      expect(tracker.ids).toEqual([box.id]);
      const i = ok<PyBoxInfo>(info);
      const state = stateAfterCreate(stack);
      expect(i).toMatchObject({ id: box.id, name, image, state });
      expect(i.image).toContain(image);
      expect(Number.isInteger(i.cpus) && i.cpus > 0).toBe(true);
      expect(Number.isInteger(i.memory_mib) && i.memory_mib > 0).toBe(true);
      expect(Number.isNaN(Date.parse(i.created_at))).toBe(false);
      expect(ok<PyBoxInfo>(handle)).toMatchObject({ id: box.id, name, state: { status: state.status } });
    },
  );

  test(
    'list_info includes the created box; every entry has an id and a state',
    claims({
      pins: ['box.list.route'],
      ports: ['test_list_info_includes_created_box', 'test_runtime_initialization_creates_empty_list'],
      needs: ['create'],
    }),
    async ({ stack, tracker, clock, image, boxName }) => {
      const [created, listed] = await py({ stack, tracker, clock }, [
        { op: 'create', image, name: boxName() },
        { op: 'list' },
      ]);
      const { id } = ok<{ id: string }>(created);
      const list = ok<PyBoxInfo[]>(listed);
      expect(Array.isArray(list)).toBe(true);
      for (const entry of list) {
        expect(entry.id).toMatch(BOX_ID_RE);
        expect(typeof entry.state.status).toBe('string');
      }
      const mine = list.filter((e) => e.id === id);
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({ id, image, state: stateAfterCreate(stack) });
    },
  );

  test(
    'exec: stdout and stderr land on their own streams; the exit code is an int',
    claims({
      pins: ['ws.frame.stdout', 'ws.frame.stderr'],
      ports: ['test_exec_result_shape_via_rest', 'test_stderr_only_command', 'test_empty_command_output'],
      needs: 'vm',
    }),
    async ({ stack, tracker, clock, image, boxName }) => {
      const [, mixed, errOnly, empty] = await py({ stack, tracker, clock }, [
        { op: 'create', image, name: boxName() },
        sh('echo OUT-MARK; echo ERR-MARK >&2; exit 3'),
        sh('echo only-err >&2'),
        { op: 'exec', command: 'true' },
      ]);
      expect(exec(mixed)).toMatchObject({
        driver: 'python-sdk',
        stdout: 'OUT-MARK\n',
        stderr: 'ERR-MARK\n',
        exitCode: 3,
        error: null,
      });
      expect(exec(errOnly)).toMatchObject({ stdout: '', stderr: 'only-err\n', exitCode: 0, error: null });
      expect(exec(empty)).toMatchObject({ stdout: '', stderr: '', exitCode: 0, error: null });
    },
  );

  test(
    'exit codes 0, 1, 2, 42, 126 and 127 come back exactly',
    claims({ pins: ['exec.exit.code'], ports: ['test_exit_code_propagated[0,1,2,42,126,127]'], needs: 'vm' }),
    async ({ stack, tracker, clock, image, boxName }) => {
      const cases: Array<[number, string]> = [
        [0, 'exit 0'],
        [1, 'exit 1'],
        [2, 'exit 2'],
        [42, 'exit 42'],
        [126, 'echo x > /tmp/noexec && chmod 644 /tmp/noexec && /tmp/noexec'],
        [127, 'no-such-command-e2e'],
      ];
      const [, ...results] = await py({ stack, tracker, clock }, [
        { op: 'create', image, name: boxName() },
        ...cases.map(([, s]) => sh(s)),
      ]);
      expect(results.map((r) => exec(r).exitCode)).toEqual(cases.map(([code]) => code));
      expect(exec(results.at(-1)).stderr).toContain('no-such-command-e2e');
    },
  );

  test(
    'a binary that does not exist is refused with a typed ExecutionError',
    claims({
      pins: ['exec.start.binary-missing'],
      ports: ['test_nonexistent_command_returns_error'],
      needs: ['vm'],
      detects: ['exec-spawn-500'],
    }),
    async ({ stack, tracker, clock, image, boxName }) => {
      const [, missing] = await py({ stack, tracker, clock }, [
        { op: 'create', image, name: boxName() },
        { op: 'exec', command: '/nonexistent/binary' },
      ]);
      expect(missing).toMatchObject({ error_type: 'ExecutionError', error_code: 'execution_failed' });
      expect(missing!.error).toMatch(/^Execution error: .*\/nonexistent\/binary/);
      expect(missing!.result).toMatchObject({
        driver: 'python-sdk',
        exitCode: null,
        stdout: '',
        stderr: '',
      });
      notInternal(missing!.error);
    },
  );

  test(
    'box env, exec env, cwd and tty reach the command',
    claims({
      pins: ['box.create.env', 'exec.start.env', 'exec.start.working-dir', 'exec.start.tty'],
      ports: [
        'test_box_options_env_propagates_through_rest',
        'test_exec_env_vars',
        'test_exec_working_dir',
        'test_exec_tty_collects_natural_exit_code',
      ],
      needs: 'vm',
    }),
    async ({ stack, tracker, clock, image, boxName }) => {
      const [, boxEnv, execEnv, cwd, tty] = await py({ stack, tracker, clock }, [
        { op: 'create', image, name: boxName(), env: { BOXLITE_E2E_MARKER: 'yes-its-there' } },
        sh('echo $BOXLITE_E2E_MARKER'),
        sh('echo "$MY_VAR|$BOXLITE_E2E_MARKER"', { env: { MY_VAR: 'boxlite-e2e' } }),
        { op: 'exec', command: 'pwd', cwd: '/tmp' },
        sh('exit 7', { tty: true }),
      ]);
      expect(exec(boxEnv)).toMatchObject({ stdout: 'yes-its-there\n', exitCode: 0 });
      expect(exec(execEnv)).toMatchObject({ stdout: 'boxlite-e2e|yes-its-there\n', exitCode: 0 });
      expect(exec(cwd)).toMatchObject({ stdout: '/tmp\n', exitCode: 0 });
      expect(exec(tty).exitCode).toBe(7);
    },
  );

  test(
    'stdin is written to the command, then closed',
    claims({ pins: ['ws.stdin.binary', 'ws.stdin.eof'], needs: 'vm' }),
    async ({ stack, tracker, clock, image, boxName }) => {
      const text = 'line one\nline two ü\n';
      const [, cat, wc] = await py({ stack, tracker, clock }, [
        { op: 'create', image, name: boxName() },
        { op: 'exec', command: 'cat', stdin: text },
        { op: 'exec', command: 'wc', args: ['-l'], stdin: text },
      ]);
      expect(exec(cat)).toMatchObject({ stdout: text, stderr: '', exitCode: 0, error: null });
      expect(exec(wc)).toMatchObject({ stdout: '2\n', exitCode: 0 });
    },
  );

  test(
    'copy_in → process in the guest → copy_out round trip',
    claims({
      pins: ['files.guest-sees', 'files.put.route', 'files.get.route'],
      ports: ['test_upload_process_download'],
      needs: 'vm',
    }),
    async ({ stack, tracker, clock, image, boxName }) => {
      const content = 'the quick brown fox jumps over the lazy dog\n';
      const src = join(hostDir, `upload-${boxName()}.txt`);
      const back = join(hostDir, `back-${boxName()}.txt`);
      const result = join(hostDir, `result-${boxName()}.txt`);
      await writeFile(src, content);
      const [, copyIn, processed, copyBack, copyResult] = await py({ stack, tracker, clock }, [
        { op: 'create', image, name: boxName() },
        { op: 'copy_in', host_path: src, dest: '/root/upload.txt' },
        sh('tr a-z A-Z < /root/upload.txt > /root/result.txt && wc -w < /root/upload.txt'),
        { op: 'copy_out', src: '/root/upload.txt', host_path: back },
        { op: 'copy_out', src: '/root/result.txt', host_path: result },
      ]);
      ok(copyIn);
      expect(exec(processed)).toMatchObject({ stdout: '9\n', exitCode: 0 });
      ok(copyBack);
      ok(copyResult);
      expect(await readFile(back, 'utf8')).toBe(content);
      expect(await readFile(result, 'utf8')).toBe(content.toUpperCase());
    },
  );

  test(
    'stop → start: get_info follows the state; the rootfs survives',
    claims({
      pins: ['box-state.stop.running', 'box-state.start.stopped', 'lifecycle.disk.persists'],
      ports: ['test_stop_start_preserves_rootfs', 'test_box_info_reflects_state'],
      needs: 'vm',
    }),
    async ({ stack, tracker, clock, image, boxName }) => {
      const [, write, stop, stopped, start, started, read] = await py({ stack, tracker, clock }, [
        { op: 'create', image, name: boxName() },
        sh('mkdir -p /workspace && echo persisted-marker > /workspace/marker.txt'),
        { op: 'stop' },
        { op: 'get_info' },
        { op: 'start' },
        { op: 'get_info' },
        { op: 'exec', command: 'cat', args: ['/workspace/marker.txt'] },
      ]);
      expect(exec(write).exitCode).toBe(0);
      ok(stop);
      expect(ok<PyBoxInfo>(stopped).state).toMatchObject({ status: 'stopped', running: false });
      ok(start);
      expect(ok<PyBoxInfo>(started).state).toMatchObject({ status: 'running', running: true });
      expect(exec(read)).toMatchObject({ stdout: 'persisted-marker\n', exitCode: 0 });
    },
  );

  test(
    'exec on a stopped box raises StoppedError (not a 500)',
    claims({
      pins: ['box-state.exec.stopped', 'http.code.stopped'],
      ports: ['test_exec_on_stopped_box_is_typed_error', 'test_exec_on_stopped_box_fails'],
      needs: ['vm'],
      detects: ['exec-stopped-500'],
    }),
    async ({ stack, tracker, clock, image, boxName }) => {
      const [, stop, execStopped] = await py({ stack, tracker, clock }, [
        { op: 'create', image, name: boxName() },
        { op: 'stop' },
        { op: 'exec', command: 'true' },
      ]);
      ok(stop);
      expect(execStopped).toMatchObject({ error_type: 'StoppedError', error_code: 'stopped' });
      expect(execStopped!.result).toMatchObject({ exitCode: null });
      notInternal(execStopped!.error);
    },
  );

  test(
    'exec after remove raises NotFoundError (not a 500)',
    claims({
      pins: ['box-state.exec.removed'],
      ports: ['test_exec_after_box_removed_is_typed_error'],
      detects: ['exec-removed-500'],
      needs: ['create'],
    }),
    async ({ stack, tracker, clock, image, boxName }) => {
      const [, removed, execRemoved] = await py({ stack, tracker, clock }, [
        { op: 'create', image, name: boxName() },
        { op: 'remove', force: true },
        { op: 'exec', command: 'true' },
      ]);
      ok(removed);
      expect(execRemoved).toMatchObject({ error_type: 'NotFoundError', error_code: 'not_found' });
      notInternal(execRemoved!.error);
    },
  );

  test(
    'box and runtime metrics: complete shape, exact command count',
    claims({
      pins: ['metrics.box.fields', 'metrics.runtime.fields', 'metrics.box.commands'],
      ports: [
        'test_box_metrics_shape_is_complete',
        'test_box_metrics_increments_command_count',
        'test_runtime_metrics_counts_active_boxes',
      ],
      needs: 'vm',
    }),
    async ({ stack, tracker, clock, image, boxName }) => {
      const [rt0, , m0, , , , m1, rt1] = await py({ stack, tracker, clock }, [
        { op: 'runtime_metrics' },
        { op: 'create', image, name: boxName() },
        { op: 'metrics' },
        { op: 'exec', command: 'true' },
        { op: 'exec', command: 'true' },
        { op: 'exec', command: 'true' },
        { op: 'metrics' },
        { op: 'runtime_metrics' },
      ]);
      type M = Record<string, number | null>;
      const before = ok<M>(m0);
      const after = ok<M>(m1);
      for (const key of [
        'commands_executed_total',
        'exec_errors_total',
        'bytes_sent_total',
        'bytes_received_total',
        'total_create_duration_ms',
        'guest_boot_duration_ms',
        'cpu_percent',
        'memory_bytes',
      ]) {
        expect(after, key).toHaveProperty(key);
      }
      expect(Number.isInteger(after.commands_executed_total)).toBe(true);
      expect(after.commands_executed_total).toBe(before.commands_executed_total! + 3);
      expect(after.exec_errors_total).toBe(before.exec_errors_total);
      const r0 = ok<M>(rt0);
      const r1 = ok<M>(rt1);
      // The org is shared with other workers: growth is at least ours.
      expect(r1.boxes_created_total).toBeGreaterThanOrEqual(r0.boxes_created_total! + 1);
      expect(r1.total_commands_executed).toBeGreaterThanOrEqual(r0.total_commands_executed! + 3);
    },
  );

  test(
    'remove(force=True) of a running box: get_info then returns None, a second remove raises NotFoundError',
    claims({
      pins: ['box-state.remove.running', 'box-state.remove.gone', 'box.remove.unknown'],
      ports: ['test_force_remove_running_box', 'test_remove_already_removed_returns_not_found'],
      needs: 'vm',
    }),
    async ({ stack, tracker, clock, image, boxName }) => {
      const [created, removed, info, get, again, listed] = await py({ stack, tracker, clock }, [
        { op: 'create', image, name: boxName() },
        { op: 'remove', box: '$0', force: true },
        { op: 'get_info', box: '$0' },
        { op: 'get', box: '$0' },
        { op: 'remove', box: '$0', force: true },
        { op: 'list' },
      ]);
      const { id } = ok<{ id: string }>(created);
      ok(removed);
      expect(ok(info)).toBeNull();
      expect(ok(get)).toBeNull();
      expect(again).toMatchObject({ error_type: 'NotFoundError', error_code: 'not_found' });
      expect(again!.error).toContain(id);
      notInternal(again!.error);
      expect(ok<PyBoxInfo[]>(listed).map((e) => e.id)).not.toContain(id);
    },
  );

  test(
    'an id never issued: get_info returns None, remove raises NotFoundError',
    claims({
      pins: ['box.get.unknown', 'box.remove.unknown'],
      ports: ['test_get_info_returns_none_for_nonexistent', 'test_remove_nonexistent_returns_not_found'],
    }),
    async ({ stack, tracker, clock }) => {
      const ops: PyOp[] = UNKNOWN_IDS.flatMap((id): PyOp[] => [
        { op: 'get_info', box: id },
        { op: 'remove', box: id, force: true },
      ]);
      const results = await py({ stack, tracker, clock }, ops);
      expect(tracker.ids).toEqual([]);
      UNKNOWN_IDS.forEach((id, i) => {
        const [info, remove] = [results[2 * i], results[2 * i + 1]];
        expect(ok(info), id).toBeNull();
        expect(remove, id).toMatchObject({ error_type: 'NotFoundError', error_code: 'not_found' });
        expect(remove!.error).toContain(id);
        notInternal(remove!.error);
      });
    },
  );
});
