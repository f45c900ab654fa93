/**
 * What two-sided mode needs from a target: build a side from a worktree (cached), bring its
 * stack up with the stack file in a state dir of our choosing, and take it down again. The
 * cases always come from the current checkout; a side only provides the stack under test.
 */
import type { Options } from 'execa';

export interface SideEnv {
  /** The environment the entry point received; side processes get a cleaned copy. */
  env: Readonly<Record<string, string | undefined>>;
  /** Service provider for side stacks (the user's choice, else host). */
  provider: string;
  log: (line: string) => void;
  signal: AbortSignal;
}

export interface SideBuilder {
  readonly kind: 'sim' | 'boxlite';
  /** Whether both sides may be up at the same time (then runs alternate A B B A without re-ups). */
  readonly concurrent: boolean;
  /** Dependencies of the side's code; answers what it did ("cache hit", "installed"). */
  build(worktree: string, ctx: SideEnv): Promise<string>;
  /** Brings the side's stack up; the stack file lands in `<stateDir>/stack.json`. */
  up(worktree: string, stateDir: string, ctx: SideEnv): Promise<void>;
  /** Takes the side's stack down and drops its data (boxes included); must work after a failed up. */
  down(worktree: string, stateDir: string, ctx: Omit<SideEnv, 'signal'>): Promise<void>;
}

/** Variables that would point a side process at another stack, bugs or summary file are dropped. */
export function sideProcessEnv(
  env: Readonly<Record<string, string | undefined>>,
  stateDir: string,
  provider: string,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined || k.startsWith('BOXLITE_') || k === 'GITHUB_STEP_SUMMARY') continue;
    out[k] = v;
  }
  // The machine-wide cache (CLI builds, cargo target dir) is shared on purpose.
  if (env.BOXLITE_E2E_CACHE_DIR) out.BOXLITE_E2E_CACHE_DIR = env.BOXLITE_E2E_CACHE_DIR;
  out.BOXLITE_E2E_STATE_DIR = stateDir;
  out.BOXLITE_E2E_PROVIDER = provider;
  return out;
}

/** A command a builder runs: argv and where, for one place that runs and unit tests that read. */
export interface SideCommand {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
}

export function execaOptions(cmd: SideCommand, signal?: AbortSignal): Options {
  return { cwd: cmd.cwd, env: cmd.env, extendEnv: false, reject: false, all: true, cancelSignal: signal };
}
