/**
 * The bench against a real sim stack of its own: two tiny scenarios (one upstream, the
 * bare-Docker physical limit) end to end — reports written and readable, charts present, no
 * box left behind, and a run compared with itself is not a regression.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, tenantUrl } from '../../drivers/rest/http.ts';
import { resolveStackHandle, stackHandleOptions } from '../../harness/handle/handle.ts';
import type { BootstrapConfig } from '../../kernel/config.ts';
import { dockerClient } from '../../kernel/docker.ts';
import { isolatedConfig } from '../../kernel/self-test.ts';
import { teardownStack } from '../../stack/down.ts';
import { setupStack } from '../../stack/up.ts';
import { ALL_SCENARIOS, runBench } from './bench-run.ts';
import { compareRuns, DEFAULT_COMPARE } from './compare.ts';
import { loadReports, writeRun } from './files.ts';
import { describeTarget } from './target.ts';

let config: BootstrapConfig;
let out: string;

beforeAll(async () => {
  config = isolatedConfig(await mkdtemp(join(tmpdir(), 'e2e-bench-')), { target: 'sim' });
  out = await mkdtemp(join(tmpdir(), 'e2e-bench-out-'));
  await setupStack({ config, quiet: true });
});

afterAll(async () => {
  await teardownStack({ config, wipeData: true, full: true, quiet: true }).catch(() => {});
  await rm(config.stateDir, { recursive: true, force: true });
  await rm(out, { recursive: true, force: true });
});

describe('bench on a sim stack', () => {
  it('runs latency-exec and physical-limit, writes v1.0 + md + html, cleans up', async () => {
    const handle = await resolveStackHandle(
      stackHandleOptions({ BOXLITE_E2E_STATE_DIR: config.stateDir, DOCKER_HOST: config.dockerHost }),
    );
    const target = await describeTarget(handle, config.dockerHost);
    expect(target.caps.dockerEngine).toBeNull();
    expect(target.processes.map((p) => p.name)).toEqual(['sim api', 'sim runner']);
    const picked = ALL_SCENARIOS.filter((s) => s.name === 'latency-exec' || s.name === 'physical-limit');
    const { run, reports } = await runBench(target, picked, {
      runId: 'e2e',
      runs: 2,
      warmup: 1,
      settleMs: 0,
      log: () => {},
    });

    expect(reports.map((r) => r.scenario)).toEqual(['latency-exec', 'physical-limit']);
    for (const r of reports) {
      const measured = r.samples.filter((s) => !s.warmup);
      expect(
        measured.map((s) => s.error ?? null),
        r.scenario,
      ).toEqual([null]);
    }
    expect(reports[1]!.aggregates.map((a) => a.name)).toEqual([
      'docker_create_ms',
      'docker_exec_ms',
      'sim_create_ms',
      'sim_exec_ms',
    ]);
    expect(run.rss?.processes.every((p) => (p.run_peak_kib ?? 0) > 0)).toBe(true);

    const dir = await writeRun(out, run, reports);
    const back = await loadReports(dir);
    expect(back).toEqual(reports);
    expect(await readFile(join(out, 'latest', 'report.html'), 'utf8')).toMatch(/<svg /);
    expect(compareRuns(back, back, DEFAULT_COMPARE).exitCode).toBe(0);

    const list = await call<{ boxes: unknown[] }>(handle, 'GET', tenantUrl(handle, '/boxes'));
    expect(list.json?.boxes).toEqual([]);
    const bare = await dockerClient(config.dockerHost).listContainers({
      all: true,
      filters: { name: [`bench-bare-${process.pid}-`] },
    });
    expect(bare).toEqual([]);
  });
});
