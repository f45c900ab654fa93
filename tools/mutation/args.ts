/** The flags the command hands its per-mutant command, and that one hands the server: one parser. */
import { parseArgs } from 'node:util';

export interface MutationArgs {
  runDir: string;
  /** Per mutant, the covering cases' baseline seconds to spend. */
  budgetS: number;
  /** Case files the baseline runs; empty: every case file. */
  cases: string[];
  /** A finished run's dir whose baseline is taken instead of running one (same sources only). */
  baselineFrom?: string;
  /** Run every `sample`-th mutant (by id); the others are not run. 1: all. */
  sample: number;
}

export function mutationArgs(a: MutationArgs): string[] {
  return [
    '--run-dir',
    a.runDir,
    '--budget-s',
    String(a.budgetS),
    '--sample',
    String(a.sample),
    ...a.cases.flatMap((c) => ['--case', c]),
    ...(a.baselineFrom ? ['--baseline-from', a.baselineFrom] : []),
  ];
}

export function parseMutationArgs(argv: string[]): MutationArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      'run-dir': { type: 'string' },
      'budget-s': { type: 'string' },
      case: { type: 'string', multiple: true },
      'baseline-from': { type: 'string' },
      sample: { type: 'string' },
    },
  });
  const runDir = values['run-dir'];
  if (!runDir) throw new Error('--run-dir is required: run `pnpm e2e:mutation`');
  const budgetS = Number(values['budget-s'] ?? 120);
  if (!Number.isFinite(budgetS) || budgetS <= 0)
    throw new Error(`--budget-s must be a positive number, got ${values['budget-s']}`);
  const sample = Number(values.sample ?? 1);
  if (!Number.isInteger(sample) || sample < 1)
    throw new Error(`--sample must be a positive integer, got ${values.sample}`);
  const baselineFrom = values['baseline-from'];
  return { runDir, budgetS, sample, cases: values.case ?? [], ...(baselineFrom ? { baselineFrom } : {}) };
}
