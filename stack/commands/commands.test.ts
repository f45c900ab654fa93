/** Bad input at the command line: one clear line on stderr, exit 2, nothing touched. */
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../kernel/paths.ts';

async function run(script: string, args: string[], env: Record<string, string> = {}) {
  const stateDir = await mkdtemp(join(tmpdir(), 'cli-'));
  const res = await execa(process.execPath, [join(REPO_ROOT, script), ...args], {
    // execa adds these to the inherited environment.
    env: { BOXLITE_E2E_STATE_DIR: stateDir, ...env },
    reject: false,
  });
  return { ...res, stateDir };
}

describe('bad input to a command', () => {
  it.each([
    [
      'stack/commands/setup.ts',
      [],
      { BOXLITE_E2E_PROVIDER: 'kubernetes' },
      /^e2e:setup: BOXLITE_E2E_PROVIDER="kubernetes" is not one of: host, containers$/,
    ],
    [
      'stack/commands/setup.ts',
      ['--frobnicate'],
      {},
      /^e2e:setup: unknown flag --frobnicate \(flags: --provider, /,
    ],
    [
      'stack/commands/setup.ts',
      ['--bugs', 'nope'],
      {},
      /^e2e:setup: --bugs: unknown bug switch "nope"; known: /,
    ],
    [
      'stack/commands/setup.ts',
      [],
      { DOCKER_HOST: 'ssh://me@host' },
      /^e2e:setup: DOCKER_HOST: "ssh:\/\/me@host" is not unix:\/\/\/path or tcp:\/\/host:port$/,
    ],
    [
      'stack/commands/setup.ts',
      [],
      { BOXLITE_E2E_REDIS_PORT: 'x' },
      /^e2e:setup: BOXLITE_E2E_REDIS_PORT="x" is not a TCP port/,
    ],
    ['stack/commands/setup.ts', ['--plan'], {}, /^e2e:setup: --plan and --ref need --checkout PATH$/],
    [
      'stack/commands/setup.ts',
      ['--target', 'boxlite', '--checkout', '/nonexistent-checkout', '--plan'],
      {},
      /^e2e:setup: --checkout \/nonexistent-checkout is not a directory$/,
    ],
    [
      'stack/commands/teardown.ts',
      ['--wipe'],
      {},
      /^e2e:teardown: unknown flag --wipe \(flags: --wipe-data, --full\)$/,
    ],
    [
      'harness/commands/e2e.ts',
      ['--markers', 'maybe'],
      {},
      /^e2e: --markers="maybe" is not one of: on, off$/,
    ],
    [
      'harness/commands/e2e.ts',
      [],
      { BOXLITE_E2E_MARKERS: 'maybe' },
      /^e2e: BOXLITE_E2E_MARKERS="maybe" is not one of: on, off$/,
    ],
  ] as const)('%s %j %j → exit 2 with one line', async (script, args, env, message) => {
    const res = await run(script, [...args], { ...env });
    expect(res.exitCode).toBe(2);
    const lines = res.stderr
      .trim()
      .split('\n')
      .filter((l) => !l.startsWith('npm warn'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    // Nothing was provisioned: the state dir is still empty.
    expect(await readdir(res.stateDir)).toEqual([]);
  });
});
