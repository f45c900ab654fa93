/** The setup pipeline: config → secrets → provider → services → guest images → stack file. */
import { mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type BoxliteStackResult,
  setupBoxliteStack,
  stopBoxliteStack,
} from '../bootstrap/boxlite-recipe/index.ts';
import type { BoxliteChoice } from '../bootstrap/boxlite-recipe/options.ts';
import { ensureCliBinary, findCargo } from '../bootstrap/cli-binary/index.ts';
import type { CliBinarySpec } from '../bootstrap/cli-binary/spec.ts';
import { buildGuestImages } from '../bootstrap/guest-images/index.ts';
import { createProvider } from '../bootstrap/providers/index.ts';
import { ensureServe, stopServe } from '../bootstrap/serve/index.ts';
import { registryHost } from '../bootstrap/services/registry.ts';
import { ensureDockerEngine } from '../bootstrap/system/docker-engine.ts';
import { type BootstrapConfig, SERVICE_NAMES, type ServiceName } from '../kernel/config.ts';
import { UsageError } from '../kernel/errors.ts';
import { statePaths } from '../kernel/paths.ts';
import { createProgress, secondsSince } from '../kernel/progress.ts';
import { loadOrMintSecrets } from '../kernel/secrets.ts';
import { emptyStack, readStackFile, type StackFile, writeStackFile } from '../kernel/stack-file.ts';
import { MAINS, startSim, stopSim } from '../sim/launch.ts';

export interface SetupOptions {
  /** Resolved by the entry point (kernel/options.ts); nothing here reads the environment. */
  config: BootstrapConfig;
  /** Sim bug switches (validated by the entry point); any switch implies the sim. */
  bugs?: readonly string[];
  quiet?: boolean;
  /** Which services to bring up (default: all). */
  services?: readonly ServiceName[];
  /** Skip pushing guest images (self-tests of the service layer only). */
  skipImages?: boolean;
  /** Target `serve`: which `boxlite` binary to run (bootstrap/cli-binary; built on a cold cache). */
  cli?: CliBinarySpec;
  /** Target boxlite from a checkout: build and run its API and runner (bootstrap/boxlite-recipe). */
  boxlite?: BoxliteChoice;
  /** Receives the recipe's per-step timings (tests, reports). */
  onRecipe?: (r: BoxliteStackResult) => void;
}

/** A stack file that cannot be parsed is moved aside (never deleted) and rebuilt from scratch. */
async function loadPrevious(stackFile: string, warn: (s: string) => void): Promise<StackFile | null> {
  try {
    return await readStackFile(stackFile);
  } catch (err) {
    if (err instanceof UsageError) throw err; // schema version mismatch: the user must decide
    const aside = `${stackFile}.invalid-${Date.now()}`;
    await rename(stackFile, aside);
    warn(`${(err as Error).message}; moved it to ${aside} and rebuilding`);
    return null;
  }
}

export async function setupStack(opts: SetupOptions): Promise<string> {
  const t0 = performance.now();
  const { config } = opts;
  const bugs = opts.bugs ?? [];
  const paths = statePaths(config.stateDir);
  const progress = createProgress(process.stderr, opts.quiet ?? false);
  for (const dir of [paths.stateDir, paths.dataDir, paths.logDir, paths.runDir, paths.cacheDir]) {
    await mkdir(dir, { recursive: true });
  }

  const previous = await loadPrevious(paths.stackFile, (s) => progress.info(`warning: ${s}`));
  if (previous && previous.provider !== config.provider) {
    throw new UsageError(
      `the stack in ${config.stateDir} runs on provider "${previous.provider}", not "${config.provider}"; ` +
        `run \`pnpm e2e:teardown\` first or use --provider ${previous.provider}`,
    );
  }
  const { secrets, minted } = await loadOrMintSecrets(paths.secretsFile);
  if (minted) progress.info(`minted new secrets in ${paths.secretsFile}`);

  const ctx = { config, paths, secrets, progress };
  const provider = await createProvider(config.provider, ctx);
  const wanted = opts.services ?? SERVICE_NAMES;
  await progress.step(`prepare ${config.provider} provider`, () => provider.prepare(wanted));

  const stack: StackFile =
    previous ?? emptyStack(config.provider, config.target, paths.stateDir, paths.secretsFile);
  // `stack` may be `previous` itself: what the old target ran is read before it changes.
  const was = { target: previous?.target ?? null, api: previous?.api };
  stack.target = config.target ?? previous?.target ?? null;
  let reused = 0;
  // Sequential on purpose: 2-core machines; and a port chosen for one must be bound before the next picks.
  for (const name of wanted) {
    const result = await progress.step(name, () =>
      provider.up({ name, pinnedPort: config.pinnedPorts[name] }, previous?.services[name]),
    );
    if (result.reused) reused += 1;
    stack.services[name] = result.record;
    await writeStackFile(paths.stackFile, stack);
  }

  const registry = stack.services.registry;
  if (registry && !opts.skipImages) {
    stack.images = await progress.step('guest images', () =>
      buildGuestImages({
        registry: registryHost(registry.endpoint),
        cacheDir: paths.cacheDir,
        searchPath: config.searchPath,
        onProgress: (line) => progress.info(line),
      }),
    );
    await writeStackFile(paths.stackFile, stack);
  }
  // Without --checkout, target boxlite keeps what a previous recipe run started (`pnpm e2e`);
  // so does a services-only setup (no target: the self-tests' shared services).
  if (was.target === 'boxlite' && config.target && config.target !== 'boxlite') {
    await stopBoxliteStack(paths, false);
    delete stack.boxlite;
  }
  if (config.target === 'boxlite' && opts.boxlite) {
    if (bugs.length)
      throw new UsageError(`--bugs (${bugs.join(',')}) are sim switches; target boxlite has none`);
    if (was.target === 'serve') await stopServe(paths);
    if (was.target !== 'boxlite') await stopSim(stack, paths); // one API per state dir
    // A fake checkout's runtime is the sim runner, whose "VMs" are Docker containers.
    await progress.step('docker engine', () =>
      ensureDockerEngine({
        dockerHost: config.dockerHost,
        searchPath: config.searchPath,
        logFile: join(paths.logDir, 'dockerd.log'),
        progress,
      }),
    );
    const r = await setupBoxliteStack({
      ...opts.boxlite,
      paths,
      stack,
      secrets,
      searchPath: config.searchPath,
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
    await writeStackFile(paths.stackFile, stack);
    opts.onRecipe?.(r);
  } else if (config.target === 'serve') {
    if (was.target !== 'serve') await stopSim(stack, paths); // one API per state dir
    if (bugs.length)
      throw new UsageError(`--bugs (${bugs.join(',')}) are sim switches; target serve has none`);
    const spec = opts.cli;
    if (!spec)
      throw new UsageError('target serve needs the boxlite CLI settings (--cli-bin / --cli-version)');
    const binary = await ensureCliBinary(spec, {
      progress,
      cargo: await findCargo(config.searchPath),
      searchPath: config.searchPath,
    });
    stack.api = await progress.step(`boxlite serve ${binary.cliVersion}`, () =>
      ensureServe({
        paths,
        binary,
        apiKey: secrets.ADMIN_API_KEY,
        registryHost: registry ? registryHost(registry.endpoint) : null,
        previous: was.target === 'serve' ? was.api : undefined,
      }),
    );
    await writeStackFile(paths.stackFile, stack);
  } else if (config.target === 'sim' || bugs.length > 0) {
    if (was.target === 'serve') {
      await stopServe(paths);
      delete stack.api;
    }
    // The sim runner's "VMs" are Docker containers: it needs an engine whatever the provider.
    await progress.step('docker engine', () =>
      ensureDockerEngine({
        dockerHost: config.dockerHost,
        searchPath: config.searchPath,
        logFile: join(paths.logDir, 'dockerd.log'),
        progress,
      }),
    );
    await progress.step('sim api + runner', () =>
      startSim({ stack, paths, bugs, progress, dockerHost: config.dockerHost }),
    );
    await writeStackFile(paths.stackFile, stack);
  }

  const parts = wanted.map(
    (n) => `${n} ${stack.services[n]?.endpoint.host}:${stack.services[n]?.endpoint.port}`,
  );
  if (stack.api) parts.push(`api ${stack.api.url}`);
  return (
    `stack up (${config.provider}): ${parts.join(', ')} — ${reused} reused, ${wanted.length - reused} started` +
    ` in ${secondsSince(t0)}; stack file ${paths.stackFile}`
  );
}
