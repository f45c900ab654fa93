import { mkdtemp, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test, vi } from 'vitest';
import { boxliteSideBuilder, boxliteSideCommands } from './boxlite-side.ts';
import { sideProcessEnv } from './side-builder.ts';
import { runSideCommand } from './side-command.ts';
import { simSideBuilder, simSideCommands } from './sim-side.ts';

const userEnv = {
  PATH: '/usr/bin:/bin',
  HOME: '/root',
  DOCKER_HOST: 'unix:///var/run/docker.sock',
  BOXLITE_E2E_STATE_DIR: '/home/me/repo/.e2e-state',
  BOXLITE_E2E_URL: 'https://cloud.example',
  BOXLITE_SIM_BUGS: 'bad-token-500',
  BOXLITE_E2E_TARGET: 'serve',
  BOXLITE_E2E_CACHE_DIR: '/cache',
  GITHUB_STEP_SUMMARY: '/tmp/summary',
  UNSET: undefined,
};

describe('side process environment', () => {
  test('never the user state dir, remote stack, bug switches, target or step summary; the cache is shared', () => {
    expect(sideProcessEnv(userEnv, '/tmp/run/base/state', 'host')).toEqual({
      PATH: '/usr/bin:/bin',
      HOME: '/root',
      DOCKER_HOST: 'unix:///var/run/docker.sock',
      BOXLITE_E2E_CACHE_DIR: '/cache',
      BOXLITE_E2E_STATE_DIR: '/tmp/run/base/state',
      BOXLITE_E2E_PROVIDER: 'host',
    });
  });
});

describe('boxlite side builder: what it runs (the builder lands on another branch)', () => {
  const ctx = { env: userEnv, provider: 'host' };

  test('up: this harness sets the boxlite target up from the side worktree, into the side state dir', () => {
    const { up } = boxliteSideCommands('/tmp/run/head/worktree', '/tmp/run/head/state', ctx, '/harness');
    expect(up.argv.slice(1)).toEqual([
      'stack/commands/setup.ts',
      '--target',
      'boxlite',
      '--checkout',
      '/tmp/run/head/worktree',
      '--quiet',
    ]);
    expect(up.argv[0]).toBe(process.execPath);
    expect(up.cwd).toBe('/harness');
    expect(up.env.BOXLITE_E2E_STATE_DIR).toBe('/tmp/run/head/state');
    expect(up.env.BOXLITE_E2E_URL).toBeUndefined();
  });

  test('down: this harness tears the side state dir down, data included', () => {
    const { down } = boxliteSideCommands('/w', '/tmp/run/base/state', ctx, '/harness');
    expect(down.argv.slice(1)).toEqual(['stack/commands/teardown.ts', '--wipe-data', '--full']);
    expect(down.env.BOXLITE_E2E_STATE_DIR).toBe('/tmp/run/base/state');
  });

  test('one side up at a time', () => {
    expect(boxliteSideBuilder().concurrent).toBe(false);
  });
});

describe('sim side builder', () => {
  test("the side's own setup and teardown, run from its worktree", () => {
    const c = simSideCommands('/tmp/run/base/worktree', '/tmp/run/base/state', {
      env: userEnv,
      provider: 'containers',
    });
    expect(c.up.argv.slice(1)).toEqual(['stack/commands/setup.ts', '--target', 'sim', '--quiet']);
    expect(c.up.cwd).toBe('/tmp/run/base/worktree');
    expect(c.up.env.BOXLITE_E2E_PROVIDER).toBe('containers');
    expect(c.up.env.BOXLITE_SIM_BUGS).toBeUndefined();
    expect(c.down.argv.slice(1)).toEqual(['stack/commands/teardown.ts', '--wipe-data', '--full']);
  });

  test('a ref of another layout: setup and teardown are the files its own package scripts run', async () => {
    const worktree = await mkdtemp(join(tmpdir(), 'two-sided-layout-'));
    const scripts = { 'e2e:setup': 'node stack/cli/setup.ts', 'e2e:teardown': 'node stack/cli/teardown.ts' };
    await writeFile(join(worktree, 'package.json'), JSON.stringify({ scripts }));
    const c = simSideCommands(worktree, '/tmp/state', { env: userEnv, provider: 'host' });
    expect(c.up.argv[1]).toBe('stack/cli/setup.ts');
    expect(c.down.argv[1]).toBe('stack/cli/teardown.ts');
    await rm(worktree, { recursive: true, force: true });
  });

  test('build: the same lockfile links node_modules (cache hit) instead of installing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'two-sided-build-'));
    try {
      const harness = join(dir, 'harness');
      const worktree = join(dir, 'worktree');
      await Promise.all([harness, worktree].map((d) => import('node:fs/promises').then((fs) => fs.mkdir(d))));
      await writeFile(join(harness, 'pnpm-lock.yaml'), 'lock: 1\n');
      await writeFile(join(worktree, 'pnpm-lock.yaml'), 'lock: 1\n');
      const ctx = { env: {}, provider: 'host', log: () => {}, signal: new AbortController().signal };
      expect(await simSideBuilder(harness).build(worktree, ctx)).toMatch(/cache hit/);
      expect(await readlink(join(worktree, 'node_modules'))).toBe(join(harness, 'node_modules'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('runSideCommand', () => {
  test('an abort kills the whole process group, grandchildren included', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'two-sided-cmd-'));
    try {
      const pidFile = join(dir, 'grandchild.pid');
      const controller = new AbortController();
      const running = runSideCommand(
        'sleeper',
        {
          argv: ['sh', '-c', `sleep 30 & echo $! > ${pidFile}; wait`],
          cwd: dir,
          env: { PATH: '/usr/bin:/bin' },
        },
        controller.signal,
      );
      await vi.waitFor(async () => expect((await readFile(pidFile, 'utf8')).trim()).toMatch(/^\d+$/));
      const grandchild = Number((await readFile(pidFile, 'utf8')).trim());
      controller.abort(new Error('stop'));
      await expect(running).rejects.toThrow('stop');
      // Gone, or a zombie waiting for a reaper (this machine's pid 1 may not reap promptly).
      const state = await readFile(`/proc/${grandchild}/stat`, 'utf8').then(
        (st) => st.slice(st.lastIndexOf(')') + 2, st.lastIndexOf(')') + 3),
        () => 'gone',
      );
      expect(['gone', 'Z']).toContain(state);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a failing command is one line with the tail of its output', async () => {
    await expect(
      runSideCommand('side setup', {
        argv: ['sh', '-c', 'echo one; echo two >&2; exit 7'],
        cwd: '/',
        env: {},
      }),
    ).rejects.toThrow('side setup failed (exit 7): one | two');
  });
});
