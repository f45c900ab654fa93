/**
 * The upstream C and Go SDK driver behaviours (scripts/test/e2e/sdks/{c,go}), run through our
 * drivers/c and drivers/go — which call boxlite.h / the Go SDK as a user would — one suite per
 * driver (cases/sdk-c.test.ts, cases/sdk-go.test.ts). Asserted tighter than upstream's
 * "no 500 in the message": exact streams and exit codes, the SDK's typed error code, state
 * after stop/start, bytes after a copy round trip.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { SdkDrivers } from '../bootstrap/sdk-shim/spec.ts';
import {
  type NativeBoxInfo,
  type NativeDriver,
  type NativeOp,
  type NativeOpResult,
  runNativeOps,
} from '../drivers/native/driver.ts';
import type { ExecOutcome } from '../drivers/protocol.ts';
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

const BOX_ID_RE = /^[0-9A-Za-z]{12}$/;
/** Well-formed ids never issued: the real format and upstream's UUID shape. */
const UNKNOWN_IDS = ['zzzzzzzzzzzz', '00000000-0000-0000-0000-000000000000'];

export interface NativeSuite {
  driver: NativeDriver;
  title: string;
  binary: (d: SdkDrivers) => string;
  /** What upstream's smoke driver echoes, e.g. HELLO-FROM-C. */
  marker: string;
  /** Upstream case names each test ports (tools/parity/upstream-cases.ts). */
  ports: { basic: string[]; streams: string[]; options: string[]; copy: string[]; errors: string[] };
  /** Ledger bugs of this SDK the exec-options test detects. */
  optionsDetect: string[];
}

/** Bugs of a checkout's own SDK library: claimed only when the drivers were built from one. */
export const whenCheckoutDrivers = (ids: string[]): string[] =>
  runContext().sdkDrivers?.drivers?.source === 'checkout' ? ids : [];

interface Ctx {
  stack: StackHandle;
  tracker: BoxTracker;
  clock: CallClock;
}

/** The op's result, failing the test with the SDK's error if the op failed. */
function ok<T>(r: NativeOpResult | undefined): T {
  expect(r, 'op was not answered').toBeDefined();
  expect(r!.error, `${r!.op} #${r!.index} failed (${r!.error_type})`).toBeNull();
  return r!.result as T;
}
const exec = (r: NativeOpResult | undefined) => ok<ExecOutcome>(r);
const sh = (script: string, extra: Partial<Extract<NativeOp, { op: 'exec' }>> = {}): NativeOp => ({
  op: 'exec',
  command: 'sh',
  args: ['-c', script],
  ...extra,
});
/** Upstream's heuristic for "a typed error, not a crash"; kept next to the exact code check. */
const notInternal = (r: NativeOpResult | undefined) => {
  expect(r?.error ?? '').not.toMatch(/500|Internal/);
  expect(r?.error_type).not.toBe('Internal');
};

export function describeNativeSdk(s: NativeSuite): void {
  let binary = '';
  let hostDir = '';

  beforeAll(async () => {
    const provided = runContext().sdkDrivers;
    if (!provided?.drivers)
      throw new Error(provided?.missing ?? 'no C/Go SDK drivers: run `pnpm e2e:sdk-shim`');
    binary = s.binary(provided.drivers);
    hostDir = await mkdtemp(join(tmpdir(), `boxlite-e2e-${s.driver}-`));
  });

  afterAll(async () => {
    if (hostDir) await rm(hostDir, { recursive: true, force: true });
  });

  /** Runs ops through the driver: boxes it creates go to this test's tracker, its time to the call clock. */
  const run = ({ stack, tracker, clock }: Ctx, ops: NativeOp[]) =>
    clock.time(runNativeOps(binary, s.driver, stack, ops, tracker.record));

  describe(s.title, () => {
    test(
      `create, get_info, exec ${s.marker}, remove: the box is gone after`,
      claims({
        ports: s.ports.basic,
        needs: ['vm'],
        pins: ['box.create.route', 'box.get.route', 'exec.start.route', 'box.remove.route'],
      }),
      async ({ stack, tracker, clock, image, boxName }) => {
        const name = boxName();
        const [created, info, echo, listed, removed, after, list2] = await run({ stack, tracker, clock }, [
          { op: 'create', image, name },
          { op: 'get_info', box: '$0' },
          { op: 'exec', command: 'echo', args: [s.marker] },
          { op: 'list' },
          { op: 'remove', box: '$0', force: true },
          { op: 'get_info', box: '$0' },
          { op: 'list' },
        ]);
        const box = ok<{ id: string; name: string }>(created);
        expect(box).toEqual({ id: expect.stringMatching(BOX_ID_RE), name });
        expect(tracker.ids).toEqual([box.id]);
        const state = stateAfterCreate(stack);
        expect(ok<NativeBoxInfo>(info)).toMatchObject({ id: box.id, name, image, ...state });
        expect(ok<NativeBoxInfo>(info).cpus).toBeGreaterThan(0);
        expect(ok<NativeBoxInfo>(info).memory_mib).toBeGreaterThan(0);
        expect(Math.abs(ok<NativeBoxInfo>(info).created_at * 1000 - Date.now())).toBeLessThan(24 * 3600_000);
        expect(exec(echo)).toMatchObject({
          driver: s.driver,
          stdout: `${s.marker}\n`,
          stderr: '',
          exitCode: 0,
        });
        expect(ok<NativeBoxInfo[]>(listed).filter((i) => i.id === box.id)).toHaveLength(1);
        ok(removed);
        // boxlite-c answers an unknown box's info with NotFound (sdks/c/src/info.rs box_info_by_id).
        expect(after).toMatchObject({ error_type: 'NotFound', error_code: 2 });
        expect(ok<NativeBoxInfo[]>(list2).map((i) => i.id)).not.toContain(box.id);
      },
    );

    test(
      'exec: stdout and stderr apart, exit codes exact, unicode, large output and stdin intact',
      claims({
        ports: s.ports.streams,
        needs: ['vm'],
        pins: ['ws.frame.stdout', 'ws.frame.stderr', 'exec.exit.code', 'ws.frame.order', 'ws.stdin.binary'],
      }),
      async ({ stack, tracker, clock, image, boxName }) => {
        const codes: Array<[number, string]> = [
          [0, 'exit 0'],
          [1, 'exit 1'],
          [42, 'exit 42'],
          [127, 'no-such-command-e2e'],
        ];
        const [, mixed, errOnly, text, big, cat, ...exits] = await run({ stack, tracker, clock }, [
          { op: 'create', image, name: boxName() },
          sh('echo OUT-MARK; echo ERR-MARK >&2; exit 3'),
          sh('echo only-err >&2'),
          // Through both JSON codecs and the C strings: unicode, a tab, quotes, a backslash.
          { op: 'exec', command: 'printf', args: ['%s\n', 'héllo ✓\t"q" \\ ü'] },
          { op: 'exec', command: 'seq', args: ['1', '3000'] },
          { op: 'exec', command: 'cat', stdin: 'line one\nline two\n' },
          ...codes.map(([, script]) => sh(script)),
        ]);
        expect(exec(mixed)).toMatchObject({
          stdout: 'OUT-MARK\n',
          stderr: 'ERR-MARK\n',
          exitCode: 3,
          error: null,
        });
        expect(exec(errOnly)).toMatchObject({ stdout: '', stderr: 'only-err\n', exitCode: 0 });
        expect(exec(text).stdout).toBe('héllo ✓\t"q" \\ ü\n');
        expect(exec(big).stdout).toBe(`${Array.from({ length: 3000 }, (_, i) => i + 1).join('\n')}\n`);
        expect(exec(cat)).toMatchObject({ stdout: 'line one\nline two\n', exitCode: 0 });
        expect(exits.map((r) => exec(r).exitCode)).toEqual(codes.map(([c]) => c));
        expect(exec(exits.at(-1)).stderr).toContain('no-such-command-e2e');
      },
    );

    test(
      'exec options: box env, exec env, cwd, user, tty, and a timeout that ends the command',
      claims({
        ports: s.ports.options,
        needs: ['vm'],
        detects: s.optionsDetect,
        pins: [
          'box.create.env',
          'exec.start.env',
          'exec.start.working-dir',
          'exec.start.user',
          'exec.start.tty',
          'exec.timeout.term',
        ],
      }),
      async ({ stack, tracker, clock, image, boxName }) => {
        const [, boxEnv, execEnv, cwd, user, tty, timedOut] = await run({ stack, tracker, clock }, [
          { op: 'create', image, name: boxName(), env: { BOX_ENV_MARKER: 'yes-its-there' } },
          sh('echo $BOX_ENV_MARKER'),
          { op: 'exec', command: 'printenv', args: ['MY_KEY'], env: { MY_KEY: 'MY_VALUE' } },
          { op: 'exec', command: 'pwd', cwd: '/tmp' },
          { op: 'exec', command: 'id', args: ['-u'], user: '1000' },
          sh('exit 7', { tty: true }),
          sh('sleep 300', { timeout_secs: 1 }),
        ]);
        expect(exec(boxEnv)).toMatchObject({ stdout: 'yes-its-there\n', exitCode: 0 });
        expect(exec(execEnv)).toMatchObject({ stdout: 'MY_VALUE\n', exitCode: 0 });
        expect(exec(cwd)).toMatchObject({ stdout: '/tmp\n', exitCode: 0 });
        expect(exec(tty).exitCode).toBe(7);
        // The timeout is the contract: SIGTERM (128 + 15) well before the 300 s sleep ends.
        expect(exec(timedOut).exitCode).toBe(128 + 15);
        expect(exec(timedOut).ms).toBeLessThan(60_000);
        // Last: the SDK bugs this test detects are about the user (optionsDetect).
        expect(exec(user)).toMatchObject({ stdout: '1000\n', exitCode: 0 });
      },
    );

    test(
      'copy a file in and back out: the bytes survive both ways',
      claims({ ports: s.ports.copy, needs: ['vm'], pins: ['files.bytes-exact'] }),
      async ({ stack, tracker, clock, image, boxName }) => {
        const content = `hello-from-${s.driver}-copy-e2e\n${'x'.repeat(5000)}\n`;
        const upload = join(hostDir, `upload-${boxName()}.txt`);
        const download = join(hostDir, `download-${boxName()}.txt`);
        await writeFile(upload, content);
        const [, copyIn, catIt, copyOut] = await run({ stack, tracker, clock }, [
          { op: 'create', image, name: boxName() },
          { op: 'copy_in', host_path: upload, dest: '/tmp/e2e-copy-test.txt' },
          { op: 'exec', command: 'cat', args: ['/tmp/e2e-copy-test.txt'] },
          { op: 'copy_out', src: '/tmp/e2e-copy-test.txt', host_path: download },
        ]);
        ok(copyIn);
        expect(exec(catIt)).toMatchObject({ stdout: content, exitCode: 0 });
        ok(copyOut);
        expect(await readFile(download, 'utf8')).toBe(content);
      },
    );

    test(
      'unknown ids: get reads as none, get_info and remove are NotFound naming the id',
      // A checkout's client (c5f4afd1) reads a 404 without the envelope as `internal`
      // (src/boxlite/src/rest/types.rs FlatErrorResponse); crates.io 0.11's maps it by status.
      claims({ ports: s.ports.errors, detects: whenCheckoutDrivers(['rest-error-envelope']) }),
      async ({ stack, tracker, clock }) => {
        const results = await run(
          { stack, tracker, clock },
          UNKNOWN_IDS.flatMap((id): NativeOp[] => [
            { op: 'get', box: id },
            { op: 'get_info', box: id },
            { op: 'remove', box: id },
          ]),
        );
        for (const [i, id] of UNKNOWN_IDS.entries()) {
          const [get, info, remove] = results.slice(i * 3, i * 3 + 3);
          expect(ok(get), id).toBeNull();
          // boxlite-c answers an unknown box's info with NotFound (sdks/c/src/info.rs box_info_by_id).
          for (const r of [info, remove]) {
            expect(r, id).toMatchObject({ error_type: 'NotFound', error_code: 2 });
            expect(r!.error).toContain(id);
          }
        }
        expect(tracker.ids).toEqual([]);
      },
    );

    test(
      'errors are typed: a bogus image, a stopped box, a removed box',
      claims({
        ports: s.ports.errors,
        needs: ['vm'],
        detects: ['exec-stopped-500', 'exec-removed-500'],
        pins: ['box.create.image-unknown', 'box-state.exec.stopped', 'box-state.exec.removed'],
      }),
      async ({ stack, tracker, clock, image, boxName }) => {
        const [bogus, ...rest] = await run({ stack, tracker, clock }, [
          { op: 'create', image: 'this-image-does-not-exist:0.0.0' },
          { op: 'create', image, name: boxName() },
          { op: 'stop' },
          { op: 'info' },
          { op: 'exec', command: 'true' },
          { op: 'start' },
          { op: 'info' },
          { op: 'remove', force: true },
          { op: 'exec', command: 'true' },
        ]);
        expect(bogus?.error).not.toBeNull();
        expect(bogus?.error_type).toBe('Image');
        notInternal(bogus);
        const [, stop, stopped, execStopped, start, started, remove, execRemoved] = rest;
        ok(stop);
        expect(ok<NativeBoxInfo>(stopped)).toMatchObject({ status: 'stopped', running: false });
        expect(execStopped).toMatchObject({ error_type: 'Stopped', error_code: 11 });
        expect(exec({ ...execStopped!, error: null }).exitCode).toBeNull();
        notInternal(execStopped);
        ok(start);
        expect(ok<NativeBoxInfo>(started)).toMatchObject({ status: 'running', running: true });
        ok(remove);
        expect(execRemoved).toMatchObject({ error_type: 'NotFound', error_code: 2 });
        notInternal(execRemoved);
        expect(tracker.ids).toHaveLength(1);
      },
    );
  });
}
