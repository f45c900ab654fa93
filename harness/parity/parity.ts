/**
 * Parity between the upstream catalogue (upstream-cases.ts) and our cases: every test's
 * collected `meta.ports` (collect/collect.ts), joined with the catalogue both ways.
 */
import type { CollectedCase } from '../collect/collect.ts';
import { UPSTREAM_CASES, type UpstreamCase } from './upstream-cases.ts';

export interface PortDecl {
  upstream: string;
  file: string;
  line: number | null;
  title: string;
}

export function portDecls(cases: readonly CollectedCase[]): PortDecl[] {
  return cases.flatMap((c) =>
    c.ports.map((upstream) => ({ upstream, file: c.file, line: c.line, title: c.name })),
  );
}

export interface ParityRow {
  upstream: UpstreamCase;
  ours: PortDecl[];
  status: 'ported' | 'not-ported' | 'missing' | 'contradiction';
}

export interface ParityReport {
  rows: ParityRow[];
  unknown: PortDecl[];
}

export function joinParity(
  decls: readonly PortDecl[],
  catalogue: readonly UpstreamCase[] = UPSTREAM_CASES,
): ParityReport {
  const rows = catalogue.map((upstream): ParityRow => {
    const ours = decls.filter((d) => d.upstream === upstream.name);
    const status = ours.length
      ? upstream.notPorted
        ? 'contradiction'
        : 'ported'
      : upstream.notPorted
        ? 'not-ported'
        : 'missing';
    return { upstream, ours, status };
  });
  const known = new Set(catalogue.map((c) => c.name));
  return { rows, unknown: decls.filter((d) => !known.has(d.upstream)) };
}

const where = (d: PortDecl) => (d.line === null ? d.file : `${d.file}:${d.line}`);

export function renderParity(r: ParityReport): string {
  const count = (s: ParityRow['status']) => r.rows.filter((x) => x.status === s).length;
  const lines = [
    '# Upstream parity',
    '',
    `${count('ported')} ported, ${count('not-ported')} not ported (with reason), ${count('missing')} missing, ${count('contradiction')} contradictory, ${r.unknown.length} unknown ports() names`,
    '',
    '| family | upstream | ours / why not |',
    '|---|---|---|',
    ...r.rows.map((x) => {
      const ours =
        x.status === 'not-ported'
          ? `not ported: ${x.upstream.notPorted}`
          : x.ours.length
            ? x.ours.map((d) => `${where(d)} "${d.title}"`).join('<br>')
            : '**MISSING**';
      return `| ${x.upstream.family} | ${x.upstream.file}::${x.upstream.name} | ${x.status === 'contradiction' ? `**CONTRADICTION** (${x.upstream.notPorted}) ` : ''}${ours} |`;
    }),
  ];
  if (r.unknown.length) {
    lines.push(
      '',
      '## ports() naming no upstream case',
      '',
      ...r.unknown.map((d) => `- ${where(d)} ports('${d.upstream}')`),
    );
  }
  return `${lines.join('\n')}\n`;
}
