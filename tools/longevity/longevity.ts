/**
 * Longevity: one stack, many consecutive `pnpm e2e` runs with a default teardown + setup or a
 * sim restart between some of them, as a maintainer's stack or a self-hosted runner's lives.
 * After each run it counts what the stack holds (counts.ts): a stack that lives stays green,
 * and every count is flat from the second run on (the first may record the guest images).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import type { BootstrapConfig } from '../../kernel/config.ts';
import { REPO_ROOT, statePaths } from '../../kernel/paths.ts';
import { type PortBook, readPortBook } from '../../kernel/ports.ts';
import { newRunId } from '../../kernel/run-id.ts';
import { readStackFile } from '../../kernel/stack-file.ts';
import { stopComponent } from '../../sim/launch.ts';
import { teardownStack } from '../../stack/down.ts';
import { countResources, type ResourceCounts } from './counts.ts';

/** What happens to the stack before a run. */
export type Between = 'nothing' | 'teardown' | 'sim restart';

/** The default schedule: after the first run, a teardown, a sim restart, nothing, and again. */
export const MIXED = (run: number): Between =>
  run === 1 ? 'nothing' : (['teardown', 'sim restart', 'nothing'] as const)[(run - 2) % 3]!;

export interface LongevityOptions {
  /** The stack's config (its state dir and Docker endpoint go to every run). */
  config: BootstrapConfig;
  runs: number;
  /** Case files each run selects (none: all). */
  files: readonly string[];
  between: (run: number) => Between;
  outDir: string;
  onRun?: (r: RunRecord) => void;
}

export interface RunRecord {
  run: number;
  before: Between;
  runId: string;
  wallS: number;
  exitCode: number;
  /** The run's case counts (summary.json), null when it wrote none. */
  cases: Record<string, number> | null;
  resources: ResourceCounts;
  /** The port book after the run: where each part of the stack listened. */
  ports: PortBook;
}

async function prepare(config: BootstrapConfig, before: Between): Promise<void> {
  if (before === 'teardown') await teardownStack({ config, wipeData: false, full: false, quiet: true });
  if (before === 'sim restart') {
    const paths = statePaths(config.stateDir);
    await stopComponent(paths, 'sim-api', 'api');
    await stopComponent(paths, 'sim-runner', 'runner');
  }
}

async function oneRun(o: LongevityOptions, run: number): Promise<RunRecord> {
  const before = o.between(run);
  await prepare(o.config, before);
  const runId = newRunId();
  const t0 = performance.now();
  const child = await execa(process.execPath, [join(REPO_ROOT, 'harness/commands/e2e.ts'), ...o.files], {
    env: {
      BOXLITE_E2E_RUN_ID: runId,
      BOXLITE_E2E_STATE_DIR: o.config.stateDir,
      DOCKER_HOST: o.config.dockerHost,
    },
    all: true,
    reject: false,
  });
  const wallS = Math.round((performance.now() - t0) / 100) / 10;
  await writeFile(join(o.outDir, `run-${String(run).padStart(2, '0')}.log`), child.all ?? '');
  const summary = await readFile(join(REPO_ROOT, 'reports', runId, 'summary.json'), 'utf8').then(
    (text) => (JSON.parse(text) as { counts: Record<string, number> }).counts,
    () => null,
  );
  const stack = await readStackFile(statePaths(o.config.stateDir).stackFile);
  if (!stack) throw new Error(`run ${run}: no stack file after the run (see run-${run}.log)`);
  const resources = await countResources(stack, o.config.dockerHost);
  const ports = await readPortBook(statePaths(o.config.stateDir).portsFile);
  return { run, before, runId, wallS, exitCode: child.exitCode ?? -1, cases: summary, resources, ports };
}

export interface LongevityResult {
  records: RunRecord[];
  green: boolean;
  /** Counts that moved from the second run on, with their values run by run. */
  moved: Array<{ count: keyof ResourceCounts; values: number[] }>;
  /** Parts of the stack that did not listen on the same port after every run. */
  portsMoved: string[];
}

export function judge(records: readonly RunRecord[]): LongevityResult {
  const steady = records.slice(1);
  const keys = Object.keys(records[0]?.resources ?? {}) as (keyof ResourceCounts)[];
  const moved = keys
    .map((count) => ({ count, values: steady.map((r) => r.resources[count]) }))
    .filter((m) => m.values.some((v) => v !== m.values[0]));
  const parts = [...new Set(records.flatMap((r) => Object.keys(r.ports)))];
  const portsMoved = parts.filter((p) => new Set(records.map((r) => r.ports[p])).size > 1);
  return { records: [...records], green: records.every((r) => r.exitCode === 0), moved, portsMoved };
}

export async function runLongevity(o: LongevityOptions): Promise<LongevityResult> {
  await mkdir(o.outDir, { recursive: true });
  const records: RunRecord[] = [];
  for (let run = 1; run <= o.runs; run++) {
    const record = await oneRun(o, run);
    records.push(record);
    o.onRun?.(record);
  }
  return judge(records);
}
