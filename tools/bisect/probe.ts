/**
 * How one bisect step is tested: the commit checked out in the worktree is built and brought
 * up by the target's side builder (two-sided mode's, with its caches) in the bisect's one
 * state dir, the selected cases from this checkout run against it, and the stack goes down
 * again. A build or start that fails is a skip with its reason; a case run that passes or
 * fails is the step's outcome.
 */
import { lstat, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { BootstrapConfig } from '../../kernel/config.ts';
import type { SideBuilder } from '../two-sided/side-builder.ts';
import { runCasesAgainst } from '../two-sided/side-cases.ts';
import { stackDown } from '../two-sided/side-stacks.ts';
import type { CaseOutcome } from '../two-sided/verdicts.ts';

export type StepVerdict = 'pass' | 'fail' | 'skip';

export interface StepResult {
  verdict: StepVerdict;
  /** Why: the failing cases, or why the step could not be tested. */
  reason: string;
  cases: Pick<CaseOutcome, 'id' | 'status'>[];
  /** What the build did (the builder's words), when it got that far. */
  build?: string;
  /** Wall time per part of the step, ms. */
  ms: { up: number; cases: number; down: number };
}

export interface StepProbe {
  /** Tests what the worktree has checked out; `runId` names its case run's report dir. */
  test(worktree: string, runId: string, signal: AbortSignal): Promise<StepResult>;
  /** Takes down whatever a step left up (the run's undo; idempotent). */
  cleanup(): Promise<void>;
}

/** Which outcomes decide: all selected cases, or those claiming `claim`. */
export interface Selection {
  cases: string[];
  grep: string | null;
  claim: string | null;
}

/** A step's verdict from its case outcomes: any deciding case failing is `fail`. */
export function verdictOf(outcomes: readonly CaseOutcome[], claim: string | null): Omit<StepResult, 'ms'> {
  const deciding = claim ? outcomes.filter((c) => c.detects.includes(claim)) : [...outcomes];
  const cases = deciding.map(({ id, status }) => ({ id, status }));
  const failed = deciding.filter((c) => c.status === 'failed');
  if (failed.length)
    return { verdict: 'fail', reason: `failed: ${failed.map((c) => c.id).join('; ')}`, cases };
  if (deciding.some((c) => c.status === 'passed')) return { verdict: 'pass', reason: 'passed', cases };
  const what = claim ? `no case claiming ${claim}` : 'no selected case';
  return { verdict: 'skip', reason: `${what} ran (not runnable on this target)`, cases };
}

export interface StackProbeOptions {
  builder: SideBuilder;
  config: BootstrapConfig;
  stateDir: string;
  selection: Selection;
  env: Readonly<Record<string, string | undefined>>;
  log: (line: string) => void;
}

/** A step's build links or installs its dependencies afresh: the last step's link goes first. */
async function dropLinkedModules(worktree: string): Promise<void> {
  const link = join(worktree, 'node_modules');
  if ((await lstat(link).catch(() => null))?.isSymbolicLink()) await rm(link);
}

export function stackProbe(o: StackProbeOptions): StepProbe {
  const { builder, config, stateDir } = o;
  const downEnv = { env: o.env, provider: config.provider, log: o.log };
  let upIn: string | null = null;
  const down = async () => {
    if (upIn === null) return;
    const worktree = upIn;
    upIn = null;
    await stackDown(builder, config, worktree, stateDir, downEnv);
  };
  return {
    cleanup: down,
    async test(worktree, runId, signal) {
      const ms = { up: 0, cases: 0, down: 0 };
      const clock = async (part: keyof typeof ms, fn: () => Promise<unknown>) => {
        const t = performance.now();
        try {
          await fn();
        } finally {
          ms[part] += performance.now() - t;
        }
      };
      const ctx = { ...downEnv, signal };
      let build: string | undefined;
      try {
        await clock('up', async () => {
          await dropLinkedModules(worktree);
          build = await builder.build(worktree, ctx);
          upIn = worktree;
          await builder.up(worktree, stateDir, ctx);
        });
      } catch (err) {
        if (signal.aborted) throw err;
        await clock('down', down);
        const reason = `cannot build or start: ${(err as Error).message.split('\n')[0]}`;
        return { verdict: 'skip', reason, cases: [], ...(build ? { build } : {}), ms };
      }
      let outcomes: CaseOutcome[] = [];
      await clock('cases', async () => {
        const { selection: s } = o;
        const grep = s.grep ?? undefined;
        const common = { stateDir, cases: s.cases, env: o.env, provider: config.provider, runId, signal };
        outcomes = (await runCasesAgainst({ ...common, ...(grep ? { grep } : {}), label: runId })).outcomes;
      });
      await clock('down', down);
      return { ...verdictOf(outcomes, o.selection.claim), ...(build ? { build } : {}), ms };
    },
  };
}
