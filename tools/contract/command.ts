/**
 * `pnpm e2e:contract` — the contract map (docs/contract/) against what the cases pin, from the
 * `meta.pins` vitest collects (nothing runs, no stack). Writes reports/contract.md: the pinned
 * share per area and every row nothing pins. Exits 1 when a pin names no live row or a locked
 * row (docs/contract/pinned.lock) lost its last case; `--update` rewrites the lock.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runMain } from '../../kernel/errors.ts';
import { type OptionTable, optionsHelp, resolveOptions } from '../../kernel/options.ts';
import { REPO_ROOT } from '../../kernel/paths.ts';
import { collectAllCases } from '../collect/collect.ts';
import { joinContract, lostPins, parseLock, pinnedIds, renderContract, renderLock } from './join.ts';
import { LOCK_FILE, loadMap } from './map.ts';

const CONTRACT_OPTIONS = {
  update: { flag: 'update', type: 'bool', doc: 'rewrite docs/contract/pinned.lock to what is pinned now' },
  help: { flag: 'help', short: 'h', type: 'bool', doc: 'this text' },
} as const satisfies OptionTable;

if (import.meta.main) {
  await runMain('e2e:contract', async () => {
    const { values } = resolveOptions(CONTRACT_OPTIONS, process.argv.slice(2), process.env);
    if (values.help) {
      process.stdout.write(`usage: pnpm e2e:contract [--update]\n${optionsHelp(CONTRACT_OPTIONS)}\n`);
      return;
    }
    const report = joinContract(await loadMap(), await collectAllCases());
    const md = renderContract(report);
    await mkdir(join(REPO_ROOT, 'reports'), { recursive: true });
    await writeFile(join(REPO_ROOT, 'reports', 'contract.md'), md);
    process.stdout.write(md);
    if (values.update) await writeFile(LOCK_FILE, renderLock(pinnedIds(report)));
    const lost = lostPins(report, parseLock(await readFile(LOCK_FILE, 'utf8').catch(() => '')));
    for (const id of lost) process.stderr.write(`e2e:contract: ${id} was pinned and no case pins it now\n`);
    for (const u of report.unknown)
      process.stderr.write(`e2e:contract: ${u.caseId} pins ${u.pin}: ${u.why}\n`);
    if (lost.length || report.unknown.length) process.exitCode = 1;
  });
}
