/** Number formatting shared by the text, markdown and HTML reports, so they never disagree. */

export function fmtNum(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  const a = Math.abs(x);
  return a >= 100 ? x.toFixed(0) : a >= 10 ? x.toFixed(1) : x.toFixed(2);
}

export const fmtPct = (x: number | null | undefined, digits = 2): string =>
  x === null || x === undefined || !Number.isFinite(x) ? '–' : `${(x * 100).toFixed(digits)}%`;

export const fmtRatio = (x: number | null | undefined): string =>
  x === null || x === undefined || !Number.isFinite(x) ? '–' : `${x.toFixed(2)}×`;

export const fmtMib = (kib: number | null | undefined): string =>
  kib === null || kib === undefined ? '–' : `${(kib / 1024).toFixed(1)} MiB`;
