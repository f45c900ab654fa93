/**
 * What the case files declare, read the way vitest reads them: the files are imported and
 * their tests collected (nothing runs, no stack is needed — the global setup is left out).
 * Teeth and parity work from this, so a claim counts however the case is written: helper or
 * literal options, describe-level meta, `test.for`, options built in a loop.
 */
import { relative } from 'node:path';
import { createVitest } from 'vitest/node';
import { CASES_PROJECT } from '../../harness/cases-project.ts';
import type { RunContext } from '../../harness/context.ts';
import { parseRate, parseRounds, RUN_OPTIONS } from '../../harness/run-options.ts';
import { REPO_ROOT } from '../../kernel/paths.ts';

export interface CollectedCase {
  /** `<file> > <full name>`, the id reports use. */
  id: string;
  file: string;
  name: string;
  line: number | null;
  ports: string[];
  detects: string[];
  /** `claims({ needs })` declared on the test or any describe above it. */
  needs?: string[];
  /** `claims({ pins })` on the test or any describe above it: contract map rows. */
  pins?: string[];
}

export interface Collection {
  cases: CollectedCase[];
  /** Files that failed to import or collect, one line each: a claim there is invisible. */
  errors: string[];
}

export interface CollectOptions {
  root?: string;
  include?: string[];
  /** Only files matching these (vitest CLI filters). */
  filters?: string[];
  /** The run's case knobs; they may shape test names. Default: the options' defaults. */
  tuning?: RunContext['tuning'];
}

/**
 * All a case file may read from the run context while it is imported: there is no stack
 * when cases are only collected, so the rest stays behind `runContext()` inside tests.
 */
type ImportTimeRun = Pick<RunContext, 'tuning'>;

export function defaultTuning(): RunContext['tuning'] {
  return {
    p06Rounds: parseRounds(RUN_OPTIONS.p06Rounds.default),
    p06MaxLoss: parseRate(RUN_OPTIONS.p06MaxLoss.default),
  };
}

const IMPORT_HINT = ' (cases are collected without a stack: use the run context inside tests, not at import)';

export async function collectCases(opts: CollectOptions = {}): Promise<Collection> {
  const root = opts.root ?? REPO_ROOT;
  const vitest = await createVitest('test', {
    config: false,
    root,
    include: opts.include ?? CASES_PROJECT.include,
    includeTaskLocation: true,
    watch: false,
    reporters: [],
    provide: { run: { tuning: opts.tuning ?? defaultTuning() } satisfies ImportTimeRun as RunContext },
  });
  // vitest flags a failed collection through process.exitCode; the caller decides instead.
  const exitCode = process.exitCode;
  try {
    const specs = await vitest.globTestSpecifications(opts.filters);
    const { testModules } = await vitest.collectTests(specs);
    const cases: CollectedCase[] = [];
    const errors: string[] = [];
    for (const mod of testModules) {
      const file = relative(root, mod.moduleId);
      for (const err of mod.errors()) errors.push(`${file}: ${err.message.split('\n')[0]}${IMPORT_HINT}`);
      for (const test of mod.children.allTests()) {
        const meta = test.meta();
        cases.push({
          id: `${file} > ${test.fullName}`,
          file,
          name: test.fullName,
          line: test.location?.line ?? null,
          ports: meta.ports ?? [],
          detects: meta.detects ?? [],
          needs: inherited(test, 'needs'),
          pins: inherited(test, 'pins'),
        });
      }
    }
    return { cases, errors };
  } finally {
    process.exitCode = exitCode;
    await vitest.close();
  }
}

type ListMeta = { needs?: string[]; pins?: string[] };

/**
 * The test's own list and its describes' (harness/per-case/needs.ts merges needs the same way
 * at run time).
 */
function inherited(test: { meta(): ListMeta; parent: unknown }, key: keyof ListMeta): string[] {
  const out = new Set<string>(test.meta()[key] ?? []);
  let at = test.parent as { type?: string; meta?: () => ListMeta; parent?: unknown } | undefined;
  while (at && at.type === 'suite' && at.meta) {
    for (const n of at.meta()[key] ?? []) out.add(n);
    at = at.parent as typeof at;
  }
  return [...out].sort();
}

/** The cases, or an error naming every file that could not be collected (its claims would be lost). */
export async function collectAllCases(opts: CollectOptions = {}): Promise<CollectedCase[]> {
  const { cases, errors } = await collectCases(opts);
  if (errors.length) throw new Error(`cannot collect the cases:\n${errors.join('\n')}`);
  return cases;
}
