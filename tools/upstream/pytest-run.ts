/**
 * One pytest run of the staged suite: its own output to the terminal and a log file, pytest's
 * JUnit file, and one outcome line per case from outcomes_plugin.py.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { SetupError } from '../../kernel/errors.ts';
import type { CaseRecord } from './classify.ts';

export interface PytestRun {
  exitCode: number;
  records: CaseRecord[];
  files: { log: string; junit: string; outcomes: string };
  /** The command line, for the report. */
  command: string;
}

export interface PytestInputs {
  python: string;
  suiteDir: string;
  env: Record<string, string>;
  /** The user's pytest arguments (file selection, -k, -x …). */
  args: readonly string[];
  outDir: string;
}

export function parseOutcomes(text: string): CaseRecord[] {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as CaseRecord);
}

export async function runPytest(i: PytestInputs): Promise<PytestRun> {
  const files = {
    log: join(i.outDir, 'upstream-pytest.log'),
    junit: join(i.outDir, 'upstream-junit.xml'),
    outcomes: join(i.outDir, 'upstream-outcomes.jsonl'),
  };
  const argv = [
    '-m',
    'pytest',
    '-p',
    'outcomes_plugin',
    `--outcomes-file=${files.outcomes}`,
    `--junitxml=${files.junit}`,
    // The staged copy is fresh every run: no cache dir in it, no cache to trust.
    '-p',
    'no:cacheprovider',
    '-rA',
    ...i.args,
  ];
  const command = `python ${argv.join(' ')}`;
  const run = await execa(i.python, argv, {
    cwd: i.suiteDir,
    env: i.env,
    extendEnv: false,
    reject: false,
    stdout: ['inherit', { file: files.log }],
    stderr: ['inherit', { file: files.log, append: true }],
  });
  if (!existsSync(files.outcomes))
    throw new SetupError(
      `pytest ${run.signal ? `was killed (${run.signal})` : `exited ${run.exitCode}`} before reporting any case; see ${files.log}`,
    );
  const records = parseOutcomes(await readFile(files.outcomes, 'utf8'));
  return { exitCode: run.exitCode ?? 1, records, files, command };
}
