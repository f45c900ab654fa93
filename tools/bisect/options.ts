/** The options of `pnpm e2e:bisect` (command.ts): flags, then environment, then defaults. */
import { knownBug } from '../../harness/ledger/known-bugs.ts';
import { BOOTSTRAP_OPTIONS } from '../../kernel/config.ts';
import type { Env } from '../../kernel/env-catalogue.ts';
import { UsageError } from '../../kernel/errors.ts';
import { envOnly, type OptionTable, type Resolved, resolveOptions } from '../../kernel/options.ts';
import { TWO_SIDED_OPTIONS } from '../two-sided/options.ts';
import { parsePinArg } from './pin.ts';

export const BISECT_OPTIONS = {
  ...envOnly(BOOTSTRAP_OPTIONS),
  checkout: { flag: 'checkout', type: 'path', doc: 'the git repository whose history is searched' },
  good: { flag: 'good', type: 'string', doc: 'a commit where the selected cases pass' },
  bad: { flag: 'bad', type: 'string', doc: 'a commit where they fail (older than --good for a fix)' },
  target: { ...TWO_SIDED_OPTIONS.side, default: 'boxlite', doc: 'what a step is: boxlite (default) | sim' },
  case: { flag: 'case', type: 'string', doc: 'the cases whose name matches (vitest -t)' },
  cases: TWO_SIDED_OPTIONS.cases,
  claim: {
    flag: 'claim',
    type: 'string',
    doc: 'ledger bug id: the cases claiming it decide',
    check: (id: string) => void knownBug(id),
  },
  paths: { flag: 'paths', type: 'list', doc: 'only commits touching these checkout paths are tested' },
  pin: {
    flag: 'pin',
    type: 'list',
    doc: 'COMPONENT=REF,…: build the component from REF at every step (boxlite: runner, libboxlite, api-deps)',
    check: (pins: string[]) => pins.forEach(parsePinArg),
  },
  stepHook: {
    flag: 'step-hook',
    type: 'string',
    doc: 'shell command run in the worktree after each checkout (environment-only fixes); failing skips the step',
  },
  trustEnds: { flag: 'trust-ends', type: 'bool', doc: 'do not test --good and --bad before searching' },
  workDir: { flag: 'work-dir', type: 'path', doc: 'worktree and step state dir (default: a temp dir)' },
} as const satisfies OptionTable;

export type BisectValues = Resolved<typeof BISECT_OPTIONS> & { good: string; bad: string };

export function parseBisectArgs(argv: readonly string[], env: Env): BisectValues {
  const { values } = resolveOptions(BISECT_OPTIONS, argv, env);
  if (!values.good || !values.bad) throw new UsageError('--good and --bad are required');
  if (!values.case && !values.claim)
    throw new UsageError('name the cases that decide: --case PATTERN or --claim BUG');
  if (values.target === 'boxlite' && !values.checkout)
    throw new UsageError('--target boxlite needs --checkout PATH (a BoxLite git checkout)');
  if (values.pin?.length && values.target !== 'boxlite')
    throw new UsageError(`--pin: target ${values.target} has no separately built components`);
  return { ...values, good: values.good, bad: values.bad };
}
