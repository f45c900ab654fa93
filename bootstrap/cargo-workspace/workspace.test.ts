import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProgress } from '../../kernel/progress.ts';
import { registrySourceDir } from './fetch.ts';
import { ensureWorkspaceBuild, findWorkspaceBuild } from './index.ts';
import { buildArgs, buildEnv, COMMITTED_LOCK, products, rootManifest } from './manifest.ts';
import { writeFakeCargo } from './testkit.ts';

describe('the cargo workspace', () => {
  it('has the CLI and the shim as members, one profile, and builds both in one cargo run', () => {
    const m = rootManifest('0.11.0');
    expect(m).toContain('members = ["boxlite-cli", "sdk-shim"]');
    expect(m).toMatch(/\[profile\.e2e\]\ninherits = "release"\n/);
    expect(buildArgs('0.11.0')).toEqual([
      'build',
      '--locked',
      '--profile',
      'e2e',
      '-p',
      'boxlite-cli',
      '-p',
      'boxlite-e2e-sdk-shim',
    ]);
    expect(buildEnv('/t')).toEqual({ CARGO_TARGET_DIR: '/t', BOXLITE_DEPS_STUB: '1' });
    expect(products('/t')).toEqual({ cli: '/t/e2e/boxlite', shimLib: '/t/e2e/libboxlite_e2e_shim.a' });
  });

  it('another CLI version builds alone (the shim pins its boxlite)', () => {
    expect(rootManifest('0.12.0')).toContain('members = ["boxlite-cli"]');
    expect(buildArgs('0.12.0')).toEqual(['build', '--locked', '--profile', 'e2e', '-p', 'boxlite-cli']);
  });

  it('our lock pins boxlite 0.11.0 once and holds both members', async () => {
    const lock = await readFile(COMMITTED_LOCK, 'utf8');
    const names = [...lock.matchAll(/^name = "([^"]+)"\nversion = "([^"]+)"/gm)].map(
      (m) => `${m[1]} ${m[2]}`,
    );
    expect(names.filter((n) => n.startsWith('boxlite '))).toEqual(['boxlite 0.11.0']);
    expect(names).toContain('boxlite-cli 0.11.0');
    expect(names).toContain('boxlite-e2e-sdk-shim 0.1.0');
  });

  it("finds the CLI's unpacked source beside the registry's boxlite", () => {
    const meta = JSON.stringify({
      packages: [
        { name: 'boxlite-e2e-fetch', source: null, manifest_path: '/w/Cargo.toml' },
        {
          name: 'boxlite',
          source: 'registry+https://x',
          manifest_path: '/r/src/idx/boxlite-0.11.0/Cargo.toml',
        },
      ],
    });
    expect(registrySourceDir(meta, '0.11.0')).toBe('/r/src/idx/boxlite-cli-0.11.0');
    expect(registrySourceDir(JSON.stringify({ packages: [] }), '0.11.0')).toBeNull();
  });
});

describe('ensureWorkspaceBuild', () => {
  let dir = '';
  const quiet = createProgress(process.stderr, true);
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cargo-workspace-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('fetches the CLI source, writes the workspace, builds once, keeps the CLI in the entry', async () => {
    const cargo = await writeFakeCargo(dir);
    const spec = { cacheRoot: join(dir, 'cache'), cliVersion: '0.11.0' };
    expect(await findWorkspaceBuild(spec)).toBeNull();
    const opts = { progress: quiet, cargo, searchPath: join(dir, 'bin') };
    const built = await ensureWorkspaceBuild(spec, opts);
    const entryDir = join(dir, 'cache', 'cargo-workspace', 'boxlite-cli-0.11.0-deps-stub');
    expect(built).toEqual({
      cli: join(entryDir, 'bin', 'boxlite'),
      cliVersion: '0.11.0',
      shimLib: join(dir, 'cache', 'cargo-target', 'e2e', 'libboxlite_e2e_shim.a'),
    });
    const ws = join(entryDir, 'workspace');
    expect(await readFile(join(ws, 'Cargo.toml'), 'utf8')).toBe(rootManifest('0.11.0'));
    expect(await readFile(join(ws, 'Cargo.lock'), 'utf8')).toBe(await readFile(COMMITTED_LOCK, 'utf8'));
    expect(await readFile(join(ws, 'sdk-shim', 'Cargo.toml'), 'utf8')).toContain('boxlite-e2e-sdk-shim');
    // Warm: no cargo at all.
    expect(await ensureWorkspaceBuild(spec, { ...opts, cargo: '/nonexistent/cargo' })).toEqual(built);
    expect(await readFile(join(dir, 'cargo-builds'), 'utf8')).toBe(`${buildArgs('0.11.0').join(' ')}\n`);
  });

  it('another version: its published lock, the CLI alone', async () => {
    const cargo = await writeFakeCargo(dir);
    const spec = { cacheRoot: join(dir, 'cache'), cliVersion: '0.12.0' };
    const built = await ensureWorkspaceBuild(spec, { progress: quiet, cargo, searchPath: join(dir, 'bin') });
    expect(built).toMatchObject({ cliVersion: '0.12.0', shimLib: null });
    const ws = join(dir, 'cache', 'cargo-workspace', 'boxlite-cli-0.12.0-deps-stub', 'workspace');
    expect(await readFile(join(ws, 'Cargo.lock'), 'utf8')).toBe('# published lock\n');
  });

  it('a missing cargo or a failed build is one line naming the log', async () => {
    const spec = { cacheRoot: join(dir, 'cache'), cliVersion: '0.11.0' };
    const cargo = await writeFakeCargo(dir);
    const missing = (await ensureWorkspaceBuild(spec, {
      progress: quiet,
      cargo: join(dir, 'no-cargo'),
      searchPath: join(dir, 'bin'),
    }).catch((e: Error) => e)) as Error;
    expect(missing.message).toMatch(/^cargo not found .*; see .*boxlite-cli-0\.11\.0-deps-stub\.build\.log$/);
    const failing = join(dir, 'cargo-fails');
    await writeFile(failing, `#!/bin/sh\nFAKE_CARGO_FAIL=1 exec ${cargo} "$@"\n`, { mode: 0o755 });
    const failed = (await ensureWorkspaceBuild(spec, {
      progress: quiet,
      cargo: failing,
      searchPath: join(dir, 'bin'),
    }).catch((e: Error) => e)) as Error;
    expect(failed.message).toMatch(
      /^building the boxlite CLI and the SDK shim failed \(cargo exit 101\) after \d+s; see .*\.build\.log$/,
    );
    expect(await findWorkspaceBuild(spec)).toBeNull();
  });
});
