/** Renders the run summary (Markdown) from case records, run facts and the ledger. Pure. */
import { type BugContext, isBugActive } from '../ledger/expectations.ts';
import { KNOWN_BUGS } from '../ledger/known-bugs.ts';
import { type CaseRecord, countOutcomes } from './outcomes.ts';
import type { RunFacts } from './run-facts.ts';
import { caseSplit, type RunTime, renderTime, timeHeadline } from './time-split.ts';

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

export function renderSummary(cases: readonly CaseRecord[], facts: RunFacts | null, time: RunTime): string {
  const n = countOutcomes(cases);
  const guarded = cases.filter((c) => c.pathGuard);
  const boxes = guarded.reduce((a, c) => a + (c.pathGuard?.checked ?? 0), 0);
  const guardFails = guarded.filter((c) => !c.pathGuard?.ok).length;
  const slowest = [...cases].sort((a, b) => b.durationMs - a.durationMs).slice(0, 10);
  const problems = cases.filter((c) => c.outcome === 'fail' || c.outcome === 'xpass');
  const lines = [
    `# boxlite-e2e run ${facts?.runId ?? ''}`.trim(),
    '',
    `**${n.pass} passed, ${n.fail} failed, ${n.xfail} xfail, ${n.xpass} xpass, ${n.skip} skipped${n['not-runnable'] ? `, ${n['not-runnable']} not runnable here` : ''}** — wall ${(time.wallMs / 1000).toFixed(1)} s; ${timeHeadline(time)}`,
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
  lines.push(...notRunnableSection(cases));
  if (xfails.length)
    lines.push('## Expected failures', '', ...xfails.map((c) => `- ${c.id}: ${c.xfailReason}`), '');
  lines.push(
    ...renderTime(time),
    '## Slowest cases',
    '',
    ...slowest.map((c) => `- ${(c.durationMs / 1000).toFixed(2)} s${caseSplit(c.time)} ${c.id}`),
    '',
  );
  return lines.join('\n');
}

/** Cases a missing need kept from running, grouped by the preflight's evidence. */
function notRunnableSection(cases: readonly CaseRecord[]): string[] {
  const byWhy = new Map<string, number>();
  for (const c of cases) if (c.notRunnable) byWhy.set(c.notRunnable, (byWhy.get(c.notRunnable) ?? 0) + 1);
  if (byWhy.size === 0) return [];
  return ['## Not runnable here', '', ...[...byWhy].map(([why, n]) => `- ${n} case(s): ${why}`), ''];
}
