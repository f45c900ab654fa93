import { describe, expect, test } from 'vitest';
import { UsageError } from '../../kernel/errors.ts';
import { parseRunnerArgs } from './cli-args.ts';

const base = ['--port', '0', '--stack', '/s.json', '--journal', '/j.log'];

describe('runner CLI', () => {
  test('required flags, --x=y form; a flag wins over its env variable', () => {
    const a = parseRunnerArgs([...base, '--bugs=exec-spawn-500,attach-no-replay'], {
      BOXLITE_SIM_BUGS: 'exec-user-500',
    });
    expect(a).toMatchObject({ port: 0, host: '127.0.0.1', stack: '/s.json', journal: '/j.log' });
    expect([...a.bugs]).toEqual(['exec-spawn-500', 'attach-no-replay']);
    expect([...parseRunnerArgs(base, { BOXLITE_SIM_BUGS: 'exec-user-500' }).bugs]).toEqual(['exec-user-500']);
  });

  test('the Docker endpoint and call bound: flag, then env, then the default', () => {
    expect(parseRunnerArgs(base, {})).toMatchObject({
      dockerHost: 'unix:///var/run/docker.sock',
      dockerTimeoutMs: 10_000,
    });
    const env = { DOCKER_HOST: 'tcp://127.0.0.1:2375', BOXLITE_SIM_DOCKER_TIMEOUT_MS: '1500' };
    expect(parseRunnerArgs(base, env)).toMatchObject({ dockerHost: env.DOCKER_HOST, dockerTimeoutMs: 1500 });
    expect(parseRunnerArgs([...base, '--docker-host', 'unix:///x.sock'], env).dockerHost).toBe(
      'unix:///x.sock',
    );
  });

  test('bad input is a UsageError', () => {
    for (const argv of [
      [],
      ['--port', '0'],
      [...base, '--port', '1'],
      ['--port', '70000', '--stack', 'a', '--journal', 'b'],
      [...base, 'extra'],
      [...base, '--bugs', 'nope'],
      [...base, '--docker-host', 'ssh://x'],
    ]) {
      expect(() => parseRunnerArgs(argv, {}), argv.join(' ')).toThrow(UsageError);
    }
    expect(() => parseRunnerArgs(base, { BOXLITE_SIM_DOCKER_TIMEOUT_MS: 'soon' })).toThrow(
      /^BOXLITE_SIM_DOCKER_TIMEOUT_MS="soon" is not an integer ≥ 1$/,
    );
  });
});
