import { describe, expect, it } from 'vitest';
import { sdkShimEnv, sdkShimSpec } from './options.ts';
import { checkoutInputs, driverBuildPlan, GO_SDK_MODULE } from './plan.ts';
import { driversKey, driversPaths } from './spec.ts';

const tools = { cargo: '/t/cargo', cc: '/t/cc', go: '/t/go' };

describe('SDK driver build plan', () => {
  it('against a checkout: cargo -p boxlite-c in it, then cc and go on its header, libboxlite and sdks/go', () => {
    const co = checkoutInputs('/src/boxlite', tools, '/c/cargo-target');
    expect(co.cargo).toMatchObject({
      cmd: '/t/cargo',
      args: ['build', '--release', '--locked', '-p', 'boxlite-c'],
      cwd: '/src/boxlite',
      env: { CARGO_TARGET_DIR: '/c/cargo-target' },
    });
    expect(co.includeDir).toBe('/src/boxlite/sdks/c/include');
    expect(co.library).toBe('/c/cargo-target/release/libboxlite.a');
    expect(co.goSdkDir).toBe('/src/boxlite/sdks/go');

    const plan = driverBuildPlan(
      {
        includeDir: co.includeDir,
        libDir: '/k/lib',
        goSdkDir: co.goSdkDir,
        outDir: '/k/bin',
        goCache: '/c/go',
      },
      tools,
      'module boxlite-e2e/drivers/go\n\nrequire github.com/boxlite-ai/boxlite/sdks/go v0.0.0\n',
    );
    expect(plan.outputs).toEqual({ c: '/k/bin/c-driver', go: '/k/bin/go-driver' });
    expect(plan.modfile.path).toBe('/k/bin/go-driver.mod');
    expect(plan.modfile.text).toContain(`replace ${GO_SDK_MODULE} => /src/boxlite/sdks/go\n`);
    const [cc, go] = plan.steps;
    expect(cc!.cmd).toBe('/t/cc');
    expect(cc!.args).toEqual(
      expect.arrayContaining(['-I', '/src/boxlite/sdks/c/include', '-o', '/k/bin/c-driver']),
    );
    // libboxlite is linked statically: the driver runs without LD_LIBRARY_PATH.
    expect(cc!.args.join(' ')).toContain('-L /k/lib -Wl,--gc-sections -Wl,-Bstatic -lboxlite -Wl,-Bdynamic');
    expect(cc!.args.filter((a) => a.endsWith('.c')).map((a) => a.split('/').slice(-2).join('/'))).toEqual([
      'c/driver.c',
      'c/ops.c',
      'c/session.c',
      'c/json.c',
    ]);
    expect(go!.cmd).toBe('/t/go');
    expect(go!.args).toEqual([
      'build',
      '-modfile',
      '/k/bin/go-driver.mod',
      '-trimpath',
      '-ldflags=-s -w -extldflags=-Wl,--gc-sections',
      '-o',
      '/k/bin/go-driver',
      '.',
    ]);
    expect(go!.cwd).toMatch(/drivers\/go$/);
    expect(go!.env).toMatchObject({
      CGO_ENABLED: '1',
      CGO_CFLAGS: '-I/src/boxlite/sdks/c/include',
      CGO_LDFLAGS: '-L/k/lib',
      GOCACHE: '/c/go/build',
      GOPROXY: 'off',
    });
  });
});

describe('SDK driver cache', () => {
  it('keys by source; every key under the shared cache root', () => {
    expect(driversKey({ kind: 'shim' })).toBe('sdk-drivers-shim-boxlite-0.11.0');
    const a = driversKey({ kind: 'checkout', dir: '/a' });
    expect(a).toMatch(/^sdk-drivers-checkout-[0-9a-f]{12}$/);
    expect(driversKey({ kind: 'checkout', dir: '/b' })).not.toBe(a);
    const p = driversPaths({ cacheRoot: '/c', source: { kind: 'shim' } });
    expect(p.outDir).toBe(`/c/sdk-drivers/${p.key}/bin`);
    expect(p.log).toBe(`/c/sdk-drivers/${p.key}.build.log`);
    expect(p.goCache).toBe('/c/go');
  });

  it('a checkout option selects the checkout; the env form chooses the same', () => {
    expect(sdkShimSpec({ sdkCheckout: undefined, cacheDir: '/c' })).toEqual({
      cacheRoot: '/c',
      source: { kind: 'shim' },
    });
    expect(sdkShimSpec({ sdkCheckout: '/src', cacheDir: '/c' }).source).toEqual({
      kind: 'checkout',
      dir: '/src',
    });
    expect(sdkShimEnv({ sdkCheckout: '/src', cacheDir: '/c' })).toEqual({
      BOXLITE_E2E_CACHE_DIR: '/c',
      BOXLITE_E2E_SDK_CHECKOUT: '/src',
    });
  });
});
