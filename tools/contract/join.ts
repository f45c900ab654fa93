/**
 * The contract map set against the cases: which rows each case pins, what nothing pins, the
 * pinned share per area, and the lock (docs/contract/pinned.lock): a row that was pinned may
 * not lose its last case silently.
 */
import type { CollectedCase } from '../collect/collect.ts';
import type { AreaFile, Row } from './map.ts';

export interface Pinned {
  row: Row;
  /** Case ids that pin the row. */
  cases: string[];
  /** True when every pinning case needs something beyond a reachable API (`claims({ needs })`). */
  onlyWithNeeds: boolean;
}

export interface ContractReport {
  areas: { area: string; title: string; rows: Pinned[] }[];
  /** Pins naming no row, or a retired one: `case id → id`. */
  unknown: { caseId: string; pin: string; why: string }[];
}

export function joinContract(areas: readonly AreaFile[], cases: readonly CollectedCase[]): ContractReport {
  const byId = new Map(areas.flatMap((a) => a.rows).map((r) => [r.id, r]));
  const pinners = new Map<string, CollectedCase[]>();
  const unknown: ContractReport['unknown'] = [];
  for (const c of cases) {
    for (const pin of c.pins ?? []) {
      const row = byId.get(pin);
      if (!row) unknown.push({ caseId: c.id, pin, why: 'no such row' });
      else if (row.retired) unknown.push({ caseId: c.id, pin, why: `retired: ${row.retired}` });
      else pinners.set(pin, [...(pinners.get(pin) ?? []), c]);
    }
  }
  return {
    areas: areas.map((a) => ({
      area: a.area,
      title: a.title,
      rows: a.rows
        .filter((r) => !r.retired)
        .map((row) => {
          const by = pinners.get(row.id) ?? [];
          return {
            row,
            cases: by.map((c) => c.id),
            onlyWithNeeds: by.length > 0 && by.every((c) => c.needs?.length),
          };
        }),
    })),
    unknown,
  };
}

export const pinnedIds = (r: ContractReport): string[] =>
  r.areas
    .flatMap((a) => a.rows)
    .filter((p) => p.cases.length)
    .map((p) => p.row.id)
    .sort();

/** Locked ids no case pins any more (each was pinned once: losing it must be deliberate). */
export function lostPins(r: ContractReport, locked: readonly string[]): string[] {
  const now = new Set(pinnedIds(r));
  return locked.filter((id) => !now.has(id));
}

export const parseLock = (text: string): string[] =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));

export const renderLock = (ids: readonly string[]): string =>
  `# Contract rows some case pins (pnpm e2e:contract --update). A row may leave only on purpose.\n${[...ids].sort().join('\n')}\n`;

const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(0)} %` : '—');

/** Pinned share per area: `{ area, rows, pinned }`. */
export function shares(r: ContractReport): { area: string; rows: number; pinned: number }[] {
  return r.areas.map((a) => ({
    area: a.area,
    rows: a.rows.length,
    pinned: a.rows.filter((p) => p.cases.length).length,
  }));
}

export function renderContract(r: ContractReport): string {
  const s = shares(r);
  const total = s.reduce((t, x) => ({ rows: t.rows + x.rows, pinned: t.pinned + x.pinned }), {
    rows: 0,
    pinned: 0,
  });
  const lines = [
    '# Contract map: what the cases pin',
    '',
    '| area | rows | pinned | share |',
    '| --- | ---: | ---: | ---: |',
  ];
  for (const x of s) lines.push(`| ${x.area} | ${x.rows} | ${x.pinned} | ${pct(x.pinned, x.rows)} |`);
  lines.push(`| **all** | ${total.rows} | ${total.pinned} | **${pct(total.pinned, total.rows)}** |`, '');
  for (const a of r.areas) {
    const open = a.rows.filter((p) => !p.cases.length);
    const needy = a.rows.filter((p) => p.onlyWithNeeds);
    lines.push(`## ${a.area} — ${a.title}`, '');
    if (open.length)
      lines.push('Pinned by nothing:', '', ...open.map((p) => `- \`${p.row.id}\`: ${p.row.promise}`), '');
    if (needy.length)
      lines.push(
        'Pinned only by cases with needs (not run where those are unmet):',
        '',
        ...needy.map((p) => `- \`${p.row.id}\``),
        '',
      );
    if (!open.length && !needy.length)
      lines.push('Every row is pinned by a case that needs nothing more than the API.', '');
  }
  if (r.unknown.length)
    lines.push(
      '## Pins that name no live row',
      '',
      ...r.unknown.map((u) => `- ${u.caseId}: \`${u.pin}\` (${u.why})`),
      '',
    );
  return `${lines.join('\n')}\n`;
}
