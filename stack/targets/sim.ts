/**
 * Target sim: our sim API and runner under the host supervisor (sim/launch.ts), with the bug
 * switches asked for. Its boxes are Docker containers: data, so they go with `--wipe-data`
 * and are re-adopted by the next runner otherwise.
 */
import { removeSimBoxes, startSim, stopSim } from '../../sim/launch.ts';
import { dockerEngineStep, type StackTarget } from './target.ts';

export const simTarget: StackTarget = {
  name: 'sim',
  startsApi: () => true,

  async up(ctx) {
    const { stack, paths, progress, config, ports } = ctx;
    await dockerEngineStep(ctx);
    await progress.step('sim api + runner', () =>
      startSim({
        stack,
        paths,
        bugs: ctx.opts.bugs ?? [],
        progress,
        dockerHost: config.dockerHost,
        dockerTimeoutMs: config.simDockerTimeoutMs,
        portHints: { api: ports['sim.api'], runner: ports['sim.runner'] },
      }),
    );
    await ctx.save();
  },

  async down({ stack, paths, config, wipeData }) {
    if (stack) await stopSim(stack, paths);
    if (!wipeData) return undefined;
    const boxes = await removeSimBoxes(paths.stateDir, config.dockerHost);
    return boxes ? `${boxes} sim box(es) removed` : undefined;
  },
};
