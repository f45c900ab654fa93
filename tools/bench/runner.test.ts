import { describe, expect, it } from 'vitest';
import type { StackHandle } from '../../harness/handle/handle.ts';
import { ALL_SCENARIOS, plan, runBench } from './bench-run.ts';
import { renderBenchMarkdown } from './report-md.ts';
import type { TrackedOps } from './rest-ops.ts';
import { runScenario } from './runner.ts';
import type { Capabilities, ScenarioContext } from './scenario.ts';
import { SCENARIOS } from './scenarios.ts';
import type { BenchTarget } from './target.ts';

/** An in-memory stack: boxes are ids, calls take no time, failures are injected by call number. */
function fakeOps(failCreateAt = new Set<number>()): TrackedOps & { calls: string[] } {
  const live = new Set<string>();
  const calls: string[] = [];
  let creates = 0;
  return {
    calls,
    async createBox() {
      creates++;
      calls.push('create');
      if (failCreateAt.has(creates)) throw new Error(`create_box failed: 503 {"error":"busy"}`);
      const id = `box-${creates}`;
      live.add(id);
      return id;
    },
    async deleteBox(id) {
      calls.push('delete');
      live.delete(id);
    },
    async deleteBoxTimed(id) {
      calls.push('delete');
      live.delete(id);
    },
    boxMetrics: async () => ({ create_duration_ms: 12, boot_timing: { guest_boot_ms: 34 } }),
    stopBox: async () => void calls.push('stop'),
    startBox: async () => void calls.push('start'),
    waitStatus: async () => {},
    exec: async () => void calls.push('exec'),
    sleep: async () => {},
    live: () => [...live],
  };
}

const ctxOf = (ops: TrackedOps): ScenarioContext => ({ ops, settleMs: 2000, bare: null });
const META = {
  started_at: 'now',
  label: 'fake',
  git_commit: 'x',
  host: { kernel: 'k', arch: 'a', target: 't' },
};
const scenario = (name: string) => SCENARIOS.find((s) => s.name === name)!;

describe('scenario runner', () => {
  it('an error inside an iteration is a sample with error and empty metrics, not a crash', async () => {
    const ops = fakeOps(new Set([2]));
    const lines: string[] = [];
    const report = await runScenario(scenario('latency-exec'), ctxOf(ops), {
      runs: 4,
      warmup: 1,
      metadata: META,
      log: (l) => lines.push(l),
    });
    expect(report.samples).toHaveLength(4);
    expect(report.samples[1]).toMatchObject({
      iteration: 2,
      metrics: {},
      error: 'create_box failed: 503 {"error":"busy"}',
    });
    expect(report.sample_count).toBe(3);
    expect(report.aggregates.find((a) => a.name === 'exec_wall_ms')?.n).toBe(2);
    expect(lines[1]).toMatch(/\[2\/4\]\s+ERROR: create_box failed/);
    expect(ops.live()).toEqual([]); // every box that was made got deleted
  });

  it('records the harness busy time and the real wall time of every sample', async () => {
    const report = await runScenario(scenario('latency-lifecycle'), ctxOf(fakeOps()), {
      runs: 2,
      warmup: 0,
      metadata: META,
    });
    for (const s of report.samples) {
      expect(s.bench_cpu_ms).toBeGreaterThanOrEqual(0);
      expect(s.bench_busy_ms).toBeGreaterThanOrEqual(0);
      expect(s.wall_ms).toBeGreaterThanOrEqual(0);
    }
    expect(report.aggregates.map((a) => a.name)).toEqual([
      'create_ms',
      'delete_ms',
      'exec_ms',
      'total_lifecycle_ms',
    ]);
  });

  it("keeps upstream's metric names, the settle time in totals, and runner timings from either field", async () => {
    const r = await runScenario(scenario('latency-cold-start'), ctxOf(fakeOps()), {
      runs: 1,
      warmup: 0,
      metadata: META,
    });
    const m = r.samples[0]!.metrics;
    expect(Object.keys(m).sort()).toEqual([
      'api_create_wall_ms',
      'first_exec_wall_ms',
      'runner_boot_ms',
      'runner_create_ms',
      'total_ready_wall_ms',
    ]);
    expect(m.runner_create_ms).toBe(12);
    expect(m.runner_boot_ms).toBe(34);
    expect(m.total_ready_wall_ms).toBeCloseTo(m.api_create_wall_ms! + 2000 + m.first_exec_wall_ms!, 6);
  });

  it('a failing create in a parallel batch fails the iteration but deletes the boxes that were made', async () => {
    const ops = fakeOps(new Set([3]));
    const r = await runScenario(scenario('density-parallel-create'), ctxOf(ops), {
      runs: 1,
      warmup: 0,
      metadata: META,
    });
    expect(r.samples[0]?.error).toMatch(/create_box failed/);
    expect(ops.live()).toEqual([]);
  });

  it('the stability and throughput scenarios do the upstream counts of work', async () => {
    const ops = fakeOps();
    const r = await runScenario(scenario('stability-exec-loop'), ctxOf(ops), {
      runs: 1,
      warmup: 0,
      metadata: META,
    });
    expect(ops.calls.filter((c) => c === 'exec')).toHaveLength(51); // warm-up + 50
    expect(r.samples[0]?.series?.exec_ms).toHaveLength(50);
    expect(r.samples[0]?.metrics.exec_count).toBe(50);
  });
});

describe('not-runnable reporting', () => {
  const unlimited: Capabilities = {
    maxBoxes: null,
    maxTotalCpus: null,
    maxTotalMemoryMib: null,
    dockerEngine: null,
  };

  it('a scenario a target cannot host is reported with the reason and not run', () => {
    const entries = plan(ALL_SCENARIOS, { ...unlimited, maxBoxes: 3, dockerEngine: 'no engine here' });
    const density = entries.find((e) => e.name === 'density-parallel-create');
    expect(density).toMatchObject({
      status: 'not-runnable',
      reason: expect.stringMatching(/5 boxes at once.*max_boxes is 3/),
    });
    expect(entries.find((e) => e.name === 'physical-limit')).toMatchObject({
      status: 'not-runnable',
      reason: 'no engine here',
    });
    expect(entries.find((e) => e.name === 'latency-exec')?.status).toBe('ran');
  });

  it('the run record and the markdown say why; the scenario produces no report', async () => {
    const target = {
      handle: {
        kind: 'remote',
        apiUrl: 'http://fake/api',
        origin: 'test',
        bugs: [],
      } as unknown as StackHandle,
      image: 'img:1',
      caps: { ...unlimited, maxTotalMemoryMib: 512, dockerEngine: 'target remote runs boxes as VMs' },
      docker: null,
      processes: [],
    } satisfies BenchTarget;
    const picked = ALL_SCENARIOS.filter((s) =>
      ['latency-exec', 'density-parallel-create', 'physical-limit'].includes(s.name),
    );
    const { run, reports } = await runBench(
      target,
      picked,
      { runId: 'r1', runs: 2, warmup: 1, settleMs: 0, log: () => {} },
      fakeOps(),
    );
    expect(reports.map((r) => r.scenario)).toEqual(['latency-exec']);
    expect(run.scenarios.filter((s) => s.status === 'not-runnable').map((s) => s.name)).toEqual([
      'density-parallel-create',
      'physical-limit',
    ]);
    const md = renderBenchMarkdown(run, reports);
    expect(md).toMatch(/## Not runnable here/);
    expect(md).toMatch(
      /density-parallel-create: needs 1280 MiB at once; the key's quota max_total_memory_mib is 512/,
    );
    expect(md).toMatch(/physical-limit: target remote runs boxes as VMs/);
    expect(run.rss?.harness.peak_kib).toBeGreaterThan(0);
  });
});
