/**
 * Upstream's nine bench scenarios (`bench/scenarios/*.py` @1e3737ba), iteration for iteration:
 * the same calls in the same order, the same 2 s settle after a create, the same counts and
 * the same metric names, so a report from either side means the same thing. Additions are
 * `series` (per-step times of the serial loops, for drift charts) and nothing else.
 */
import pLimit from 'p-limit';
import { type IterationResult, type Scenario, type ScenarioContext, settleAll, timed } from './scenario.ts';

const SERIAL_EXECS = 20;
const PARALLEL_EXECS = 10;
const PARALLEL_CREATES = 5;
const CHURN_CYCLES = 10;
const LOOP_EXECS = 50;

/** create → work → delete, deleting even when the work throws (upstream's try/finally). */
async function withBox<T>(ctx: ScenarioContext, work: (id: string) => Promise<T>): Promise<T> {
  const id = await ctx.ops.createBox();
  try {
    return await work(id);
  } finally {
    await ctx.ops.deleteBox(id);
  }
}

/** Runner-reported durations: upstream's field names, else the protocol's boot_timing ones. */
function runnerTimings(m: Record<string, unknown> | null): Record<string, number> {
  const out: Record<string, number> = {};
  const timing = (m?.boot_timing ?? {}) as Record<string, unknown>;
  const create = m?.create_duration_ms ?? timing.total_create_ms;
  const boot = m?.boot_duration_ms ?? timing.guest_boot_ms;
  if (typeof create === 'number') out.runner_create_ms = create;
  if (typeof boot === 'number') out.runner_boot_ms = boot;
  return out;
}

async function execLoop(ctx: ScenarioContext, id: string, n: number, tag: string): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const [, ms] = await timed(() => ctx.ops.exec(id, 'echo', [`${tag}-${i}`]));
    times.push(ms);
  }
  return times;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'latency-cold-start',
    summary: 'POST /boxes wall clock + runner create/boot durations + first exec',
    needs: { concurrentBoxes: 1 },
    runOnce: async (ctx) => {
      const [id, createMs] = await timed(() => ctx.ops.createBox());
      try {
        await ctx.ops.sleep(ctx.settleMs);
        const runner = runnerTimings(await ctx.ops.boxMetrics(id));
        const [, execMs] = await timed(() => ctx.ops.exec(id, 'echo', ['ready']));
        return {
          metrics: {
            api_create_wall_ms: createMs,
            ...runner,
            first_exec_wall_ms: execMs,
            total_ready_wall_ms: createMs + ctx.settleMs + execMs,
          },
        };
      } finally {
        await ctx.ops.deleteBox(id);
      }
    },
  },
  {
    name: 'latency-exec',
    summary: 'one exec on a warm box (after one warm-up exec)',
    needs: { concurrentBoxes: 1 },
    runOnce: (ctx) =>
      withBox(ctx, async (id) => {
        await ctx.ops.sleep(ctx.settleMs);
        await ctx.ops.exec(id, 'echo', ['warmup']);
        const [, ms] = await timed(() => ctx.ops.exec(id, 'echo', ['bench']));
        return { metrics: { exec_wall_ms: ms } };
      }),
  },
  {
    name: 'latency-lifecycle',
    summary: 'create → exec → DELETE, wall clock per stage',
    needs: { concurrentBoxes: 1 },
    runOnce: async (ctx) => {
      const [id, createMs] = await timed(() => ctx.ops.createBox());
      try {
        await ctx.ops.sleep(ctx.settleMs);
        const [, execMs] = await timed(() => ctx.ops.exec(id, 'echo', ['lifecycle-ok']));
        const [, deleteMs] = await timed(() => ctx.ops.deleteBoxTimed(id));
        return {
          metrics: {
            create_ms: createMs,
            exec_ms: execMs,
            delete_ms: deleteMs,
            total_lifecycle_ms: createMs + ctx.settleMs + execMs + deleteMs,
          },
        };
      } catch (err) {
        await ctx.ops.deleteBox(id);
        throw err;
      }
    },
  },
  {
    name: 'latency-restart',
    summary: 'stop → wait stopped, start → wait running, first exec after restart',
    needs: { concurrentBoxes: 1 },
    runOnce: (ctx) =>
      withBox(ctx, async (id) => {
        await ctx.ops.sleep(ctx.settleMs);
        await ctx.ops.exec(id, 'echo', ['pre-stop']);
        const [, stopMs] = await timed(async () => {
          await ctx.ops.stopBox(id);
          await ctx.ops.waitStatus(id, 'stopped', 30);
        });
        const [, startMs] = await timed(async () => {
          await ctx.ops.startBox(id);
          await ctx.ops.waitStatus(id, 'running', 30);
        });
        const [, execMs] = await timed(() => ctx.ops.exec(id, 'echo', ['post-restart']));
        return {
          metrics: {
            stop_wall_ms: stopMs,
            start_wall_ms: startMs,
            first_exec_after_restart_ms: execMs,
            total_restart_ms: stopMs + startMs + execMs,
          },
        };
      }),
  },
  {
    name: 'throughput-exec-serial',
    summary: `${SERIAL_EXECS} serial execs on one box; execs/sec`,
    needs: { concurrentBoxes: 1 },
    runOnce: (ctx) =>
      withBox(ctx, async (id): Promise<IterationResult> => {
        await ctx.ops.sleep(ctx.settleMs);
        await ctx.ops.exec(id, 'echo', ['warmup']);
        const [times, elapsed] = await timed(() => execLoop(ctx, id, SERIAL_EXECS, 'iter'));
        return {
          metrics: {
            total_wall_ms: elapsed,
            exec_count: SERIAL_EXECS,
            execs_per_sec: elapsed > 0 ? SERIAL_EXECS / (elapsed / 1000) : 0,
            avg_exec_ms: elapsed / SERIAL_EXECS,
          },
          series: { exec_ms: times },
        };
      }),
  },
  {
    name: 'throughput-exec-parallel',
    summary: `${PARALLEL_EXECS} concurrent execs on one box; batch wall + per exec`,
    needs: { concurrentBoxes: 1 },
    runOnce: (ctx) =>
      withBox(ctx, async (id) => {
        await ctx.ops.sleep(ctx.settleMs);
        await ctx.ops.exec(id, 'echo', ['warmup']);
        const limit = pLimit(PARALLEL_EXECS);
        const [{ ok, error }, wall] = await timed(() =>
          settleAll(
            Array.from({ length: PARALLEL_EXECS }, (_, i) =>
              limit(async () => (await timed(() => ctx.ops.exec(id, 'echo', [`par-${i}`])))[1]),
            ),
          ),
        );
        if (error) throw error;
        return {
          metrics: {
            batch_wall_ms: wall,
            concurrency: PARALLEL_EXECS,
            per_exec_mean_ms: sum(ok) / ok.length,
            per_exec_max_ms: Math.max(...ok),
          },
        };
      }),
  },
  {
    name: 'density-parallel-create',
    summary: `${PARALLEL_CREATES} boxes created concurrently; per box and batch wall`,
    needs: { concurrentBoxes: PARALLEL_CREATES },
    runOnce: async (ctx) => {
      const limit = pLimit(PARALLEL_CREATES);
      const [{ ok, error }, wall] = await timed(() =>
        settleAll(
          Array.from({ length: PARALLEL_CREATES }, () => limit(() => timed(() => ctx.ops.createBox()))),
        ),
      );
      await Promise.all(ok.map(([id]) => ctx.ops.deleteBox(id)));
      if (error) throw error;
      const times = ok.map(([, ms]) => ms);
      return {
        metrics: {
          batch_wall_ms: wall,
          box_count: times.length,
          per_box_mean_ms: sum(times) / times.length,
          per_box_max_ms: Math.max(...times),
          per_box_min_ms: Math.min(...times),
        },
      };
    },
  },
  {
    name: 'stability-churn',
    summary: `${CHURN_CYCLES} create + exec + delete cycles; latency drift`,
    needs: { concurrentBoxes: 1 },
    runOnce: async (ctx) => {
      const cycles: number[] = [];
      for (let i = 0; i < CHURN_CYCLES; i++) {
        const [, ms] = await timed(() =>
          withBox(ctx, async (id) => {
            await ctx.ops.sleep(ctx.settleMs);
            await ctx.ops.exec(id, 'echo', [`churn-${i}`]);
          }),
        );
        cycles.push(ms);
      }
      return {
        metrics: {
          total_wall_ms: sum(cycles),
          cycles: CHURN_CYCLES,
          first_cycle_ms: cycles[0]!,
          last_cycle_ms: cycles.at(-1)!,
          mean_cycle_ms: sum(cycles) / cycles.length,
          max_cycle_ms: Math.max(...cycles),
          drift_ms: cycles.at(-1)! - cycles[0]!,
        },
        series: { cycle_ms: cycles },
      };
    },
  },
  {
    name: 'stability-exec-loop',
    summary: `${LOOP_EXECS} execs on one long-lived box; degradation over time`,
    needs: { concurrentBoxes: 1 },
    runOnce: (ctx) =>
      withBox(ctx, async (id) => {
        await ctx.ops.sleep(ctx.settleMs);
        await ctx.ops.exec(id, 'echo', ['warmup']);
        const times = await execLoop(ctx, id, LOOP_EXECS, 'loop');
        const first10 = sum(times.slice(0, 10)) / 10;
        const last10 = sum(times.slice(-10)) / 10;
        return {
          metrics: {
            total_wall_ms: sum(times),
            exec_count: LOOP_EXECS,
            mean_exec_ms: sum(times) / times.length,
            max_exec_ms: Math.max(...times),
            first_10_mean_ms: first10,
            last_10_mean_ms: last10,
            degradation_ms: last10 - first10,
          },
          series: { exec_ms: times },
        };
      }),
  },
];
