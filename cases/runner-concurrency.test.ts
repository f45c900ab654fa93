/**
 * Runner shared state under concurrency (upstream P+C:test_runner_concurrency). Upstream
 * checked "3 unique ids" and "< 500"; here every box must also be the one answering its
 * own exec, concurrent outputs must be exact, and a raced stop may only answer the box
 * (200, status stopped) or 409 invalid_state.
 */
import { drain, readUntil, runSdkExec, type SdkBox, type SdkExecution } from '../drivers/node-sdk/driver.ts';
import type { BoxJson, RestDriver } from '../drivers/rest/driver.ts';
import { claims, describe, expect, pause, test } from '../fixtures/index.ts';

const BOX_ID_RE = /^[0-9A-Za-z]{12}$/;

/** Each box echoes its own id: a box answering for another would show here. */
async function expectBoxesAnswerForThemselves(boxes: SdkBox[]): Promise<void> {
  const outs = await Promise.all(boxes.map((b) => runSdkExec(b, { command: 'echo', args: [b.id] })));
  expect(outs.map((o) => ({ out: o.stdout, code: o.exitCode }))).toEqual(
    boxes.map((b) => ({ out: `${b.id}\n`, code: 0 })),
  );
}

/** A stop answer is either the (stopped) box or a typed 409 invalid_state — never a 5xx. */
function expectStopAnswer(res: Awaited<ReturnType<RestDriver['tenant']>>, id: string): void {
  if (res.status === 200) {
    expect(res.json as BoxJson).toMatchObject({ box_id: id, status: 'stopped' });
  } else {
    expect(res.status, res.text).toBe(409);
    expect(res.envelope).toMatchObject({ code: 'invalid_state', type: 'InvalidStateError' });
  }
}

const PAYLOAD = 'yes 0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/**
 * A producer writing `bytes` of stdout that nobody reads yet, then holding on a stdin line so
 * it is provably still running while the other exec runs. Returns once it has started.
 */
async function startProducer(
  box: SdkBox,
  bytes: number,
): Promise<{ ex: SdkExecution; release: () => Promise<void> }> {
  const ex = await box.exec('sh', [
    '-c',
    `echo started >&2; ${PAYLOAD} | head -c ${bytes}; echo produced >&2; read go; exit 0`,
  ]);
  const stderr = await ex.stderr();
  const seen = await readUntil(stderr, 'started\n');
  return {
    ex,
    release: async () => {
      const stdin = await ex.stdin();
      await stdin.writeString('go\n');
      await stdin.close();
      const [out, err, res] = await Promise.all([ex.stdout().then(drain), drain(stderr), ex.wait()]);
      // Nothing was lost while unread: every byte arrives once the consumer shows up.
      expect({ bytes: out.length, err: seen + err, exitCode: res.exitCode }).toEqual({
        bytes,
        err: 'started\nproduced\n',
        exitCode: 0,
      });
    },
  };
}

async function expectRunning(rest: RestDriver, boxId: string, ex: SdkExecution): Promise<void> {
  const res = await rest.tenant<{ status: string }>('GET', `/boxes/${boxId}/executions/${await ex.id()}`);
  expect(res.json?.status).toBe('running');
}

describe('runner concurrency', claims({ needs: 'vm' }), () => {
  test.override('image', ({ stack }) => stack.images.busybox);

  test.for([3, 10])(
    '%i parallel creates get unique ids and each box is its own',
    claims({ pins: ['box.create.unique-ids'], ports: ['test_parallel_box_creates'] }),
    async (n, { boxFactory, rt }) => {
      const boxes = await boxFactory.make(n);
      for (const b of boxes) expect(b.id).toMatch(BOX_ID_RE);
      expect(new Set(boxes.map((b) => b.id)).size).toBe(n);
      const listed = new Set((await rt.listInfo()).map((i) => i.id));
      expect(boxes.filter((b) => !listed.has(b.id))).toEqual([]);
      await expectBoxesAnswerForThemselves(boxes);
    },
  );

  test(
    'two concurrent execs on one box each get exactly their own output',
    claims({ pins: ['exec.concurrent.no-crosstalk'], ports: ['test_two_concurrent_execs_on_same_box'] }),
    async ({ box }) => {
      const script = (tok: string) => `for i in $(seq 1 200); do echo ${tok}-$i; done; echo ${tok}-err >&2`;
      const [a, b] = await Promise.all([
        runSdkExec(box, { command: 'sh', args: ['-c', script('tok-A')] }),
        runSdkExec(box, { command: 'sh', args: ['-c', script('tok-B')] }),
      ]);
      const lines = (tok: string) =>
        `${Array.from({ length: 200 }, (_, i) => `${tok}-${i + 1}`).join('\n')}\n`;
      expect(a).toMatchObject({ stdout: lines('tok-A'), stderr: 'tok-A-err\n', exitCode: 0 });
      expect(b).toMatchObject({ stdout: lines('tok-B'), stderr: 'tok-B-err\n', exitCode: 0 });
    },
  );

  test(
    'many sequential execs on one box all succeed',
    claims({ ports: ['test_many_sequential_execs_on_one_box'] }),
    async ({ box }) => {
      for (let i = 0; i < 8; i++) {
        const r = await runSdkExec(box, { command: 'echo', args: [`round-${i}`] });
        expect({ i, out: r.stdout, code: r.exitCode }).toEqual({ i, out: `round-${i}\n`, code: 0 });
      }
    },
  );

  test(
    'double stop, raced: two concurrent stops each answer the stopped box or 409 invalid_state, at least one 200, never 5xx; the box ends stopped',
    claims({ pins: ['box-state.stop.raced'], ports: ['test_double_stop_is_idempotent_or_typed_409'] }),
    async ({ box, rest }) => {
      // The sequential contract (first stop 200, then a stop of the stopped box) is errors.test.ts's.
      const [first, second] = await Promise.all([
        rest.tenant('POST', `/boxes/${box.id}/stop`),
        rest.tenant('POST', `/boxes/${box.id}/stop`),
      ]);
      expectStopAnswer(first, box.id);
      expectStopAnswer(second, box.id);
      expect([first.status, second.status]).toContain(200);
      // Once settled, another stop is still well-typed and the box stays stopped.
      expectStopAnswer(await rest.tenant('POST', `/boxes/${box.id}/stop`), box.id);
      const info = await rest.tenant<BoxJson>('GET', `/boxes/${box.id}`);
      expect(info.json).toMatchObject({ box_id: box.id, status: 'stopped' });
    },
  );

  test(
    'an unread 10 MiB stdout does not block another exec on the same box',
    claims({
      pins: ['ws.unread-no-block'],
      ports: ['test_unread_large_stdout_does_not_block_same_box_exec'],
    }),
    async ({ box, rest }) => {
      const producer = await startProducer(box, 10 << 20);
      expect(await runSdkExec(box, { command: 'echo', args: ['fast'] })).toMatchObject({
        stdout: 'fast\n',
        exitCode: 0,
      });
      await expectRunning(rest, box.id, producer.ex);
      await producer.release();
    },
  );

  test(
    'an unread 10 MiB stdout does not block an exec on another box',
    claims({
      pins: ['ws.unread-no-block'],
      ports: ['test_unread_large_stdout_does_not_block_cross_box_exec'],
    }),
    async ({ boxFactory, rest }) => {
      const [a, b] = (await boxFactory.make(2)) as [SdkBox, SdkBox];
      const producer = await startProducer(a, 10 << 20);
      expect(await runSdkExec(b, { command: 'echo', args: ['fast'] })).toMatchObject({
        stdout: 'fast\n',
        exitCode: 0,
      });
      await expectRunning(rest, a.id, producer.ex);
      await producer.release();
    },
  );

  test(
    'a slow consumer on one box does not stall an exec on another',
    claims({ pins: ['ws.unread-no-block'], ports: ['test_slow_consumer_does_not_block_other_box_exec'] }),
    async ({ boxFactory }) => {
      const [a, b] = (await boxFactory.make(2)) as [SdkBox, SdkBox];
      const bytes = 4 << 20;
      const slow = await a.exec('sh', ['-c', `${PAYLOAD} | head -c ${bytes}`]);
      const stdout = await slow.stdout();
      let fastDone = false;
      // Consume one chunk per 100 ms for as long as the other box's exec is in flight.
      const consumer = (async () => {
        let got = '';
        for (let chunk = await stdout.next(); chunk !== null; chunk = await stdout.next()) {
          got += chunk;
          if (fastDone) break;
          await pause(100);
        }
        return got;
      })();
      const fast = await runSdkExec(b, { command: 'echo', args: ['fast'] });
      fastDone = true;
      expect(fast).toMatchObject({ stdout: 'fast\n', exitCode: 0 });
      const [head, tail, res] = await Promise.all([consumer, drain(stdout), slow.wait()]);
      expect({ bytes: head.length + tail.length, exitCode: res.exitCode }).toEqual({ bytes, exitCode: 0 });
    },
  );
});
