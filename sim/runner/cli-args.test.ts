import { describe, expect, test } from 'vitest';
import { UsageError } from '../../kernel/errors.ts';
import { parseRunnerArgs } from './cli-args.ts';

const base = ['--port', '0', '--stack', '/s.json', '--journal', '/j.log'];

describe('runner CLI', () => {
  test('required flags, --x=y form, bugs from flag or env', () => {
    const a = parseRunnerArgs([...base, '--bugs=exec-spawn-500,attach-no-replay'], {
      BOXLITE_SIM_BUGS: 'exec-user-500',
    });
    expect(a).toMatchObject({ port: 0, host: '127.0.0.1', stack: '/s.json', journal: '/j.log' });
    expect([...a.bugs]).toEqual(['exec-spawn-500', 'attach-no-replay']);
    expect([...parseRunnerArgs(base, { BOXLITE_SIM_BUGS: 'exec-user-500' }).bugs]).toEqual(['exec-user-500']);
  });

  test('bad input is a UsageError', () => {
    for (const argv of [
      [],
      ['--port', '0'],
      [...base, '--port', '1'],
      ['--port', '70000', '--stack', 'a', '--journal', 'b'],
      [...base, 'extra'],
      [...base, '--bugs', 'nope'],
    ]) {
      expect(() => parseRunnerArgs(argv, {}), argv.join(' ')).toThrow(UsageError);
    }
  });
});
