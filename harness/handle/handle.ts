/**
 * The stack handle: everything a case needs to reach the stack under test, resolved once
 * per run — from the stack file (sim or boxlite target provisioned here) or from remote
 * config (env / credentials.toml). Missing or contradictory config is one clear line.
 */
import { request } from 'undici';
import { BOOTSTRAP_OPTIONS, bootstrapConfig } from '../../kernel/config.ts';
import type { Env } from '../../kernel/env-catalogue.ts';
import { SetupError, UsageError } from '../../kernel/errors.ts';
import { envOnly, type OptionTable, type Resolved, resolveOptions } from '../../kernel/options.ts';
import { statePaths } from '../../kernel/paths.ts';
import { readSecrets } from '../../kernel/secrets.ts';
import { type LogSource, readStackFile, type StackFile } from '../../kernel/stack-file.ts';
import { describeLogSource, parseLogSource } from './journal-source.ts';
import { REMOTE_OPTIONS, readRemoteConfig } from './remote-config.ts';

/** Everything that decides which stack is under test and how it is watched. */
export const STACK_HANDLE_OPTIONS = {
  ...envOnly(BOOTSTRAP_OPTIONS),
  ...REMOTE_OPTIONS,
  skipPathVerify: { env: 'BOXLITE_E2E_SKIP_PATH_VERIFY', type: 'bool', doc: 'disable the path guard' },
} as const satisfies OptionTable;

export type StackHandleOptions = Resolved<typeof STACK_HANDLE_OPTIONS>;

/** The handle options an env record describes (tests; entry points resolve them with the rest). */
export function stackHandleOptions(env: Env): StackHandleOptions {
  return resolveOptions(STACK_HANDLE_OPTIONS, [], env).values;
}

export interface StackHandle {
  kind: 'sim' | 'boxlite' | 'serve' | 'remote';
  /** Where the handle came from, for reports. */
  origin: string;
  apiUrl: string;
  apiKey: string;
  pathPrefix: string;
  /** Image references boxes are created from; `default` is used when a case names none. */
  images: { default: string; busybox: string; debian: string };
  /** Active sim bug switches (empty for real stacks). */
  bugs: string[];
  /** The API is our sim (its own stack, or a remote URL whose health says so): bugs follow its switches. */
  simulated: boolean;
  journals: { runner: LogSource | null; api: LogSource | null };
  pathGuard: { enabled: boolean; reason: string };
  /** The Docker endpoint of this machine's stack (container journals, sweeps). */
  dockerHost: string;
  /** Direct runner access (sim only): lets meta-tests prove the path guard catches bypasses. */
  runner: { url: string; token: string } | null;
  stack: StackFile | null;
}

export const NO_STACK_MESSAGE =
  'no stack to test: run `pnpm e2e` (brings up the sim) or `pnpm e2e:setup --target sim`, ' +
  'or point at a remote stack with BOXLITE_E2E_URL + BOXLITE_E2E_API_KEY (or BOXLITE_E2E_PROFILE)';

/** GET /v1/me and return its path prefix; the error names the URL and status. */
export async function discoverPathPrefix(apiUrl: string, apiKey: string): Promise<string> {
  let res: Awaited<ReturnType<typeof request>>;
  try {
    res = await request(`${apiUrl}/v1/me`, {
      headers: { authorization: `Bearer ${apiKey}` },
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
    });
  } catch (err) {
    throw new SetupError(`API ${apiUrl} unreachable: ${(err as Error).message}`);
  }
  const text = await res.body.text();
  if (res.statusCode === 401 || res.statusCode === 403) {
    throw new SetupError(
      `API ${apiUrl} rejected the API key (HTTP ${res.statusCode}); check the key or profile`,
    );
  }
  if (res.statusCode !== 200) throw new SetupError(`GET ${apiUrl}/v1/me answered HTTP ${res.statusCode}`);
  const me = JSON.parse(text) as { path_prefix?: unknown; prefix?: unknown };
  const prefix = me.path_prefix ?? me.prefix ?? '';
  return typeof prefix === 'string' ? prefix : '';
}

/** Upstream's default image, for a remote stack that names none. */
export const REMOTE_DEFAULT_IMAGE = 'alpine:3.23';

/** Guest images recorded by setup (the stack registry holds them). */
function imagesFrom(stack: StackFile, override: string | null): StackHandle['images'] {
  const named = (name: string, fallback: string) => {
    const img = stack.images?.find((i) => i.name === name);
    return img ? `${img.name}:${img.tag}` : fallback;
  };
  const busybox = named('boxlite-e2e/busybox', 'boxlite-e2e/busybox:1');
  const debian = named('boxlite-e2e/debian', 'boxlite-e2e/debian:1');
  return { default: override ?? debian, busybox, debian };
}

/**
 * A remote stack's images come from the target: BOXLITE_E2E_IMAGE (default upstream's
 * alpine:3.23) for every role, BOXLITE_E2E_SMALL_IMAGE for the cases that ask for busybox.
 */
function remoteImages(image: string | null, small: string | null): StackHandle['images'] {
  const main = image ?? REMOTE_DEFAULT_IMAGE;
  return { default: main, busybox: small ?? main, debian: main };
}

async function fromStackFile(
  stack: StackFile,
  o: StackHandleOptions,
  dockerHost: string,
): Promise<StackHandle> {
  const api = stack.api;
  if (!api) {
    throw new UsageError(
      `the stack in ${stack.stateDir} has services but no API; run \`pnpm e2e:setup --target sim\` (or \`pnpm e2e\`)`,
    );
  }
  const secrets = await readSecrets(stack.secretsFile);
  const apiKey = secrets.ADMIN_API_KEY;
  const skip = o.skipPathVerify;
  const runner = stack.runner;
  // `boxlite serve` is API and runtime in one process: its one log is both hops' journal.
  const serve = stack.target === 'serve';
  const runnerJournal = serve ? api.journal : (runner?.journal ?? null);
  return {
    kind: serve ? 'serve' : stack.target === 'boxlite' ? 'boxlite' : 'sim',
    origin: `stack file ${statePaths(stack.stateDir).stackFile}`,
    apiUrl: api.url,
    apiKey,
    pathPrefix: o.prefix ?? (await discoverPathPrefix(api.url, apiKey)),
    images: imagesFrom(stack, o.image || null),
    bugs: [...(api.bugs ?? [])],
    simulated: stack.target !== 'serve' && stack.target !== 'boxlite',
    journals: { runner: runnerJournal, api: api.journal },
    pathGuard: skip
      ? { enabled: false, reason: 'disabled by BOXLITE_E2E_SKIP_PATH_VERIFY' }
      : {
          enabled: true,
          reason: serve
            ? `boxlite serve (API and runtime in one process) ${describeLogSource(api.journal)}`
            : `runner ${runner ? describeLogSource(runner.journal) : 'none'}, api ${describeLogSource(api.journal)}`,
        },
    dockerHost,
    runner:
      runner && stack.target !== 'boxlite' && !serve
        ? { url: runner.url, token: secrets.RUNNER_TOKEN }
        : null,
    stack,
  };
}

/** A journal source named by env; a container source is read on this run's engine. */
function journalFrom(name: string, raw: string | undefined, dockerHost: string): LogSource | null {
  if (!raw) return null;
  const src = parseLogSource(name, raw);
  return src.kind === 'container' ? { ...src, dockerHost } : src;
}

/**
 * A remote URL may be our own sim (e.g. CI pointing a remote run at it): its health names the
 * switches that are on. Anything else — a real API, serve, no answer — is judged by the ledger.
 */
export async function remoteSimSwitches(apiUrl: string): Promise<{ bugs: string[]; simulated: boolean }> {
  try {
    const res = await request(`${apiUrl}/health`, { headersTimeout: 3000, bodyTimeout: 3000 });
    const body = (await res.body.json().catch(() => null)) as {
      version?: unknown;
      bug_switches?: unknown;
    } | null;
    const switches = body?.bug_switches;
    if (
      res.statusCode === 200 &&
      typeof body?.version === 'string' &&
      body.version.startsWith('sim-api/') &&
      Array.isArray(switches) &&
      switches.every((x) => typeof x === 'string')
    )
      return { bugs: switches as string[], simulated: true };
  } catch {
    // Not reachable here: the remote check before the run reports that with its own line.
  }
  return { bugs: [], simulated: false };
}

/** Resolves the stack under test. Remote config wins when given explicitly. */
export async function resolveStackHandle(o: StackHandleOptions): Promise<StackHandle> {
  const { stateDir, dockerHost } = bootstrapConfig(o);
  const remote = await readRemoteConfig(o);
  if (remote) {
    const runnerRaw = o.runnerJournal ?? (o.runnerUnit ? `journald:${o.runnerUnit}` : undefined);
    const apiRaw = o.apiJournal ?? (o.apiLog ? `file:${o.apiLog}` : undefined);
    const runner = journalFrom('BOXLITE_E2E_RUNNER_JOURNAL', runnerRaw, dockerHost);
    const api = journalFrom('BOXLITE_E2E_API_JOURNAL', apiRaw, dockerHost);
    const skip = o.skipPathVerify;
    const enabled = !skip && runner !== null && api !== null;
    return {
      kind: 'remote',
      origin: remote.origin,
      apiUrl: remote.url,
      apiKey: remote.apiKey,
      pathPrefix: remote.pathPrefix ?? (await discoverPathPrefix(remote.url, remote.apiKey)),
      images: remoteImages(remote.image, remote.smallImage),
      ...(await remoteSimSwitches(remote.url)),
      journals: { runner, api },
      pathGuard: enabled
        ? { enabled, reason: `runner ${describeLogSource(runner!)}, api ${describeLogSource(api!)}` }
        : {
            enabled,
            reason: skip
              ? 'disabled by BOXLITE_E2E_SKIP_PATH_VERIFY'
              : 'DISABLED for remote stack: set BOXLITE_E2E_RUNNER_JOURNAL and BOXLITE_E2E_API_JOURNAL to enable',
          },
      dockerHost,
      runner: null,
      stack: null,
    };
  }
  const stack = await readStackFile(statePaths(stateDir).stackFile);
  if (!stack) throw new UsageError(NO_STACK_MESSAGE);
  return fromStackFile(stack, o, dockerHost);
}
