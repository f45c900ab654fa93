import { describe, expect, it } from 'vitest';
import { BOOTSTRAP_OPTIONS, bootstrapConfig, DEFAULT_SERVICE_IMAGES, readConfig } from './config.ts';
import { UsageError } from './errors.ts';
import { resolveOptions } from './options.ts';
import { REPO_ROOT } from './paths.ts';

describe('bootstrap config', () => {
  it('defaults: host provider, no target, state dir under the repo, Ryuk off, local images', () => {
    const c = readConfig({});
    expect(c.provider).toBe('host');
    expect(c.target).toBeNull();
    expect(c.stateDir).toBe(`${REPO_ROOT}/.e2e-state`);
    expect(c.ryuk).toBe(false);
    expect(c.images).toEqual(DEFAULT_SERVICE_IMAGES);
    expect(c.pinnedPorts).toEqual({});
    expect(c.dockerHost).toBe('unix:///var/run/docker.sock');
    expect(c.simDockerTimeoutMs).toBeUndefined();
  });

  it('reads provider, target, pinned ports, image overrides, Ryuk, Docker, PATH and the sim runner Docker bound from env', () => {
    const c = readConfig({
      BOXLITE_E2E_PROVIDER: 'containers',
      BOXLITE_E2E_TARGET: 'sim',
      BOXLITE_E2E_POSTGRES_PORT: '6543',
      BOXLITE_E2E_REDIS_IMAGE: 'my/redis:7',
      TESTCONTAINERS_RYUK_DISABLED: 'false',
      BOXLITE_E2E_STATE_DIR: '/tmp/x-state',
      DOCKER_HOST: 'tcp://127.0.0.1:2375',
      PATH: '/opt/bin',
      BOXLITE_SIM_DOCKER_TIMEOUT_MS: '30000',
    });
    expect(c.provider).toBe('containers');
    expect(c.target).toBe('sim');
    expect(c.pinnedPorts).toEqual({ postgres: 6543 });
    expect(c.images.redis).toBe('my/redis:7');
    expect(c.images.postgres).toBe(DEFAULT_SERVICE_IMAGES.postgres);
    expect(c.ryuk).toBe(true);
    expect(c.stateDir).toBe('/tmp/x-state');
    expect(c.dockerHost).toBe('tcp://127.0.0.1:2375');
    expect(c.searchPath).toBe('/opt/bin');
    expect(c.simDockerTimeoutMs).toBe(30_000);
  });

  it('flags win over env', () => {
    const { values } = resolveOptions(BOOTSTRAP_OPTIONS, ['--provider', 'host', '--target=boxlite'], {
      BOXLITE_E2E_PROVIDER: 'containers',
      BOXLITE_E2E_TARGET: 'sim',
    });
    expect(bootstrapConfig(values)).toMatchObject({ provider: 'host', target: 'boxlite' });
  });

  it.each([
    [
      { BOXLITE_E2E_PROVIDER: 'kubernetes' },
      /BOXLITE_E2E_PROVIDER="kubernetes" is not one of: host, containers/,
    ],
    [{ BOXLITE_E2E_TARGET: 'prod' }, /BOXLITE_E2E_TARGET="prod" is not one of: sim, boxlite/],
    [{ BOXLITE_E2E_REDIS_PORT: '70000' }, /BOXLITE_E2E_REDIS_PORT="70000" is not a TCP port/],
    [{ BOXLITE_E2E_POSTGRES_PORT: '54x' }, /BOXLITE_E2E_POSTGRES_PORT="54x" is not a TCP port/],
    [{ BOXLITE_SIM_DOCKER_TIMEOUT_MS: '0' }, /BOXLITE_SIM_DOCKER_TIMEOUT_MS="0" is not an integer ≥ 1/],
    [{ TESTCONTAINERS_RYUK_DISABLED: 'maybe' }, /TESTCONTAINERS_RYUK_DISABLED="maybe" is not a boolean/],
    [
      { DOCKER_HOST: 'ssh://me@h' },
      /^DOCKER_HOST: "ssh:\/\/me@h" is not unix:\/\/\/path or tcp:\/\/host:port$/,
    ],
  ])('malformed env %o is a one-line usage error (exit 2)', (env, message) => {
    let caught: unknown;
    try {
      readConfig(env);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(UsageError);
    expect((caught as UsageError).exitCode).toBe(2);
    expect((caught as Error).message).toMatch(message);
    expect((caught as Error).message).not.toContain('\n');
  });
});
