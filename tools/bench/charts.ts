/**
 * The bench charts, each one SVG string: per scenario a distribution strip (every sample, box
 * p25–p75, p50, p99, and the bare-Docker floor where there is one), a drift chart across
 * iterations, and for scenarios that time steps inside an iteration the per-step series; for
 * the run, sim vs bare Docker and the bench's own share of wall time.
 */
import type { Limits, OverheadRow } from './derive.ts';
import { fmtNum } from './format.ts';
import type { ReportV1 } from './schema.ts';
import { percentile } from './stats.ts';
import {
  type El,
  el,
  FLOOR,
  line,
  niceTicks,
  PALETTE,
  polyline,
  scale,
  svg,
  text,
  tickLabel,
} from './svg.ts';

const W = 900;
const LEFT = 210;
const RIGHT = 760;

interface MetricSeries {
  name: string;
  /** [iteration, value, warmup] for every sample that has the metric. */
  points: Array<[number, number, boolean]>;
}

/** Metrics with at least two distinct values (constants such as exec_count are table-only). */
export function varyingMetrics(report: ReportV1): MetricSeries[] {
  const names = [...new Set(report.samples.flatMap((s) => Object.keys(s.metrics)))].sort();
  return names
    .map((name) => ({
      name,
      points: report.samples
        .filter((s) => typeof s.metrics[name] === 'number')
        .map((s): [number, number, boolean] => [s.iteration, s.metrics[name]!, s.warmup]),
    }))
    .filter((m) => new Set(m.points.map((p) => p[1])).size > 1);
}

export function distributionChart(report: ReportV1, floors: Map<string, number>): string {
  const metrics = varyingMetrics(report);
  const rowH = 48;
  const body: El[] = [];
  metrics.forEach((m, row) => {
    const y0 = 8 + row * rowH;
    const cy = y0 + 14;
    const measured = m.points.filter((p) => !p[2]).map((p) => p[1]);
    const all = m.points.map((p) => p[1]);
    const floor = floors.get(m.name);
    const lo = Math.min(0, ...all);
    const hi = Math.max(...all, floor ?? 0) * 1.05 || 1;
    const x = scale(lo, hi, LEFT, RIGHT);
    body.push(text(LEFT - 10, cy + 4, m.name, { 'text-anchor': 'end', 'font-size': 12 }));
    body.push(line(LEFT, y0 + 30, RIGHT, y0 + 30, '#bbb'));
    for (const t of niceTicks(lo, hi, 5)) {
      body.push(line(x(t), y0 + 30, x(t), y0 + 33, '#bbb'));
      body.push(text(x(t), y0 + 42, tickLabel(t), { 'text-anchor': 'middle', fill: '#888', 'font-size': 9 }));
    }
    if (measured.length) {
      const [q1, q2, q3, q99] = [25, 50, 75, 99].map((p) => percentile(measured, p)) as [
        number,
        number,
        number,
        number,
      ];
      body.push(line(x(Math.min(...measured)), cy, x(Math.max(...measured)), cy, '#999'));
      body.push(
        el('rect', {
          x: x(q1),
          y: cy - 7,
          width: Math.max(1, x(q3) - x(q1)),
          height: 14,
          fill: '#dbe9f6',
          stroke: PALETTE[0]!,
        }),
      );
      body.push(line(x(q2), cy - 9, x(q2), cy + 9, PALETTE[0]!, { 'stroke-width': 3 }));
      body.push(
        el(
          'path',
          { d: `M${x(q99)},${cy - 6} l5,6 l-5,6 l-5,-6 z`, fill: PALETTE[1]! },
          undefined,
          `p99 ${fmtNum(q99)}`,
        ),
      );
      body.push(text(RIGHT + 12, cy + 4, `p50 ${fmtNum(q2)} · p99 ${fmtNum(q99)}`, { 'font-size': 11 }));
    }
    m.points.forEach(([it, v, warm], i) => {
      const jitter = ((i * 7) % 9) - 4;
      const attrs: Record<string, string | number> = warm
        ? { cx: x(v), cy: cy + jitter, r: 3, fill: 'none', stroke: '#999' }
        : { cx: x(v), cy: cy + jitter, r: 3, fill: '#333', 'fill-opacity': 0.55 };
      body.push(el('circle', attrs, undefined, `#${it}${warm ? ' (warm-up)' : ''}: ${fmtNum(v)}`));
    });
    if (floor !== undefined) {
      body.push(
        line(x(floor), y0, x(floor), y0 + 30, FLOOR, { 'stroke-dasharray': '4 3', 'stroke-width': 1.5 }),
      );
      body.push(text(x(floor) + 3, y0 + 6, `docker p50 ${fmtNum(floor)}`, { fill: FLOOR, 'font-size': 9 }));
    }
  });
  return svg(W, 16 + metrics.length * rowH, `${report.scenario}: distribution of each metric`, body);
}

/** Chart frame: axes, y ticks and labels; returns the scales. */
const LEGEND_H = 14;
const PLOT_TO_LEGEND = 44;
const PLOT_H = 190;

/** Height of a line chart whose legend lists `n` names, four per row. */
const chartHeight = (n: number) => PLOT_H + PLOT_TO_LEGEND + Math.ceil(n / 4) * LEGEND_H;

function frame(
  body: El[],
  h: number,
  legendRows: number,
  xDom: [number, number],
  yDom: [number, number],
  yLabel: string,
) {
  const top = 12;
  // Below the plot: tick labels, the axis name, then the legend rows (LEGEND_H each).
  const bottom = h - PLOT_TO_LEGEND - legendRows * LEGEND_H;
  const x = scale(xDom[0], xDom[1], LEFT - 120, RIGHT);
  const y = scale(yDom[0], yDom[1], bottom, top);
  body.push(
    line(LEFT - 120, bottom, RIGHT, bottom, '#bbb'),
    line(LEFT - 120, top, LEFT - 120, bottom, '#bbb'),
  );
  for (const t of niceTicks(yDom[0], yDom[1], 4)) {
    body.push(line(LEFT - 120, y(t), RIGHT, y(t), '#eee'));
    body.push(
      text(LEFT - 124, y(t) + 3, tickLabel(t), { 'text-anchor': 'end', fill: '#888', 'font-size': 9 }),
    );
  }
  body.push(text(20, top + 2, yLabel, { fill: '#666', 'font-size': 10 }));
  return { x, y, bottom };
}

/** Series colour by position; warm-up series are grey so they read as "not counted". */
const colorOf = (i: number, warmup = false) => (warmup ? '#bbb' : PALETTE[i % PALETTE.length]!);

function legend(body: El[], y: number, entries: Array<{ name: string; color: string }>): void {
  entries.forEach(({ name, color }, i) => {
    const lx = LEFT - 120 + (i % 4) * 190;
    const ly = y + Math.floor(i / 4) * 14;
    body.push(el('rect', { x: lx, y: ly - 8, width: 10, height: 10, fill: color }));
    body.push(text(lx + 14, ly + 1, name, { 'font-size': 10 }));
  });
}

/** Each metric over the iterations, relative to its own median, so one axis shows them all. */
export function driftChart(report: ReportV1): string {
  const metrics = varyingMetrics(report)
    .map((m) => ({
      ...m,
      median: percentile(
        m.points.filter((p) => !p[2]).map((p) => p[1]),
        50,
      ),
    }))
    .filter((m) => m.median > 0 && m.points.every((p) => p[1] >= 0));
  const iterations = report.samples.map((s) => s.iteration);
  const n = Math.max(1, ...iterations);
  const rel = metrics.flatMap((m) => m.points.map((p) => p[1] / m.median));
  const h = chartHeight(metrics.length);
  const body: El[] = [];
  const { x, y, bottom } = frame(
    body,
    h,
    Math.ceil(metrics.length / 4),
    [1, Math.max(2, n)],
    [Math.min(0.5, ...rel), Math.max(1.5, ...rel)],
    '× median',
  );
  const warm = report.samples.filter((s) => s.warmup).map((s) => s.iteration);
  if (warm.length) {
    const x1 = x(Math.max(...warm) + 0.5);
    body.push(
      el('rect', {
        x: LEFT - 120,
        y: 12,
        width: Math.max(0, x1 - (LEFT - 120)),
        height: bottom - 12,
        fill: '#f3f3f3',
      }),
    );
    body.push(text(LEFT - 116, 24, 'warm-up', { fill: '#999', 'font-size': 9 }));
  }
  body.push(line(LEFT - 120, y(1), RIGHT, y(1), '#999', { 'stroke-dasharray': '2 2' }));
  metrics.forEach((m, i) => {
    const color = colorOf(i);
    body.push(
      polyline(
        m.points.map((p) => [x(p[0]), y(p[1] / m.median)]),
        color,
        `${m.name} (median ${fmtNum(m.median)})`,
      ),
    );
    for (const [it, v] of m.points)
      body.push(
        el(
          'circle',
          { cx: x(it), cy: y(v / m.median), r: 2.5, fill: color },
          undefined,
          `${m.name} #${it}: ${fmtNum(v)}`,
        ),
      );
  });
  for (const s of report.samples.filter((s) => s.error))
    body.push(
      text(x(s.iteration), bottom - 4, '✕', { fill: FLOOR, 'text-anchor': 'middle', 'font-size': 14 }),
    );
  for (const t of niceTicks(1, Math.max(2, n), Math.min(10, n)))
    if (Number.isInteger(t))
      body.push(
        text(x(t), bottom + 14, String(t), { 'text-anchor': 'middle', fill: '#888', 'font-size': 9 }),
      );
  body.push(text(RIGHT, bottom + 28, 'iteration →', { 'text-anchor': 'end', fill: '#666', 'font-size': 10 }));
  legend(
    body,
    bottom + PLOT_TO_LEGEND - 2,
    metrics.map((m, i) => ({ name: `${m.name} (median ${fmtNum(m.median)})`, color: colorOf(i) })),
  );
  return svg(W, h, `${report.scenario}: drift across iterations`, body);
}

/** Per-step times inside each iteration (one line per iteration), e.g. 50 execs of a loop. */
export function seriesChart(report: ReportV1, key: string): string {
  const runs = report.samples.filter((s) => s.series?.[key]?.length);
  const all = runs.flatMap((s) => s.series![key]!);
  const steps = Math.max(2, ...runs.map((s) => s.series![key]!.length));
  const h = chartHeight(runs.length);
  const body: El[] = [];
  const { x, y, bottom } = frame(
    body,
    h,
    Math.ceil(runs.length / 4),
    [1, steps],
    [0, Math.max(...all, 1) * 1.05],
    `${key} (ms)`,
  );
  runs.forEach((s, i) => {
    const color = colorOf(i, s.warmup);
    body.push(
      polyline(
        s.series![key]!.map((v, j) => [x(j + 1), y(v)]),
        color,
        `iteration ${s.iteration}`,
      ),
    );
  });
  body.push(
    text(RIGHT, bottom + 28, 'step within the iteration →', {
      'text-anchor': 'end',
      fill: '#666',
      'font-size': 10,
    }),
  );
  legend(
    body,
    bottom + PLOT_TO_LEGEND - 2,
    runs.map((s, i) => ({
      name: `iteration ${s.iteration}${s.warmup ? ' (warm-up)' : ''}`,
      color: colorOf(i, s.warmup),
    })),
  );
  return svg(W, h, `${report.scenario}: ${key} per step`, body);
}

/** A white outline keeps a label readable where a goal line crosses it. */
const HALO = { stroke: '#fff', 'stroke-width': 3, 'paint-order': 'stroke' };

/** Sim vs bare Docker p50 for create and exec, with the 3× goal marked. */
export function limitChart(lim: Limits, sim: { create: number | null; exec: number | null }): string {
  const kinds = (['create', 'exec'] as const).filter((k) => lim.bare[k] !== null && sim[k] !== null);
  const body: El[] = [];
  const hi = Math.max(1, ...kinds.flatMap((k) => [sim[k]!, lim.bare[k]! * lim.goal.factor])) * 1.08;
  const x = scale(0, hi, LEFT, RIGHT);
  kinds.forEach((k, i) => {
    const y0 = 10 + i * 64;
    const bare = lim.bare[k]!;
    const s = sim[k]!;
    // The goal line first, so the value labels are drawn over it.
    const g = x(bare * lim.goal.factor);
    body.push(line(g, y0, g, y0 + 40, FLOOR, { 'stroke-dasharray': '4 3', 'stroke-width': 1.5 }));
    body.push(text(g + 3, y0 + 48, `goal ${lim.goal.factor}× bare`, { fill: FLOOR, 'font-size': 9 }));
    body.push(text(LEFT - 10, y0 + 12, `bare Docker ${k}`, { 'text-anchor': 'end' }));
    body.push(el('rect', { x: LEFT, y: y0 + 2, width: x(bare) - LEFT, height: 14, fill: '#999' }));
    body.push(text(x(bare) + 4, y0 + 13, `${fmtNum(bare)} ms`, HALO));
    body.push(text(LEFT - 10, y0 + 32, `sim ${k}`, { 'text-anchor': 'end' }));
    body.push(el('rect', { x: LEFT, y: y0 + 22, width: x(s) - LEFT, height: 14, fill: PALETTE[0]! }));
    body.push(text(x(s) + 4, y0 + 33, `${fmtNum(s)} ms  (${(s / bare).toFixed(2)}×)`, HALO));
  });
  return svg(W, 20 + kinds.length * 64, 'sim vs bare Docker at p50', body);
}

/** The bench's own share of each sample's wall time per scenario (max bar, p50 dot), goal line. */
export function overheadChart(rows: readonly OverheadRow[], goal: number): string {
  const body: El[] = [];
  const hi = Math.max(goal * 2, ...rows.map((r) => r.maxShare)) * 1.05;
  const x = scale(0, hi, LEFT, RIGHT);
  rows.forEach((r, i) => {
    const y0 = 8 + i * 22;
    body.push(text(LEFT - 10, y0 + 11, r.scenario, { 'text-anchor': 'end' }));
    body.push(
      el('rect', {
        x: LEFT,
        y: y0 + 2,
        width: Math.max(1, x(r.maxShare) - LEFT),
        height: 12,
        fill: r.maxShare <= goal ? PALETTE[2]! : FLOOR,
      }),
    );
    body.push(
      el(
        'circle',
        { cx: x(r.p50Share), cy: y0 + 8, r: 3, fill: '#222' },
        undefined,
        `p50 ${(r.p50Share * 100).toFixed(3)}%`,
      ),
    );
    body.push(text(x(r.maxShare) + 4, y0 + 12, `max ${(r.maxShare * 100).toFixed(3)}%`, { 'font-size': 10 }));
  });
  const g = x(goal);
  const h = 30 + rows.length * 22;
  body.push(line(g, 4, g, h - 22, FLOOR, { 'stroke-dasharray': '4 3' }));
  body.push(text(g + 3, h - 10, `goal ${(goal * 100).toFixed(0)}%`, { fill: FLOOR, 'font-size': 9 }));
  return svg(W, h, "bench's own share of sample wall time", body);
}
