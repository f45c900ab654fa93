/**
 * `pnpm e2e:two-sided --merge DIR…`: the verdicts of a two-sided run whose sides ran on runners
 * of their own (`--only base|head`, each side possibly in shards), exactly as one host running
 * both would give them: the shards of a side and repeat are one run of that side (their cases
 * are disjoint), then the same verdict engine, claims check and reports. A side or shard that
 * is missing, or ended without results, is an infrastructure failure naming it (exit 3).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../../kernel/errors.ts';
import { REPO_ROOT } from '../../kernel/paths.ts';
import type { Phases, TwoSidedRecord } from './record.ts';
import { writeReports } from './reports.ts';
import { judgeRuns } from './side-tasks.ts';
import { exitCodeFor, SIDES, type Side, type SideRun } from './verdicts.ts';

async function readSideRecord(dir: string): Promise<TwoSidedRecord> {
  let r: TwoSidedRecord;
  try {
    r = JSON.parse(await readFile(join(dir, 'run.json'), 'utf8')) as TwoSidedRecord;
  } catch (err) {
    throw new UsageError(`${dir}: no two-sided run.json (${(err as Error).message})`);
  }
  if (r.schema !== 'boxlite-e2e/two-sided' || !r.only)
    throw new UsageError(`${dir}: not the record of a one-side run (--only)`);
  return r;
}

/** The same run of the same cases on both sides: else the verdicts would compare unlike things. */
function checkOneRun(records: readonly TwoSidedRecord[]): void {
  const key = (r: TwoSidedRecord) =>
    JSON.stringify([
      r.target,
      r.cases,
      r.grep,
      r.repeat,
      [...r.claims].sort(),
      r.shard?.split('/')[1] ?? '1',
    ]);
  const keys = new Set(records.map(key));
  if (keys.size > 1)
    throw new UsageError(`the side runs differ in target, cases, grep, repeat, claims or split`);
  for (const side of SIDES) {
    const shas = new Set(records.flatMap((r) => (r.only === side ? [r.sides[side]!.sha] : [])));
    if (shas.size > 1)
      throw new UsageError(`the ${side} runs are of different commits (${[...shas].join(', ')})`);
  }
  const seen = new Set<string>();
  for (const r of records) {
    const at = `${r.only} ${r.shard ?? '1/1'}`;
    if (seen.has(at)) throw new UsageError(`side ${at} given twice`);
    seen.add(at);
  }
}

/** Every side × shard that is missing or has no results, one line each. */
function missingParts(records: readonly TwoSidedRecord[]): string[] {
  const count = Number(records[0]!.shard?.split('/')[1] ?? 1);
  const out: string[] = [];
  for (const side of SIDES)
    for (let i = 1; i <= count; i++) {
      const label = count > 1 ? `${side} shard ${i}/${count}` : side;
      const r = records.find((x) => x.only === side && (x.shard ?? '1/1') === `${i}/${count}`);
      if (!r) out.push(`${label}: no report dir given`);
      else if (r.status !== 'completed') out.push(`${label}: ${r.infrastructureError ?? r.status}`);
    }
  return out;
}

/** One run per side and repeat: its shards' outcomes together, its wall the longest shard's. */
function joinShards(records: readonly TwoSidedRecord[]): SideRun[] {
  const byKey = new Map<string, SideRun>();
  for (const run of records.flatMap((r) => r.runs)) {
    const key = `${run.side} ${run.repeat}`;
    const had = byKey.get(key);
    if (!had) byKey.set(key, { ...run, outcomes: [...run.outcomes] });
    else {
      had.outcomes.push(...run.outcomes);
      had.wallMs = Math.max(had.wallMs, run.wallMs);
    }
  }
  // The order a host running both would use: A B, then B A, … (schedule.ts).
  const runs = [...byKey.values()].sort((a, b) => a.repeat - b.repeat || (a.side < b.side ? -1 : 1));
  return runs.map((r, order) => ({ ...r, order }));
}

function longestPhases(records: readonly TwoSidedRecord[]): Phases {
  const keys = Object.keys(records[0]!.phases) as (keyof Phases)[];
  return Object.fromEntries(
    keys.map((k) => [k, Math.max(...records.map((r) => r.phases[k]))]),
  ) as unknown as Phases;
}

export function joinSideRecords(records: readonly TwoSidedRecord[], runId: string): TwoSidedRecord {
  checkOneRun(records);
  const first = records[0]!;
  const sideOf = (s: Side) => records.find((r) => r.only === s)?.sides[s];
  const missing = missingParts(records);
  const { only: _o, shard: _s, ...rest } = first;
  const record: TwoSidedRecord = {
    ...rest,
    runId,
    reportRel: `two-sided-${runId}`,
    status: missing.length ? 'infrastructure-error' : 'completed',
    sides: Object.fromEntries(SIDES.flatMap((s) => (sideOf(s) ? [[s, sideOf(s)!]] : []))),
    phases: longestPhases(records),
    runs: joinShards(records),
    infrastructureError: missing.length ? `side runs without results: ${missing.join('; ')}` : null,
    restoreFailures: records.flatMap((r) => r.restoreFailures),
    startedAt: records.map((r) => r.startedAt).sort()[0]!,
    finishedAt: new Date().toISOString(),
  };
  if (!missing.length) judgeRuns(record);
  record.exitCode = exitCodeFor({
    regressions: record.counts?.regressed ?? 0,
    claimsNotShown: record.claimChecks.filter((c) => !c.shown).length,
    perfRegressions: 0,
    infrastructureError: record.infrastructureError,
  });
  return record;
}

export async function mergeSides(
  dirs: readonly string[],
  runId: string,
  stepSummary: string | null,
): Promise<TwoSidedRecord> {
  const records = await Promise.all(dirs.map(readSideRecord));
  const record = joinSideRecords(records, runId);
  await writeReports(record, join(REPO_ROOT, 'reports', record.reportRel), stepSummary);
  return record;
}
