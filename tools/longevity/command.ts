/**
 * `pnpm e2e:longevity [files...]` — one stack, `--runs` consecutive `pnpm e2e` runs (default
 * 25), with a default teardown + setup before every third run and a sim restart before the
 * one after (`--between teardown`: a teardown before every run but the first). Prints a line
 * per run and writes reports/longevity-<id>/longevity.{md,json} and each run's log; exits 1
 * when a run is red, a resource count moves from the second run on, or a port moves.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BOOTSTRAP_OPTIONS, bootstrapConfig } from '../../kernel/config.ts';
import { runMain } from '../../kernel/errors.ts';
import { envOnly, type OptionTable, optionsHelp, resolveOptions } from '../../kernel/options.ts';
import { REPO_ROOT } from '../../kernel/paths.ts';
import { newRunId } from '../../kernel/run-id.ts';
import { MIXED, runLongevity } from './longevity.ts';
import { renderMarkdown, runLine, verdictLine } from './report.ts';

const LONGEVITY_OPTIONS = {
  ...envOnly(BOOTSTRAP_OPTIONS),
  runs: { flag: 'runs', type: 'int', min: 2, max: 1000, default: 25, doc: 'consecutive runs' },
  between: {
    flag: 'between',
    type: 'enum',
    values: ['mixed', 'teardown'],
    default: 'mixed',
    doc: 'what happens between runs: mixed (teardown, sim restart, nothing, …) or a teardown each time',
  },
  help: { flag: 'help', short: 'h', type: 'bool', doc: 'this text' },
} as const satisfies OptionTable;

if (import.meta.main) {
  await runMain('e2e:longevity', async () => {
    const { values, positionals } = resolveOptions(LONGEVITY_OPTIONS, process.argv.slice(2), process.env, {
      positionals: true,
    });
    if (values.help) {
      process.stdout.write(`pnpm e2e:longevity [flags] [case files...]\n${optionsHelp(LONGEVITY_OPTIONS)}\n`);
      return;
    }
    const outDir = join(REPO_ROOT, 'reports', newRunId('longevity-'));
    const result = await runLongevity({
      config: { ...bootstrapConfig(values), target: 'sim' },
      runs: values.runs,
      files: positionals,
      between: values.between === 'teardown' ? (run) => (run === 1 ? 'nothing' : 'teardown') : MIXED,
      outDir,
      onRun: (r) => process.stderr.write(`${runLine(r)}\n`),
    });
    await writeFile(join(outDir, 'longevity.json'), `${JSON.stringify(result, null, 2)}\n`);
    await writeFile(join(outDir, 'longevity.md'), renderMarkdown(result, positionals));
    process.stdout.write(`${verdictLine(result)}\nreport: ${join(outDir, 'longevity.md')}\n`);
    if (!result.green || result.moved.length || result.portsMoved.length) process.exitCode = 1;
  });
}
