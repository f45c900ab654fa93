/**
 * API keys of an org, through the API's own key routes (upstream apps/api/src/api-key/
 * api-key.controller.ts, `/api/api-keys`, camelCase DTOs in dto/; service api-key.service.ts;
 * the key checked by apps/api/src/auth/api-key.strategy.ts). sim/api/routes/api-keys.ts follows them:
 *
 * - a deleted or expired key is refused with the 401 an unknown key gets (strategy:94-104, 135-167);
 * - keys are independent rows: a key's expiry is what its create asked, neither bounded by nor
 *   inherited from the calling key's (controller:65-71), and deleting one leaves the keys it
 *   minted working (service:145-153);
 * - a grant is checked against the caller's org role, not the calling key's permissions
 *   (controller:184-211): an owner's narrow key mints a wider one;
 * - a malformed create is Nest's 400 (CreateApiKeyDto under the ValidationPipe, main.ts:89-93),
 *   a name the caller already holds is 409 (service:49-52).
 *
 * Raw REST: no published SDK or CLI calls these routes. Needs `key-routes` where the key is
 * minted from code.
 */
import { randomBytes } from 'node:crypto';
import { createRuntime } from '../drivers/node-sdk/driver.ts';
import { appUrl, call, rootUrl, tenantUrl } from '../drivers/rest/http.ts';
import { claims, describe, expect, pause, type TenantOrg, test } from '../fixtures/index.ts';
import { ghostKey, shape } from './tenant-steps.ts';

/** `ApiKeyResponseDto` (create) and `ApiKeyListDto` (list, get): camelCase. */
interface CreatedKey {
  name: string;
  value: string;
  permissions: string[];
  expiresAt?: string | null;
}
interface ListedKey extends CreatedKey {
  expiresAt: string | null;
  userId: string;
}

/** Nest's error body (apps/api/src/filters/all-exceptions.filter.ts). */
interface NestError {
  statusCode: number;
  error: string;
  message: string;
}

const keyName = (tag: string) => `${tag}-${randomBytes(3).toString('hex')}`;

/** `POST /api/api-keys` with `key` as the caller. */
const mintAs = (org: TenantOrg, key: string, body: Record<string, unknown>) =>
  call<CreatedKey & NestError>({ ...org.target, apiKey: key }, 'POST', appUrl(org.target, '/api-keys'), {
    body,
  });

const listKeys = (org: TenantOrg) => call<ListedKey[]>(org.target, 'GET', appUrl(org.target, '/api-keys'));

describe('multi-tenant: keys', () => {
  /** GET /boxes and GET /v1/me as `key` in `org`'s namespace. */
  const as = async (org: TenantOrg, key: string) => {
    const t = { ...org.target, apiKey: key };
    return {
      list: await call(t, 'GET', tenantUrl(t, '/boxes')),
      me: await call<{ path_prefix?: string; expires_at?: string | null }>(t, 'GET', rootUrl(t, '/me')),
    };
  };
  const refusedLikeUnknown = async (org: TenantOrg, key: string) => {
    const [stale, unknown] = [await as(org, key), await as(org, ghostKey())];
    for (const k of ['list', 'me'] as const) {
      expect(stale[k].status, `${k}: ${stale[k].text}`).toBe(401);
      expect(stale[k].envelope?.code).toBe('unauthenticated');
      expect(shape(stale[k], []), `${k}: stale key vs a key never issued`).toEqual(shape(unknown[k], []));
    }
  };
  const works = async (org: TenantOrg, key: string, what: string) => {
    const r = await as(org, key);
    expect([r.list.status, r.me.status], `${what}: ${r.me.text}`).toEqual([200, 200]);
  };

  test(
    'a revoked key is refused with the 401 an unknown key gets (REST and SDK); the org keeps working',
    claims({
      needs: 'orgs',
      detects: ['stale-key-accepted'],
      pins: ['keys.mint.route', 'keys.revoke.route', 'keys.minted-works', 'keys.revoked'],
    }),
    async ({ orgs }) => {
      const b = await orgs.make();
      const key = await orgs.admin.createApiKey(b.admin);
      const before = await as(b, key.value);
      expect([before.list.status, before.me.status], before.me.text).toEqual([200, 200]);
      expect(before.me.json?.path_prefix).toBe(b.target.pathPrefix);
      await orgs.admin.revokeApiKey(b.admin, key);
      await refusedLikeUnknown(b, key.value);
      const sdkErr = (k: string) =>
        createRuntime(b.target, k)
          .listInfo()
          .then(
            () => 'accepted',
            (err: Error) => err.message,
          );
      const [revoked, unknown] = [await sdkErr(key.value), await sdkErr(ghostKey())];
      expect(revoked).not.toBe('accepted');
      expect(revoked).toBe(unknown);
      await works(b, b.admin.apiKey, "the org's other key");
    },
  );

  test(
    'an expired key is refused with the 401 an unknown key gets; the keys it minted, expiring later or never, outlive it',
    claims({
      needs: ['orgs', 'key-routes'],
      detects: ['stale-key-accepted'],
      pins: [
        'keys.mint.route',
        'keys.list.route',
        'keys.expired',
        'keys.may-outlive',
        'keys.expiry-not-inherited',
      ],
    }),
    async ({ orgs }) => {
      const b = await orgs.make();
      // The expiry is the contract here: a few seconds of validity, then refusal.
      const expiresAt = new Date(Date.now() + 4000);
      const parent = await orgs.admin.createApiKey(b.admin, { expiresAt });
      expect(parent.expiresAt).toBe(expiresAt.toISOString());
      const before = await as(b, parent.value);
      expect([before.list.status, before.me.status], before.me.text).toEqual([200, 200]);
      expect(before.me.json?.expires_at).toBe(expiresAt.toISOString());
      const later = new Date(expiresAt.getTime() + 3_600_000).toISOString();
      const [longer, never] = [keyName('longer'), keyName('never')];
      const l = await mintAs(b, parent.value, {
        name: longer,
        permissions: ['write:boxes'],
        expiresAt: later,
      });
      expect([l.status, l.json?.expiresAt], l.text).toEqual([201, later]);
      const n = await mintAs(b, parent.value, { name: never, permissions: ['write:boxes'] });
      expect(n.status, n.text).toBe(201);
      expect(n.json?.expiresAt ?? null, 'no expiry asked: none, not the parent').toBeNull();
      const listed = await listKeys(b);
      expect(listed.status, listed.text).toBe(200);
      const mine = (listed.json ?? []).filter((k) => k.name === longer || k.name === never);
      expect(mine.map((k) => [k.name, k.expiresAt]).sort()).toEqual(
        [
          [longer, later],
          [never, null],
        ].sort(),
      );
      await pause(Math.max(0, expiresAt.getTime() - Date.now()) + 500);
      await refusedLikeUnknown(b, parent.value);
      await works(b, l.json!.value, 'the child that expires later');
      await works(b, n.json!.value, 'the child that never expires');
      const late = await mintAs(b, parent.value, { name: keyName('late'), permissions: ['write:boxes'] });
      expect([late.status, late.json?.message], `an expired key mints nothing: ${late.text}`).toEqual([
        401,
        'Invalid credentials',
      ]);
    },
  );

  test(
    "a grant is checked against the owner's role, not the calling key: a narrow key mints a wider one",
    claims({ needs: ['orgs', 'key-routes'], pins: ['keys.grant-by-role'] }),
    async ({ orgs }) => {
      const b = await orgs.make();
      const parent = await orgs.admin.createApiKey(b.admin, { permissions: ['write:boxes'] });
      const wider = await mintAs(b, parent.value, {
        name: keyName('wider'),
        permissions: ['write:boxes', 'delete:boxes'],
      });
      expect(wider.status, wider.text).toBe(201);
      expect(wider.json?.permissions).toEqual(['write:boxes', 'delete:boxes']);
      const none = await mintAs(b, parent.value, { name: keyName('none'), permissions: [] });
      expect([none.status, none.json?.permissions], none.text).toEqual([201, []]);
    },
  );

  test(
    "a malformed create is refused with Nest's 400 and mints nothing; a name already held is 409",
    claims({ needs: ['orgs', 'key-routes'], pins: ['keys.create.validation', 'keys.name-taken'] }),
    async ({ orgs }) => {
      // Upstream validates the body against CreateApiKeyDto (apps/api/src/api-key/dto/
      // create-api-key.dto.ts: name @IsNotEmpty @IsString, permissions @IsArray with each
      // @IsEnum, expiresAt @IsOptional @IsDate) under the global ValidationPipe (main.ts:89-93).
      const b = await orgs.make();
      const name = keyName('malformed');
      const bodies: Array<[string, unknown, string]> = [
        ['a list, not an object', [{ name, permissions: ['write:boxes'] }], 'unknown value'],
        ['no name', { permissions: ['write:boxes'] }, 'name'],
        ['an empty name', { name: '', permissions: ['write:boxes'] }, 'name should not be empty'],
        ['a name that is not a string', { name: 42, permissions: ['write:boxes'] }, 'name must be a string'],
        ['no permissions', { name }, 'permissions must be an array'],
        ['permissions not a list', { name, permissions: 'write:boxes' }, 'permissions must be an array'],
        ['an unknown permission', { name, permissions: ['write:boxes', 'fly:boxes'] }, 'permissions'],
        ['an expiry that is no date', { name, permissions: [], expiresAt: 'soon' }, 'expiresAt'],
      ];
      for (const [what, body, says] of bodies) {
        const res = await call<NestError>(b.target, 'POST', appUrl(b.target, '/api-keys'), { body });
        expect(res.status, `${what}: ${res.text}`).toBe(400);
        expect([res.json?.statusCode, res.json?.error], what).toEqual([400, 'Bad Request']);
        expect(res.json?.message, what).toContain(says);
      }
      const listed = await listKeys(b);
      expect(listed.status, listed.text).toBe(200);
      expect((listed.json ?? []).map((k) => k.name)).not.toContain(name);
      // The same name with a valid body is minted: the refusals were about the body alone.
      const ok = await mintAs(b, b.admin.apiKey, { name, permissions: ['write:boxes'] });
      expect(ok.status, ok.text).toBe(201);
      const again = await mintAs(b, b.admin.apiKey, { name, permissions: ['write:boxes'] });
      expect([again.status, again.json?.message], again.text).toEqual([
        409,
        'API key with this name already exists',
      ]);
    },
  );

  test(
    'revoking a key leaves the keys it minted working: each key is its own credential',
    claims({ needs: ['orgs', 'key-routes'] }),
    async ({ orgs }) => {
      // Upstream keys are independent rows: DELETE /api/api-keys/{name} removes that row only.
      const b = await orgs.make();
      const parent = await orgs.admin.createApiKey(b.admin);
      const child = await mintAs(b, parent.value, { name: keyName('child'), permissions: ['write:boxes'] });
      expect(child.status, child.text).toBe(201);
      await orgs.admin.revokeApiKey(b.admin, parent);
      await refusedLikeUnknown(b, parent.value);
      await works(b, child.json!.value, 'the child');
    },
  );

  test(
    'a key reads itself at /current and by name, masked; the list holds it until it is deleted',
    claims({ needs: ['orgs', 'key-routes'], pins: ['keys.current.route', 'keys.get.route', 'keys.masked'] }),
    async ({ orgs }) => {
      const b = await orgs.make();
      const name = keyName('self');
      const made = await mintAs(b, b.admin.apiKey, { name, permissions: ['write:boxes'] });
      expect(made.status, made.text).toBe(201);
      const value = made.json!.value;
      const t = { ...b.target, apiKey: value };
      const cur = await call<ListedKey>(t, 'GET', appUrl(t, '/api-keys/current'));
      expect(cur.status, cur.text).toBe(200);
      expect(cur.json).toMatchObject({ name, permissions: ['write:boxes'], expiresAt: null });
      // ApiKeyListDto masks the value: a prefix, 20 stars, the last 3 characters.
      expect(cur.json?.value).toMatch(/^.+\*{20}.{3}$/);
      expect(cur.json?.value.endsWith(value.slice(-3))).toBe(true);
      expect(cur.text).not.toContain(value);
      const byName = await call<ListedKey>(b.target, 'GET', appUrl(b.target, `/api-keys/${name}`));
      expect([byName.status, byName.json?.name, byName.json?.userId]).toEqual([200, name, cur.json?.userId]);
      const listed = await listKeys(b);
      expect(listed.text).not.toContain(value);
      expect((listed.json ?? []).map((k) => k.name)).toContain(name);
      await orgs.admin.revokeApiKey(b.admin, name);
      const gone = await call<NestError>(b.target, 'GET', appUrl(b.target, `/api-keys/${name}`));
      expect([gone.status, gone.json?.message]).toEqual([404, 'API key not found']);
      expect(((await listKeys(b)).json ?? []).map((k) => k.name)).not.toContain(name);
    },
  );
});
