/**
 * The `boxlite` side builder: the side is a worktree of a BoxLite checkout at a ref; this
 * harness's own setup builds and starts it (`pnpm e2e:setup --target boxlite --checkout
 * <worktree>`, the builder's recipe in bootstrap/boxlite-recipe/, cached by the builder), with
 * one state dir per side. Real stacks bind fixed host resources, so sides come up one at a time.
 */
import { REPO_ROOT } from '../../kernel/paths.ts';
import { type SideBuilder, type SideCommand, type SideEnv, sideProcessEnv } from './side-builder.ts';
import { runSideCommand } from './side-command.ts';

export function boxliteSideCommands(
  worktree: string,
  stateDir: string,
  ctx: Pick<SideEnv, 'env' | 'provider'>,
  harnessRoot = REPO_ROOT,
) {
  const env = sideProcessEnv(ctx.env, stateDir, ctx.provider);
  const node = (args: string[]): SideCommand => ({
    argv: [process.execPath, ...args],
    cwd: harnessRoot,
    env,
  });
  return {
    // The worktree is already at the side's commit: no --ref.
    up: node(['stack/commands/setup.ts', '--target', 'boxlite', '--checkout', worktree, '--quiet']),
    down: node(['stack/commands/teardown.ts', '--wipe-data', '--full']),
  } satisfies Record<string, SideCommand>;
}

export function boxliteSideBuilder(harnessRoot = REPO_ROOT): SideBuilder {
  return {
    kind: 'boxlite',
    concurrent: false,
    async build() {
      return 'built by e2e:setup --target boxlite (its own cache)';
    },
    async up(worktree, stateDir, ctx) {
      const cmd = boxliteSideCommands(worktree, stateDir, ctx, harnessRoot).up;
      await runSideCommand('side setup --target boxlite', cmd, ctx.signal);
    },
    async down(worktree, stateDir, ctx) {
      await runSideCommand('side teardown', boxliteSideCommands(worktree, stateDir, ctx, harnessRoot).down);
    },
  };
}
