/**
 * The stack handle: everything a case needs to reach the stack under test, resolved once
 * per run — from the stack file (sim or boxlite target provisioned here) or from remote
 * config (env / credentials.toml). Missing or contradictory config is one clear line.
 */
import { request } from 'undici';
import { readConfig } from '../../kernel/config.ts';
import { SetupError, UsageError } from '../../kernel/errors.ts';
import { statePaths } from '../../kernel/paths.ts';
import { readSecrets } from '../../kernel/secrets.ts';
import { type LogSource, readStackFile, type StackFile } from '../../kernel/stack-file.ts';
import { describeLogSource, parseLogSource } from './journal-source.ts';
import { readRemoteConfig } from './remote-config.ts';

type Env = Record<string, string | undefined>;

export interface StackHandle {
  kind: 'sim' | 'boxlite' | 'remote';
  /** Where the handle came from, for reports. */
  origin: string;
  apiUrl: string;
  apiKey: string;
  pathPrefix: string;
  /** Image references boxes are created from; `default` is used when a case names none. */
  images: { default: string; busybox: string; debian: string };
  /** Active sim bug switches (empty for real stacks). */
  bugs: string[];
  journals: { runner: LogSource | null; api: LogSource | null };
  pathGuard: { enabled: boolean; reason: string };
  /** Direct runner access (sim only): lets meta-tests prove the path guard catches bypasses. */
  runner: { url: string; token: string } | null;
  stack: StackFile | null;
}

export const NO_STACK_MESSAGE =
  'no stack to test: run `pnpm e2e` (brings up the sim) or `pnpm e2e:setup --target sim`, ' +
  'or point at a remote stack with BOXLITE_E2E_URL + BOXLITE_E2E_API_KEY (or BOXLITE_E2E_PROFILE)';

const truthy = (v: string | undefined) => ['1', 'true', 'yes', 'on'].includes((v ?? '').trim().toLowerCase());

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

/** Guest images recorded by setup; remote stacks use upstream's default image unless overridden. */
function imagesFrom(stack: StackFile | null, override: string | null): StackHandle['images'] {
  const named = (name: string, fallback: string) => {
    const img = stack?.images?.find((i) => i.name === name);
    return img ? `${img.name}:${img.tag}` : fallback;
  };
  const remoteDefault = 'alpine:3.23';
  const busybox = named('boxlite-e2e/busybox', stack ? 'boxlite-e2e/busybox:1' : remoteDefault);
  const debian = named('boxlite-e2e/debian', stack ? 'boxlite-e2e/debian:1' : remoteDefault);
  return { default: override ?? debian, busybox, debian };
}

async function fromStackFile(stack: StackFile, env: Env): Promise<StackHandle> {
  const api = stack.api;
  if (!api) {
    throw new UsageError(
      `the stack in ${stack.stateDir} has services but no API; run \`pnpm e2e:setup --target sim\` (or \`pnpm e2e\`)`,
    );
  }
  const secrets = await readSecrets(stack.secretsFile);
  const apiKey = secrets.ADMIN_API_KEY;
  const skip = truthy(env.BOXLITE_E2E_SKIP_PATH_VERIFY);
  const runner = stack.runner;
  return {
    kind: stack.target === 'boxlite' ? 'boxlite' : 'sim',
    origin: `stack file ${statePaths(stack.stateDir).stackFile}`,
    apiUrl: api.url,
    apiKey,
    pathPrefix: env.BOXLITE_E2E_PREFIX ?? (await discoverPathPrefix(api.url, apiKey)),
    images: imagesFrom(stack, env.BOXLITE_E2E_IMAGE?.trim() || null),
    bugs: [...(api.bugs ?? [])],
    journals: { runner: runner?.journal ?? null, api: api.journal },
    pathGuard: skip
      ? { enabled: false, reason: 'disabled by BOXLITE_E2E_SKIP_PATH_VERIFY' }
      : {
          enabled: true,
          reason: `runner ${runner ? describeLogSource(runner.journal) : 'none'}, api ${describeLogSource(api.journal)}`,
        },
    runner: runner && stack.target !== 'boxlite' ? { url: runner.url, token: secrets.RUNNER_TOKEN } : null,
    stack,
  };
}

/** Resolves the stack under test. Remote config wins when given explicitly. */
export async function resolveStackHandle(env: Env = process.env): Promise<StackHandle> {
  const remote = await readRemoteConfig(env);
  if (remote) {
    const runnerRaw =
      env.BOXLITE_E2E_RUNNER_JOURNAL ??
      (env.BOXLITE_E2E_RUNNER_UNIT ? `journald:${env.BOXLITE_E2E_RUNNER_UNIT}` : undefined);
    const apiRaw =
      env.BOXLITE_E2E_API_JOURNAL ??
      (env.BOXLITE_E2E_API_LOG ? `file:${env.BOXLITE_E2E_API_LOG}` : undefined);
    const runner = runnerRaw ? parseLogSource('BOXLITE_E2E_RUNNER_JOURNAL', runnerRaw) : null;
    const api = apiRaw ? parseLogSource('BOXLITE_E2E_API_JOURNAL', apiRaw) : null;
    const skip = truthy(env.BOXLITE_E2E_SKIP_PATH_VERIFY);
    const enabled = !skip && runner !== null && api !== null;
    return {
      kind: 'remote',
      origin: remote.origin,
      apiUrl: remote.url,
      apiKey: remote.apiKey,
      pathPrefix: remote.pathPrefix ?? (await discoverPathPrefix(remote.url, remote.apiKey)),
      images: imagesFrom(null, remote.image),
      bugs: [],
      journals: { runner, api },
      pathGuard: enabled
        ? { enabled, reason: `runner ${describeLogSource(runner!)}, api ${describeLogSource(api!)}` }
        : {
            enabled,
            reason: skip
              ? 'disabled by BOXLITE_E2E_SKIP_PATH_VERIFY'
              : 'DISABLED for remote stack: set BOXLITE_E2E_RUNNER_JOURNAL and BOXLITE_E2E_API_JOURNAL to enable',
          },
      runner: null,
      stack: null,
    };
  }
  const config = readConfig(env);
  const stack = await readStackFile(statePaths(config.stateDir).stackFile);
  if (!stack) throw new UsageError(NO_STACK_MESSAGE);
  return fromStackFile(stack, env);
}
