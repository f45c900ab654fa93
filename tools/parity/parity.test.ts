import { describe, expect, it } from 'vitest';
import type { CollectedCase } from '../collect/collect.ts';
import { joinParity, portDecls, renderParity } from './parity.ts';

const catalogue = [
  { family: 'f', file: 'P:x', name: 'test_a', notPorted: null },
  { family: 'f', file: 'P:x', name: 'test_b', notPorted: 'needs a VM' },
  { family: 'f', file: 'P:x', name: 'test_c', notPorted: null },
];

const collected = (
  name: string,
  ports: string[],
  line: number | null = 3,
  needs: string[] = [],
): CollectedCase => ({
  id: `cases/one.test.ts > ${name}`,
  file: 'cases/one.test.ts',
  name,
  line,
  ports,
  detects: [],
  needs,
});

describe('parity', () => {
  it('turns collected ports into declarations and joins them with the catalogue both ways', () => {
    const decls = portDecls([
      collected('does a', ['test_a'], 1),
      collected('does z', ['test_zz', 'test_b']),
      collected('plain', []),
      collected('suite > wrapped', ['test_c'], null),
    ]);
    expect(decls).toEqual([
      { upstream: 'test_a', file: 'cases/one.test.ts', line: 1, title: 'does a', needs: [] },
      { upstream: 'test_zz', file: 'cases/one.test.ts', line: 3, title: 'does z', needs: [] },
      { upstream: 'test_b', file: 'cases/one.test.ts', line: 3, title: 'does z', needs: [] },
      { upstream: 'test_c', file: 'cases/one.test.ts', line: null, title: 'suite > wrapped', needs: [] },
    ]);
    const report = joinParity(decls, catalogue);
    expect(report.rows.map((r) => r.status)).toEqual(['ported', 'contradiction', 'ported']);
    expect(report.unknown.map((d) => d.upstream)).toEqual(['test_zz']);
    const md = renderParity(report);
    expect(md).toMatch(/2 ported, 0 not ported \(with reason\), 0 missing, 1 contradictory, 1 unknown/);
    expect(md).toContain('cases/one.test.ts:1 "does a"');
    expect(md).toContain('cases/one.test.ts "suite > wrapped"');
    expect(md).toContain("- cases/one.test.ts:3 ports: 'test_zz'");
    expect(renderParity(joinParity([], catalogue))).toContain('| f | P:x::test_c | **MISSING** |');
  });

  it('counts a port as runnable on the sim unless it needs what the sim lacks', () => {
    const decls = portDecls([
      collected('sim ok', ['test_a'], 1, ['vm', 'snapshots']),
      collected('kvm only', ['test_c'], 2, ['vm', 'own-kernel']),
    ]);
    const md = renderParity(
      joinParity(
        decls,
        catalogue.filter((c) => c.notPorted === null),
      ),
    );
    expect(md).toContain('2 upstream cases: 1 (50 %) runnable on the sim, 1 ported but KVM-only');
    expect(md).toContain('"kvm only" (KVM only: needs own-kernel)');
    expect(md).not.toContain('"sim ok" (KVM only');
  });
});
