/**
 * The setup pipeline, as a list of steps: state dir → previous stack file → secrets → provider
 * → services → guest images → the target (stack/targets) → port memory → summary line.
 */
import { mkdir, rename } from 'node:fs/promises';
import type { BoxliteStackResult } from '../bootstrap/boxlite-recipe/index.ts';
import type { BoxliteChoice } from '../bootstrap/boxlite-recipe/options.ts';
import type { CliBinarySpec } from '../bootstrap/cli-binary/spec.ts';
import { buildGuestImages } from '../bootstrap/guest-images/index.ts';
import { createProvider } from '../bootstrap/providers/index.ts';
import type { ServiceProvider } from '../bootstrap/providers/provider.ts';
import { registryHost } from '../bootstrap/services/registry.ts';
import { type BootstrapConfig, SERVICE_NAMES, type ServiceName, type TargetKind } from '../kernel/config.ts';
import { UsageError } from '../kernel/errors.ts';
import { type StatePaths, statePaths } from '../kernel/paths.ts';
import { type PortBook, readPortBook, writePortBook } from '../kernel/ports.ts';
import { createProgress, type Progress, secondsSince } from '../kernel/progress.ts';
import { loadOrMintSecrets, type Secrets } from '../kernel/secrets.ts';
import { emptyStack, readStackFile, type StackFile, writeStackFile } from '../kernel/stack-file.ts';
import { movedPortLines, portsOf } from './port-memory.ts';
import { STACK_TARGETS } from './targets/index.ts';

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

/** What the steps share: the options, where the stack lives, and the stack file being built. */
interface Setup {
  opts: SetupOptions;
  config: BootstrapConfig;
  paths: StatePaths;
  progress: Progress;
  previous: StackFile | null;
  secrets: Secrets;
  provider: ServiceProvider;
  stack: StackFile;
  /** The ports the stack had last time. */
  ports: PortBook;
  wanted: readonly ServiceName[];
  reused: number;
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

/** Any sim switch implies the sim; no target at all brings up the services only. */
const targetOf = (opts: SetupOptions): TargetKind | null =>
  opts.config.target ?? ((opts.bugs ?? []).length > 0 ? 'sim' : null);

async function openSetup(opts: SetupOptions): Promise<Setup> {
  const { config } = opts;
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
  const provider = await createProvider(config.provider, { config, paths, secrets, progress });
  const wanted = opts.services ?? SERVICE_NAMES;
  await progress.step(`prepare ${config.provider} provider`, () => provider.prepare(wanted));
  const stack = previous ?? emptyStack(config.provider, config.target, paths.stateDir, paths.secretsFile);
  const ports = await readPortBook(paths.portsFile);
  return { opts, config, paths, progress, previous, secrets, provider, stack, ports, wanted, reused: 0 };
}

// Sequential on purpose: 2-core machines; and a port chosen for one must be bound before the next picks.
async function servicesStep(s: Setup): Promise<void> {
  for (const name of s.wanted) {
    const spec = { name, pinnedPort: s.config.pinnedPorts[name], preferredPort: s.ports[name] };
    const result = await s.progress.step(name, () => s.provider.up(spec, s.previous?.services[name]));
    if (result.reused) s.reused += 1;
    s.stack.services[name] = result.record;
    await writeStackFile(s.paths.stackFile, s.stack);
  }
}

async function guestImagesStep(s: Setup): Promise<void> {
  const registry = s.stack.services.registry;
  if (!registry || s.opts.skipImages) return;
  s.stack.images = await s.progress.step('guest images', () =>
    buildGuestImages({
      registry: registryHost(registry.endpoint),
      cacheDir: s.paths.cacheDir,
      searchPath: s.config.searchPath,
      onProgress: (line) => s.progress.info(line),
    }),
  );
  await writeStackFile(s.paths.stackFile, s.stack);
}

/** Brings the target up; a state dir runs one API, so the previous target's goes down first. */
async function targetStep(s: Setup): Promise<void> {
  const { stack, paths, progress, config } = s;
  // `stack` may be `previous` itself: what the old target ran is read before it changes.
  const was = { target: s.previous?.target ?? null, api: s.previous?.api };
  const target = targetOf(s.opts);
  stack.target = target ?? was.target;
  if (!target) return;
  const next = STACK_TARGETS[target];
  if (was.target && was.target !== target && next.startsApi(s.opts)) {
    const down = { config, paths, stack, progress, wipeData: false, full: false };
    await STACK_TARGETS[was.target].down(down);
  }
  const save = () => writeStackFile(paths.stackFile, stack);
  await next.up({ ...s, was, save });
}

/** Remembers the ports for the next setup; says which part could not keep its own. */
async function portMemoryStep(s: Setup): Promise<void> {
  const now = portsOf(s.stack);
  const pinned = new Set(Object.keys(s.config.pinnedPorts));
  for (const line of movedPortLines(s.ports, now, s.stack.target, pinned)) process.stderr.write(`${line}\n`);
  await writePortBook(s.paths.portsFile, { ...s.ports, ...now });
}

function summaryLine(s: Setup, t0: number): string {
  const parts = s.wanted.map(
    (n) => `${n} ${s.stack.services[n]?.endpoint.host}:${s.stack.services[n]?.endpoint.port}`,
  );
  if (s.stack.api) parts.push(`api ${s.stack.api.url}`);
  return (
    `stack up (${s.config.provider}): ${parts.join(', ')} — ${s.reused} reused, ${s.wanted.length - s.reused} started` +
    ` in ${secondsSince(t0)}; stack file ${s.paths.stackFile}`
  );
}

export async function setupStack(opts: SetupOptions): Promise<string> {
  const t0 = performance.now();
  const s = await openSetup(opts);
  for (const step of [servicesStep, guestImagesStep, targetStep, portMemoryStep]) await step(s);
  return summaryLine(s, t0);
}
