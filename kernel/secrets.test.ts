import { chmod, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SetupError } from './errors.ts';
import {
  formatSecrets,
  loadOrMintSecrets,
  mintSecrets,
  parseSecrets,
  readSecrets,
  SECRET_KEYS,
} from './secrets.ts';

const tmp = () => mkdtemp(join(tmpdir(), 'secrets-'));

describe('secrets', () => {
  it('mints every key as hex of the declared length', () => {
    const s = mintSecrets();
    for (const [key, bytes] of Object.entries(SECRET_KEYS)) {
      expect(s[key as keyof typeof s]).toMatch(new RegExp(`^[0-9a-f]{${bytes * 2}}$`));
    }
  });

  it('format/parse round-trips', () => {
    const s = mintSecrets();
    expect(parseSecrets('x', formatSecrets(s))).toEqual(s);
  });

  it('mints once into a 0600 file, then reuses the same values', async () => {
    const path = join(await tmp(), 'sub', 'secrets.env');
    const first = await loadOrMintSecrets(path);
    expect(first.minted).toBe(true);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const second = await loadOrMintSecrets(path);
    expect(second.minted).toBe(false);
    expect(second.secrets).toEqual(first.secrets);
  });

  it('tightens a readable file with loose permissions instead of regenerating it', async () => {
    const path = join(await tmp(), 'secrets.env');
    const s = mintSecrets();
    await writeFile(path, formatSecrets(s), { mode: 0o644 });
    await chmod(path, 0o644);
    expect((await loadOrMintSecrets(path)).secrets).toEqual(s);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it.each([
    ['garbage line', 'DB_PASSWORD=abc\nthis is not a secret\n', /line 2 is not KEY=hex/],
    ['missing keys', 'DB_PASSWORD=abcd\n', /missing ADMIN_API_KEY, RUNNER_TOKEN, ENCRYPTION_KEY/],
    ['unknown key', `${formatSecrets(mintSecrets())}OTHER=ab\n`, /unknown key OTHER/],
  ])('a corrupt file (%s) is a clear error and is left untouched', async (_what, text, message) => {
    const path = join(await tmp(), 'secrets.env');
    await writeFile(path, text, { mode: 0o600 });
    const err = await loadOrMintSecrets(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SetupError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).toMatch(/teardown --full/);
    expect(await readFile(path, 'utf8')).toBe(text);
  });

  it('an unreadable path is an error, never a fresh mint', async () => {
    const dir = await tmp(); // a directory where the file should be: EISDIR
    const err = await loadOrMintSecrets(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SetupError);
    expect((err as Error).message).toMatch(/unreadable/);
  });

  it('consumers never mint: readSecrets on a missing file tells to run setup', async () => {
    const err = await readSecrets(join(await tmp(), 'none.env')).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/pnpm e2e:setup/);
  });
});
