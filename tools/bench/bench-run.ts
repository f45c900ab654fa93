/**
 * One bench run over a chosen set of scenarios on one target: decides what can run there,
 * runs the rest in order with the RSS sampler going, cleans up any box an interrupted
 * iteration left behind, and returns the run record with the v1.0 reports.
 */
import { UsageError } from '../../kernel/errors.ts';
import { bareDocker, physicalLimit } from './bare-docker.ts';
import { reportMetadata } from './metadata.ts';
import { CREATE_BODY, restOps, type TrackedOps } from './rest-ops.ts';
import { startRssSampler } from './rss.ts';
import type { BenchRun, ScenarioEntry } from './run-record.ts';
import { runScenario } from './runner.ts';
import { type Capabilities, notRunnableReason, type Scenario, type ScenarioContext } from './scenario.ts';
import { SCENARIOS } from './scenarios.ts';
import type { ReportV1 } from './schema.ts';
import type { BenchTarget } from './target.ts';

/** Upstream's nine, then ours: the same work on bare Docker where the target has an engine. */
export const ALL_SCENARIOS: readonly Scenario[] = [...SCENARIOS, physicalLimit];

export function selectScenarios(name: string): Scenario[] {
  if (name === 'all') return [...ALL_SCENARIOS];
  const s = ALL_SCENARIOS.find((x) => x.name === name);
  if (!s)
    throw new UsageError(
      `unknown scenario ${JSON.stringify(name)}; known: all, ${ALL_SCENARIOS.map((x) => x.name).join(', ')}`,
    );
  return [s];
}

export interface BenchOptions {
  runId: string;
  runs: number;
  warmup: number;
  settleMs: number;
  log: (line: string) => void;
}

/** Runnable scenarios and the not-runnable ones with their reason, in the given order. */
export function plan(scenarios: readonly Scenario[], caps: Capabilities): ScenarioEntry[] {
  const perBox = { cpus: CREATE_BODY.cpus, memoryMib: CREATE_BODY.memory_mib };
  return scenarios.map((s) => {
    const reason = notRunnableReason(s, caps, perBox);
    return reason
      ? { name: s.name, summary: s.summary, status: 'not-runnable', reason }
      : { name: s.name, summary: s.summary, status: 'ran', file: `${s.name}.json` };
  });
}

export async function runBench(
  target: BenchTarget,
  scenarios: readonly Scenario[],
  opts: BenchOptions,
  ops: TrackedOps = restOps(target.handle, target.image),
): Promise<{ run: BenchRun; reports: ReportV1[] }> {
  const startedAt = new Date().toISOString();
  const entries = plan(scenarios, target.caps);
  const ctx: ScenarioContext = {
    ops,
    settleMs: opts.settleMs,
    bare: target.docker ? bareDocker(target.docker.client, target.docker.image) : null,
  };
  const sampler = startRssSampler(target.processes);
  const reports: ReportV1[] = [];
  try {
    for (const entry of entries) {
      if (entry.status === 'not-runnable') {
        opts.log(`Scenario: ${entry.name} — not runnable here: ${entry.reason}`);
        continue;
      }
      const scenario = scenarios.find((s) => s.name === entry.name)!;
      opts.log(`Scenario: ${scenario.name} (${opts.runs} runs, ${opts.warmup} warm-up)`);
      const metadata = reportMetadata({
        runId: opts.runId,
        apiUrl: target.handle.apiUrl,
        image: target.image,
        targetKind: target.handle.kind,
      });
      reports.push(
        await runScenario(scenario, ctx, { runs: opts.runs, warmup: opts.warmup, metadata, log: opts.log }),
      );
    }
  } finally {
    // An iteration that failed between create and delete must not leave boxes running.
    await Promise.all(ops.live().map((id) => ops.deleteBox(id)));
    if (ops.live().length) opts.log(`could not delete boxes: ${ops.live().join(', ')}`);
  }
  const run: BenchRun = {
    schema: 'boxlite-e2e/bench-run',
    version: 1,
    run_id: opts.runId,
    started_at: startedAt,
    finished_at: new Date().toISOString(),
    target: {
      kind: target.handle.kind,
      api_url: target.handle.apiUrl,
      origin: target.handle.origin,
      image: target.image,
      bugs: target.handle.bugs,
    },
    options: { runs: opts.runs, warmup: opts.warmup, settle_ms: opts.settleMs },
    scenarios: entries,
    rss: sampler.stop(),
  };
  return { run, reports };
}
