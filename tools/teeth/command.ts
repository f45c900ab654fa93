/**
 * `pnpm e2e:teeth` — proves each case catches the bug it claims. For every ledger bug with a
 * sim switch, and every guard fault (harness/guard-faults.ts): run its claiming tests against
 * a sim with that switch on (markers off: the failure must show) and with every switch off
 * (all must pass). Prints and writes the switch × case matrix; exits 1 if any goes undetected.
 * `--list` prints each switch and the tests that claim it, and runs nothing; `--only` proves the
 * named switches alone.
 *
 * It leaves the stack as it found it (leftovers.ts): the containers a switched run leaks are
 * removed after each run, the switches that were on before are put back, and a final census
 * fails the command when a box it made is still on the runner or in the API's list.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCases } from '../../harness/commands/run-vitest.ts';
import { detectable } from '../../harness/ledger/expectations.ts';
import { BOOTSTRAP_OPTIONS, type BootstrapConfig, bootstrapConfig } from '../../kernel/config.ts';
import { runMain } from '../../kernel/errors.ts';
import { envOnly, type OptionTable, optionsHelp, resolveOptions } from '../../kernel/options.ts';
import { REPO_ROOT, statePaths } from '../../kernel/paths.ts';
import { newRunId } from '../../kernel/run-id.ts';
import { readStackFile } from '../../kernel/stack-file.ts';
import { setupStack } from '../../stack/up.ts';
import { collectAllCases } from '../collect/collect.ts';
import { type Claim, claimsByBug } from './claims.ts';
import { type Census, census, leftoversMessage, newSince, removeNewContainers } from './leftovers.ts';
import { type BugTeeth, type CaseResult, parseVitestJson, renderTeeth, teethFor } from './matrix.ts';
import { type Switched, selected, switched } from './switches.ts';

const TEETH_OPTIONS = {
  ...envOnly(BOOTSTRAP_OPTIONS),
  list: { flag: 'list', type: 'bool', doc: 'print each switch and the tests that claim it; run nothing' },
  only: { flag: 'only', type: 'list', doc: 'prove only these switches (ids as --list prints them)' },
  help: { flag: 'help', short: 'h', type: 'bool', doc: 'this text' },
} as const satisfies OptionTable;

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
  start: Census,
): Promise<CaseResult[]> {
  await setupStack({ config, bugs, quiet: true });
  await runCases({
    files,
    env: { BOXLITE_E2E_NO_SETUP: '1', BOXLITE_E2E_MARKERS: 'off', BOXLITE_E2E_RUN_ID: newRunId('teeth-') },
    jsonOutput: out,
    quiet: true,
  });
  // What a leaking switch kept is teeth's to remove, run by run (a failed run: restore() does it).
  const leaked = await removeNewContainers(config, start);
  if (leaked.length)
    process.stderr.write(`teeth: removed ${leaked.length} container(s) the run left: ${leaked.join(', ')}\n`);
  return parseVitestJson(JSON.parse(await readFile(out, 'utf8')), REPO_ROOT);
}

async function prove(
  config: BootstrapConfig,
  bugs: readonly Switched[],
  claims: ReadonlyMap<string, Claim>,
  start: Census,
) {
  const dir = join(REPO_ROOT, 'reports', newRunId('teeth-'));
  await mkdir(dir, { recursive: true });
  // Only the claiming tests run (file:line filters), not their whole files: same proof, less time.
  const allFilters = [...new Set(bugs.flatMap((b) => claims.get(b.id)?.filters ?? []))];
  process.stderr.write(`teeth: baseline (no switches) over ${allFilters.length} claiming case(s)…\n`);
  const off = allFilters.length
    ? await runWith(config, [], allFilters, join(dir, 'baseline.json'), start)
    : [];
  const rows: BugTeeth[] = [];
  for (const bug of bugs) {
    const { filters, ids } = claims.get(bug.id) ?? { filters: [], ids: [] };
    const t0 = performance.now();
    const on = filters.length
      ? await runWith(config, [bug.simSwitch], filters, join(dir, `${bug.id}.json`), start)
      : [];
    const row = teethFor(bug.id, bug.simSwitch, on, off, ids);
    rows.push(row);
    process.stderr.write(
      `teeth: ${bug.id}: ${row.detected ? 'detected' : 'UNDETECTED'} (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`,
    );
  }
  const md = renderTeeth(rows);
  await writeFile(join(dir, 'teeth.md'), md);
  await writeFile(join(dir, 'teeth.json'), `${JSON.stringify(rows, null, 2)}\n`);
  return { md, undetected: rows.filter((r) => !r.detected).length, total: rows.length };
}

/** Puts back the switches that were on before teeth, removes what is left, and checks nothing is. */
async function restore(config: BootstrapConfig, before: string[], start: Census): Promise<string | null> {
  await setupStack({ config, bugs: before, quiet: true });
  await removeNewContainers(config, start);
  return leftoversMessage(newSince(start, await census(config)));
}

if (import.meta.main) {
  await runMain('e2e:teeth', async () => {
    const { values } = resolveOptions(TEETH_OPTIONS, process.argv.slice(2), process.env);
    if (values.help) {
      process.stdout.write(`usage: pnpm e2e:teeth [--list] [--only id,…]\n${optionsHelp(TEETH_OPTIONS)}\n`);
      return;
    }
    const collected = await collectAllCases();
    for (const c of collected) c.detects.forEach(detectable);
    const claims = claimsByBug(collected);
    if (values.list) {
      process.stdout.write(listing(selected(switched(), values.only ?? []), claims));
      return;
    }
    const config: BootstrapConfig = { ...bootstrapConfig(values), target: 'sim' };
    const bugs = selected(switched(), values.only ?? []);
    const before = [...((await readStackFile(statePaths(config.stateDir).stackFile))?.api?.bugs ?? [])];
    // The census is of the stack as the user has it (brought up first when there is none yet).
    await setupStack({ config, bugs: before, quiet: true });
    const start = await census(config);
    let proof: Awaited<ReturnType<typeof prove>>;
    try {
      proof = await prove(config, bugs, claims, start);
    } finally {
      const left = await restore(config, before, start);
      if (left) {
        process.stderr.write(`${left}\n`);
        process.exitCode = 1;
      }
    }
    process.stdout.write(proof.md);
    process.stdout.write(`\nteeth: ${proof.total - proof.undetected} passed, ${proof.undetected} failed\n`);
    if (proof.undetected) process.exitCode = 1;
  });
}
