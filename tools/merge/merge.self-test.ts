/**
 * Sharding for real on the sim: the same case files run once whole and once as three shards side
 * by side (`pnpm e2e --shard i/3`, three stacks on this host), and `pnpm e2e:merge` of the three
 * gives the same case ids with the same outcomes and the same exit code as the whole run. Then
 * one shard is killed in the middle of its run: the merge names it in the headline and exits 3.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { REPO_ROOT } from '../../kernel/paths.ts';
import { isolatedConfig, selfTestContext } from '../../kernel/self-test.ts';
import { removeSimBoxes } from '../../sim/launch.ts';
import { teardownStack } from '../../stack/down.ts';

/** Cases that need no box to start (API, orgs, registry): their outcomes do not hang on the engine's load. */
const FILES = [
  'cases/errors.test.ts',
  'cases/images.test.ts',
  'cases/multi-tenant.test.ts',
  'cases/quota.test.ts',
];
const tag = `shard-self-test-${Date.now()}`;
/** State dir by stack name; each a temp dir of its own, which Postgres (its own user) can reach. */
const stateDirs = new Map<string, string>();

beforeAll(async () => {
  for (const name of ['whole', 'shard-1', 'shard-2', 'shard-3'])
    stateDirs.set(name, await mkdtemp(join(tmpdir(), `e2e-${name}-`)));
});
afterAll(async () => {
  for (const dir of stateDirs.values()) {
    const config = isolatedConfig(dir);
    await teardownStack({ config, wipeData: true, full: true, quiet: true }).catch(() => {});
    await removeSimBoxes(dir, config.dockerHost).catch(() => {});
    await rm(dir, { recursive: true, force: true });
  }
  for (const d of await readdir(join(REPO_ROOT, 'reports')))
    if (d.startsWith(tag)) await rm(join(REPO_ROOT, 'reports', d), { recursive: true, force: true });
}, 300_000);

/** `pnpm e2e` with a run id of its own, on the stack of state dir `stack` (each its own). */
function e2e(name: string, stack: string, args: string[]) {
  const stateDir = stateDirs.get(stack)!;
  const { config } = selfTestContext();
  return execa(process.execPath, ['harness/commands/e2e.ts', ...args, ...FILES], {
    cwd: REPO_ROOT,
    env: {
      PATH: config.searchPath,
      DOCKER_HOST: config.dockerHost,
      BOXLITE_E2E_STATE_DIR: stateDir,
      BOXLITE_E2E_RUN_ID: `${tag}-${name}`,
    },
    extendEnv: false,
    all: true,
    reject: false,
    // Its own process group: the kill below takes vitest and its workers with it.
    detached: true,
  });
}

function merge(names: string[], runId: string) {
  const dirs = names.map((n) => join('reports', `${tag}-${n}`));
  return execa(process.execPath, ['tools/merge/command.ts', '--run-id', `${tag}-${runId}`, ...dirs], {
    cwd: REPO_ROOT,
    env: { PATH: selfTestContext().config.searchPath },
    extendEnv: false,
    all: true,
    reject: false,
  });
}

interface Summary {
  counts: Record<string, number>;
  cases: Array<{ id: string; outcome: string }>;
  shards: Array<{ shard: string; status: string }> | null;
}
const summaryOf = async (runId: string): Promise<Summary> =>
  JSON.parse(await readFile(join(REPO_ROOT, 'reports', `${tag}-${runId}`, 'summary.json'), 'utf8'));
const outcomes = (s: Summary) => Object.fromEntries(s.cases.map((c) => [c.id, c.outcome]));

describe('a sharded run, merged, is the unsharded run', () => {
  test('three shards side by side, merged: the same case ids, outcomes and exit code as one whole run', async () => {
    const [whole, ...shards] = await Promise.all([
      e2e('whole', 'whole', []),
      ...[1, 2, 3].map((i) => e2e(`shard-${i}of3`, `shard-${i}`, ['--shard', `${i}/3`])),
    ]);
    expect(whole.exitCode, whole.all?.slice(-2000)).toBeLessThanOrEqual(1);
    for (const s of shards) expect(s.exitCode, s.all?.slice(-2000)).toBeLessThanOrEqual(1);
    const merged = await merge(['shard-1of3', 'shard-2of3', 'shard-3of3'], 'merged');
    expect(merged.exitCode, merged.all).toBe(whole.exitCode);
    const [w, m] = [await summaryOf('whole'), await summaryOf('merged')];
    expect(Object.keys(outcomes(m)).length).toBeGreaterThan(20);
    expect(outcomes(m)).toEqual(outcomes(w));
    expect(m.counts).toEqual(w.counts);
    expect(m.shards?.map((s) => `${s.shard} ${s.status}`)).toEqual([
      '1/3 merged',
      '2/3 merged',
      '3/3 merged',
    ]);
    // Every file ran in exactly one shard.
    const ran = await Promise.all(
      [1, 2, 3].map(async (i) => Object.keys(outcomes(await summaryOf(`shard-${i}of3`)))),
    );
    expect(ran.flat().sort()).toEqual(Object.keys(outcomes(w)).sort());
    const md = await readFile(join(REPO_ROOT, 'reports', `${tag}-merged`, 'summary.md'), 'utf8');
    process.stderr.write(`merged headline: ${md.split('\n')[2]}\n`);
  }, 900_000);

  test('a shard killed in the middle of its run: the merge names it in the headline and exits 3', async () => {
    const killed = e2e('killed-shard-3of3', 'shard-3', ['--shard', '3/3']);
    // Its stack is up from the test before: kill once its cases are under way.
    await new Promise<void>((resolve, reject) => {
      let out = '';
      killed.all?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (/preflight \(/.test(out)) setTimeout(resolve, 1000);
      });
      killed.then(() => reject(new Error(`finished before it could be killed:\n${out.slice(-2000)}`)));
    });
    process.kill(-killed.pid!, 'SIGKILL');
    await killed;
    const dir = join(REPO_ROOT, 'reports', `${tag}-killed-shard-3of3`);
    expect(existsSync(join(dir, 'blob')), 'a killed shard wrote no blob').toBe(false);
    const merged = await merge(['shard-1of3', 'shard-2of3', 'killed-shard-3of3'], 'merged-killed');
    expect(merged.exitCode, merged.all).toBe(3);
    expect(merged.all).toMatch(
      /e2e:merge: shard 3\/3: no results \(its case run started but ended without results/,
    );
    const md = await readFile(join(REPO_ROOT, 'reports', `${tag}-merged-killed`, 'summary.md'), 'utf8');
    expect(md.split('\n')[2]).toMatch(/^\*\*NO RESULTS from shard 3\/3 \(.+\); \d+ passed, /);
    expect(md).toContain('- **shard 3/3: no results**');
  }, 300_000);
});
