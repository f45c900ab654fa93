import { describe, expect, it } from 'vitest';
import { UsageError } from '../../kernel/errors.ts';
import { parseApiArgs } from './config.ts';

const base = [
  '--port',
  '0',
  '--stack',
  '/s.json',
  '--runner-url',
  'http://127.0.0.1:9/x',
  '--access-log',
  '/a',
];

describe('sim API CLI', () => {
  it('required flags; the runner URL is reduced to its origin', () => {
    expect(parseApiArgs(base, {})).toMatchObject({
      port: 0,
      host: '127.0.0.1',
      stack: '/s.json',
      runnerUrl: 'http://127.0.0.1:9',
      accessLog: '/a',
    });
  });

  it('--bugs wins over BOXLITE_SIM_BUGS (the one rule), it is not merged with it', () => {
    const env = { BOXLITE_SIM_BUGS: 'bad-token-500' };
    expect([...parseApiArgs([...base, '--bugs', 'quota-not-enforced'], env).bugs]).toEqual([
      'quota-not-enforced',
    ]);
    expect([...parseApiArgs(base, env).bugs]).toEqual(['bad-token-500']);
  });

  it.each([
    [[...base, '--runner-url', 'ftp://x'], /^--runner-url given twice$/],
    [base.map((a) => (a === 'http://127.0.0.1:9/x' ? 'ftp://x' : a)), /^--runner-url: must be http:\/\/$/],
    [[...base, '--db-name', 'Bad-Name'], /^--db-name: must be a lowercase SQL identifier$/],
    [[...base, '--bugs', 'nope'], /^--bugs: unknown bug switch "nope"/],
    [base.slice(2), /^--port is required/],
  ])('%j is a one-line usage error', (argv, message) => {
    expect(() => parseApiArgs(argv, {})).toThrow(UsageError);
    expect(() => parseApiArgs(argv, {})).toThrow(message);
  });
});
