import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { joinParity, renderParity, scanPorts } from './scan.ts';

const catalogue = [
  { family: 'f', file: 'P:x', name: 'test_a', notPorted: null },
  { family: 'f', file: 'P:x', name: 'test_b', notPorted: 'needs a VM' },
  { family: 'f', file: 'P:x', name: 'test_c', notPorted: null },
];

describe('parity', () => {
  it('finds ports() with the test title and line, and joins with the catalogue both ways', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parity-'));
    await writeFile(
      join(dir, 'one.test.ts'),
      "test('does a', ports('test_a'), async () => {});\n\ntest('does z', ports('test_zz', 'test_b'), async () => {});\n" +
        "test(\n  'wrapped',\n  ports(\n    'test_c',\n  ),\n  async () => {},\n);\n",
    );
    const decls = await scanPorts(dir, dir);
    expect(decls).toEqual([
      { upstream: 'test_a', file: 'one.test.ts', line: 1, title: 'does a' },
      { upstream: 'test_zz', file: 'one.test.ts', line: 3, title: 'does z' },
      { upstream: 'test_b', file: 'one.test.ts', line: 3, title: 'does z' },
      { upstream: 'test_c', file: 'one.test.ts', line: 6, title: 'wrapped' },
    ]);
    const report = joinParity(decls, catalogue);
    expect(report.rows.map((r) => r.status)).toEqual(['ported', 'contradiction', 'ported']);
    expect(report.unknown.map((d) => d.upstream)).toEqual(['test_zz']);
    const md = renderParity(report);
    expect(md).toMatch(/2 ported, 0 not ported \(with reason\), 0 missing, 1 contradictory, 1 unknown/);
    const missing = joinParity([], catalogue);
    expect(renderParity(missing)).toContain('| f | P:x::test_c | **MISSING** |');
  });
});
