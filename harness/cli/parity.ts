/**
 * `pnpm e2e:parity` — the table of every upstream case → our case, or why it is not
 * ported. Writes reports/parity.md; exits 1 when a case is missing, contradictory or a
 * ports() names an unknown upstream case.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runMain } from '../../kernel/errors.ts';
import { REPO_ROOT } from '../../kernel/paths.ts';
import { joinParity, renderParity, scanPorts } from '../parity/scan.ts';

if (import.meta.main) {
  await runMain('e2e:parity', async () => {
    const report = joinParity(await scanPorts(join(REPO_ROOT, 'cases'), REPO_ROOT));
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
