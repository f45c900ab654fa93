import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../kernel/errors.ts';
import { readRemoteConfig, remoteOptions } from './remote-config.ts';

const read = (env: Record<string, string>) => readRemoteConfig(remoteOptions(env));

async function home(toml: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'blhome-'));
  await writeFile(join(dir, 'credentials.toml'), toml);
  return dir;
}

const PROFILES = `
[profiles.p1]
url = "http://localhost:3000/api"
api_key = "k-p1"
auth_method = "api_key"
path_prefix = "org-1"

[profiles.oidc]
url = "http://x/api"
auth_method = "oidc"
`;

describe('remote config', () => {
  it('is null when nothing asks for a remote stack', async () => {
    expect(await read({})).toBeNull();
  });

  it('reads upstream env names; a trailing slash is trimmed; prefix null means discover', async () => {
    const c = await read({
      BOXLITE_E2E_URL: 'http://h:3000/api/',
      BOXLITE_E2E_API_KEY: 'k',
      BOXLITE_E2E_IMAGE: 'alpine:3.23',
    });
    expect(c).toEqual({
      url: 'http://h:3000/api',
      apiKey: 'k',
      pathPrefix: null,
      image: 'alpine:3.23',
      smallImage: null,
      origin: 'BOXLITE_E2E_URL',
    });
  });

  it('an explicitly empty BOXLITE_E2E_PREFIX means "no prefix", not "discover"', async () => {
    const c = await read({
      BOXLITE_E2E_URL: 'http://h/api',
      BOXLITE_E2E_API_KEY: 'k',
      BOXLITE_E2E_PREFIX: '',
    });
    expect(c?.pathPrefix).toBe('');
  });

  it('reads a credentials.toml profile from $BOXLITE_HOME', async () => {
    const c = await read({ BOXLITE_HOME: await home(PROFILES), BOXLITE_E2E_PROFILE: 'p1' });
    expect(c?.url).toBe('http://localhost:3000/api');
    expect(c?.apiKey).toBe('k-p1');
    expect(c?.pathPrefix).toBe('org-1');
    expect(c?.origin).toMatch(/^profile p1 \(/);
  });

  it('env key overrides the profile key (rotation without editing files)', async () => {
    const c = await read({
      BOXLITE_HOME: await home(PROFILES),
      BOXLITE_E2E_PROFILE: 'p1',
      BOXLITE_E2E_API_KEY: 'new',
    });
    expect(c?.apiKey).toBe('new');
  });

  it.each([
    [
      { BOXLITE_E2E_URL: 'http://a/api', BOXLITE_E2E_API_URL: 'http://b/api', BOXLITE_E2E_API_KEY: 'k' },
      /disagree/,
    ],
    [{ BOXLITE_E2E_URL: 'http://a/api' }, /has no API key: set BOXLITE_E2E_API_KEY/],
    [{ BOXLITE_E2E_URL: 'not a url', BOXLITE_E2E_API_KEY: 'k' }, /is not a URL/],
    [{ BOXLITE_E2E_PROFILE: 'p9' }, /profile "p9" not found in .* \(profiles: p1, oidc\)/],
    [{ BOXLITE_E2E_PROFILE: 'oidc' }, /auth_method=oidc; only api_key is supported/],
    [{ BOXLITE_E2E_PROFILE: 'p1', BOXLITE_E2E_URL: 'http://elsewhere/api' }, /contradicts profile "p1" url/],
  ])('contradictory or missing config %o is one clear line', async (env, message) => {
    const err = await read({ BOXLITE_HOME: await home(PROFILES), ...env }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain('\n');
  });

  it('invalid TOML names the file', async () => {
    const err = await read({
      BOXLITE_HOME: await home('[profiles.p1\nurl='),
      BOXLITE_E2E_PROFILE: 'p1',
    }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/credentials\.toml is not valid TOML/);
  });
});
