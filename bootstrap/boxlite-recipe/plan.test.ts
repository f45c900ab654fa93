/** The plan against the reference recipe, unit files, env files and the step cache. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statePaths } from '../../kernel/paths.ts';
import { apiEnv, type EnvInputs, runnerEnv } from './env-file.ts';
import { writeFakeCheckout } from './fake-checkout/write.ts';
import { planBoxliteStack } from './index.ts';
import { hostTools } from './lifecycle.ts';
import type { PlanJson } from './plan.ts';
import { REFERENCE_RECIPE } from './reference.ts';
import { StepCache } from './step-cache.ts';
import { renderUnit } from './units.ts';

let work: string;
let plan: PlanJson;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'boxlite-plan-'));
  const { root } = await writeFakeCheckout(join(work, 'checkout'));
  const paths = statePaths(join(work, 'state'));
  plan = JSON.parse(
    await planBoxliteStack({
      checkout: root,
      paths,
      previous: null,
      json: true,
      mode: 'supervisor',
      host: hostTools('', {}),
    }),
  );
});
afterAll(() => rm(work, { recursive: true, force: true }));

describe('boxlite recipe plan', () => {
  it('holds every reference step, or says why it differs', () => {
    for (const r of REFERENCE_RECIPE) {
      if ('different' in r) {
        expect(r.different.length, r.ref).toBeGreaterThan(20);
        continue;
      }
      const step = plan.steps.find((s) => s.id === r.step);
      expect(step, r.ref).toBeDefined();
      const text = [...step!.commands, ...step!.actions, step!.probe].join('\n');
      expect(text, r.ref).toContain(r.expect);
    }
  });

  it('keys build steps by tree hash, chained through what they link', () => {
    const lib = plan.steps.find((s) => s.id === 'libboxlite')!;
    const runner = plan.steps.find((s) => s.id === 'runner-binary')!;
    expect(lib.key).toMatch(/^[0-9a-f]{16}$/);
    expect(runner.key).toContain(`-${lib.key!.slice(0, 8)}`);
    expect(lib.cached).toBe(false);
  });
});

describe('step cache', () => {
  it('hits only with the same key and every output present', async () => {
    const cache = await StepCache.open(join(work, 'cache'));
    await cache.put('x', {
      key: 'k1',
      outputs: [join(work, 'checkout', 'Makefile')],
      builtAt: '',
      seconds: 1,
    });
    expect(await cache.hit('x', 'k1')).not.toBeNull();
    expect(await cache.hit('x', 'k2')).toBeNull();
    await cache.put('y', { key: 'k1', outputs: [join(work, 'missing')], builtAt: '', seconds: 1 });
    expect(await (await StepCache.open(join(work, 'cache'))).hit('y', 'k1')).toBeNull();
  });
});

describe('env files and units', () => {
  const inputs: EnvInputs = {
    apiPort: 3000,
    runnerPort: 8080,
    runnerDomain: '127.0.0.1',
    db: { host: '127.0.0.1', port: 5432, user: 'boxlite', password: 'pw', database: 'db' },
    redis: { host: '127.0.0.1', port: 6379 },
    registry: '127.0.0.1:5000',
    secrets: {
      ENCRYPTION_KEY: 'ek',
      ENCRYPTION_SALT: 'es',
      ADMIN_API_KEY: 'ak',
      PROXY_API_KEY: 'pk',
      DEFAULT_RUNNER_API_KEY: 'rk',
    },
    homeDir: '/var/lib/boxlite',
    oidcIssuer: 'http://127.0.0.1:3099',
    systemImages: [['boxlite-e2e/busybox', '127.0.0.1:5000/boxlite-e2e/busybox:1']],
    fake: {},
  };
  it('pairs the runner to the API: its token is the default runner key, its URL the API', () => {
    const api = Object.fromEntries(apiEnv(inputs));
    const runner = Object.fromEntries(runnerEnv(inputs));
    expect(runner.BOXLITE_RUNNER_TOKEN).toBe(api.DEFAULT_RUNNER_API_KEY);
    expect(runner.BOXLITE_API_URL).toBe('http://127.0.0.1:3000/api');
    expect(api.DEFAULT_RUNNER_API_URL).toBe(`http://127.0.0.1:${runner.API_PORT}`);
    expect(api.DEFAULT_RUNNER_API_VERSION).toBe('2');
  });
  it('renders a unit with env files, no secret inline, and the log redirect when given', () => {
    const unit = renderUnit({
      name: 'boxlite-runner',
      description: 'r',
      user: 'ci',
      workingDirectory: '/w',
      environmentFiles: ['/s/boxlite-api.env', '/s/boxlite-runner.env'],
      environment: { PATH: '/usr/bin' },
      execStart: ['/s/bin/boxlite-runner'],
      restart: 'always',
      after: ['network.target', 'boxlite-api.service'],
      timeoutStopSec: 60,
    });
    expect(unit).toContain('EnvironmentFile=/s/boxlite-api.env\nEnvironmentFile=/s/boxlite-runner.env');
    expect(unit).toContain('ExecStart=/s/bin/boxlite-runner');
    expect(unit).toContain('Restart=always');
    expect(unit).toContain('TimeoutStopSec=60');
    expect(unit).not.toContain('StandardOutput');
    expect(unit).not.toContain('TOKEN');
  });
});
