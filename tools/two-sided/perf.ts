/**
 * Performance A/B (`--perf`): the bench scenarios on both sides, rounds alternating A B, B A…
 * (each round one `pnpm e2e:bench` per side, this checkout's bench against the side's stack),
 * every side's samples pooled per scenario, then tools/bench's compare with the permutation
 * test: a metric regresses only when the change is significant (p < alpha) AND worse than the
 * noise threshold. Defaults below are documented in docs/two-sided.md.
 */
import { join } from 'node:path';
import { execa } from 'execa';
import { REPO_ROOT } from '../../kernel/paths.ts';
import { type CompareOptions, type CompareResult, compareRuns } from '../bench/compare.ts';
import { loadReports } from '../bench/files.ts';
import { buildReport, type ReportV1, type SampleV1 } from '../bench/schema.ts';
import type { PerfOptions } from './perf-options.ts';
import { sideProcessEnv } from './side-builder.ts';
import { SideRunError } from './side-cases.ts';
import type { Side } from './verdicts.ts';

export interface PerfResult {
  options: PerfOptions;
  /** The order the bench runs happened in. */
  order: Side[];
  compare: CompareResult & { unmatched: string[] };
  /** Pooled reports per side (what the compare read). */
  reports: Record<Side, ReportV1[]>;
}

export function perfOrder(rounds: number): Side[] {
  return Array.from({ length: rounds }, (_, i): Side[] =>
    i % 2 === 0 ? ['base', 'head'] : ['head', 'base'],
  ).flat();
}

/** One side's bench runs → one report per scenario with every measured sample of every run. */
export function poolReports(runs: readonly ReportV1[][], label: string): ReportV1[] {
  const byScenario = new Map<string, ReportV1[]>();
  for (const r of runs.flat()) byScenario.set(r.scenario, [...(byScenario.get(r.scenario) ?? []), r]);
  return [...byScenario.entries()].map(([scenario, reports]) => {
    const samples: SampleV1[] = reports
      .flatMap((r) => r.samples)
      .filter((s) => !s.warmup)
      .map((s, i) => ({ ...s, iteration: i }));
    const first = reports[0]!;
    return buildReport(scenario, samples, 0, { ...first.metadata, label });
  });
}

export interface PerfSide {
  side: Side;
  stateDir: string;
  target: 'sim' | 'boxlite';
}

/** Runs this checkout's bench CLI against one side; answers the run dir's reports. */
async function benchOnce(
  s: PerfSide,
  o: PerfOptions,
  ctx: { env: Readonly<Record<string, string | undefined>>; provider: string; signal: AbortSignal },
): Promise<ReportV1[]> {
  const all: ReportV1[] = [];
  for (const scenario of o.scenarios) {
    const argv = ['--expose-gc', join(REPO_ROOT, 'tools/bench/command.ts'), scenario];
    argv.push('--runs', String(o.runs), '--warmup', String(o.warmup), '--target', s.target);
    const res = await execa(process.execPath, argv, {
      cwd: REPO_ROOT,
      env: sideProcessEnv(ctx.env, s.stateDir, ctx.provider),
      extendEnv: false,
      reject: false,
      all: true,
      cancelSignal: ctx.signal,
    });
    if (ctx.signal.aborted) throw ctx.signal.reason;
    const out = String(res.all ?? '');
    const dir = /^reports: (.+?)\/ \(/m.exec(out)?.[1];
    if (!dir)
      throw new SideRunError(
        `bench ${scenario} on ${s.side} failed: ${out.trim().split('\n').slice(-2).join(' | ')}`,
      );
    all.push(...(await loadReports(dir)));
  }
  return all;
}

export async function runPerf(
  sides: Record<Side, PerfSide>,
  o: PerfOptions,
  ctx: {
    env: Readonly<Record<string, string | undefined>>;
    provider: string;
    signal: AbortSignal;
    log: (l: string) => void;
  },
): Promise<PerfResult> {
  const order = perfOrder(o.rounds);
  const runs: Record<Side, ReportV1[][]> = { base: [], head: [] };
  for (const [i, side] of order.entries()) {
    ctx.log(`perf ${i + 1}/${order.length}: ${side} (${o.scenarios.join(', ')})`);
    runs[side].push(await benchOnce(sides[side], o, ctx));
  }
  const reports = { base: poolReports(runs.base, 'base'), head: poolReports(runs.head, 'head') };
  return { options: o, order, reports, compare: comparePooled(reports, o) };
}

export function comparePooled(reports: Record<Side, ReportV1[]>, o: PerfOptions) {
  const opts: CompareOptions = {
    on: o.on,
    threshold: o.threshold,
    stat: 'permutation',
    alpha: o.alpha,
    permutations: o.permutations,
    seed: o.seed,
  };
  return compareRuns(reports.base, reports.head, opts);
}
