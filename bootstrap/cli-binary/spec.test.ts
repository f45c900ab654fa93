import { describe, expect, it } from 'vitest';
import { checkoutCargoCommand } from './build.ts';
import { cliBinaryEnv, cliBinarySpec } from './options.ts';
import { checkoutKey, versionFrom } from './spec.ts';

describe('CLI binary spec', () => {
  it('keys a checkout by its path', () => {
    const a = checkoutKey('/src/boxlite');
    expect(a).toMatch(/^boxlite-cli-checkout-[0-9a-f]{10}-native$/);
    expect(checkoutKey('/other/boxlite')).not.toBe(a);
  });

  it('reads the version the CLI prints', () => {
    expect(versionFrom('boxlite 0.11.0\n')).toBe('0.11.0');
    expect(versionFrom('boxlite 0.12.0-rc.1')).toBe('0.12.0-rc.1');
    expect(versionFrom('usage: boxlite')).toBeNull();
  });

  it('builds a checkout with its own lock and real deps into the shared target dir', () => {
    expect(checkoutCargoCommand({ dir: '/s', targetDir: '/t' })).toEqual({
      args: ['build', '--release', '--locked', '-p', 'boxlite-cli'],
      env: { CARGO_TARGET_DIR: '/t' },
      cwd: '/s',
    });
  });
});

describe('CLI binary options', () => {
  it('a checkout beats crates.io, a named binary beats both; the env form chooses the same', () => {
    const base = { cliBin: undefined, cliCheckout: undefined, cliVersion: '0.11.0', cacheDir: '/c' };
    expect(cliBinarySpec(base).source).toEqual({ kind: 'crates', version: '0.11.0' });
    expect(cliBinarySpec({ ...base, cliCheckout: '/src' }).source).toEqual({ kind: 'checkout', dir: '/src' });
    expect(cliBinarySpec({ ...base, cliCheckout: '/src', cliBin: '/b' }).source).toEqual({
      kind: 'binary',
      path: '/b',
    });
    expect(cliBinaryEnv({ ...base, cliCheckout: '/src' })).toEqual({
      BOXLITE_E2E_CACHE_DIR: '/c',
      BOXLITE_E2E_CLI_CHECKOUT: '/src',
    });
    expect(cliBinaryEnv(base)).toEqual({ BOXLITE_E2E_CACHE_DIR: '/c', BOXLITE_E2E_CLI_VERSION: '0.11.0' });
  });
});
