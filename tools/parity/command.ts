/**
 * `pnpm e2e:parity` — the table of every upstream case → our case, or why it is not
 * ported, from the `meta.ports` vitest collects (nothing runs, no stack). Writes
 * reports/parity.md; exits 1 when a case is missing, contradictory, a claimed port names an
 * unknown upstream case, or a case file cannot be collected.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runMain } from '../../kernel/errors.ts';
import { resolveOptions } from '../../kernel/options.ts';
import { REPO_ROOT } from '../../kernel/paths.ts';
import { collectAllCases } from '../collect/collect.ts';
import { joinParity, portDecls, renderParity } from './parity.ts';

if (import.meta.main) {
  await runMain('e2e:parity', async () => {
    resolveOptions({}, process.argv.slice(2), process.env); // no flags, no variables: refuse any
    const report = joinParity(portDecls(await collectAllCases()));
    const md = renderParity(report);
    await mkdir(join(REPO_ROOT, 'reports'), { recursive: true });
    await writeFile(join(REPO_ROOT, 'reports', 'parity.md'), md);
    process.stdout.write(md);
    const bad =
      report.rows.filter((r) => r.status === 'missing' || r.status === 'contradiction').length +
      report.unknown.length;
    if (bad) {
      process.stderr.write(`e2e:parity: ${bad} problem(s); see reports/parity.md\n`);
      process.exitCode = 1;
    }
  });
}
