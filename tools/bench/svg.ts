/**
 * Minimal SVG building blocks for the bench charts. Generated as strings, inline in the HTML
 * page: the page must open with no network and no script, so no chart library is used.
 */
import { escapeMarkup as esc } from '../../harness/reporters/render/escape.ts';

/** Distinct, colour-blind-friendly series colours (Okabe–Ito, then greys). */
export const PALETTE = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#CC79A7',
  '#56B4E9',
  '#D55E00',
  '#F0E442',
  '#555555',
];
export const FLOOR = '#C0392B';

export const round = (x: number): string => (Math.round(x * 10) / 10).toString();

/** Maps [d0, d1] onto [r0, r1]; a zero-width domain maps to the middle. */
export function scale(d0: number, d1: number, r0: number, r1: number): (x: number) => number {
  const span = d1 - d0;
  return (x) => (span === 0 ? (r0 + r1) / 2 : r0 + ((x - d0) / span) * (r1 - r0));
}

/** Round tick values covering [lo, hi] in about `count` steps of 1, 2 or 5 × 10^k. */
export function niceTicks(lo: number, hi: number, count = 4): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step)
    ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

export const tickLabel = (t: number): string =>
  Math.abs(t) >= 1000 ? `${round(t / 1000)}k` : Math.abs(t) >= 1 || t === 0 ? round(t) : t.toPrecision(2);

export interface El {
  tag: string;
  attrs: Record<string, string | number>;
  text?: string;
  title?: string;
}

export const el = (
  tag: string,
  attrs: Record<string, string | number>,
  text?: string,
  title?: string,
): El => ({
  tag,
  attrs,
  ...(text === undefined ? {} : { text }),
  ...(title === undefined ? {} : { title }),
});

function render(e: El): string {
  const attrs = Object.entries(e.attrs)
    .map(([k, v]) => ` ${k}="${esc(typeof v === 'number' ? round(v) : v)}"`)
    .join('');
  const inner = (e.title ? `<title>${esc(e.title)}</title>` : '') + (e.text ? esc(e.text) : '');
  return inner ? `<${e.tag}${attrs}>${inner}</${e.tag}>` : `<${e.tag}${attrs}/>`;
}

/** One self-contained <svg>, with an accessible label. */
export function svg(width: number, height: number, label: string, body: El[]): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(label)}" font-family="system-ui, sans-serif" font-size="11">` +
    body.map(render).join('') +
    '</svg>'
  );
}

export const line = (
  x1: number,
  y1: number,
  x2: number,
  y2: number,
  stroke: string,
  extra: Record<string, string | number> = {},
): El => el('line', { x1, y1, x2, y2, stroke, ...extra });

export const text = (x: number, y: number, s: string, extra: Record<string, string | number> = {}): El =>
  el('text', { x, y, fill: '#333', ...extra }, s);

export const polyline = (pts: Array<[number, number]>, stroke: string, title?: string): El =>
  el(
    'polyline',
    {
      points: pts.map(([x, y]) => `${round(x)},${round(y)}`).join(' '),
      fill: 'none',
      stroke,
      'stroke-width': 1.6,
    },
    undefined,
    title,
  );
