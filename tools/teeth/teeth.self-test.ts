/**
 * `pnpm e2e:teeth` for real, on its own sim, with the switch that leaks by design
 * (`remove-leaves-container`: every removal keeps its container, the preflight's probe boxes
 * included): the switch is detected, and afterwards the runner holds no container and the API
 * lists no box — checked with Docker and the API listing, not with teeth's own census — and the
 * stack runs with the switches it had before (none).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { call, tenantUrl } from '../../drivers/rest/http.ts';
import { discoverPathPrefix } from '../../harness/handle/handle.ts';
import { dockerClient } from '../../kernel/docker.ts';
import { REPO_ROOT, statePaths } from '../../kernel/paths.ts';
import { readSecrets } from '../../kernel/secrets.ts';
import { isolatedConfig, selfTestContext } from '../../kernel/self-test.ts';
import { readStackFile } from '../../kernel/stack-file.ts';
import { LABEL_RUNNER } from '../../sim/runner/box-spec.ts';
import { runnerIdFor } from '../../sim/runner/config.ts';
import { teardownStack } from '../../stack/down.ts';

let stateDir: string;

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'e2e-teeth-'));
});
afterAll(async () => {
  await teardownStack({ config: isolatedConfig(stateDir), wipeData: true, full: true, quiet: true });
  await rm(stateDir, { recursive: true, force: true });
});

test('teeth proves the leaking switch and leaves no container, no listed box, no switch on', {
  timeout: 900_000,
}, async () => {
  const { config } = selfTestContext();
  const run = await execa(process.execPath, ['tools/teeth/command.ts', '--only', 'remove-leaves-container'], {
    cwd: REPO_ROOT,
    env: {
      PATH: config.searchPath,
      HOME: homedir(),
      DOCKER_HOST: config.dockerHost,
      BOXLITE_E2E_STATE_DIR: stateDir,
    },
    extendEnv: false,
    reject: false,
    all: true,
  });
  expect(run.exitCode, run.all).toBe(0);
  expect(run.all).toMatch(/^teeth: removed [1-9]\d* container\(s\) the run left: /m);
  expect(run.all).toContain('teeth: 1 passed, 0 failed');

  const containers = await dockerClient(config.dockerHost, 15_000).listContainers({
    all: true,
    filters: JSON.stringify({ label: [`${LABEL_RUNNER}=${runnerIdFor(stateDir)}`] }),
  });
  expect(containers.map((c) => `${c.Names.join(',')} ${c.State}`)).toEqual([]);

  const stack = await readStackFile(statePaths(stateDir).stackFile);
  expect(stack?.api?.bugs ?? [], 'the switches the stack had before').toEqual([]);
  const apiKey = (await readSecrets(stack!.secretsFile)).ADMIN_API_KEY;
  const target = {
    apiUrl: stack!.api!.url,
    apiKey,
    pathPrefix: await discoverPathPrefix(stack!.api!.url, apiKey),
  };
  const listed = await call<{ boxes: unknown[] }>(target, 'GET', tenantUrl(target, '/boxes'));
  expect(listed.status, listed.text).toBe(200);
  expect(listed.json?.boxes).toEqual([]);
});
