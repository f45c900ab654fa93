/**
 * Stack secrets: minted once into a 0600 file and reused forever after. A corrupt or
 * unreadable file is an error, never silently regenerated — new values would orphan data
 * hashed or encrypted with the old ones (the DB's admin key hash, the runner token).
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SetupError } from './errors.ts';

export const SECRET_KEYS = {
  DB_PASSWORD: 16,
  ADMIN_API_KEY: 24,
  RUNNER_TOKEN: 16,
  ENCRYPTION_KEY: 32,
} as const;
export type SecretKey = keyof typeof SECRET_KEYS;
export type Secrets = Record<SecretKey, string>;

const LINE = /^([A-Z][A-Z0-9_]*)=([0-9a-f]+)$/;

export function mintSecrets(): Secrets {
  const out = {} as Secrets;
  for (const [key, bytes] of Object.entries(SECRET_KEYS) as [SecretKey, number][]) {
    out[key] = randomBytes(bytes).toString('hex');
  }
  return out;
}

export function formatSecrets(s: Secrets): string {
  const header = '# boxlite-e2e stack secrets. Do not edit; `pnpm e2e:teardown --full` rotates them.\n';
  return header + (Object.keys(SECRET_KEYS) as SecretKey[]).map((k) => `${k}=${s[k]}`).join('\n') + '\n';
}

export function parseSecrets(path: string, text: string): Secrets {
  const found: Partial<Secrets> = {};
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const m = LINE.exec(line);
    if (!m) throw corrupt(path, `line ${i + 1} is not KEY=hex`);
    const [, key, value] = m as unknown as [string, string, string];
    if (!(key in SECRET_KEYS)) throw corrupt(path, `line ${i + 1} has unknown key ${key}`);
    found[key as SecretKey] = value;
  });
  const missing = (Object.keys(SECRET_KEYS) as SecretKey[]).filter((k) => !found[k]);
  if (missing.length) throw corrupt(path, `missing ${missing.join(', ')}`);
  return found as Secrets;
}

function corrupt(path: string, why: string): SetupError {
  return new SetupError(
    `secrets file ${path} is corrupt (${why}); restore it, or run \`pnpm e2e:teardown --full\` to drop data and secrets together`,
  );
}

/** Loads the secrets file, minting it (0600) only when it does not exist at all. */
export async function loadOrMintSecrets(path: string): Promise<{ secrets: Secrets; minted: boolean }> {
  let text: string | null = null;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT')
      throw new SetupError(`secrets file ${path} is unreadable (${code}); fix its permissions`);
  }
  if (text !== null) {
    const secrets = parseSecrets(path, text);
    // Tighten, never loosen: someone may have copied it around with a default umask.
    if (((await stat(path)).mode & 0o077) !== 0) await chmod(path, 0o600);
    return { secrets, minted: false };
  }
  const secrets = mintSecrets();
  await mkdir(dirname(path), { recursive: true });
  // 'wx' fails if another setup raced us to it, instead of overwriting its secrets.
  await writeFile(path, formatSecrets(secrets), { mode: 0o600, flag: 'wx' });
  return { secrets, minted: true };
}

/** Reads secrets for consumers (harness, sim); never mints. */
export async function readSecrets(path: string): Promise<Secrets> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new SetupError(
      `secrets file ${path} is unreadable (${(err as NodeJS.ErrnoException).code}); run \`pnpm e2e:setup\``,
    );
  }
  return parseSecrets(path, text);
}
