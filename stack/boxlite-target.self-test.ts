/**
 * Target boxlite's recipe end to end, with no VM: a BoxLite-shaped fake checkout (real
 * cargo staticlib, real cgo Go runner, a yarn workspace API) generated into a temp git repo,
 * then the whole recipe — build, install, env files, secrets, start, register, health,
 * `/v1/me`, seeding — a real case file run against the resulting stack file, re-setup
 * (everything cached or reused), teardown, and setup after teardown (builds still cached).
 */
import { chmod, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFakeCheckout } from '../bootstrap/boxlite-recipe/fake-checkout/write.ts';
import type { BoxliteStackResult } from '../bootstrap/boxlite-recipe/index.ts';
import { planBoxliteStack } from '../bootstrap/boxlite-recipe/index.ts';
import { hostTools } from '../bootstrap/boxlite-recipe/lifecycle.ts';
import type { PlanJson } from '../bootstrap/boxlite-recipe/plan.ts';
import { probeRunnerRegistered, smokeMe } from '../bootstrap/boxlite-recipe/probes.ts';
import type { BootstrapConfig } from '../kernel/config.ts';
import { statePaths } from '../kernel/paths.ts';
import { pidMatches } from '../kernel/process/processes.ts';
import { readSecrets } from '../kernel/secrets.ts';
import { isolatedConfig, runCaseFile } from '../kernel/self-test.ts';
import { readStackFile, type StackFile } from '../kernel/stack-file.ts';
import { teardownStack } from './down.ts';
import { setupStack } from './up.ts';

let work: string;
let stateDir: string;
let checkout: string;
let config: BootstrapConfig;
const times: Record<string, number> = {};
const steps: Record<string, string> = {};

async function setup(label: string): Promise<BoxliteStackResult> {
  let result: BoxliteStackResult | undefined;
  const t0 = performance.now();
  await setupStack({
    config,
    quiet: true,
    boxlite: { checkout, toolEnv: { HOME: homedir() } },
    onRecipe: (r) => {
      result = r;
    },
  });
  times[label] = (performance.now() - t0) / 1000;
  steps[label] = result!.timings.map((t) => `${t.id} ${t.outcome} ${t.seconds.toFixed(1)}`).join(', ');
  return result!;
}
const stack = async (): Promise<StackFile> => (await readStackFile(statePaths(stateDir).stackFile))!;
const outcome = (r: BoxliteStackResult, id: string) => r.timings.find((t) => t.id === id)?.outcome;
const pidOf = (s: StackFile, c: 'api' | 'runner') => (s[c]!.process as { pid: number }).pid;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'e2e-boxlite-recipe-'));
  await chmod(work, 0o755); // Postgres runs as its own user and must reach the state dir
  stateDir = join(work, 'state');
  checkout = (await writeFakeCheckout(join(work, 'checkout'))).root;
  config = isolatedConfig(stateDir, { target: 'boxlite' });
});

afterAll(async () => {
  await teardownStack({ config, quiet: true, wipeData: true, full: true }).catch(() => {});
  await rm(work, { recursive: true, force: true });
  console.log(`boxlite recipe setup times (s): ${JSON.stringify(times)}`);
  for (const [label, line] of Object.entries(steps)) console.log(`  ${label}: ${line}`);
});

describe('target boxlite from a fake checkout', () => {
  it('--plan lists every step for the checkout and builds nothing', async () => {
    const plan = JSON.parse(
      await planBoxliteStack({
        checkout,
        paths: statePaths(stateDir),
        previous: null,
        json: true,
        host: hostTools(config.searchPath, { HOME: homedir() }),
      }),
    ) as PlanJson;
    expect(plan.checkout.root).toBe(checkout);
    expect(plan.steps.map((s) => s.id)).toEqual([
      'toolchains',
      'libboxlite',
      'runner-binary',
      'api-deps',
      'secrets',
      'oidc',
      'env-file',
      'api',
      'runner',
      'smoke',
      'seed',
      'stack-file',
    ]);
    expect(plan.steps.find((s) => s.id === 'libboxlite')?.commands[0]).toBe('make dist:c');
    expect(plan.steps.filter((s) => s.key).every((s) => !s.cached)).toBe(true);
    await expect(stat(join(checkout, 'sdks/go/libboxlite.a'))).rejects.toThrow();
  });

  it('cold setup builds, starts, registers the runner and passes the /v1/me smoke', {
    timeout: 600_000,
  }, async () => {
    const r = await setup('cold');
    for (const id of ['libboxlite', 'runner-binary', 'api-deps', 'api', 'runner'])
      expect(outcome(r, id), id).toBe('ran');
    const s = await stack();
    expect(s.target).toBe('boxlite');
    expect(s.boxlite?.checkout).toBe(checkout);
    expect(s.runner?.journal).toEqual({ kind: 'file', path: join(stateDir, 'logs', 'boxlite-runner.log') });
    const { ADMIN_API_KEY } = await readSecrets(s.secretsFile);
    expect((await smokeMe(s.api!.url, ADMIN_API_KEY)).pathPrefix).toBe(r.pathPrefix);
    expect(await probeRunnerRegistered(s.api!.url, ADMIN_API_KEY, 'default')).toBe('ready');
    const forged = await request(`${s.api!.url}/runners/healthcheck`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_API_KEY}`, 'content-type': 'application/json' },
      body: '{}',
    });
    await forged.body.text();
    expect(forged.statusCode).toBe(401); // only the runner token registers a runner
    // The runner really is the cgo binary linking the Rust staticlib.
    expect(await readFile(join(stateDir, 'logs', 'boxlite-runner.log'), 'utf8')).toMatch(
      /Starting runner version=boxlite-fixture\/0\.1\.0/,
    );
    for (const f of ['boxlite-api.env', 'boxlite-runner.env', 'boxlite-secrets.env'])
      expect((await stat(join(stateDir, 'boxlite-stack', f))).mode & 0o777, f).toBe(0o600);
    const env = await readFile(join(stateDir, 'boxlite-stack', 'boxlite-runner.env'), 'utf8');
    const api = await readFile(join(stateDir, 'boxlite-stack', 'boxlite-api.env'), 'utf8');
    const token = /^BOXLITE_RUNNER_TOKEN=(.+)$/m.exec(env)?.[1];
    expect(token).toBeTruthy();
    expect(api).toContain(`DEFAULT_RUNNER_API_KEY=${token}`);
  });

  it('a case file runs green against the resulting stack file', async () => {
    const r = await runCaseFile(stateDir, 'cases/metrics.test.ts', 'boxlite');
    expect(r.stdout, r.stderr).toMatch(/vitest: [1-9]\d* passed, 0 failed/);
    expect(r.exitCode).toBe(0);
    // The path guard saw the boxes in the runner's log, as it reads journald upstream.
    expect(await readFile(join(stateDir, 'logs', 'boxlite-runner.log'), 'utf8')).toMatch(/"op":"create"/);
  });

  it('re-setup is idempotent: builds cached, API and runner reused', { timeout: 300_000 }, async () => {
    const before = await stack();
    const r = await setup('cached');
    for (const id of ['libboxlite', 'runner-binary', 'api-deps']) expect(outcome(r, id), id).toBe('cached');
    expect(outcome(r, 'api')).toBe('reused');
    expect(outcome(r, 'runner')).toBe('reused');
    const after = await stack();
    expect(pidOf(after, 'api')).toBe(pidOf(before, 'api'));
    expect(after.api!.url).toBe(before.api!.url);
  });

  it('teardown stops both; setup after it rebuilds nothing and starts them again', {
    timeout: 300_000,
  }, async () => {
    const s = await stack();
    const runnerPid = pidOf(s, 'runner');
    await teardownStack({ config, quiet: true, wipeData: false, full: false });
    expect(pidMatches(runnerPid, 'boxlite-runner')).toBe(false);
    await expect(stat(join(stateDir, 'boxlite-stack', 'boxlite-api.env'))).rejects.toThrow();
    await expect(stat(join(stateDir, 'boxlite-stack', 'boxlite-secrets.env'))).resolves.toBeTruthy();
    const r = await setup('after-teardown');
    for (const id of ['libboxlite', 'runner-binary', 'api-deps']) expect(outcome(r, id), id).toBe('cached');
    expect(outcome(r, 'runner')).toBe('ran');
    expect(
      await probeRunnerRegistered(
        r.api.url,
        (await readSecrets((await stack()).secretsFile)).ADMIN_API_KEY,
        'default',
      ),
    ).toBe('ready');
  });
});
