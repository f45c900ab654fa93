import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProgress } from '../../kernel/progress.ts';
import { writeFakeCargo } from '../cargo-workspace/testkit.ts';
import { ensureCliBinary, findCliBinary } from './index.ts';

let dir = '';
let cargo = '';
const quiet = createProgress(process.stderr, true);
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-binary-'));
  cargo = await writeFakeCargo(dir);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ensureCliBinary', () => {
  it('crates.io: built once in the cargo workspace, then answered from the record', async () => {
    const spec = { cacheRoot: join(dir, 'cache'), source: { kind: 'crates', version: '0.11.0' } } as const;
    expect(await findCliBinary(spec)).toBeNull();
    const opts = { progress: quiet, cargo, searchPath: join(dir, 'bin') };
    const built = await ensureCliBinary(spec, opts);
    expect(built).toEqual({
      path: join(dir, 'cache/cargo-workspace/boxlite-cli-0.11.0-deps-stub/bin/boxlite'),
      cliVersion: '0.11.0',
      source: 'crates',
      sourceRef: '0.11.0',
    });
    // Warm: no cargo needed at all.
    expect(await ensureCliBinary(spec, { ...opts, cargo: '/nonexistent/cargo' })).toEqual(built);
    expect(await findCliBinary(spec)).toEqual(built);
    // A replaced binary is not the recorded one.
    await writeFile(built.path, '#!/bin/sh\necho boxlite 0.11.0 # changed\n');
    expect(await findCliBinary(spec)).toBeNull();
  });

  it('a checkout: its own cargo build, keyed by its commit', async () => {
    const co = join(dir, 'boxlite');
    await execa('git', ['init', '-q', co]);
    const git = (...args: string[]) =>
      execa('git', ['-C', co, '-c', 'user.name=t', '-c', 'user.email=t@t', ...args]);
    await git('commit', '-q', '--allow-empty', '-m', 'one');
    // The checkout's cargo: `build --release` leaves target/release/boxlite.
    const coCargo = join(dir, 'co-cargo');
    await writeFile(
      coCargo,
      `#!/bin/sh\n[ "$1" = -vV ] && { echo 'host: x'; exit 0; }\nmkdir -p "$CARGO_TARGET_DIR/release"\nprintf '#!/bin/sh\\necho boxlite 0.12.0\\n' > "$CARGO_TARGET_DIR/release/boxlite"\nchmod +x "$CARGO_TARGET_DIR/release/boxlite"\n`,
      { mode: 0o755 },
    );
    const spec = { cacheRoot: join(dir, 'cache'), source: { kind: 'checkout', dir: co } } as const;
    const built = await ensureCliBinary(spec, {
      progress: quiet,
      cargo: coCargo,
      searchPath: join(dir, 'bin'),
    });
    expect(built).toMatchObject({ cliVersion: '0.12.0', source: 'checkout' });
    expect(built.sourceRef).toMatch(/boxlite@[0-9a-f]{40}$/);
    expect(await findCliBinary(spec)).toEqual(built);
    await git('commit', '-q', '--allow-empty', '-m', 'two');
    expect(await findCliBinary(spec)).toBeNull();
  });

  it('uses a named binary as is, reading its version', async () => {
    const named = join(dir, 'boxlite-named');
    await writeFile(named, '#!/bin/sh\necho boxlite 0.12.1\n', { mode: 0o755 });
    const spec = { cacheRoot: join(dir, 'cache'), source: { kind: 'binary', path: named } } as const;
    expect(await findCliBinary(spec)).toMatchObject({ cliVersion: '0.12.1', source: 'binary' });
  });
});
