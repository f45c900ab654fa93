/**
 * `node tools/ci-gate/command.ts --needs "$NEEDS"` — the reusable workflow's gate job: green
 * (exit 0) or red (exit 1) from the `needs` context, with one line saying why, also appended
 * to the step summary when `--summary` names a file. Runs on plain Node 22 without installing
 * dependencies (it imports node built-ins and kernel/ only).
 */
import { appendFile } from 'node:fs/promises';
import type { Env } from '../../kernel/env-catalogue.ts';
import { runMain, SetupError, UsageError } from '../../kernel/errors.ts';
import { type OptionTable, resolveOptions } from '../../kernel/options.ts';
import { decideGate, parseNeeds } from './gate.ts';

export const GATE_OPTIONS = {
  needs: {
    flag: 'needs',
    type: 'string',
    required: true,
    doc: 'the needs context as JSON (`toJSON(needs)`)',
  },
  summary: {
    flag: 'summary',
    type: 'path',
    doc: 'markdown file to append the verdict to ($GITHUB_STEP_SUMMARY)',
  },
} as const satisfies OptionTable;

async function main(argv: readonly string[], env: Env): Promise<void> {
  const { values } = resolveOptions(GATE_OPTIONS, argv, env);
  let needs: ReturnType<typeof parseNeeds>;
  try {
    needs = parseNeeds(values.needs);
  } catch (err) {
    throw new UsageError(`--needs: ${(err as Error).message}`);
  }
  const verdict = decideGate(needs);
  const line = `${verdict.green ? 'green' : 'red'}: ${verdict.reason}`;
  if (values.summary)
    await appendFile(values.summary, `### e2e gate\n\n${verdict.green ? '✅' : '❌'} ${line}\n`);
  if (!verdict.green) throw new SetupError(line);
  process.stdout.write(`gate ${line}\n`);
}

if (import.meta.main) await runMain('gate', () => main(process.argv.slice(2), process.env));
