/**
 * The mutation run's summary: Stryker's report (mutation-testing-report-schema JSON) read with
 * the server's sidecar, score and survivors per area. Stryker sees every mutant the server did
 * not run as survived; the sidecar says which were not run (no coverage, static, sampled out) so the score
 * counts only mutants a case could reach.
 */

import { AREA_NAMES, type Area, areaOf } from './areas.ts';
import type { SidecarEntry } from './server.ts';

export interface ReportMutant {
  id: string;
  mutatorName: string;
  replacement?: string;
  location: { start: { line: number; column: number } };
  status: string;
}

export interface StrykerReport {
  files: Record<string, { mutants: ReportMutant[] }>;
}

export type Fate = 'killed' | 'timeout' | 'survived' | 'no-coverage' | 'static' | 'sampled-out' | 'error';

export interface MutantRow {
  id: string;
  file: string;
  line: number;
  column: number;
  mutator: string;
  replacement: string;
  fate: Fate;
  side?: SidecarEntry;
}

export function parseSidecar(text: string): Map<string, SidecarEntry> {
  const out = new Map<string, SidecarEntry>();
  for (const line of text.split('\n'))
    if (line.trim()) {
      const e = JSON.parse(line) as SidecarEntry;
      out.set(e.id, e);
    }
  return out;
}

function fateOf(status: string, side: SidecarEntry | undefined): Fate {
  const notJudged = ['no-coverage', 'static', 'sampled-out', 'error'] as const;
  const own = notJudged.find((f) => f === side?.status);
  if (own) return own;
  if (status === 'Timeout') return 'timeout';
  // No verdict of the server's: the per-mutant command failed (Stryker reads that as killed).
  if (!side) return status === 'NoCoverage' ? 'no-coverage' : 'error';
  if (status === 'Killed') return side.status === 'timeout' ? 'timeout' : 'killed';
  if (status === 'Survived') return 'survived';
  return 'error';
}

export function mutantRows(report: StrykerReport, sidecar: Map<string, SidecarEntry>): MutantRow[] {
  const rows: MutantRow[] = [];
  for (const [file, { mutants }] of Object.entries(report.files)) {
    for (const m of mutants) {
      const side = sidecar.get(m.id);
      rows.push({
        id: m.id,
        file,
        line: m.location.start.line,
        column: m.location.start.column,
        mutator: m.mutatorName,
        replacement: (m.replacement ?? '').replace(/\s+/g, ' ').slice(0, 80),
        fate: fateOf(m.status, side),
        ...(side ? { side } : {}),
      });
    }
  }
  return rows.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
}

interface Tally {
  total: number;
  run: number;
  killed: number;
  survived: number;
  notRun: number;
}

function tally(rows: readonly MutantRow[]): Tally {
  const n = (f: Fate) => rows.filter((r) => r.fate === f).length;
  const killed = n('killed') + n('timeout');
  const survived = n('survived');
  return {
    total: rows.length,
    run: killed + survived,
    killed,
    survived,
    notRun: rows.length - killed - survived,
  };
}

const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(1)} %` : '—');

export function renderSummary(rows: readonly MutantRow[], header: string[]): string {
  const byArea = new Map<Area | 'other', MutantRow[]>();
  for (const r of rows) {
    const area = areaOf(r.file) ?? 'other';
    byArea.set(area, [...(byArea.get(area) ?? []), r]);
  }
  const lines = ['# Mutation run', '', ...header, ''];
  lines.push(
    '| area | mutants | not run (no coverage / static / sampled out / error) | run | killed | survived | score |',
  );
  lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const area of [...AREA_NAMES, 'other' as const]) {
    const r = byArea.get(area);
    if (!r) continue;
    const t = tally(r);
    lines.push(
      `| ${area} | ${t.total} | ${t.notRun} | ${t.run} | ${t.killed} | ${t.survived} | ${pct(t.killed, t.run)} |`,
    );
  }
  const t = tally(rows);
  lines.push(
    `| **all** | ${t.total} | ${t.notRun} | ${t.run} | ${t.killed} | ${t.survived} | **${pct(t.killed, t.run)}** |`,
  );
  lines.push(
    '',
    'Score = killed (a selected case failed, or the run timed out) / run.',
    '',
    '## Survivors',
    '',
  );
  for (const r of rows.filter((x) => x.fate === 'survived')) {
    const s = r.side;
    const sel = s ? ` — ${s.ran}/${s.candidates} case(s) by ${s.by}` : '';
    lines.push(`- \`${r.file}:${r.line}:${r.column}\` ${r.mutator} → \`${r.replacement}\` (#${r.id})${sel}`);
  }
  return `${lines.join('\n')}\n`;
}
