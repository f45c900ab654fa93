/**
 * Run-wide context, resolved once in the global setup and handed to every worker through
 * vitest's provide/inject (so workers never re-resolve or re-read secrets themselves).
 */
import { inject } from 'vitest';
import type { BugContext } from './ledger/expectations.ts';
import type { StackHandle } from './stack/handle.ts';

export interface RunContext {
  stack: StackHandle;
  bugs: BugContext;
  /** Run-scoped box name prefix, e.g. "e2e-4711-k3x9-". */
  namePrefix: string;
  reportDir: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    run: RunContext;
  }
}

export function runContext(): RunContext {
  return inject('run');
}
