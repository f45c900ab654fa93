/**
 * `pnpm e2e:teeth` — proves each case catches the bug it claims. For every ledger bug with a
 * sim switch, and every guard fault (harness/guard-faults.ts): run its claiming tests against
 * a sim with that switch on (markers off: the failure must show) and with every switch off
 * (all must pass). Prints and writes the switch × case matrix; exits 1 if any goes undetected.
 * `--list` prints each switch and the tests that claim it, and runs nothing.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCases } from '../../harness/commands/run-vitest.ts';
import { GUARD_FAULTS } from '../../harness/guard-faults.ts';
import { detectable } from '../../harness/ledger/expectations.ts';
import { KNOWN_BUGS } from '../../harness/ledger/known-bugs.ts';
import { BOOTSTRAP_OPTIONS, type BootstrapConfig, bootstrapConfig } from '../../kernel/config.ts';
import { runMain } from '../../kernel/errors.ts';
import { envOnly, type OptionTable, optionsHelp, resolveOptions } from '../../kernel/options.ts';
import { REPO_ROOT } from '../../kernel/paths.ts';
import { newRunId } from '../../kernel/run-id.ts';
import { setupStack } from '../../stack/up.ts';
import { collectAllCases } from '../collect/collect.ts';
import { type Claim, claimsByBug } from './claims.ts';
import { type BugTeeth, type CaseResult, parseVitestJson, renderTeeth, teethFor } from './matrix.ts';

const TEETH_OPTIONS = {
  ...envOnly(BOOTSTRAP_OPTIONS),
  list: { flag: 'list', type: 'bool', doc: 'print each switch and the tests that claim it; run nothing' },
  help: { flag: 'help', short: 'h', type: 'bool', doc: 'this text' },
} as const satisfies OptionTable;

interface Switched {
  id: string;
  simSwitch: string;
}

/** Every claimable with a sim switch: ledger bugs that have one, and the guard faults. */
function switched(): Switched[] {
  return [
    ...KNOWN_BUGS.filter((b) => b.simSwitch !== null).map((b) => ({ id: b.id, simSwitch: b.simSwitch! })),
    ...GUARD_FAULTS.map((f) => ({ id: f.id, simSwitch: f.simSwitch })),
  ];
}

function listing(bugs: readonly Switched[], claims: ReadonlyMap<string, Claim>): string {
  const lines = bugs.map((b) => {
    const filters = claims.get(b.id)?.filters ?? [];
    return `${b.id} (switch ${b.simSwitch}): ${filters.length} claiming test(s) ${filters.join(' ')}`;
  });
  return `${lines.join('\n')}\nteeth: ${bugs.length} switch(es) to prove\n`;
}

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

async function prove(config: BootstrapConfig, bugs: readonly Switched[], claims: ReadonlyMap<string, Claim>) {
  const dir = join(REPO_ROOT, 'reports', newRunId('teeth-'));
  await mkdir(dir, { recursive: true });
  // Only the claiming tests run (file:line filters), not their whole files: same proof, less time.
  const allFilters = [...new Set(bugs.flatMap((b) => claims.get(b.id)?.filters ?? []))];
  process.stderr.write(`teeth: baseline (no switches) over ${allFilters.length} claiming case(s)…\n`);
  const off = allFilters.length ? await runWith(config, [], allFilters, join(dir, 'baseline.json')) : [];
  const rows: BugTeeth[] = [];
  for (const bug of bugs) {
    const { filters, ids } = claims.get(bug.id) ?? { filters: [], ids: [] };
    const t0 = performance.now();
    const on = filters.length
      ? await runWith(config, [bug.simSwitch], filters, join(dir, `${bug.id}.json`))
      : [];
    const row = teethFor(bug.id, bug.simSwitch, on, off, ids);
    rows.push(row);
    process.stderr.write(
      `teeth: ${bug.id}: ${row.detected ? 'detected' : 'UNDETECTED'} (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`,
    );
  }
  await setupStack({ config, bugs: [], quiet: true });
  const md = renderTeeth(rows);
  await writeFile(join(dir, 'teeth.md'), md);
  await writeFile(join(dir, 'teeth.json'), `${JSON.stringify(rows, null, 2)}\n`);
  return { md, undetected: rows.filter((r) => !r.detected).length, total: rows.length };
}

if (import.meta.main) {
  await runMain('e2e:teeth', async () => {
    const { values } = resolveOptions(TEETH_OPTIONS, process.argv.slice(2), process.env);
    if (values.help) {
      process.stdout.write(`usage: pnpm e2e:teeth [--list]\n${optionsHelp(TEETH_OPTIONS)}\n`);
      return;
    }
    const collected = await collectAllCases();
    for (const c of collected) c.detects.forEach(detectable);
    const claims = claimsByBug(collected);
    if (values.list) {
      process.stdout.write(listing(switched(), claims));
      return;
    }
    const config: BootstrapConfig = { ...bootstrapConfig(values), target: 'sim' };
    const { md, undetected, total } = await prove(config, switched(), claims);
    process.stdout.write(md);
    process.stdout.write(`\nteeth: ${total - undetected} passed, ${undetected} failed\n`);
    if (undetected) process.exitCode = 1;
  });
}
