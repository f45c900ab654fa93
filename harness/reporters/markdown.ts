/** Renders the run summary (Markdown) from case records, run facts and the ledger. Pure. */
import { type BugContext, isBugActive } from '../ledger/expectations.ts';
import { KNOWN_BUGS } from '../ledger/known-bugs.ts';
import { type CaseRecord, countOutcomes } from './outcomes.ts';
import type { RunFacts } from './run-facts.ts';

export interface Timing {
  wallMs: number;
  /** Σ test durations and Σ time inside SDK/REST calls during them. */
  testMs: number;
  callMs: number;
}

export function overheadPercent(t: Timing): number {
  return t.testMs > 0 ? (100 * (t.testMs - t.callMs)) / t.testMs : 0;
}

function bugRows(cases: readonly CaseRecord[], facts: RunFacts | null): string[] {
  const ctx: BugContext = {
    target: (facts?.target ?? 'sim') as BugContext['target'],
    switches: facts?.switches ?? [],
    overrides: {},
    markersOff: facts?.markersOff ?? false,
  };
  return KNOWN_BUGS.map((bug) => {
    const claim = cases.filter((c) => c.detects.includes(bug.id));
    const seen = claim.filter((c) => c.outcome === 'xfail').length;
    const active = isBugActive(bug, ctx);
    const state =
      claim.length === 0
        ? 'no case'
        : active
          ? seen
            ? `detected (${seen} xfail)`
            : 'active, not detected'
          : 'inactive, cases pass';
    return `| ${bug.id} | ${bug.upstream} | ${bug.simSwitch ?? '—'} | ${bug.realStatus} | ${claim.length} | ${state} |`;
  });
}

export function renderSummary(cases: readonly CaseRecord[], facts: RunFacts | null, timing: Timing): string {
  const n = countOutcomes(cases);
  const guarded = cases.filter((c) => c.pathGuard);
  const boxes = guarded.reduce((a, c) => a + (c.pathGuard?.checked ?? 0), 0);
  const guardFails = guarded.filter((c) => !c.pathGuard?.ok).length;
  const slowest = [...cases].sort((a, b) => b.durationMs - a.durationMs).slice(0, 10);
  const problems = cases.filter((c) => c.outcome === 'fail' || c.outcome === 'xpass');
  const lines = [
    `# boxlite-e2e run ${facts?.runId ?? ''}`.trim(),
    '',
    `**${n.pass} passed, ${n.fail} failed, ${n.xfail} xfail, ${n.xpass} xpass, ${n.skip} skipped** — wall ${(timing.wallMs / 1000).toFixed(1)} s, harness overhead ${overheadPercent(timing).toFixed(1)} % (${((timing.testMs - timing.callMs) / 1000).toFixed(1)} s of ${(timing.testMs / 1000).toFixed(1)} s in tests outside SDK/REST calls)`,
    '',
    '## Stack',
    '',
    `- target: ${facts?.target ?? 'unknown'} (${facts?.origin ?? '?'}), API ${facts?.apiUrl ?? '?'}, prefix \`${facts?.pathPrefix ?? ''}\``,
    `- active sim switches: ${facts?.switches.length ? facts.switches.join(', ') : 'none'}${facts?.markersOff ? ' (markers OFF: teeth mode)' : ''}`,
    `- versions: ${
      Object.entries(facts?.versions ?? {})
        .map(([k, v]) => `${k} ${v ?? '?'}`)
        .join(', ') || 'n/a'
    }`,
    `- stack setup: ${((facts?.setupMs ?? 0) / 1000).toFixed(1)} s`,
    '',
    '## Path guard',
    '',
    facts?.pathGuard.enabled
      ? `- ${boxes} box(es) in ${guarded.length} case(s) checked against ${facts.pathGuard.reason}; ${guardFails} violation(s)`
      : `- **${facts?.pathGuard.reason ?? 'disabled'}**`,
    '',
    '## Known bugs',
    '',
    '| bug | upstream | sim switch | real stack | cases | this run |',
    '|---|---|---|---|---|---|',
    ...bugRows(cases, facts),
    '',
  ];
  if (problems.length) {
    lines.push(
      '## Unexpected',
      '',
      ...problems.map((c) => `- **${c.outcome}** ${c.id}: ${c.error ?? ''}`),
      '',
    );
  }
  const xfails = cases.filter((c) => c.outcome === 'xfail');
  if (xfails.length)
    lines.push('## Expected failures', '', ...xfails.map((c) => `- ${c.id}: ${c.xfailReason}`), '');
  lines.push(
    '## Slowest cases',
    '',
    ...slowest.map((c) => `- ${(c.durationMs / 1000).toFixed(2)} s ${c.id}`),
    '',
  );
  return lines.join('\n');
}
