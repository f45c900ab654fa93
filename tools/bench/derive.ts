/**
 * Figures the markdown and HTML reports both show, derived from the scenario reports: each
 * create/exec figure beside its bare-Docker floor, the sim's overhead goal, and the bench's
 * own share of each sample's wall time.
 */
import { BARE_EQUIVALENT, BARE_METRIC, PHYSICAL_LIMIT, SIM_OVERHEAD_GOAL } from './bare-docker.ts';
import { benchShares } from './runner.ts';
import type { ReportV1 } from './schema.ts';
import { percentile } from './stats.ts';

/** The bench's own code may take at most this share of a sample's wall time. */
export const OVERHEAD_GOAL = 0.01;

export interface LimitRow {
  scenario: string;
  metric: string;
  kind: 'create' | 'exec';
  p50: number;
  bareP50: number;
  ratio: number;
}

export interface Limits {
  bare: { create: number | null; exec: number | null };
  rows: LimitRow[];
  /** Paired sim ÷ bare at p50 from the physical-limit scenario; null when it did not run. */
  goal: { create: number | null; exec: number | null; factor: number };
}

const p50Of = (r: ReportV1 | undefined, name: string): number | null =>
  r?.aggregates.find((a) => a.name === name)?.p50 ?? null;

export function limits(reports: readonly ReportV1[]): Limits {
  const phys = reports.find((r) => r.scenario === PHYSICAL_LIMIT);
  const bare = { create: p50Of(phys, BARE_METRIC.create), exec: p50Of(phys, BARE_METRIC.exec) };
  const rows: LimitRow[] = [];
  for (const r of reports) {
    for (const a of r.aggregates) {
      const kind = BARE_EQUIVALENT[`${r.scenario}/${a.name}`];
      const floor = kind ? bare[kind] : null;
      if (kind && floor)
        rows.push({
          scenario: r.scenario,
          metric: a.name,
          kind,
          p50: a.p50,
          bareP50: floor,
          ratio: a.p50 / floor,
        });
    }
  }
  const paired = (sim: string, kind: 'create' | 'exec') => {
    const s = p50Of(phys, sim);
    return s !== null && bare[kind] ? s / bare[kind]! : null;
  };
  return {
    bare,
    rows,
    goal: {
      create: paired('sim_create_ms', 'create'),
      exec: paired('sim_exec_ms', 'exec'),
      factor: SIM_OVERHEAD_GOAL,
    },
  };
}

/** Ratio to bare Docker for one scenario metric, if it has one. */
export const ratioFor = (l: Limits, scenario: string, metric: string): LimitRow | undefined =>
  l.rows.find((r) => r.scenario === scenario && r.metric === metric);

export interface OverheadRow {
  scenario: string;
  samples: number;
  /** The harness's CPU time ÷ wall time (the goal's figure). */
  p50Share: number;
  maxShare: number;
  /** Event-loop busy time ÷ wall time, worst sample. */
  maxBusyShare: number;
}

export function overhead(reports: readonly ReportV1[]): OverheadRow[] {
  return reports.flatMap((r) => {
    const cpu = benchShares(r, 'bench_cpu_ms');
    const busy = benchShares(r, 'bench_busy_ms');
    if (!cpu.length) return [];
    return [
      {
        scenario: r.scenario,
        samples: cpu.length,
        p50Share: percentile(cpu, 50),
        maxShare: Math.max(...cpu),
        maxBusyShare: busy.length ? Math.max(...busy) : Number.NaN,
      },
    ];
  });
}
