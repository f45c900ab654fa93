/**
 * Target boxlite: BoxLite's own API and runner, built and run from a checkout
 * (bootstrap/boxlite-recipe). Without a checkout, setup keeps what a previous recipe run
 * started (`pnpm e2e` against a stack set up with `--checkout` once).
 */
import { setupBoxliteStack, stopBoxliteStack } from '../../bootstrap/boxlite-recipe/index.ts';
import { MAINS } from '../../sim/launch.ts';
import { dockerEngineStep, refuseBugs, type StackTarget } from './target.ts';

export const boxliteTarget: StackTarget = {
  name: 'boxlite',
  startsApi: (opts) => opts.boxlite !== undefined,

  async up(ctx) {
    const { opts, config, stack, paths, secrets, progress } = ctx;
    if (!opts.boxlite) return;
    refuseBugs('boxlite', opts.bugs ?? []);
    await dockerEngineStep(ctx);
    const r = await setupBoxliteStack({
      ...opts.boxlite,
      paths,
      stack,
      secrets,
      searchPath: config.searchPath,
      // A fake checkout's runtime is the sim runner, whose "VMs" are Docker containers.
      bridge: {
        node: process.execPath,
        simApi: MAINS.api,
        simRunner: MAINS.runner,
        dockerHost: config.dockerHost,
      },
      progress,
    });
    stack.api = r.api;
    stack.runner = r.runner;
    stack.boxlite = r.recipe;
    await ctx.save();
    opts.onRecipe?.(r);
  },

  async down({ stack, paths, full }) {
    await stopBoxliteStack(paths, full);
    if (stack) delete stack.boxlite;
    return undefined;
  },
};
