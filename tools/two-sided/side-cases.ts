/**
 * One run of the selected cases against one side: the cases and the harness are this
 * checkout's (never the side's), pointed at the side's stack through its state dir, markers
 * off so a known bug shows as the plain failure it is. Results come back from vitest's JSON
 * reporter through the teeth parser.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCases } from '../../harness/commands/run-vitest.ts';
import type { Shard } from '../../harness/shard/plan.ts';
import { REPO_ROOT } from '../../kernel/paths.ts';
import { parseVitestJson } from '../teeth/matrix.ts';
import { sideProcessEnv } from './side-builder.ts';
import type { Side, SideRun } from './verdicts.ts';

export interface SideCasesRun {
  side: Side;
  repeat: number;
  order: number;
  stateDir: string;
  /** vitest filters: files or file:line (empty = every case). */
  cases: readonly string[];
  grep?: string;
  env: Readonly<Record<string, string | undefined>>;
  provider: string;
  /** Report dir of the two-sided run, relative to reports/ (children nest their run dirs under it). */
  reportRel: string;
  /** Only this shard of the cases (a side split over runners). */
  shard?: Shard;
  signal: AbortSignal;
}

export class SideRunError extends Error {
  override name = 'SideRunError';
}

export async function runSideCases(r: SideCasesRun): Promise<SideRun> {
  const runId = `${r.reportRel}/runs/${r.side}-${r.repeat + 1}`;
  const dir = join(REPO_ROOT, 'reports', runId);
  await mkdir(dir, { recursive: true });
  const jsonOutput = join(dir, 'results.json');
  const env = {
    ...sideProcessEnv(r.env, r.stateDir, r.provider),
    BOXLITE_E2E_NO_SETUP: '1',
    BOXLITE_E2E_MARKERS: 'off',
    BOXLITE_E2E_RUN_ID: runId,
  };
  const t0 = performance.now();
  const code = await runCases({
    files: [...r.cases],
    grep: r.grep,
    env,
    replaceEnv: true,
    jsonOutput,
    quiet: true,
    ...(r.shard ? { shard: r.shard } : {}),
    signal: r.signal,
  });
  const wallMs = performance.now() - t0;
  if (r.signal.aborted) throw r.signal.reason;
  const infra = join(dir, 'infrastructure-error.txt');
  if (existsSync(infra)) throw new SideRunError(`${r.side}: ${(await readFile(infra, 'utf8')).trim()}`);
  const raw = await readFile(jsonOutput, 'utf8').catch(() => null);
  if (raw === null) throw new SideRunError(`${r.side}: the case run wrote no results (vitest exit ${code})`);
  // Cases --grep / --cases deselected are skipped without a not-runnable note: not part of the run.
  const outcomes = parseVitestJson(JSON.parse(raw), REPO_ROOT)
    .filter((c) => c.status !== 'skipped' || c.notRunnable)
    .map(({ id, file, detects, status, durationMs }) => ({ id, file, detects, status, durationMs }));
  if (outcomes.length === 0)
    throw new SideRunError(`${r.side}: no case ran (vitest exit ${code}); check --cases / --grep`);
  return { side: r.side, repeat: r.repeat, order: r.order, wallMs, outcomes };
}
