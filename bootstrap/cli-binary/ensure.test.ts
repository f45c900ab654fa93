import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProgress } from '../../kernel/progress.ts';
import { ensureCliBinary, findCliBinary } from './index.ts';

/** A stand-in cargo: `install … --root R` writes R/bin/boxlite, a script printing the version. */
const FAKE_CARGO = `#!/bin/sh
[ "$1" = --version ] && { echo 'cargo 1.0.0'; exit 0; }
[ "$BOXLITE_DEPS_STUB" = 1 ] || { echo 'BOXLITE_DEPS_STUB not set' >&2; exit 9; }
for a; do [ "$prev" = --root ] && root=$a; [ "$prev" = --version ] && v=$a; prev=$a; done
echo "   Compiling boxlite-cli v$v" >&2
mkdir -p "$root/bin" && printf '#!/bin/sh\\necho boxlite %s\\n' "$v" > "$root/bin/boxlite" && chmod +x "$root/bin/boxlite"
echo "$CARGO_TARGET_DIR" > "$root/target-dir-used"
`;

let dir = '';
let bin = '';
const quiet = createProgress(process.stderr, true);
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-binary-'));
  bin = join(dir, 'bin');
  await mkdir(bin);
  for (const [name, body] of [
    ['cargo', FAKE_CARGO],
    ['protoc', '#!/bin/sh\necho libprotoc 3\n'],
  ] as const) {
    await writeFile(join(bin, name), body);
    await chmod(join(bin, name), 0o755);
  }
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ensureCliBinary', () => {
  it('builds once into the keyed dir with the shared target dir, then answers from the record', async () => {
    const spec = { cacheRoot: join(dir, 'cache'), source: { kind: 'crates', version: '0.11.0' } } as const;
    expect(await findCliBinary(spec)).toBeNull();
    const opts = { progress: quiet, cargo: join(bin, 'cargo'), searchPath: bin };
    const built = await ensureCliBinary(spec, opts);
    expect(built).toMatchObject({ cliVersion: '0.11.0', source: 'crates', sourceRef: '0.11.0' });
    expect(built.path).toBe(join(dir, 'cache/cli/boxlite-cli-0.11.0-crates-deps-stub/bin/boxlite'));
    const keyDir = join(dir, 'cache/cli/boxlite-cli-0.11.0-crates-deps-stub');
    expect((await readFile(join(keyDir, 'target-dir-used'), 'utf8')).trim()).toBe(
      join(dir, 'cache/cargo-target'),
    );
    expect(
      await readFile(join(dir, 'cache/cli/boxlite-cli-0.11.0-crates-deps-stub.build.log'), 'utf8'),
    ).toContain('Compiling boxlite-cli v0.11.0');
    // Warm: no cargo needed at all.
    expect(await ensureCliBinary(spec, { ...opts, cargo: '/nonexistent/cargo' })).toEqual(built);
    expect(await findCliBinary(spec)).toEqual(built);
    // A replaced binary is not the recorded one.
    await writeFile(built.path, '#!/bin/sh\necho boxlite 0.11.0 # changed\n');
    expect(await findCliBinary(spec)).toBeNull();
  });

  it('a missing cargo is one line naming the log file', async () => {
    const spec = { cacheRoot: join(dir, 'cache'), source: { kind: 'crates', version: '0.11.0' } } as const;
    const err = await ensureCliBinary(spec, {
      progress: quiet,
      cargo: join(dir, 'no-cargo'),
      searchPath: bin,
    }).catch((e: Error) => e);
    expect(String((err as Error).message)).toMatch(
      /cargo not found .*; see .*boxlite-cli-0\.11\.0-crates-deps-stub\.build\.log$/,
    );
    expect((err as Error).message).not.toContain('\n');
  });

  it('a failed build is one line naming the log file', async () => {
    const spec = { cacheRoot: join(dir, 'cache'), source: { kind: 'crates', version: '0.11.0' } } as const;
    await writeFile(
      join(bin, 'cargo'),
      '#!/bin/sh\n[ "$1" = --version ] && exit 0\necho "error[E0000]: boom" >&2\nexit 101\n',
    );
    const err = (await ensureCliBinary(spec, {
      progress: quiet,
      cargo: join(bin, 'cargo'),
      searchPath: bin,
    }).catch((e: Error) => e)) as Error;
    expect(err.message).toMatch(
      /building the boxlite CLI failed \(cargo exit 101\) after \d+s; see .*\.build\.log$/,
    );
    expect(await findCliBinary(spec)).toBeNull();
  });

  it('uses a named binary as is, reading its version', async () => {
    const spec = {
      cacheRoot: join(dir, 'cache'),
      source: { kind: 'binary', path: join(bin, 'protoc') },
    } as const;
    await writeFile(join(bin, 'protoc'), '#!/bin/sh\necho boxlite 0.12.1\n');
    expect(await findCliBinary(spec)).toMatchObject({ cliVersion: '0.12.1', source: 'binary' });
  });
});
