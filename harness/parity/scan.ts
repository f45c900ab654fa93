/**
 * Parity between the upstream catalogue and our cases: scans case files for `ports(...)`
 * declarations and joins them with upstream-cases.ts.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { UPSTREAM_CASES, type UpstreamCase } from './upstream-cases.ts';

export interface PortDecl {
  upstream: string;
  file: string;
  line: number;
  title: string;
}

// Biome may wrap a long ports(...) over lines with a trailing comma: allow space before `)`.
const PORTS_CALL = /ports\(((?:\s*'[^']+'\s*,?)+)\s*\)/g;
const TITLE = /(?:test|it)(?:\.\w+)*(?:\([^)]*\))?\(\s*(['"`])((?:(?!\1).)+)\1\s*,\s*$/;

export async function scanPorts(casesDir: string, root: string): Promise<PortDecl[]> {
  const out: PortDecl[] = [];
  for (const entry of await readdir(casesDir, { recursive: true })) {
    if (!entry.endsWith('.test.ts')) continue;
    const path = join(casesDir, entry);
    const text = await readFile(path, 'utf8');
    for (const m of text.matchAll(PORTS_CALL)) {
      const before = text.slice(Math.max(0, m.index - 400), m.index);
      const title = TITLE.exec(before)?.[2] ?? '(untitled)';
      const line = text.slice(0, m.index).split('\n').length;
      for (const q of m[1]!.matchAll(/'([^']+)'/g))
        out.push({ upstream: q[1]!, file: relative(root, path), line, title });
    }
  }
  return out;
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
            ? x.ours.map((d) => `${d.file}:${d.line} "${d.title}"`).join('<br>')
            : '**MISSING**';
      return `| ${x.upstream.family} | ${x.upstream.file}::${x.upstream.name} | ${x.status === 'contradiction' ? `**CONTRADICTION** (${x.upstream.notPorted}) ` : ''}${ours} |`;
    }),
  ];
  if (r.unknown.length) {
    lines.push(
      '',
      '## ports() naming no upstream case',
      '',
      ...r.unknown.map((d) => `- ${d.file}:${d.line} ports('${d.upstream}')`),
    );
  }
  return `${lines.join('\n')}\n`;
}
