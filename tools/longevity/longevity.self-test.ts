/**
 * The short longevity check (the full one is `pnpm e2e:longevity`): a fresh stack, three
 * `pnpm e2e` runs of a small case subset with a default teardown between them — every run
 * green, every resource count flat from the second run on, the stack on the same ports.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { BootstrapConfig } from '../../kernel/config.ts';
import { isolatedConfig, selfTestContext } from '../../kernel/self-test.ts';
import { teardownStack } from '../../stack/down.ts';
import { runLongevity } from './longevity.ts';
import { verdictLine } from './report.ts';

let stateDir: string;
let config: BootstrapConfig;

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'e2e-longevity-'));
  config = isolatedConfig(stateDir, { target: 'sim' });
});

afterAll(async () => {
  await teardownStack({ config, quiet: true, wipeData: true, full: true }).catch(() => {});
  await rm(stateDir, { recursive: true, force: true });
});

it('three runs with a teardown between: all green, counts flat, same ports', {
  timeout: 900_000,
}, async () => {
  const result = await runLongevity({
    config,
    runs: 3,
    files: ['cases/images.test.ts', 'cases/volumes.test.ts'],
    between: (run) => (run === 1 ? 'nothing' : 'teardown'),
    outDir: join(stateDir, 'longevity'),
    onRun: (r) => {
      if (selfTestContext().verbose) process.stderr.write(`longevity run ${r.run}: ${r.wallS} s\n`);
    },
  });
  const line = verdictLine(result);
  expect(
    result.records.map((r) => r.exitCode),
    line,
  ).toEqual([0, 0, 0]);
  expect(result.moved, line).toEqual([]);
  expect(result.portsMoved, line).toEqual([]);
  expect(result.records[2]!.resources).toMatchObject({ volumes: 0, snapshots: 0, boxes: 0, containers: 0 });
});
