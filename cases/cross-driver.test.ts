/**
 * The same scenarios through every client — the npm SDK 0.10, the PyPI SDK 0.10, raw REST,
 * the `boxlite` CLI 0.11, and the C and Go SDKs (boxlite.h / sdks/go over the 0.11 REST
 * client) — on one box, compared on what a caller acts on: stdout, stderr, exit
 * code and the class of error. One stack serves all four protocol generations at once, so a
 * sim change made for one client that breaks another shows up here, named by driver. Each
 * test records what every driver saw in its `meta.crossDriver`; the run report renders the
 * family's table from them (`cross-driver.md`, harness/reporters/cross-driver.ts).
 */
import type { TaskMeta } from 'vitest';
import { beforeAll } from 'vitest';
import { errorKind } from '../drivers/error-kind.ts';
import { nativeExec } from '../drivers/native/driver.ts';
import { runSdkExec } from '../drivers/node-sdk/driver.ts';
import { type ExecOutcome, type ExecRequest, emptyOutcome } from '../drivers/protocol.ts';
import { execOp, runPythonOps } from '../drivers/python/driver.ts';
import { ensurePythonSdk } from '../drivers/python/venv.ts';
import { type CaseContext, claims, describe, expect, runContext, test } from '../fixtures/index.ts';
import type { DriverSeen as Seen } from '../harness/reporters/cross-driver.ts';
import { createProgress } from '../kernel/progress.ts';

const DRIVERS = ['node-sdk', 'python-sdk', 'rest', 'cli', 'c-sdk', 'go-sdk'] as const;
type Driver = (typeof DRIVERS)[number];

let python = '';

beforeAll(async () => {
  python = await ensurePythonSdk({ cacheDir: runContext().cacheDir, progress: createProgress() });
}, 600_000);

const seen = (o: ExecOutcome, kind: string | null): Seen => ({
  stdout: o.stdout,
  stderr: o.stderr,
  exitCode: o.exitCode,
  error: kind,
});

/** Python reports the SDK's exception class and code next to its text; the code wins. */
function pythonKind(
  o: ExecOutcome & { _error?: { error_code: string | null; error_type: string } },
): string | null {
  if (!o.error) return null;
  return o._error?.error_code ?? errorKind(`${o.error} (${o._error?.error_type ?? ''})`);
}

type Ctx = Pick<CaseContext, 'rt' | 'rest' | 'cli' | 'stack' | 'tracker'>;

/** One exec per driver, one after another on the same box (or the same unknown id). */
async function runAll(ctx: Ctx, boxId: string, req: ExecRequest): Promise<Record<Driver, Seen>> {
  const node = await (async () => {
    const box = await ctx.rt.get(boxId);
    if (!box) return emptyOutcome('node-sdk', `box not found: rt.get(${boxId}) returned null`, 0);
    return runSdkExec(box, req);
  })();
  const [py] = await runPythonOps(python, ctx.stack, [execOp(boxId, req)], ctx.tracker.record);
  const pyOut = py?.result as ExecOutcome & { _error?: { error_code: string | null; error_type: string } };
  const rest = await ctx.rest.exec(boxId, req);
  const cli = await ctx.cli.exec(boxId, req);
  const native = runContext().sdkDrivers?.drivers;
  const missing = runContext().sdkDrivers?.missing ?? 'no C/Go SDK drivers';
  const viaNative = (d: 'c-sdk' | 'go-sdk') =>
    native
      ? nativeExec(d === 'c-sdk' ? native.c : native.go, d, ctx.stack, boxId, req, ctx.tracker.record)
      : Promise.resolve({ outcome: emptyOutcome(d, missing, 0), kind: 'other' });
  const c = await viaNative('c-sdk');
  const go = await viaNative('go-sdk');
  return {
    'node-sdk': seen(node, errorKind(node.error)),
    'python-sdk': seen(pyOut, pythonKind(pyOut)),
    rest: seen(rest, errorKind(rest.error)),
    cli: seen(cli, errorKind(cli.error)),
    'c-sdk': seen(c.outcome, c.kind),
    'go-sdk': seen(go.outcome, go.kind),
  };
}

/** Records the row in the test's meta, then fails naming every driver that disagrees with the expectation. */
function compare(meta: TaskMeta, scenario: string, expected: Seen, got: Record<Driver, Seen>): void {
  meta.crossDriver = { scenario, expected, seen: got };
  const wrong = DRIVERS.filter((d) => JSON.stringify(got[d]) !== JSON.stringify(expected));
  const detail = wrong.map((d) => `${d} saw ${JSON.stringify(got[d])}`).join('; ');
  expect(
    wrong,
    `${scenario}: ${wrong.join(', ')} disagree(s) with ${JSON.stringify(expected)} — ${detail}`,
  ).toEqual([]);
}

const ok = (stdout: string, exitCode = 0, stderr = ''): Seen => ({ stdout, stderr, exitCode, error: null });
const failed = (kind: string): Seen => ({ stdout: '', stderr: '', exitCode: null, error: kind });

interface Scenario {
  name: string;
  req: ExecRequest;
  expected: Seen;
  /** Run against an id that was never issued instead of the test's box. */
  unknownBox?: boolean;
  detects?: string[];
}

const SCENARIOS: Scenario[] = [
  { name: 'stdout only', req: { command: 'echo', args: ['hello'] }, expected: ok('hello\n') },
  {
    name: 'both streams and a non-zero exit',
    req: { command: 'sh', args: ['-c', 'printf out; printf err >&2; exit 3'] },
    expected: ok('out', 3, 'err'),
  },
  {
    name: 'env and working directory',
    req: {
      command: 'sh',
      args: ['-c', 'echo "$GREETING"; pwd'],
      env: { GREETING: 'hi there' },
      workingDir: '/tmp',
    },
    expected: ok('hi there\n/tmp\n'),
  },
  {
    name: 'a user by uid',
    req: { command: 'id', args: ['-u'], user: '1000' },
    expected: ok('1000\n'),
    detects: ['sdk-node-drops-user', 'sdk-python-drops-user'],
  },
  {
    name: 'a large stdout',
    req: { command: 'seq', args: ['1', '3000'] },
    expected: ok(`${Array.from({ length: 3000 }, (_, i) => i + 1).join('\n')}\n`),
  },
  {
    name: 'a command that does not exist',
    req: { command: 'no-such-binary-e2e' },
    expected: failed('execution_failed'),
  },
  {
    name: 'exec on a box that does not exist',
    req: { command: 'true' },
    expected: failed('not_found'),
    unknownBox: true,
    // The SDKs read the 404 as `not_found` only from the envelope's code.
    detects: ['rest-error-envelope'],
  },
];

describe('cross-driver: node SDK, python SDK, REST, CLI, C SDK and Go SDK agree', () => {
  for (const s of SCENARIOS) {
    // Every scenario but the unknown box runs a command in a box: it needs one that starts.
    const claimed = claims({
      ...(s.detects ? { detects: s.detects } : {}),
      ...(s.unknownBox ? {} : { needs: 'vm' as const }),
    });
    test(s.name, claimed, async ({ rt, rest, cli, stack, tracker, boxName, task }) => {
      let boxId = 'zzzzzzzzzzzz';
      if (!s.unknownBox) {
        const made = await rest.createBox({ image: stack.images.busybox, name: boxName() });
        expect(made.status, made.text).toBe(201);
        boxId = made.json?.box_id as string;
      }
      compare(task.meta, s.name, s.expected, await runAll({ rt, rest, cli, stack, tracker }, boxId, s.req));
    });
  }
});
