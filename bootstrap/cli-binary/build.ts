/**
 * The CLI from a BoxLite checkout: `cargo build -p boxlite-cli` in the checkout's own workspace
 * with the real native deps, the binary copied out of the target dir into the cache entry.
 */
import { join } from 'node:path';
import { type BuildContext, type BuildOutcome, keepProduct } from '../build-cache/index.ts';
import { cargoHost, ensureProtoc } from '../cargo-workspace/cargo.ts';
import { versionOf } from './version.ts';

export interface CheckoutBuild {
  cargo: string;
  searchPath: string;
  dir: string;
  targetDir: string;
}

/** Argv and environment of the cargo run in the checkout. */
export function checkoutCargoCommand(b: Pick<CheckoutBuild, 'dir' | 'targetDir'>) {
  return {
    args: ['build', '--release', '--locked', '-p', 'boxlite-cli'],
    env: { CARGO_TARGET_DIR: b.targetDir },
    cwd: b.dir,
  };
}

export async function buildCheckoutCli(ctx: BuildContext, b: CheckoutBuild): Promise<BuildOutcome> {
  await cargoHost(ctx, b.cargo, 'the boxlite CLI');
  await ensureProtoc(b.searchPath, ctx.progress);
  await ctx.run({
    label: 'building the boxlite CLI',
    exitWord: 'cargo exit',
    cmd: b.cargo,
    ...checkoutCargoCommand(b),
    tick: { name: 'cargo', ms: 20_000 },
  });
  const cli = await keepProduct(ctx, join(b.targetDir, 'release', 'boxlite'), 'boxlite');
  return { outputs: { cli }, facts: { cliVersion: await versionOf(cli) } };
}
