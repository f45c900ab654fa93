/**
 * Remote stack configuration in upstream's vocabulary, so existing users keep their habits:
 * env `BOXLITE_E2E_URL` (alias `BOXLITE_E2E_API_URL`), `_API_KEY`, `_PREFIX`, `_IMAGE`,
 * `_PROFILE`, and `~/.boxlite/credentials.toml` (`$BOXLITE_HOME/credentials.toml` when set)
 * profiles with `url`, `api_key`, `auth_method`, `path_prefix`.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import type { Env, EnvName } from '../../kernel/env-catalogue.ts';
import { UsageError } from '../../kernel/errors.ts';
import { type OptionTable, type Resolved, resolveOptions } from '../../kernel/options.ts';

const remote = (env: EnvName, doc: string) => ({ env, type: 'string', doc }) as const;

/** Where the stack under test is when it is not ours, and how to watch its journals. */
export const REMOTE_OPTIONS = {
  url: remote('BOXLITE_E2E_URL', 'remote API base URL'),
  apiUrl: remote('BOXLITE_E2E_API_URL', 'alias of BOXLITE_E2E_URL'),
  apiKey: remote('BOXLITE_E2E_API_KEY', 'remote API key'),
  // An explicitly empty prefix means "no prefix"; unset means "discover through /v1/me".
  prefix: { env: 'BOXLITE_E2E_PREFIX', type: 'string', keepEmpty: true, doc: 'path prefix' },
  image: remote('BOXLITE_E2E_IMAGE', 'default image for cases'),
  smallImage: remote(
    'BOXLITE_E2E_SMALL_IMAGE',
    'the image cases ask for as `busybox` (default: BOXLITE_E2E_IMAGE)',
  ),
  profile: remote('BOXLITE_E2E_PROFILE', 'credentials.toml profile'),
  boxliteHome: { env: 'BOXLITE_HOME', type: 'path', doc: 'where credentials.toml lives' },
  runnerJournal: remote('BOXLITE_E2E_RUNNER_JOURNAL', 'runner journal source'),
  apiJournal: remote('BOXLITE_E2E_API_JOURNAL', 'API access log source'),
  runnerUnit: remote('BOXLITE_E2E_RUNNER_UNIT', "upstream's runner journald unit"),
  apiLog: remote('BOXLITE_E2E_API_LOG', "upstream's API log file"),
} as const satisfies OptionTable;

export type RemoteOptions = Resolved<typeof REMOTE_OPTIONS>;

/** The remote options an env record describes (tests; entry points resolve them with the rest). */
export function remoteOptions(env: Env): RemoteOptions {
  return resolveOptions(REMOTE_OPTIONS, [], env).values;
}

export interface RemoteConfig {
  url: string;
  apiKey: string;
  /** null = discover through GET /v1/me. */
  pathPrefix: string | null;
  image: string | null;
  /** The second image (cases' `stack.images.busybox`); null = the same as `image`. */
  smallImage: string | null;
  origin: string;
}

export function credentialsPath(o: Pick<RemoteOptions, 'boxliteHome'>): string {
  return join(o.boxliteHome ?? join(homedir(), '.boxlite'), 'credentials.toml');
}

interface Profile {
  url?: unknown;
  api_key?: unknown;
  auth_method?: unknown;
  path_prefix?: unknown;
}

async function readProfile(o: RemoteOptions, name: string): Promise<Profile> {
  const path = credentialsPath(o);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new UsageError(`BOXLITE_E2E_PROFILE=${name} but ${path} cannot be read`);
  }
  let doc: Record<string, unknown>;
  try {
    doc = parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new UsageError(`${path} is not valid TOML: ${(err as Error).message.split('\n')[0]}`);
  }
  const profiles = (doc.profiles ?? {}) as Record<string, Profile>;
  const profile = profiles[name];
  if (!profile) {
    const known = Object.keys(profiles);
    throw new UsageError(`profile "${name}" not found in ${path} (profiles: ${known.join(', ') || 'none'})`);
  }
  return profile;
}

const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;

/** Returns the remote config when the environment asks for one, else null. Contradictions are errors. */
export async function readRemoteConfig(o: RemoteOptions): Promise<RemoteConfig | null> {
  const url1 = str(o.url);
  const url2 = str(o.apiUrl);
  if (url1 && url2 && url1 !== url2) {
    throw new UsageError(`BOXLITE_E2E_URL (${url1}) and BOXLITE_E2E_API_URL (${url2}) disagree; set one`);
  }
  const envUrl = url1 ?? url2;
  const profileName = str(o.profile);
  if (!envUrl && !profileName) return null;

  const profile = profileName ? await readProfile(o, profileName) : {};
  if (profileName) {
    const method = str(profile.auth_method) ?? 'api_key';
    if (method !== 'api_key') {
      throw new UsageError(`profile "${profileName}" uses auth_method=${method}; only api_key is supported`);
    }
  }
  const url = envUrl ?? str(profile.url);
  if (!url) throw new UsageError(`profile "${profileName}" has no url; set it or BOXLITE_E2E_URL`);
  if (envUrl && str(profile.url) && str(profile.url) !== envUrl) {
    throw new UsageError(
      `BOXLITE_E2E_URL (${envUrl}) contradicts profile "${profileName}" url (${String(profile.url)})`,
    );
  }
  const apiKey = str(o.apiKey) ?? str(profile.api_key);
  if (!apiKey) {
    throw new UsageError(
      `remote stack ${url} has no API key: set BOXLITE_E2E_API_KEY or api_key in the profile`,
    );
  }
  const pathPrefix = o.prefix !== undefined ? o.prefix : (str(profile.path_prefix) ?? null);
  try {
    new URL(url);
  } catch {
    throw new UsageError(`remote stack url ${JSON.stringify(url)} is not a URL`);
  }
  return {
    url: url.replace(/\/+$/, ''),
    apiKey,
    pathPrefix,
    image: str(o.image) ?? null,
    smallImage: str(o.smallImage) ?? null,
    origin: profileName ? `profile ${profileName} (${credentialsPath(o)})` : 'BOXLITE_E2E_URL',
  };
}
