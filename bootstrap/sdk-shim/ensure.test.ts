import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProgress } from '../../kernel/progress.ts';
import { ensureSdkDrivers, findSdkDrivers } from './index.ts';

/** Stand-ins: cargo writes the shim library, cc and go write their -o output. */
const FAKE_CARGO = `#!/bin/sh
case "$*" in *--manifest-path*) [ "$BOXLITE_DEPS_STUB" = 1 ] || { echo 'BOXLITE_DEPS_STUB not set' >&2; exit 9; };; esac
echo "   Compiling boxlite-e2e-sdk-shim v0.1.0" >&2
mkdir -p "$CARGO_TARGET_DIR/release" && printf 'shim-archive' > "$CARGO_TARGET_DIR/release/libboxlite_e2e_shim.a"
case "$*" in *boxlite-c*) pwd > "$CARGO_TARGET_DIR/release/built-in" && printf 'c-archive' > "$CARGO_TARGET_DIR/release/libboxlite.a";; esac
`;
const FAKE_OUT = `#!/bin/sh
for a; do [ "$prev" = -o ] && out=$a; prev=$a; done
printf '#!/bin/sh\\necho built\\n' > "$out" && chmod +x "$out"
echo "$@" >> "$(dirname "$out")/calls.log"
`;

let dir = '';
let bin = '';
const quiet = createProgress(process.stderr, true);

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sdk-shim-'));
  bin = join(dir, 'bin');
  await mkdir(bin);
  for (const [name, body] of [
    ['cargo', FAKE_CARGO],
    ['cc', FAKE_OUT],
    ['go', FAKE_OUT],
    ['protoc', '#!/bin/sh\necho libprotoc 3\n'],
  ] as const) {
    await writeFile(join(bin, name), body);
    await chmod(join(bin, name), 0o755);
  }
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ensureSdkDrivers', () => {
  it('builds both drivers once into the keyed dir, then answers from the record', async () => {
    const spec = { cacheRoot: join(dir, 'cache'), source: { kind: 'shim' } } as const;
    expect(await findSdkDrivers(spec)).toBeNull();
    const tools = { cargo: join(bin, 'cargo'), cc: join(bin, 'cc'), go: join(bin, 'go') };
    const built = await ensureSdkDrivers(spec, { progress: quiet, searchPath: bin, tools });
    expect(built.source).toBe('shim');
    expect(built.c).toMatch(
      /cache\/sdk-drivers\/sdk-drivers-shim-boxlite-0\.11\.0-[0-9a-f]{12}\/bin\/c-driver$/,
    );
    expect(built.go).toBe(join(built.c, '..', 'go-driver'));
    // The library was copied out of the shared target dir under the name the drivers link, and
    // kept there for other drivers that link it (upstream's own C and Go e2e drivers).
    const calls = await readFile(join(built.c, '..', 'calls.log'), 'utf8');
    expect(calls).toContain(`-L ${join(built.c, '..', '..', 'lib')}`);
    expect(built.sdk.libDir).toBe(join(built.c, '..', '..', 'lib'));
    await expect(readFile(join(built.sdk.libDir, 'libboxlite.a'))).resolves.toBeDefined();
    expect(calls).toContain('-lboxlite');
    expect(calls).toContain('-modfile');
    // Warm: no tool is run at all.
    const gone = { cargo: '/nonexistent', cc: '/nonexistent', go: '/nonexistent' };
    expect(await ensureSdkDrivers(spec, { progress: quiet, searchPath: bin, tools: gone })).toEqual(built);
    expect(await findSdkDrivers(spec)).toEqual(built);
    // A replaced binary is not the recorded one.
    await writeFile(built.go, '#!/bin/sh\necho other\n');
    expect(await findSdkDrivers(spec)).toBeNull();
  });

  it('against a checkout: its boxlite-c, header and sdks/go; a new commit is a new build', async () => {
    const co = join(dir, 'boxlite');
    await mkdir(join(co, 'sdks', 'c', 'include'), { recursive: true });
    await mkdir(join(co, 'sdks', 'go'), { recursive: true });
    await writeFile(join(co, 'sdks', 'c', 'include', 'boxlite.h'), '/* upstream */\n');
    const git = (...args: string[]) => execa('git', ['-C', co, ...args]);
    await execa('git', ['init', '-q', co]);
    await git('add', '.');
    await git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'one');
    const spec = { cacheRoot: join(dir, 'cache'), source: { kind: 'checkout', dir: co } } as const;
    const tools = { cargo: join(bin, 'cargo'), cc: join(bin, 'cc'), go: join(bin, 'go') };
    const built = await ensureSdkDrivers(spec, { progress: quiet, searchPath: bin, tools });
    expect(built).toMatchObject({
      source: 'checkout',
      sourceRef: expect.stringMatching(/boxlite@[0-9a-f]{40}$/),
    });
    expect((await readFile(join(dir, 'cache', 'cargo-target', 'release', 'built-in'), 'utf8')).trim()).toBe(
      co,
    );
    const calls = await readFile(join(built.c, '..', 'calls.log'), 'utf8');
    expect(calls).toContain(`-I ${join(co, 'sdks', 'c', 'include')}`);
    expect(await readFile(join(built.c, '..', 'go-driver.mod'), 'utf8')).toContain(
      `=> ${join(co, 'sdks', 'go')}`,
    );
    expect(await findSdkDrivers(spec)).toEqual(built);
    await git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '--allow-empty', '-m', 'two');
    expect(await findSdkDrivers(spec)).toBeNull();
  });

  it('a failed step is one line naming the step and the log file', async () => {
    const spec = { cacheRoot: join(dir, 'cache'), source: { kind: 'shim' } } as const;
    await writeFile(join(bin, 'cc'), '#!/bin/sh\necho "driver.c:1: error: boom" >&2\nexit 1\n');
    const tools = { cargo: join(bin, 'cargo'), cc: join(bin, 'cc'), go: join(bin, 'go') };
    const err = (await ensureSdkDrivers(spec, { progress: quiet, searchPath: bin, tools }).catch(
      (e: Error) => e,
    )) as Error;
    expect(err.message).toMatch(
      /^cc drivers\/c failed \(exit 1\) after \d+s; see .*sdk-drivers-shim-.*\.build\.log$/,
    );
    expect(err.message).not.toContain('\n');
    expect(await findSdkDrivers(spec)).toBeNull();
  });
});
