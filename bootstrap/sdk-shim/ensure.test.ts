import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProgress } from '../../kernel/progress.ts';
import { writeFakeCargo } from '../cargo-workspace/testkit.ts';
import { ensureCliBinary } from '../cli-binary/index.ts';
import { ensureSdkDrivers, findSdkDrivers } from './index.ts';

/** Stand-ins: cc and go write their -o output; the checkout's cargo writes its libboxlite.a. */
const FAKE_OUT = `#!/bin/sh
for a; do [ "$prev" = -o ] && out=$a; prev=$a; done
printf '#!/bin/sh\\necho built\\n' > "$out" && chmod +x "$out"
echo "$@" >> "$(dirname "$out")/calls.log"
`;
const CHECKOUT_CARGO = `#!/bin/sh
[ "$1" = -vV ] && { echo 'host: x'; exit 0; }
case "$*" in *boxlite-c*) ;; *) echo "unexpected cargo $*" >&2; exit 9;; esac
mkdir -p "$CARGO_TARGET_DIR/release" && pwd > "$CARGO_TARGET_DIR/release/built-in"
printf 'c-archive' > "$CARGO_TARGET_DIR/release/libboxlite.a"
`;

let dir = '';
let bin = '';
const quiet = createProgress(process.stderr, true);

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sdk-shim-'));
  bin = join(dir, 'bin');
  await writeFakeCargo(dir);
  for (const [name, body] of [
    ['cc', FAKE_OUT],
    ['go', FAKE_OUT],
    ['checkout-cargo', CHECKOUT_CARGO],
  ] as const)
    await writeFile(join(bin, name), body, { mode: 0o755 });
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ensureSdkDrivers', () => {
  it('builds the workspace (CLI and shim in one cargo run), then both drivers; then answers from the record', async () => {
    const spec = { cacheRoot: join(dir, 'cache'), source: { kind: 'shim' } } as const;
    expect(await findSdkDrivers(spec)).toBeNull();
    const tools = { cargo: join(bin, 'cargo'), cc: join(bin, 'cc'), go: join(bin, 'go') };
    const built = await ensureSdkDrivers(spec, { progress: quiet, searchPath: bin, tools });
    expect(built.source).toBe('shim');
    expect(built.c).toBe(join(dir, 'cache/sdk-drivers/sdk-drivers-shim-boxlite-0.11.0/bin/c-driver'));
    expect(await readFile(join(dir, 'cargo-builds'), 'utf8')).toContain(
      '-p boxlite-cli -p boxlite-e2e-sdk-shim',
    );
    // The CLI came out of the same cargo run: asking for it builds nothing.
    const cli = await ensureCliBinary(
      { cacheRoot: join(dir, 'cache'), source: { kind: 'crates', version: '0.11.0' } },
      { progress: quiet, cargo: '/nonexistent', searchPath: bin },
    );
    expect(cli.cliVersion).toBe('0.11.0');
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
    const tools = { cargo: join(bin, 'checkout-cargo'), cc: join(bin, 'cc'), go: join(bin, 'go') };
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
      /^cc drivers\/c failed \(exit 1\) after \d+s; see .*sdk-drivers-shim-boxlite-0\.11\.0\.build\.log$/,
    );
    expect(err.message).not.toContain('\n');
    expect(await findSdkDrivers(spec)).toBeNull();
  });
});
