import { describe, expect, it } from 'vitest';
import { cargoCommand } from './build.ts';
import { cliBinaryEnv, cliBinarySpec } from './options.ts';
import { cacheKey, cliPaths, parseRecord, versionFrom } from './spec.ts';

describe('CLI binary cache', () => {
  it('keys by version, source and features; a checkout by its path', () => {
    expect(cacheKey({ kind: 'crates', version: '0.11.0' })).toBe('boxlite-cli-0.11.0-crates-deps-stub');
    const a = cacheKey({ kind: 'checkout', dir: '/src/boxlite' });
    expect(a).toMatch(/^boxlite-cli-checkout-[0-9a-f]{10}-native$/);
    expect(cacheKey({ kind: 'checkout', dir: '/other/boxlite' })).not.toBe(a);
  });

  it('keeps every key under the shared cache root with one shared cargo target dir', () => {
    const p = cliPaths({ cacheRoot: '/c', source: { kind: 'crates', version: '0.11.0' } });
    expect(p.binary).toBe('/c/cli/boxlite-cli-0.11.0-crates-deps-stub/bin/boxlite');
    expect(p.targetDir).toBe('/c/cargo-target');
    expect(cliPaths({ cacheRoot: '/c', source: { kind: 'checkout', dir: '/s' } }).targetDir).toBe(
      '/c/cargo-target',
    );
  });

  it('trusts only a well-formed record of the same key', () => {
    const rec = {
      schema: 'boxlite-e2e/cli-binary',
      version: 1,
      key: 'k',
      cliVersion: '0.11.0',
      binary: '/b',
      size: 1,
      mtimeMs: 2,
    };
    expect(parseRecord(JSON.stringify(rec), 'k')).toMatchObject({ binary: '/b' });
    expect(parseRecord(JSON.stringify(rec), 'other')).toBeNull();
    expect(parseRecord(JSON.stringify({ ...rec, version: 2 }), 'k')).toBeNull();
    expect(parseRecord('{', 'k')).toBeNull();
  });

  it('reads the version the CLI prints', () => {
    expect(versionFrom('boxlite 0.11.0\n')).toBe('0.11.0');
    expect(versionFrom('boxlite 0.12.0-rc.1')).toBe('0.12.0-rc.1');
    expect(versionFrom('usage: boxlite')).toBeNull();
  });

  it('builds crates.io with stubbed native deps into the key dir; a checkout with real deps', () => {
    const crates = cargoCommand({
      source: { kind: 'crates', version: '0.11.0' },
      binary: '/c/cli/k/bin/boxlite',
      targetDir: '/c/cargo-target',
    });
    expect(crates.args).toEqual([
      'install',
      'boxlite-cli',
      '--version',
      '0.11.0',
      '--locked',
      '--root',
      '/c/cli/k',
    ]);
    expect(crates.env).toEqual({ CARGO_TARGET_DIR: '/c/cargo-target', BOXLITE_DEPS_STUB: '1' });
    const checkout = cargoCommand({ source: { kind: 'checkout', dir: '/s' }, binary: '/b', targetDir: '/t' });
    expect(checkout).toEqual({
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
