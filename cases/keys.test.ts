/**
 * API keys of an org (upstream apps/api/src/boxlite-rest/boxlite-api-key.controller.ts and
 * apps/api/src/api-key/api-key-grant.ts; sim/api/routes/api-keys.ts follows them):
 *
 * - a revoked or expired key is refused with the 401 envelope an unknown key gets;
 * - a key bounds what it passes on, in time and in permissions: a child may not outlive its
 *   parent (403) and, asking for no expiry, inherits the parent's (`dto.expires_at ??
 *   expiryBound`); a child may not hold a permission its parent lacks (403 "Insufficient
 *   permissions for assigning: …", `ungrantablePermissions`);
 * - each key is its own row: revoking one leaves the keys it minted working.
 *
 * Raw REST: no SDK mints keys. Needs `key-routes` where the key is minted from code.
 */
import { randomBytes } from 'node:crypto';
import { createRuntime } from '../drivers/node-sdk/driver.ts';
import { call, rootUrl, tenantUrl } from '../drivers/rest/http.ts';
import { claims, describe, expect, pause, type TenantOrg, test } from '../fixtures/index.ts';
import { ghostKey, shape } from './tenant-steps.ts';

interface KeySummary {
  name: string;
  permissions: string[];
  expires_at: string | null;
}

const keyName = (tag: string) => `${tag}-${randomBytes(3).toString('hex')}`;

/** `POST /v1/api-keys` with `key` as the caller. */
const mintAs = (org: TenantOrg, key: string, body: Record<string, unknown>) =>
  call<KeySummary & { value: string }>(
    { ...org.target, apiKey: key },
    'POST',
    rootUrl(org.target, '/api-keys'),
    {
      body,
    },
  );

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
      expect((await as(b, b.admin.apiKey)).list.status, "the org's other key").toBe(200);
    },
  );

  test(
    'an expired key is refused with the 401 an unknown key gets; a key cannot mint one that outlives it',
    claims({
      needs: ['orgs', 'key-routes'],
      detects: ['stale-key-accepted'],
      pins: ['keys.mint.route', 'keys.expired', 'keys.outlive'],
    }),
    async ({ orgs }) => {
      const b = await orgs.make();
      // The expiry is the contract here: a few seconds of validity, then refusal.
      const expiresAt = new Date(Date.now() + 3000);
      const key = await orgs.admin.createApiKey(b.admin, { expiresAt });
      expect(key.expiresAt).toBe(expiresAt.toISOString());
      const before = await as(b, key.value);
      expect([before.list.status, before.me.status], before.me.text).toEqual([200, 200]);
      expect(before.me.json?.expires_at).toBe(expiresAt.toISOString());
      const child = await mintAs(b, key.value, {
        name: keyName('outlives'),
        permissions: ['write:boxes'],
        expires_at: new Date(expiresAt.getTime() + 3_600_000).toISOString(),
      });
      expect(child.status, child.text).toBe(403);
      expect(child.envelope?.code).toBe('permission_denied');
      await pause(Math.max(0, expiresAt.getTime() - Date.now()) + 500);
      await refusedLikeUnknown(b, key.value);
    },
  );

  test(
    "a key minted by an expiring key carries the parent's expiry unless it asks for an earlier one, and dies with the parent",
    claims({ needs: ['orgs', 'key-routes'], pins: ['keys.expiry-inherited'] }),
    async ({ orgs }) => {
      const b = await orgs.make();
      // The expiry is the contract here: a few seconds of validity, then refusal.
      const parentExpiry = new Date(Date.now() + 4000);
      const parent = await orgs.admin.createApiKey(b.admin, { expiresAt: parentExpiry });
      const earlier = new Date(parentExpiry.getTime() - 2000).toISOString();
      const [inherits, own] = [keyName('inherits'), keyName('own')];
      const n1 = await mintAs(b, parent.value, { name: inherits, permissions: ['write:boxes'] });
      expect(n1.status, n1.text).toBe(201);
      expect(n1.json?.expires_at, 'no expiry asked: the parent bound').toBe(parentExpiry.toISOString());
      const n2 = await mintAs(b, parent.value, {
        name: own,
        permissions: ['write:boxes'],
        expires_at: earlier,
      });
      expect(n2.status, n2.text).toBe(201);
      expect(n2.json?.expires_at, 'an earlier expiry is kept').toBe(earlier);
      expect((await as(b, n1.json!.value)).me.json?.expires_at).toBe(parentExpiry.toISOString());
      const listed = await call<{ api_keys: KeySummary[] }>(b.target, 'GET', rootUrl(b.target, '/api-keys'));
      expect(listed.json?.api_keys.filter((k) => k.name === inherits || k.name === own)).toEqual([
        expect.objectContaining({ name: inherits, expires_at: parentExpiry.toISOString() }),
        expect.objectContaining({ name: own, expires_at: earlier }),
      ]);
      // Control: a key that does not expire mints one that does not either.
      const free = await mintAs(b, b.admin.apiKey, { name: keyName('free'), permissions: ['write:boxes'] });
      expect(free.json?.expires_at, free.text).toBeNull();
      await pause(Math.max(0, parentExpiry.getTime() - Date.now()) + 500);
      await refusedLikeUnknown(b, n1.json!.value);
      const late = await mintAs(b, parent.value, { name: keyName('late'), permissions: ['write:boxes'] });
      expect(late.status, `an expired key mints nothing: ${late.text}`).toBe(401);
    },
  );

  test(
    'a key cannot grant a permission it does not hold: 403 naming it, nothing minted; a subset is granted',
    claims({ needs: ['orgs', 'key-routes'], pins: ['keys.permission-subset'] }),
    async ({ orgs }) => {
      const b = await orgs.make();
      const parent = await orgs.admin.createApiKey(b.admin, { permissions: ['write:boxes'] });
      const wider = keyName('wider');
      const refused = await mintAs(b, parent.value, {
        name: wider,
        permissions: ['write:boxes', 'delete:boxes'],
      });
      expect(refused.status, refused.text).toBe(403);
      expect(refused.envelope?.code).toBe('permission_denied');
      expect(refused.envelope?.message).toContain('delete:boxes');
      expect(refused.envelope?.message).not.toContain('write:boxes');
      const listed = await call<{ api_keys: KeySummary[] }>(b.target, 'GET', rootUrl(b.target, '/api-keys'));
      expect(listed.json?.api_keys.map((k) => k.name)).not.toContain(wider);
      const subset = await mintAs(b, parent.value, { name: keyName('subset'), permissions: ['write:boxes'] });
      expect(subset.status, subset.text).toBe(201);
      expect(subset.json?.permissions).toEqual(['write:boxes']);
    },
  );

  test(
    'a malformed create is refused with 400 invalid_argument and mints nothing',
    claims({ needs: ['orgs', 'key-routes'], pins: ['keys.create.validation'] }),
    async ({ orgs }) => {
      // Upstream validates the body against CreateApiKeyDto (apps/api/src/api-key/dto/
      // create-api-key.dto.ts: name @IsNotEmpty @IsString, permissions @IsArray with each
      // @IsEnum) under the global ValidationPipe (apps/api/src/main.ts:90): a 400, no key.
      const b = await orgs.make();
      const name = keyName('malformed');
      const bodies: Array<[string, unknown]> = [
        ['a list, not an object', [{ name, permissions: ['write:boxes'] }]],
        ['no name', { permissions: ['write:boxes'] }],
        ['an empty name', { name: '', permissions: ['write:boxes'] }],
        ['a name that is not a string', { name: 42, permissions: ['write:boxes'] }],
        ['no permissions', { name }],
        ['permissions not a list', { name, permissions: 'write:boxes' }],
        ['an unknown permission beside a known one', { name, permissions: ['write:boxes', 'fly:boxes'] }],
      ];
      for (const [what, body] of bodies) {
        const res = await call(b.target, 'POST', rootUrl(b.target, '/api-keys'), { body });
        expect(res.status, `${what}: ${res.text}`).toBe(400);
        expect(res.envelope?.code, what).toBe('invalid_argument');
      }
      const listed = await call<{ api_keys: KeySummary[] }>(b.target, 'GET', rootUrl(b.target, '/api-keys'));
      expect(listed.status, listed.text).toBe(200);
      expect(listed.json?.api_keys.map((k) => k.name)).not.toContain(name);
      // The same name with a valid body is minted: the refusals were about the body alone.
      const ok = await mintAs(b, b.admin.apiKey, { name, permissions: ['write:boxes'] });
      expect(ok.status, ok.text).toBe(201);
    },
  );

  test(
    'revoking a key leaves the keys it minted working: each key is its own credential',
    claims({ needs: ['orgs', 'key-routes'] }),
    async ({ orgs }) => {
      // Upstream keys are independent rows: DELETE /v1/api-keys/{name} retires that name only.
      const b = await orgs.make();
      const parent = await orgs.admin.createApiKey(b.admin);
      const child = await mintAs(b, parent.value, { name: keyName('child'), permissions: ['write:boxes'] });
      expect(child.status, child.text).toBe(201);
      await orgs.admin.revokeApiKey(b.admin, parent);
      await refusedLikeUnknown(b, parent.value);
      const still = await as(b, child.json!.value);
      expect([still.list.status, still.me.status], still.me.text).toEqual([200, 200]);
    },
  );
});
