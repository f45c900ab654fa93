/**
 * The `sim` side builder: the side is a worktree of this harness repo at a ref, and its sim is
 * started from that worktree by the worktree's own setup (`stack/commands/setup.ts --target sim`),
 * on Node 22 (this process's node), into a state dir we choose. Build cache: a worktree whose
 * lockfile equals this checkout's links this checkout's node_modules; otherwise it installs
 * with pnpm from the store (offline first).
 */
import { readFileSync } from 'node:fs';
import { readFile, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT } from '../../kernel/paths.ts';
import { type SideBuilder, type SideCommand, type SideEnv, sideProcessEnv } from './side-builder.ts';
import { runSideCommand } from './side-command.ts';

const PNPM = 'pnpm@10.34.8';

/**
 * The file a package script of the worktree runs (`node FILE.ts`): a ref from before a file
 * moved still names its own setup and teardown.
 */
function scriptFile(worktree: string, script: string, fallback: string): string {
  try {
    const pkg = JSON.parse(readFileSync(join(worktree, 'package.json'), 'utf8')) as {
      scripts?: Record<string, string>;
    };
    return /\bnode\s+(\S+\.ts)\b/.exec(pkg.scripts?.[script] ?? '')?.[1] ?? fallback;
  } catch {
    return fallback;
  }
}

export function simSideCommands(worktree: string, stateDir: string, ctx: Pick<SideEnv, 'env' | 'provider'>) {
  const env = sideProcessEnv(ctx.env, stateDir, ctx.provider);
  const node = (args: string[]): SideCommand => ({ argv: [process.execPath, ...args], cwd: worktree, env });
  return {
    install: {
      argv: ['npx', '-y', PNPM, 'install', '--frozen-lockfile', '--prefer-offline'],
      cwd: worktree,
      env,
    },
    up: node([scriptFile(worktree, 'e2e:setup', 'stack/commands/setup.ts'), '--target', 'sim', '--quiet']),
    down: node([scriptFile(worktree, 'e2e:teardown', 'stack/commands/teardown.ts'), '--wipe-data', '--full']),
  } satisfies Record<string, SideCommand>;
}

const readOr = (path: string) => readFile(path, 'utf8').catch(() => null);

export function simSideBuilder(harnessRoot = REPO_ROOT): SideBuilder {
  return {
    kind: 'sim',
    concurrent: true,
    async build(worktree, ctx) {
      const mine = await readOr(join(harnessRoot, 'pnpm-lock.yaml'));
      const theirs = await readOr(join(worktree, 'pnpm-lock.yaml'));
      if (mine !== null && mine === theirs) {
        await symlink(join(harnessRoot, 'node_modules'), join(worktree, 'node_modules'), 'dir');
        return 'cache hit (same lockfile: node_modules linked)';
      }
      await runSideCommand('pnpm install', simSideCommands(worktree, '', ctx).install, ctx.signal);
      return 'installed (lockfile differs)';
    },
    async up(worktree, stateDir, ctx) {
      await runSideCommand(
        'side setup --target sim',
        simSideCommands(worktree, stateDir, ctx).up,
        ctx.signal,
      );
    },
    async down(worktree, stateDir, ctx) {
      await runSideCommand('side teardown', simSideCommands(worktree, stateDir, ctx).down);
    },
  };
}
