/**
 * Strict expected-failure decisions. Per target, a case that detects bug B must fail when B
 * is active: on the sim when B's switch is on (or B is an SDK bug, which the sim shares since
 * it runs the real SDK); on a real stack when the ledger (or a per-run override) says open.
 * An expected failure is an xfail; an unexpected pass fails the run, telling what to update.
 * A case may also detect a guard fault (../guard-faults.ts): active only on the sim with its
 * switch on.
 */
import { UsageError } from '../../kernel/errors.ts';
import { type GuardFault, guardFault } from '../guard-faults.ts';
import { type BugStatus, KNOWN_BUGS, type KnownBug, knownBug } from './known-bugs.ts';

export interface BugContext {
  target: 'sim' | 'boxlite' | 'serve' | 'remote';
  /** Active sim switches. */
  switches: readonly string[];
  /** Per-run status overrides for real stacks. */
  overrides: Readonly<Record<string, BugStatus>>;
  /** Teeth mode: markers off, so a detected bug shows as a plain failure. */
  markersOff: boolean;
}

/** Parses BOXLITE_E2E_BUG_STATUS="id=fixed,id2=open". */
export function parseStatusOverrides(raw: string | undefined): Record<string, BugStatus> {
  const out: Record<string, BugStatus> = {};
  for (const part of (raw ?? '').split(',')) {
    if (!part.trim()) continue;
    const [id, status] = part.split('=').map((s) => s.trim());
    if (!id || (status !== 'open' && status !== 'fixed')) {
      throw new UsageError(`BOXLITE_E2E_BUG_STATUS entry ${JSON.stringify(part)} is not <bug>=open|fixed`);
    }
    knownBug(id);
    out[id] = status;
  }
  return out;
}

export function isBugActive(bug: KnownBug, ctx: BugContext): boolean {
  // A bug of `boxlite serve` itself exists only there; its realStatus is its status in serve.
  if (bug.layer === 'serve')
    return ctx.target === 'serve' && (ctx.overrides[bug.id] ?? bug.realStatus) === 'open';
  if (ctx.target === 'sim') {
    // No switch: an SDK bug is the sim's too (it serves the real SDK); a server bug the sim
    // does not reproduce is not active there.
    if (bug.simSwitch === null)
      return bug.layer === 'sdk' && (ctx.overrides[bug.id] ?? bug.realStatus) === 'open';
    return ctx.switches.includes(bug.simSwitch);
  }
  // `boxlite serve` is another server than the cloud API/runner the ledger describes: only the
  // SDK's bugs (shared by every server) follow the ledger; others are active by override only.
  if (ctx.target === 'serve') {
    const status = ctx.overrides[bug.id] ?? (bug.layer === 'sdk' ? bug.realStatus : 'fixed');
    return status === 'open';
  }
  return (ctx.overrides[bug.id] ?? bug.realStatus) === 'open';
}

/** What a case can claim to detect: a ledger bug, or a guard fault of the sim. */
export type Detectable = KnownBug | GuardFault;

const isGuardFault = (d: Detectable): d is GuardFault => 'guard' in d;

/** The ledger bug or guard fault `id` names; an unknown id is an error naming the ledger. */
export function detectable(id: string): Detectable {
  return guardFault(id) ?? knownBug(id);
}

function isActive(d: Detectable, ctx: BugContext): boolean {
  if (isGuardFault(d)) return ctx.target === 'sim' && ctx.switches.includes(d.simSwitch);
  return isBugActive(d, ctx);
}

export interface Expectation {
  expectFailure: boolean;
  /** The active bugs (or guard faults) that make the failure expected (empty when the case must pass). */
  because: Detectable[];
}

export function expectationFor(detects: readonly string[], ctx: BugContext): Expectation {
  const claimed = detects.map(detectable);
  const because = ctx.markersOff ? [] : claimed.filter((d) => isActive(d, ctx));
  return { expectFailure: because.length > 0, because };
}

export function xfailReason(e: Expectation): string {
  const source = (d: Detectable) => (isGuardFault(d) ? `guard fault for the ${d.guard}` : d.upstream);
  return e.because.map((d) => `${d.id} (${source(d)}): ${d.title}`).join('; ');
}

export function xpassMessage(e: Expectation, ctx: BugContext): string {
  const ids = e.because.map((b) => b.id).join(', ');
  const where =
    ctx.target === 'sim'
      ? `the sim has switch(es) on for ${ids} but the case passed: the case no longer detects the bug (fix the case)`
      : `ledger says ${ids} is open on the real stack but the case passed: if the bug is fixed, set realStatus: 'fixed' in harness/ledger/known-bugs.ts (or BOXLITE_E2E_BUG_STATUS=${e.because[0]?.id}=fixed for this run)`;
  return `XPASS (strict): ${where}`;
}

export const ALL_BUG_IDS = KNOWN_BUGS.map((b) => b.id);
