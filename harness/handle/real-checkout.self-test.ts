/**
 * Target boxlite from a REAL BoxLite checkout, the whole path: `--plan`, setup (build the
 * library, the runner against the checkout's sdks/go, the API's yarn workspace; start the
 * OIDC issuer, API and runner; registration; `/v1/me`), the preflight's measurement of the
 * stack (a box create: it runs, or its typed failure is the `vm` evidence and nothing is left
 * behind), a case file against the stack file, and teardown leaving nothing running.
 * Runs when BOXLITE_E2E_CHECKOUT names a checkout; without one it is reported not runnable,
 * with that reason. Its own state dir: builds rerun incrementally in the checkout's target/
 * and node_modules, the runner rebuilds into that state dir's cache.
 */
import { chmod, cp, mkdtemp, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import type { BoxliteStackResult } from '../../bootstrap/boxlite-recipe/index.ts';
import { planBoxliteStack } from '../../bootstrap/boxlite-recipe/index.ts';
import { hostTools } from '../../bootstrap/boxlite-recipe/lifecycle.ts';
import { OIDC_NAME } from '../../bootstrap/boxlite-recipe/oidc.ts';
import type { PlanJson } from '../../bootstrap/boxlite-recipe/plan.ts';
import { probeRunnerRegistered } from '../../bootstrap/boxlite-recipe/probes.ts';
import { createRestDriver } from '../../drivers/rest/driver.ts';
import type { BootstrapConfig } from '../../kernel/config.ts';
import { statePaths } from '../../kernel/paths.ts';
import { inspectSupervised } from '../../kernel/process/supervised.ts';
import { readSecrets } from '../../kernel/secrets.ts';
import { isolatedConfig, runCaseFile, selfTestContext } from '../../kernel/self-test.ts';
import { readStackFile } from '../../kernel/stack-file.ts';
import { teardownStack } from '../../stack/down.ts';
import { setupStack } from '../../stack/up.ts';
import { resolveStackHandle, stackHandleOptions } from './handle.ts';
import { runPreflight } from './preflight.ts';

const checkout = selfTestContext().checkout;
const NO_CHECKOUT =
  'BOXLITE_E2E_CHECKOUT is not set: the whole-path self-test needs a BoxLite checkout to build';

let work: string;
let stateDir: string;
let config: BootstrapConfig;

/** Without a checkout: not runnable, said with the reason (never a silent pass). */
function requireCheckout(ctx: TestContext): string {
  if (checkout) return checkout;
  ctx.task.meta.notRunnable = NO_CHECKOUT;
  ctx.skip(`not runnable here: ${NO_CHECKOUT}`);
  throw new Error('unreachable');
}

beforeAll(async () => {
  if (!checkout) return;
  work = await mkdtemp(join(tmpdir(), 'e2e-real-checkout-'));
  await chmod(work, 0o755); // Postgres runs as its own user and must reach the state dir
  stateDir = join(work, 'state');
  config = isolatedConfig(stateDir, { target: 'boxlite' });
});

let failed = false;
afterEach((ctx) => {
  if (ctx.task.result?.state === 'fail') failed = true;
});

afterAll(async () => {
  if (!checkout) return;
  // A failure keeps the logs (teardown drops the state dir): they are the evidence.
  if (failed) await cp(join(stateDir, 'logs'), join(work, 'logs'), { recursive: true }).catch(() => {});
  await teardownStack({ config, quiet: true, wipeData: true, full: true }).catch(() => {});
  if (failed) console.log(`real-checkout self-test failed: logs kept in ${join(work, 'logs')}`);
  else await rm(work, { recursive: true, force: true });
});

describe('target boxlite from a real checkout', () => {
  it('--plan names the native-deps choice, the pinned yarn and the generated go.work', async (ctx) => {
    const root = requireCheckout(ctx);
    const plan = JSON.parse(
      await planBoxliteStack({
        checkout: root,
        paths: statePaths(stateDir),
        previous: null,
        json: true,
        host: hostTools(config.searchPath, { HOME: homedir() }),
      }),
    ) as PlanJson;
    const step = (id: string) => plan.steps.find((s) => s.id === id)!;
    expect(step('libboxlite').title).toMatch(/native deps: (stub|source)/);
    expect(step('libboxlite').keyFacts).toEqual(
      expect.arrayContaining([expect.stringMatching(/^native-deps=/)]),
    );
    expect(step('runner-binary').commands[0]).toMatch(/GOWORK=\S+\/go\.work go build/);
    expect(step('api-deps').commands[0]).toMatch(/HUSKY=0 yarn install$/);
  });

  let result: BoxliteStackResult | undefined;
  it('setup builds and starts it: runner registered on the admin route, /v1/me answers', {
    timeout: 3_600_000,
  }, async (ctx) => {
    const root = requireCheckout(ctx);
    await setupStack({
      config,
      quiet: true,
      boxlite: { checkout: root, toolEnv: { HOME: homedir() } },
      onRecipe: (r) => {
        result = r;
      },
    });
    const s = (await readStackFile(statePaths(stateDir).stackFile))!;
    expect(s.boxlite?.head).toMatch(/^[0-9a-f]{40}$/);
    const { ADMIN_API_KEY } = await readSecrets(s.secretsFile);
    expect(await probeRunnerRegistered(s.api!.url, ADMIN_API_KEY, 'default')).toBe('ready');
    expect(result!.pathPrefix).not.toBe('');
    ctx.annotate(result!.timings.map((t) => `${t.id} ${t.outcome} ${t.seconds.toFixed(1)} s`).join(', '));
  });

  it('the preflight measures a box: it runs, or its failure is the vm evidence and no box is left', {
    timeout: 600_000,
  }, async (ctx) => {
    requireCheckout(ctx);
    const stack = await resolveStackHandle({ ...stackHandleOptions({}), stateDir });
    const name = `e2e-real-${process.pid}-`;
    const preflight = await runPreflight(stack, `${name}preflight`);
    if (preflight.missing.vm) expect(preflight.missing.vm).toMatch(/POST \/boxes .*HTTP \d{3} \S/);
    const rest = createRestDriver(stack, () => {});
    const list = await rest.tenant<{ boxes: { name?: string | null }[] }>('GET', '/boxes');
    expect(list.json!.boxes.filter((b) => b.name?.startsWith(name))).toEqual([]);
    ctx.annotate(preflight.missing.vm ? `vm unmet: ${preflight.missing.vm}` : 'vm met: a box ran `true`');
  });

  it('a case file runs against the resulting stack file and says what it could not run', {
    timeout: 600_000,
  }, async (ctx) => {
    requireCheckout(ctx);
    const r = await runCaseFile(stateDir, 'cases/lifecycle.test.ts', 'boxlite');
    // Nothing unexpected: failures are claimed bugs (xfail) or cases not runnable here.
    expect(r.stdout, r.stderr).toMatch(/vitest: \d+ passed, 0 failed/);
    expect(r.exitCode, r.stderr.slice(-2000)).toBe(0);
  });

  it('teardown leaves no component running', { timeout: 300_000 }, async (ctx) => {
    requireCheckout(ctx);
    const paths = statePaths(stateDir);
    await teardownStack({ config, quiet: true, wipeData: false, full: false });
    for (const name of ['boxlite-api', 'boxlite-runner', OIDC_NAME])
      expect((await inspectSupervised(paths.runDir, name)).alive, name).toBe(false);
  });
});
