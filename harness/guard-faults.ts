/**
 * Sim fault switches that exist for the guards' own self-tests, not for any BoxLite bug (the
 * ledger, ledger/known-bugs.ts, holds upstream bugs only). Each makes the sim misbehave the
 * way exactly one guard must catch: a stop the API answers without the runner (the path
 * guard, cases/path-verification.test.ts) and a removed box the runner keeps (the leak guard,
 * cases/leak-guard.test.ts); harness/leaks/guards.self-test.ts turns both on at once.
 *
 * A case claims one like a bug, `claims({ detects: [id] })`: on the sim with the switch on it
 * must fail (strict xfail), and `pnpm e2e:teeth` proves it does. Off the sim a guard fault is
 * never active — no real stack has these switches.
 */
import type { BugId } from '../sim/bugs.ts';

export interface GuardFault {
  id: string;
  /** The guard that must catch it. */
  guard: 'path guard' | 'leak guard';
  title: string;
  /** Where the sim fakes it. */
  pointer: string;
  symptom: string;
  simSwitch: BugId;
}

export const GUARD_FAULTS = [
  {
    id: 'stop-skips-runner',
    guard: 'path guard',
    title: 'stop answered by the API without reaching the runner',
    pointer: 'sim/api/routes/boxes.ts transition("stop")',
    symptom: 'POST /boxes/:id/stop → 200 "stopped"; the runner journal has no stop for the box',
    simSwitch: 'stop-skips-runner',
  },
  {
    id: 'remove-leaves-container',
    guard: 'leak guard',
    title: 'remove leaves the VM running on the runner',
    pointer: 'sim/runner/boxes.ts BoxService.remove',
    symptom: 'DELETE /boxes/:id → 204, GET → 404, yet the container labelled with the box id still runs',
    simSwitch: 'remove-leaves-container',
  },
] as const satisfies readonly GuardFault[];

export function guardFault(id: string): GuardFault | undefined {
  return (GUARD_FAULTS as readonly GuardFault[]).find((f) => f.id === id);
}
