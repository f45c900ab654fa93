/**
 * Parity between the upstream catalogue (upstream-cases.ts) and our cases: every test's
 * collected `meta.ports` (tools/collect/collect.ts), joined with the catalogue both ways.
 */
import type { CollectedCase } from '../collect/collect.ts';
import { UPSTREAM_CASES, type UpstreamCase } from './upstream-cases.ts';

export interface PortDecl {
  upstream: string;
  file: string;
  line: number | null;
  title: string;
  /** What the porting test needs (harness/per-case/needs.ts), its describes' included. */
  needs: string[];
}

/**
 * Needs the sim's preflight measures as missing (harness/handle/preflight.ts): its boxes are
 * containers (one shared kernel) and its guest images are minimal and air-gapped. A port
 * needing one of these runs only on a stack that has it (a KVM host).
 */
export const SIM_UNMET_NEEDS: Readonly<Record<string, string>> = {
  'own-kernel': 'boxes share the host kernel',
  egress: 'no internet from the guest',
  'guest-tools': 'no python3/pip3/git/cc in the guest images',
};

/** The needs that keep a port off the sim (empty = it runs on the sim). */
export const simBlockers = (d: PortDecl): string[] => d.needs.filter((n) => n in SIM_UNMET_NEEDS);

export function portDecls(cases: readonly CollectedCase[]): PortDecl[] {
  return cases.flatMap((c) =>
    c.ports.map((upstream) => ({
      upstream,
      file: c.file,
      line: c.line,
      title: c.name,
      needs: c.needs ?? [],
    })),
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
  const ported = r.rows.filter((x) => x.status === 'ported');
  const onSim = ported.filter((x) => x.ours.some((d) => simBlockers(d).length === 0)).length;
  const pct = (n: number) => (r.rows.length ? Math.round((1000 * n) / r.rows.length) / 10 : 0);
  const lines = [
    '# Upstream parity',
    '',
    `${count('ported')} ported, ${count('not-ported')} not ported (with reason), ${count('missing')} missing, ${count('contradiction')} contradictory, ${r.unknown.length} unknown ported names`,
    '',
    `${r.rows.length} upstream cases: ${onSim} (${pct(onSim)} %) runnable on the sim, ${ported.length - onSim} ported but KVM-only (needs the sim lacks: ${Object.entries(
      SIM_UNMET_NEEDS,
    )
      .map(([n, why]) => `${n}: ${why}`)
      .join('; ')})`,
    '',
    '| family | upstream | ours / why not |',
    '|---|---|---|',
    ...r.rows.map((x) => {
      const ours =
        x.status === 'not-ported'
          ? `not ported: ${x.upstream.notPorted}`
          : x.ours.length
            ? x.ours
                .map((d) => {
                  const off = simBlockers(d);
                  return `${where(d)} "${d.title}"${off.length ? ` (KVM only: needs ${off.join(', ')})` : ''}`;
                })
                .join('<br>')
            : '**MISSING**';
      return `| ${x.upstream.family} | ${x.upstream.file}::${x.upstream.name} | ${x.status === 'contradiction' ? `**CONTRADICTION** (${x.upstream.notPorted}) ` : ''}${ours} |`;
    }),
  ];
  if (r.unknown.length) {
    lines.push(
      '',
      '## Claimed ports naming no upstream case',
      '',
      ...r.unknown.map((d) => `- ${where(d)} ports: '${d.upstream}'`),
    );
  }
  return `${lines.join('\n')}\n`;
}
