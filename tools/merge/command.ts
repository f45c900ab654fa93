/**
 * `pnpm e2e:merge DIR…` — joins the report dirs of a sharded run (`pnpm e2e --shard i/n`) into
 * one report indistinguishable from an unsharded run of the same cases: reports/<run-id>/ with
 * summary.md/json, junit.xml, results.json, html/, the case family tables, leftovers and
 * created boxes, and reports/latest. vitest replays the shards' blob reports through the same
 * reporters a run uses (`--merge-reports`); the run facts, deaths and leftovers are joined here
 * first (merge.ts). A shard that left no results is named in the headline and fails the merge.
 *
 *   DIR…          the shards' report dirs (reports/<id>-shard-<i>of<n>)
 *   --run-id ID   the merged report's dir name (default: now)
 *
 * Exit: 0 all shards merged and clean; 1 a failure, an XPASS or a leak in any shard; 3 a shard
 * with no results or a dead stack in any shard; 2 usage (dirs that are not shards of one run).
 */
import { appendFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { mergeBlobs } from '../../harness/commands/run-vitest.ts';
import { deathLine, recordDeath } from '../../harness/infra/death.ts';
import { createdBoxesFile } from '../../harness/leaks/guard.ts';
import { leftoversFile } from '../../harness/leaks/leftovers-report.ts';
import { countOutcomes, type Outcome } from '../../harness/reporters/outcomes.ts';
import { writeFacts } from '../../harness/reporters/run-facts.ts';
import { writeSummary } from '../../harness/reporters/run-report.ts';
import { runHeadline } from '../../harness/reporters/run-summary.ts';
import { lostShards, writeShards } from '../../harness/reporters/shards.ts';
import { runTime } from '../../harness/reporters/time-split.ts';
import { REPORT_OPTIONS, RUN_ID_OPTION } from '../../harness/run-options.ts';
import { runMain, UsageError } from '../../kernel/errors.ts';
import { type OptionTable, resolveOptions } from '../../kernel/options.ts';
import { REPO_ROOT } from '../../kernel/paths.ts';
import { newRunId } from '../../kernel/run-id.ts';
import { type Merged, mergeShards } from './merge.ts';
import { readShardDir } from './shard-dirs.ts';

export const MERGE_OPTIONS = {
  runId: { ...RUN_ID_OPTION, flag: 'run-id' },
  stepSummary: REPORT_OPTIONS.stepSummary,
  githubOutput: {
    env: 'GITHUB_OUTPUT',
    type: 'path',
    doc: 'file the merged headline is appended to as `headline=` (a GitHub Actions step output)',
  },
} as const satisfies OptionTable;

/** What the reporters read from the merged report dir, written before vitest replays the blobs. */
async function writeRunFiles(dir: string, m: Merged): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFacts(dir, m.facts);
  await writeShards(dir, m.shards);
  if (m.death) await recordDeath(dir, m.death);
  if (m.leftovers) await writeFile(leftoversFile(dir), `${JSON.stringify(m.leftovers, null, 2)}\n`);
  if (m.created.length) await writeFile(createdBoxesFile(dir), `${m.created.join('\n')}\n`);
}

/**
 * The blobs in a dir of their own (vitest merges every file in the dir it is given), their
 * paths moved to this checkout: a shard that ran on another machine names its checkout there.
 */
async function stageBlobs(blobs: Merged['blobs']): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'boxlite-e2e-merge-'));
  for (const [i, b] of blobs.entries()) {
    const text = await readFile(b.file, 'utf8');
    const here = b.root && b.root !== REPO_ROOT ? text.replaceAll(`${b.root}/`, `${REPO_ROOT}/`) : text;
    await writeFile(join(dir, `${i}-${basename(b.file)}`), here);
  }
  return dir;
}

const leaked = (m: Merged) =>
  !!m.leftovers && (m.leftovers.inApi.length > 0 || m.leftovers.onRunner.length > 0);

export async function mergeRun(dirs: readonly string[], runId: string, env: Record<string, string>) {
  const shardDirs = await Promise.all(dirs.map((d) => readShardDir(d)));
  const merged = mergeShards(shardDirs, runId);
  const dir = join(REPO_ROOT, 'reports', runId);
  await writeRunFiles(dir, merged);
  const lost = lostShards(merged.shards);
  let code = 0;
  if (merged.blobs.length) {
    const blobDir = await stageBlobs(merged.blobs);
    try {
      code = await mergeBlobs(blobDir, { ...env, BOXLITE_E2E_RUN_ID: runId });
    } finally {
      await rm(blobDir, { recursive: true, force: true });
    }
  } else {
    // No shard left results: no replay, but still a report that names every shard.
    const { death, leftovers, shards } = merged;
    const md = await writeSummary(dir, [], merged.facts, runTime([], 0), { death, leftovers, shards });
    if (env.GITHUB_STEP_SUMMARY) await appendFile(env.GITHUB_STEP_SUMMARY, `${md}\n`);
  }
  if (lost.length || merged.death) code = 3;
  else if (code === 0 && leaked(merged)) code = 1;
  return { merged, lost, code, dir, headline: await headlineOf(dir, merged) };
}

/** The merged report's headline, as its summary.md leads with it. */
async function headlineOf(dir: string, m: Merged): Promise<string> {
  const summary = await readFile(join(dir, 'summary.json'), 'utf8').catch(() => null);
  const counts = summary ? (JSON.parse(summary) as { counts: Record<Outcome, number> }).counts : null;
  return runHeadline(counts ?? countOutcomes([]), m.death, m.shards);
}

if (import.meta.main) {
  await runMain('e2e:merge', async () => {
    const { values, positionals } = resolveOptions(MERGE_OPTIONS, process.argv.slice(2), process.env, {
      positionals: true,
    });
    if (positionals.length === 0) throw new UsageError("give the shards' report dirs: pnpm e2e:merge DIR…");
    // The merge's own variables are decided here: a shard's would turn the blob reporter on.
    const {
      BOXLITE_E2E_SHARD: _s,
      BOXLITE_E2E_SHARD_DURATIONS: _d,
      ...env
    } = process.env as Record<string, string>;
    const result = await mergeRun(positionals, values.runId ?? newRunId(), {
      ...env,
      ...(values.stepSummary ? { GITHUB_STEP_SUMMARY: values.stepSummary } : {}),
    });
    for (const s of result.lost) process.stderr.write(`e2e:merge: shard ${s.shard}: no results (${s.why})\n`);
    if (result.merged.death)
      process.stderr.write(
        `e2e:merge: shard ${result.merged.death.shard}: ${deathLine(result.merged.death)}\n`,
      );
    process.stderr.write(`e2e:merge: ${result.headline}\n`);
    process.stderr.write(`e2e:merge: ${join('reports', basename(result.dir))} (exit ${result.code})\n`);
    if (values.githubOutput) await appendFile(values.githubOutput, `headline=${result.headline}\n`);
    process.exitCode = result.code;
  });
}
