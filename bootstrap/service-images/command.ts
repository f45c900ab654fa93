/**
 * `pnpm e2e:service-images`: builds the containers provider's local service images
 * (boxlite-e2e/{postgres,redis,registry}:local) from Debian packages, because this machine
 * cannot pull from any container registry. Idempotent: up-to-date images are left alone.
 *
 *   node bootstrap/service-images/command.ts [--check]    --check: only report, exit 1 when something is missing/stale
 */
import {
  BOOTSTRAP_OPTIONS,
  bootstrapConfig,
  DEFAULT_SERVICE_IMAGES,
  SERVICE_NAMES,
} from '../../kernel/config.ts';
import { dockerClient } from '../../kernel/docker.ts';
import { runMain, SetupError } from '../../kernel/errors.ts';
import { envOnly, type OptionTable, optionsHelp, resolveOptions } from '../../kernel/options.ts';
import { statePaths } from '../../kernel/paths.ts';
import { createProgress, secondsSince } from '../../kernel/progress.ts';
import { ensureDockerEngine, realDockerEngineDeps } from '../system/docker-engine.ts';
import { ensureServiceImages, imageState, localImageLabels, planImages } from './service-images.ts';

const OPTIONS = {
  ...envOnly(BOOTSTRAP_OPTIONS),
  check: { flag: 'check', type: 'bool', doc: 'only report; exit 1 when an image is missing or stale' },
  help: { flag: 'help', short: 'h', type: 'bool', doc: 'this text' },
} as const satisfies OptionTable;

async function main(): Promise<void> {
  const { values } = resolveOptions(OPTIONS, process.argv.slice(2), process.env);
  if (values.help) {
    process.stdout.write(`usage: pnpm e2e:service-images [--check]\n${optionsHelp(OPTIONS)}\n`);
    return;
  }
  const t0 = performance.now();
  const config = bootstrapConfig(values);
  const paths = statePaths(config.stateDir);
  const progress = createProgress();
  const docker = dockerClient(config.dockerHost);

  if (values.check) {
    await realDockerEngineDeps.ping(config.dockerHost).catch((err: Error) => {
      throw new SetupError(`no Docker engine answers at ${config.dockerHost} (${err.message})`);
    });
    const plans = await planImages();
    const bad: string[] = [];
    for (const plan of plans) {
      const state = imageState(await localImageLabels(docker, plan.tag), plan.inputHash);
      process.stdout.write(`${plan.tag}: ${state}\n`);
      if (state !== 'up-to-date') bad.push(plan.tag);
    }
    if (bad.length)
      throw new SetupError(`${bad.join(', ')} missing or stale; run \`pnpm e2e:service-images\``);
    return;
  }

  const engine = await ensureDockerEngine({
    dockerHost: config.dockerHost,
    searchPath: config.searchPath,
    logFile: `${paths.logDir}/dockerd.log`,
    progress,
  });
  progress.info(
    `Docker engine ${engine.version} at ${config.dockerHost}${engine.started ? ' (started by us)' : ''}`,
  );
  const result = await ensureServiceImages({ docker, cacheDir: paths.cacheDir, progress });
  for (const name of SERVICE_NAMES) {
    if (config.images[name] !== DEFAULT_SERVICE_IMAGES[name]) {
      progress.info(
        `note: ${name} is overridden to ${config.images[name]}; only ${DEFAULT_SERVICE_IMAGES[name]} is built here`,
      );
    }
  }
  const summary = SERVICE_NAMES.map((n) => `${n}: ${result[n]}`).join(', ');
  process.stdout.write(`service images ready (${summary}) in ${secondsSince(t0)}\n`);
}

await runMain('e2e:service-images', main);
