import { describe, expect, it } from 'vitest';
import { UsageError } from './errors.ts';
import { envOnly, type OptionTable, optionsHelp, resolveOptions } from './options.ts';

const TABLE = {
  mode: {
    flag: 'mode',
    env: 'BOXLITE_E2E_MARKERS',
    type: 'enum',
    values: ['on', 'off'],
    default: 'on',
    doc: 'm',
  },
  port: { flag: 'port', env: 'BOXLITE_E2E_REDIS_PORT', type: 'port', doc: 'p' },
  count: { flag: 'count', type: 'int', min: 1, max: 9, default: 3, doc: 'c' },
  quiet: { flag: 'quiet', short: 'q', type: 'bool', doc: 'q' },
  ryuk: { env: 'TESTCONTAINERS_RYUK_DISABLED', type: 'bool', default: true, doc: 'r' },
  list: { flag: 'list', env: 'BOXLITE_SIM_BUGS', type: 'list', doc: 'l' },
  dir: { env: 'BOXLITE_E2E_STATE_DIR', type: 'path', doc: 'd' },
  prefix: { env: 'BOXLITE_E2E_PREFIX', type: 'string', keepEmpty: true, doc: 'x' },
  name: {
    flag: 'name',
    type: 'string',
    doc: 'n',
    check: (v: string) => {
      if (v.includes(' ')) throw new Error('has a space');
    },
  },
} as const satisfies OptionTable;

const usage = (argv: string[], env: Record<string, string> = {}) => {
  try {
    resolveOptions(TABLE, argv, env);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).not.toContain('\n');
    return (err as Error).message;
  }
  throw new Error('no usage error');
};

describe('resolveOptions', () => {
  it('defaults: unset bool false, unset list empty, unset others undefined', () => {
    const { values } = resolveOptions(TABLE, [], {});
    expect(values).toEqual({
      mode: 'on',
      port: undefined,
      count: 3,
      quiet: false,
      ryuk: true,
      list: [],
      dir: undefined,
      prefix: undefined,
      name: undefined,
    });
  });

  it('one rule: a flag wins over its env variable, which wins over the default', () => {
    const env = { BOXLITE_E2E_MARKERS: 'off', BOXLITE_E2E_REDIS_PORT: '6000', BOXLITE_SIM_BUGS: 'a, b,,' };
    expect(resolveOptions(TABLE, [], env).values).toMatchObject({
      mode: 'off',
      port: 6000,
      list: ['a', 'b'],
    });
    const flags = ['--mode', 'on', '--port=7000', '--list', 'c', '-q'];
    expect(resolveOptions(TABLE, flags, env).values).toMatchObject({
      mode: 'on',
      port: 7000,
      list: ['c'],
      quiet: true,
    });
  });

  it("tolerates pnpm's leading `--`; blank env is unset unless the option keeps it", () => {
    expect(resolveOptions(TABLE, ['--', '--count', '5'], {}).values.count).toBe(5);
    const { values } = resolveOptions(TABLE, [], { BOXLITE_E2E_MARKERS: '  ', BOXLITE_E2E_PREFIX: '' });
    expect(values.mode).toBe('on');
    expect(values.prefix).toBe('');
  });

  it('paths are made absolute; positionals only when allowed', () => {
    expect(resolveOptions(TABLE, [], { BOXLITE_E2E_STATE_DIR: 'rel/dir' }).values.dir).toBe(
      `${process.cwd()}/rel/dir`,
    );
    expect(resolveOptions(TABLE, ['a.ts', '--quiet', 'b.ts'], {}, { positionals: true }).positionals).toEqual(
      ['a.ts', 'b.ts'],
    );
    expect(usage(['a.ts'])).toMatch(/^unexpected argument "a.ts" \(flags: --mode, --port/);
  });

  it('malformed values name the flag or the variable they came from, in one line', () => {
    expect(usage(['--mode', 'maybe'])).toBe('--mode="maybe" is not one of: on, off');
    expect(usage([], { BOXLITE_E2E_MARKERS: 'maybe' })).toBe(
      'BOXLITE_E2E_MARKERS="maybe" is not one of: on, off',
    );
    expect(usage([], { BOXLITE_E2E_REDIS_PORT: '0' })).toBe(
      'BOXLITE_E2E_REDIS_PORT="0" is not a TCP port (1-65535)',
    );
    expect(usage(['--count', '10'])).toBe('--count="10" is not an integer from 1 to 9');
    expect(usage([], { TESTCONTAINERS_RYUK_DISABLED: 'perhaps' })).toBe(
      'TESTCONTAINERS_RYUK_DISABLED="perhaps" is not a boolean (true/false)',
    );
    expect(usage(['--name', 'a b'])).toBe('--name: has a space');
  });

  it('unknown, value-less and repeated flags are usage errors listing the flags', () => {
    expect(usage(['--frob'])).toBe(
      'unknown flag --frob (flags: --mode, --port, --count, --quiet, --list, --name)',
    );
    expect(usage(['--port'])).toBe('--port needs a value');
    expect(usage(['--count', '1', '--count', '2'])).toBe('--count given twice');
  });

  it('a required option without a default must be given', () => {
    const t = {
      stack: { flag: 'stack', type: 'path', required: true, doc: 's' },
    } as const satisfies OptionTable;
    expect(() => resolveOptions(t, [], {})).toThrow(/^--stack is required \(--stack\)$/);
  });

  it('envOnly drops the flags; help lists flags with their variable and default', () => {
    expect(() => resolveOptions(envOnly(TABLE), ['--mode', 'on'], {})).toThrow(
      /^unknown flag --mode \(this command takes no flags\)$/,
    );
    expect(optionsHelp(TABLE)).toContain('  --mode <value>  m (env BOXLITE_E2E_MARKERS, default on)');
    expect(optionsHelp(TABLE)).toContain('  --quiet  q');
  });
});
