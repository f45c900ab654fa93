import { describe, expect, it } from 'vitest';
import { pinnedYarn, UNPINNED_YARN, yarnChoice, yarnInstallArgv, yarnInstallEnv } from './yarn.ts';

describe('the yarn the recipe installs with', () => {
  it('is the packageManager pin, from npm @yarnpkg/cli-dist for yarn ≥ 2', () => {
    const y = yarnChoice(JSON.stringify({ packageManager: 'yarn@4.13.0' }), '/c');
    expect(y).toMatchObject({
      version: '4.13.0',
      pkg: '@yarnpkg/cli-dist',
      binDir: '/c/boxlite-stack/yarn/4.13.0/node_modules/.bin',
    });
    expect(yarnInstallArgv(y)).toEqual(
      expect.arrayContaining(['npm', 'install', '@yarnpkg/cli-dist@4.13.0']),
    );
  });

  it('drops the pin hash and takes classic from npm `yarn`', () => {
    expect(pinnedYarn(JSON.stringify({ packageManager: 'yarn@4.13.0+sha512.abc' }))).toBe('4.13.0');
    expect(yarnChoice(JSON.stringify({ packageManager: 'yarn@1.22.19' }), '/c').pkg).toBe('yarn');
  });

  it('is classic 1.22.22 without a pin', () => {
    expect(yarnChoice('{}', '/c')).toMatchObject({
      version: UNPINNED_YARN,
      pkg: 'yarn',
      source: 'no packageManager pin',
    });
  });

  it('refuses another package manager with a one-line reason', () => {
    expect(() => pinnedYarn(JSON.stringify({ packageManager: 'pnpm@10.0.0' }))).toThrow(/pins "pnpm@10.0.0"/);
  });

  it('installs without classic-only flags and with husky off', () => {
    expect(yarnInstallEnv()).toEqual({ HUSKY: '0' });
  });
});
