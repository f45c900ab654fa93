/**
 * Run-wide context, resolved once in the global setup and handed to every worker through
 * vitest's provide/inject (so workers never re-resolve or re-read secrets themselves).
 */
import { inject } from 'vitest';
import type { CliBinary } from '../bootstrap/cli-binary/spec.ts';
import type { SdkDrivers } from '../bootstrap/sdk-shim/spec.ts';
import type { StackHandle } from './handle/handle.ts';
import type { Preflight } from './handle/preflight.ts';
import type { BugContext } from './ledger/expectations.ts';

export interface RunContext {
  stack: StackHandle;
  /** What the stack measurably offers this run (handle/preflight.ts); cases' needs are checked against it. */
  preflight: Preflight;
  bugs: BugContext;
  /** Run-scoped box name prefix, e.g. "e2e-4711-k3x9-". */
  namePrefix: string;
  reportDir: string;
  /** The state dir's cache (e.g. the Python SDK venv). */
  cacheDir: string;
  /** The real `boxlite` CLI, provided before the run (`pnpm e2e`, `pnpm e2e:cli`); why not, when absent. */
  cli: { binary: CliBinary | null; missing: string };
  /** The C and Go SDK driver binaries, provided before the run (`pnpm e2e`, `pnpm e2e:sdk-shim`); why not, when absent. */
  sdkDrivers?: { drivers: SdkDrivers | null; missing: string };
  /** Case knobs resolved from the run options (harness/run-options.ts). */
  tuning: { p06Rounds: { boxes: number; execs: number }; p06MaxLoss: number };
}

declare module 'vitest' {
  export interface ProvidedContext {
    run: RunContext;
    /** Set by vitest.config.ts: the one run id its reporters and the global setup share. */
    runId: string;
  }
}

export function runContext(): RunContext {
  return inject('run');
}
