/**
 * `pnpm e2e:teeth` — proves each case catches the bug it claims. For every ledger bug with a
 * sim switch: run its claiming case files against a sim with that switch on (markers off:
 * the failure must show) and with every switch off (all must pass). Prints and writes the
 * bug × case matrix; exits 1 if any bug goes undetected.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCases } from '../../harness/commands/run-vitest.ts';
import { KNOWN_BUGS, knownBug } from '../../harness/ledger/known-bugs.ts';
import { BOOTSTRAP_OPTIONS, type BootstrapConfig, bootstrapConfig } from '../../kernel/config.ts';
import { runMain } from '../../kernel/errors.ts';
import { envOnly, resolveOptions } from '../../kernel/options.ts';
import { REPO_ROOT } from '../../kernel/paths.ts';
import { newRunId } from '../../kernel/run-id.ts';
import { setupStack } from '../../stack/up.ts';
import { collectAllCases } from '../collect/collect.ts';
import { claimsByBug } from './claims.ts';
import { type BugTeeth, type CaseResult, parseVitestJson, renderTeeth, teethFor } from './matrix.ts';

async function runWith(
  config: BootstrapConfig,
  bugs: string[],
  files: string[],
  out: string,
): Promise<CaseResult[]> {
  await setupStack({ config, bugs, quiet: true });
  await runCases({
    files,
    env: { BOXLITE_E2E_NO_SETUP: '1', BOXLITE_E2E_MARKERS: 'off', BOXLITE_E2E_RUN_ID: newRunId('teeth-') },
    jsonOutput: out,
    quiet: true,
  });
  return parseVitestJson(JSON.parse(await readFile(out, 'utf8')), REPO_ROOT);
}

if (import.meta.main) {
  await runMain('e2e:teeth', async () => {
    const { values } = resolveOptions(envOnly(BOOTSTRAP_OPTIONS), process.argv.slice(2), process.env);
    const config: BootstrapConfig = { ...bootstrapConfig(values), target: 'sim' };
    const dir = join(REPO_ROOT, 'reports', newRunId('teeth-'));
    await mkdir(dir, { recursive: true });
    const collected = await collectAllCases();
    for (const c of collected) c.detects.forEach(knownBug);
    const claims = claimsByBug(collected);
    const bugs = KNOWN_BUGS.filter((b) => b.simSwitch !== null);
    // Only the claiming tests run (file:line filters), not their whole files: same proof, less time.
    const allFilters = [...new Set(bugs.flatMap((b) => claims.get(b.id)?.filters ?? []))];
    process.stderr.write(`teeth: baseline (no switches) over ${allFilters.length} claiming case(s)…\n`);
    const off = allFilters.length ? await runWith(config, [], allFilters, join(dir, 'baseline.json')) : [];
    const rows: BugTeeth[] = [];
    for (const bug of bugs) {
      const { filters, ids } = claims.get(bug.id) ?? { filters: [], ids: [] };
      const t0 = performance.now();
      const on = filters.length
        ? await runWith(config, [bug.simSwitch!], filters, join(dir, `${bug.id}.json`))
        : [];
      const row = teethFor(bug.id, bug.simSwitch!, on, off, ids);
      rows.push(row);
      process.stderr.write(
        `teeth: ${bug.id}: ${row.detected ? 'detected' : 'UNDETECTED'} (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`,
      );
    }
    await setupStack({ config, bugs: [], quiet: true });
    const md = renderTeeth(rows);
    await writeFile(join(dir, 'teeth.md'), md);
    await writeFile(join(dir, 'teeth.json'), `${JSON.stringify(rows, null, 2)}\n`);
    process.stdout.write(md);
    const undetected = rows.filter((r) => !r.detected).length;
    process.stdout.write(`\nteeth: ${rows.length - undetected} passed, ${undetected} failed\n`);
    if (undetected) process.exitCode = 1;
  });
}
