/** Renders the run summary (Markdown) from case records, run facts and the ledger. Pure. */

import type { InfraDeath } from '../infra/death.ts';
import type { Leftovers } from '../leaks/guard.ts';
import { leftoversSection } from '../leaks/leftovers-report.ts';
import { type BugContext, isBugActive } from '../ledger/expectations.ts';
import { KNOWN_BUGS } from '../ledger/known-bugs.ts';
import { type CaseRecord, countOutcomes, type Outcome } from './outcomes.ts';
import { countPhrase, mdTable } from './render/markdown.ts';
import type { RunFacts } from './run-facts.ts';
import { lostShards, type ShardRecord, shardsSection } from './shards.ts';
import { caseSplit, type RunTime, renderTime, timeHeadline } from './time-split.ts';

function bugRows(cases: readonly CaseRecord[], facts: RunFacts | null): string[][] {
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
    return [bug.id, bug.upstream, bug.simSwitch ?? '—', bug.realStatus, String(claim.length), state];
  });
}

/** What stopped the run, what was left over at its end, its shards (read from the report dir). */
export interface RunEnd {
  death: InfraDeath | null;
  leftovers: Leftovers | null;
  /** A merged run's shards; absent for a run that was not merged. */
  shards?: ShardRecord[] | null;
}

/** The outcome counts: the five a reader looks for always, the cases kept from running when any. */
export function outcomePhrase(n: Record<Outcome, number>): string {
  return countPhrase([
    { n: n.pass, label: 'passed', always: true },
    { n: n.fail, label: 'failed', always: true },
    { n: n.xfail, label: 'xfail', always: true },
    { n: n.xpass, label: 'xpass', always: true },
    { n: n.skip, label: 'skipped', always: true },
    { n: n['not-runnable'], label: 'not runnable here' },
    { n: n['not-run'], label: 'not run' },
  ]);
}

/**
 * The headline: what kept cases from results leads, before any count — a dead part of the
 * stack (which, where, when; in which shard) and every shard that produced nothing.
 */
export function runHeadline(
  n: Record<Outcome, number>,
  death: InfraDeath | null,
  shards: readonly ShardRecord[] | null = null,
): string {
  const leads = [
    ...(death
      ? [
          `INFRASTRUCTURE: ${death.part} (${death.where}) died at ${death.diedAt} (${death.reason})${death.shard ? ` in shard ${death.shard}` : ''} — ${death.shard ? `shard ${death.shard}` : 'run'} stopped`,
        ]
      : []),
    ...lostShards(shards).map((s) => `NO RESULTS from shard ${s.shard} (${s.why ?? 'unknown'})`),
  ];
  return [...leads, outcomePhrase(n)].join('; ');
}

export function renderRunSummary(
  cases: readonly CaseRecord[],
  facts: RunFacts | null,
  time: RunTime,
  end: RunEnd = { death: null, leftovers: null, shards: null },
): string {
  const n = countOutcomes(cases);
  const guarded = cases.filter((c) => c.pathGuard);
  const boxes = guarded.reduce((a, c) => a + (c.pathGuard?.checked ?? 0), 0);
  const guardFails = guarded.filter((c) => !c.pathGuard?.ok).length;
  const slowest = [...cases].sort((a, b) => b.durationMs - a.durationMs).slice(0, 10);
  const problems = cases.filter((c) => c.outcome === 'fail' || c.outcome === 'xpass');
  const lines = [
    `# boxlite-e2e run ${facts?.runId ?? ''}`.trim(),
    '',
    `**${runHeadline(n, end.death, end.shards ?? null)}** — wall ${(time.wallMs / 1000).toFixed(1)} s; ${timeHeadline(time)}`,
    '',
    ...infrastructureSection(cases, end.death),
    ...shardsSection(end.shards ?? null),
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
    opsLine(guarded),
    leakLine(cases),
    '',
    '## Known bugs',
    '',
    mdTable(['bug', 'upstream', 'sim switch', 'real stack', 'cases', 'this run'], bugRows(cases, facts)),
    '',
  ];
  if (problems.length) {
    lines.push(
      '## Unexpected',
      '',
      ...problems.map(
        (c) => `- **${c.outcome}${c.infrastructure ? ' (stack dead)' : ''}** ${c.id}: ${c.error ?? ''}`,
      ),
      '',
    );
  }
  const xfails = cases.filter((c) => c.outcome === 'xfail');
  lines.push(...notRunnableSection(cases));
  if (end.leftovers) lines.push(...leftoversSection(end.leftovers));
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

/** Per-operation part of the path guard: operations checked, or why not. */
function opsLine(guarded: readonly CaseRecord[]): string {
  const ops = guarded.reduce((a, c) => a + (c.pathGuard?.ops ?? 0), 0);
  const why = guarded.find((c) => c.pathGuard?.opsUnavailable)?.pathGuard?.opsUnavailable;
  if (why && ops === 0) return `- per operation: **not checked** (${why})`;
  return `- per operation: ${ops} lifecycle operation(s) (create/start/stop/exec/remove) served by the API looked up one by one in the runner journal`;
}

/** The per-case leak guard: removed boxes checked on the runner side, or why it could not look. */
function leakLine(cases: readonly CaseRecord[]): string {
  const seen = cases.flatMap((c) => (c.leakGuard ? [c.leakGuard] : []));
  const why = seen.find((g) => 'unavailable' in g);
  if (why && 'unavailable' in why) return `- leak guard: **runner side not observable** (${why.unavailable})`;
  const checked = seen.reduce((a, g) => a + ('checked' in g ? g.checked : 0), 0);
  const leaks = seen.filter((g) => 'ok' in g && !g.ok).length;
  return `- leak guard: ${checked} box(es) removed during cases checked on the runner side; ${leaks} leak(s)`;
}

/** When the stack died: what died, when, who noticed, and what it did to the cases. */
function infrastructureSection(cases: readonly CaseRecord[], death: InfraDeath | null): string[] {
  if (!death) return [];
  const notRun = cases.filter((c) => c.outcome === 'not-run').length;
  const hit = cases.filter((c) => c.infrastructure && c.outcome === 'fail');
  return [
    '## Infrastructure failure',
    '',
    `- **${death.part}** (${death.where})${death.shard ? ` of shard ${death.shard}` : ''} stopped answering at ${death.diedAt}: ${death.reason}${death.lastAnsweredAt ? `; last answered ${death.lastAnsweredAt}` : ''}`,
    `- noticed by ${death.detectedBy} at ${death.detectedAt}; no case was started after that`,
    `- ${notRun} case(s) not run; ${hit.length} failure(s) attributed to it${hit.length ? `: ${hit.map((c) => c.id).join('; ')}` : ''}`,
    '',
  ];
}
