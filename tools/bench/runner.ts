/**
 * Runs one scenario the way upstream's `run_scenario` does: `runs` iterations, the first
 * `warmup` of them flagged warm-up, and an error inside an iteration recorded as a sample
 * with `error` and empty metrics — never a crash, so one bad iteration costs one sample.
 *
 * Each sample also records what this process itself spent during it — our code, undici,
 * JSON, GC — as opposed to waiting on the stack: `bench_cpu_ms` (CPU time, the bench's own
 * cost; its share of the wall time is what the 1 % goal is about) and `bench_busy_ms` (event
 * loop busy time, which a loaded machine inflates when it preempts us mid-callback; the upper
 * bound on how long a reply could have waited for us).
 */
import { performance } from 'node:perf_hooks';
import type { Scenario, ScenarioContext } from './scenario.ts';
import { buildReport, type ReportMetadata, type ReportV1, type SampleV1 } from './schema.ts';

export interface RunOptions {
  /** Iterations in total, warm-ups included (upstream's meaning of --runs). */
  runs: number;
  warmup: number;
  metadata: ReportMetadata;
  /** One line per iteration, for progress output. */
  log?: (line: string) => void;
}

/**
 * With `node --expose-gc` (the e2e:bench script), collect garbage before each iteration's
 * clock starts, so a major GC of the harness lands between samples rather than inside one.
 */
const collectGarbage = (globalThis as { gc?: () => void }).gc ?? (() => {});

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err)).split('\n')[0]!;

function headline(metrics: Record<string, number>): string {
  return Object.entries(metrics)
    .slice(0, 4)
    .map(([k, v]) => `${k}=${v.toFixed(0)}`)
    .join('  ');
}

export async function runScenario(
  scenario: Scenario,
  ctx: ScenarioContext,
  opts: RunOptions,
): Promise<ReportV1> {
  const samples: SampleV1[] = [];
  const width = String(opts.runs).length;
  for (let i = 1; i <= opts.runs; i++) {
    const warmup = i <= opts.warmup;
    collectGarbage();
    const elu0 = performance.eventLoopUtilization();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let sample: SampleV1;
    try {
      const r = await scenario.runOnce(ctx, i);
      sample = {
        iteration: i,
        warmup,
        wall_ms: 0,
        metrics: r.metrics,
        ...(r.series ? { series: r.series } : {}),
      };
    } catch (err) {
      sample = { iteration: i, warmup, wall_ms: 0, metrics: {}, error: errorText(err) };
    }
    sample.wall_ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    sample.bench_cpu_ms = (cpu.user + cpu.system) / 1000;
    sample.bench_busy_ms = performance.eventLoopUtilization(elu0).active;
    samples.push(sample);
    const tag = warmup ? ' (warmup)' : '';
    const what = sample.error ? `ERROR: ${sample.error}` : headline(sample.metrics);
    opts.log?.(`  [${String(i).padStart(width)}/${opts.runs}]${tag}  ${what}`);
  }
  return buildReport(scenario.name, samples, opts.warmup, opts.metadata);
}

/** The harness's own CPU time or loop busy time as a share of wall time, per measured sample. */
export function benchShares(
  report: Pick<ReportV1, 'samples'>,
  of: 'bench_cpu_ms' | 'bench_busy_ms',
): number[] {
  return report.samples
    .filter((s) => !s.warmup && s.wall_ms > 0 && typeof s[of] === 'number')
    .map((s) => s[of]! / s.wall_ms);
}
