/**
 * Target serve: the real `boxlite serve` (bootstrap/serve) from the CLI build the cases use,
 * keyed with the stack's admin key and pulling from the stack registry.
 */
import { ensureCliBinary, findCargo } from '../../bootstrap/cli-binary/index.ts';
import { ensureServe, stopServe } from '../../bootstrap/serve/index.ts';
import { registryHost } from '../../bootstrap/services/registry.ts';
import { UsageError } from '../../kernel/errors.ts';
import { refuseBugs, type StackTarget } from './target.ts';

export const serveTarget: StackTarget = {
  name: 'serve',
  startsApi: () => true,

  async up(ctx) {
    const { config, stack, paths, progress, secrets, was } = ctx;
    refuseBugs('serve', ctx.opts.bugs ?? []);
    const spec = ctx.opts.cli;
    if (!spec)
      throw new UsageError('target serve needs the boxlite CLI settings (--cli-bin / --cli-version)');
    const binary = await ensureCliBinary(spec, {
      progress,
      cargo: await findCargo(config.searchPath),
      searchPath: config.searchPath,
    });
    const registry = stack.services.registry;
    stack.api = await progress.step(`boxlite serve ${binary.cliVersion}`, () =>
      ensureServe({
        paths,
        binary,
        apiKey: secrets.ADMIN_API_KEY,
        registryHost: registry ? registryHost(registry.endpoint) : null,
        previous: was.target === 'serve' ? was.api : undefined,
        portHint: ctx.ports['serve.api'],
      }),
    );
    await ctx.save();
  },

  async down({ stack, paths }) {
    if (!stack) return undefined;
    await stopServe(paths);
    delete stack.api;
    return undefined;
  },
};
