/**
 * What each upstream case's outcome means here. pytest says passed / failed / error / skipped /
 * xfailed / xpassed; the harness adds what it can decide by itself: a case that could not run
 * here (the SDK lacks an option the case passes, a tool is missing in the guest image, a driver
 * or the CLI is not built, a need our preflight measured as unmet) and an expected failure or
 * pass the ledger explains. Everything else that did not pass is left as a failure to look at.
 */

import type { Need, Preflight } from '../../harness/handle/preflight.ts';
import { type KnownBug, type KnownBugId, knownBug } from '../../harness/ledger/known-bugs.ts';
import { markedBug } from './xfail-map.ts';

export type PytestOutcome = 'passed' | 'failed' | 'error' | 'skipped' | 'xfailed' | 'xpassed';

/** One line of outcomes_plugin.py's file. */
export interface CaseRecord {
  nodeid: string;
  outcome: PytestOutcome;
  message: string;
  duration_s: number;
  xfail_mark: { strict: boolean; reason: string } | null;
}

export type Verdict = 'passed' | 'failed' | 'error' | 'xfail' | 'xpass' | 'skipped' | 'not-runnable';

export interface Classified {
  nodeid: string;
  outcome: PytestOutcome;
  verdict: Verdict;
  /** A short kind (`guest-tool-missing`, `ledger:exec-spawn-500`, …), null for a plain pass. */
  cause: string | null;
  evidence: string;
  /** True when nothing explains the outcome: a failure, an error, or an unexplained XPASS. */
  unexpected: boolean;
}

export interface RunFacts {
  /** Sim bug switches on in this run (empty for real stacks). */
  bugs: readonly string[];
  /** The API is our sim, so a bug with a switch follows that switch. */
  simulated: boolean;
  preflight: Preflight | null;
  image: string;
  pythonSdk: string;
  /** Why the CLI or the C/Go SDK is missing, when it is. */
  missing: { cli: string | null; sdk: string | null };
}

/** Upstream cases that need what only a VM or the internet gives, by node id prefix. */
export const CASE_NEEDS: ReadonlyArray<{ prefix: string; need: Need }> = [
  { prefix: 'cases/test_real_world.py::test_network_curl', need: 'egress' },
  { prefix: 'cases/test_egress_allowlist.py::', need: 'egress' },
  { prefix: 'cases/test_restart_persistence.py::', need: 'own-kernel' },
];

/** Tools the agent-base image leaves out on purpose, and why (bootstrap/guest-images/agent-base.ts). */
const LEFT_OUT: Readonly<Record<string, string>> = {
  gcc: ' (left out on purpose: a C toolchain would more than double the rootfs the vfs engine copies for every box)',
};

interface Rule {
  cause: string;
  match: RegExp;
  evidence: (m: RegExpMatchArray, f: RunFacts) => string;
  /** Only on runs where this holds (default: every run). */
  when?: (f: RunFacts) => boolean;
}

/** Environment causes read from the outcome's own message: the case could not run here. */
const RULES: readonly Rule[] = [
  {
    cause: 'sdk-lacks-option',
    match: /unexpected keyword argument '(\w+)'/,
    evidence: (m, f) => `PyPI boxlite ${f.pythonSdk} has no \`${m[1]}\` option (${m[0]})`,
  },
  {
    cause: 'guest-tool-missing',
    match: /failed to spawn "([^"]+)": executable file not found/,
    evidence: (m, f) => `\`${m[1]}\` is not in the guest image ${f.image}`,
  },
  {
    cause: 'guest-tool-missing',
    match: /(\w+) not installed in base image/,
    evidence: (m, f) => `\`${m[1]}\` is not in the guest image ${f.image}${LEFT_OUT[m[1] ?? ''] ?? ''}`,
  },
  {
    cause: 'guest-tool-missing',
    match: /^assert 127 == 0/,
    evidence: (_m, f) => `a command exited 127 (not found) in the guest image ${f.image}`,
  },
  {
    cause: 'cli-missing',
    match: /boxlite CLI not found/,
    evidence: (_m, f) => `no boxlite CLI: ${f.missing.cli ?? 'not given'}`,
  },
  {
    cause: 'sdk-driver-missing',
    match: /libboxlite(\.so \/ \.a)? (not found|missing)|napi binding not built|(go|gcc) build .*failed/,
    evidence: (m, f) => `${m[0]}${f.missing.sdk ? `: ${f.missing.sdk}` : ''}`,
  },
  {
    cause: 'ledger:sdk-python-drops-user',
    match: /user= parameter not effective/,
    evidence: (m) => `${m[0]}: ${knownBug('sdk-python-drops-user').title}`,
  },
  {
    // A box that cannot start where the preflight's real create could not start one either
    // (serve with the stub runtime, the cloud stack without a guest image): never on a stack
    // where boxes start, so a sim that breaks box start still fails here.
    cause: 'needs:vm',
    match: /Disk creation task failed|mke2fs binary not found|failed to start box|Failed to pull image/,
    evidence: (m, f) => `no box starts here (preflight: ${f.preflight?.missing.vm}); the case said: ${m[0]}`,
    when: (f) => f.preflight?.missing.vm !== undefined,
  },
  {
    cause: 'needs:egress',
    match: /network not available in guest/,
    evidence: (m, f) => f.preflight?.missing.egress ?? m[0],
  },
];

/**
 * Failures a ledger bug with no sim switch explains on every stack (an SDK or CLI bug, or a
 * case written against behaviour BoxLite has since changed): expected, by the ledger's word.
 */
const KNOWN_FAILURES: ReadonlyArray<{ bug: KnownBugId; match: RegExp }> = [
  { bug: 'cli-run-keeps-dashdash', match: /'run', '-d'[^\]]*'--'|exec: "--": executable file not found/ },
  { bug: 'sdk-c-wait-before-stdout', match: /EXEC_STDOUT=(\\n|\n)EXIT_CODE=0/ },
];

function knownFailure(r: CaseRecord): Classified | null {
  const hit = KNOWN_FAILURES.find((k) => k.match.test(r.message));
  if (!hit || r.outcome === 'passed' || r.outcome === 'xfailed' || isXpass(r)) return null;
  const bug = knownBug(hit.bug);
  return {
    ...base(r),
    verdict: 'xfail',
    cause: `ledger:${hit.bug}`,
    evidence: `${bug.title} (${bug.pointer}); pytest said ${r.outcome}: ${r.message}`,
    unexpected: bug.realStatus !== 'open',
  };
}

function isXpass(r: CaseRecord): boolean {
  return r.outcome === 'xpassed' || (r.outcome === 'failed' && r.message.startsWith('[XPASS(strict)]'));
}

/** Whether the run's stack is expected to show `bug` (its switch on, or the real stack's status). */
export function bugShows(bug: KnownBug, f: RunFacts): boolean {
  if (f.simulated) return bug.simSwitch !== null && f.bugs.includes(bug.simSwitch);
  return bug.realStatus === 'open';
}

function ledgerVerdict(r: CaseRecord, f: RunFacts): Classified | null {
  const id = markedBug(r.nodeid);
  const xpass = isXpass(r);
  if (!id || (!xpass && r.outcome !== 'xfailed')) return null;
  const bug = knownBug(id);
  const shows = bugShows(bug, f);
  const where = f.simulated
    ? `sim switch ${bug.simSwitch ?? '(none)'} ${shows ? 'on' : 'off'}`
    : `ledger status ${bug.realStatus}`;
  return {
    nodeid: r.nodeid,
    outcome: r.outcome,
    verdict: xpass ? 'xpass' : 'xfail',
    cause: `ledger:${id}`,
    evidence: `${bug.title} (${bug.upstream}); ${where}`,
    unexpected: xpass === shows,
  };
}

function needVerdict(r: CaseRecord, f: RunFacts): Classified | null {
  const need = CASE_NEEDS.find((n) => r.nodeid.startsWith(n.prefix))?.need;
  const why = need ? f.preflight?.missing[need] : undefined;
  if (!need || why === undefined || r.outcome === 'passed') return null;
  return { ...base(r), verdict: 'not-runnable', cause: `needs:${need}`, evidence: why, unexpected: false };
}

const base = (r: CaseRecord) => ({ nodeid: r.nodeid, outcome: r.outcome });

export function classify(r: CaseRecord, f: RunFacts): Classified {
  if (r.outcome === 'passed')
    return { ...base(r), verdict: 'passed', cause: null, evidence: '', unexpected: false };
  const ledger = ledgerVerdict(r, f);
  if (ledger) return ledger;
  if (isXpass(r))
    return {
      ...base(r),
      verdict: 'xpass',
      cause: null,
      evidence: r.message,
      unexpected: r.outcome === 'failed',
    };
  if (r.outcome === 'xfailed')
    return { ...base(r), verdict: 'xfail', cause: null, evidence: r.message, unexpected: false };
  const need = needVerdict(r, f);
  if (need) return need;
  const known = knownFailure(r);
  if (known) return known;
  for (const rule of RULES) {
    if (rule.when && !rule.when(f)) continue;
    const m = r.message.match(rule.match);
    if (m)
      return {
        ...base(r),
        verdict: 'not-runnable',
        cause: rule.cause,
        evidence: rule.evidence(m, f),
        unexpected: false,
      };
  }
  if (r.outcome === 'skipped')
    return { ...base(r), verdict: 'skipped', cause: 'skip', evidence: r.message, unexpected: false };
  // The sim runner's bound on one Docker call (BOXLITE_SIM_DOCKER_TIMEOUT_MS) ran out: the
  // machine, not the contract. Still a failure of this run, named as such.
  if (/docker engine did not answer/.test(r.message)) {
    const verdict: Verdict = r.outcome === 'error' ? 'error' : 'failed';
    return { ...base(r), verdict, cause: 'engine-slow', evidence: r.message, unexpected: true };
  }
  const verdict: Verdict = r.outcome === 'error' ? 'error' : 'failed';
  return { ...base(r), verdict, cause: null, evidence: r.message, unexpected: true };
}
