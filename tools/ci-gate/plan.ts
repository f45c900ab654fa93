/**
 * The KVM job matrix of the reusable workflow, from the run's mode and shard count: one-sided,
 * one job per shard (`pnpm e2e --shard i/n`; n = 1 is the whole run, as one shard); two-sided,
 * one job per side and shard (`pnpm e2e:two-sided --only side [--shard i/n]`), so base and head
 * run on runners of their own, side by side. The merge job joins what they leave.
 *
 * `node tools/ci-gate/plan.ts --mode M --shards N --output FILE` appends `matrix=<JSON>` to FILE
 * ($GITHUB_OUTPUT). Runs on plain Node 22 (node built-ins and kernel/ only).
 */
import { appendFile } from 'node:fs/promises';
import { runMain, UsageError } from '../../kernel/errors.ts';
import { type OptionTable, resolveOptions } from '../../kernel/options.ts';

export const MODES = ['one-sided', 'two-sided'] as const;
export type Mode = (typeof MODES)[number];

export interface MatrixEntry {
  /** Names the job, its artifact and its concurrency group. */
  label: string;
  /** `base` / `head` (two-sided), '' (one-sided). */
  side: string;
  /** `i/n`, or '' for a whole side of a two-sided run. */
  shard: string;
}

export function planMatrix(mode: Mode, shards: number): { include: MatrixEntry[] } {
  const split = (prefix: string) =>
    Array.from({ length: shards }, (_, i) => `${i + 1}/${shards}`).map((shard) => ({
      label: `${prefix}shard-${shard.replace('/', 'of')}`,
      shard,
    }));
  if (mode === 'one-sided') return { include: split('').map((e) => ({ ...e, side: '' })) };
  return {
    include: (['base', 'head'] as const).flatMap((side) =>
      shards === 1 ? [{ label: side, side, shard: '' }] : split(`${side}-`).map((e) => ({ ...e, side })),
    ),
  };
}

const PLAN_OPTIONS = {
  mode: { flag: 'mode', type: 'enum', values: MODES, required: true, doc: 'one-sided | two-sided' },
  shards: { flag: 'shards', type: 'int', min: 1, max: 64, required: true, doc: 'shards per side' },
  output: {
    flag: 'output',
    type: 'path',
    required: true,
    doc: 'file to append `matrix=` to ($GITHUB_OUTPUT)',
  },
} as const satisfies OptionTable;

if (import.meta.main)
  await runMain('plan', async () => {
    const { values } = resolveOptions(PLAN_OPTIONS, process.argv.slice(2), {});
    const matrix = planMatrix(values.mode, values.shards);
    if (matrix.include.length === 0) throw new UsageError('no job planned');
    await appendFile(values.output, `matrix=${JSON.stringify(matrix)}\n`);
    process.stdout.write(`plan: ${matrix.include.map((e) => e.label).join(', ')}\n`);
  });
