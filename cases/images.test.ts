/**
 * Images over REST (protocol §5.5; 0.11 client `rest/runtime.rs` ImageBackend): what a user
 * reads back about the images their boxes use. Every server lists one row per reference with
 * the manifest digest as its id and describes an image by its name as ONE url segment
 * (`quay.io/acme/app` → `quay.io%2Facme%2Fapp`); unknown images are a typed not_found. The
 * cloud API keeps a per-org catalog on top (usage against a limit, removal refused while a box
 * can still boot from the image, `POST /images/pull`) — `boxlite serve` keeps a local cache
 * with none of that, so those cases declare `image-catalog` and the preflight measures it.
 *
 * The 0.11 clients pull nothing themselves ("a REST runtime pulls an image when a box is
 * created from it"), so an image reaches the listing by being used: the cloud API and the sim
 * record it at create, `boxlite serve` caches it when a start pulls it.
 */
import type { RestResponse } from '../drivers/rest/http.ts';
import { claims, describe, expect, test } from '../fixtures/index.ts';
import { DIGEST, imagePath, listImages, names, useImage } from './image-listing.ts';

function expectEnvelope(res: RestResponse, status: number, code: string) {
  expect(res.status, res.text).toBe(status);
  expect(res.envelope?.code, res.text).toBe(code);
}

describe('images: listing and description', () => {
  test(
    'an image a box uses is listed once per reference, with its manifest digest as id',
    claims({
      pins: ['images.list.route', 'images.list.per-reference'],
      ports: ['test_list_reports_fixture_images', 'test_image_info_fields_populated'],
      needs: ['create', 'images'],
    }),
    async ({ rest, stack, boxName }) => {
      const image = stack.images.busybox;
      const first = await useImage(rest, image, boxName());
      const again = await rest.createBox({ image, name: boxName() });
      expect(again.status, again.text).toBeLessThan(300);
      const rows = (await listImages(rest)).filter((r) => names(r, image));
      expect(rows, 'a second box from the same reference adds no row').toHaveLength(1);
      const row = rows[0]!;
      expect(row).toEqual(first.row);
      expect(row.id).toMatch(DIGEST);
      expect(row.tag).toBe(image.split(':').at(-1));
      expect(row.reference).toBe(`${row.repository}:${row.tag}`);
      expect(Number.isNaN(Date.parse(row.cached_at)), row.cached_at).toBe(false);
      if (row.size_bytes != null) expect(row.size_bytes).toBeGreaterThan(0);
    },
  );

  test(
    'an image is described by its name as one URL segment; the version is the digest listed',
    claims({ pins: ['images.get.route', 'images.get.digest'], needs: ['create', 'images'] }),
    async ({ rest, stack, boxName }) => {
      const { row } = await useImage(rest, stack.images.busybox, boxName());
      const res = await rest.tenant<{
        name: string;
        curated?: boolean;
        versions: { digest: string; source_ref: string }[];
      }>('GET', imagePath(row.repository));
      expect(res.status, res.text).toBe(200);
      expect(res.json?.name).toBe(row.repository);
      expect(res.json?.curated ?? false).toBe(false);
      const version = res.json?.versions.find((v) => v.digest === row.id);
      expect(version, res.text).toBeDefined();
      expect(version!.source_ref.endsWith(stack.images.busybox), version!.source_ref).toBe(true);
    },
  );

  test(
    'every image a box was created from is listed: two new ones, each once',
    claims({
      pins: ['images.list.recorded-at-create'],
      needs: ['stack-registry', 'create-pulls', 'create', 'images'],
    }),
    async ({ rest, privateImage, boxName }) => {
      // Named to sort after the other repositories, so a listing that loses its last row shows.
      const images = [await privateImage.copy('a', 'zz-listed'), await privateImage.copy('b', 'zz-listed')];
      for (const image of images) await useImage(rest, image, boxName());
      const rows = await listImages(rest);
      for (const image of images)
        expect(
          rows.filter((r) => names(r, image)),
          image,
        ).toHaveLength(1);
    },
  );

  test(
    'an image no box ever used is a typed not_found on get and remove',
    claims({ pins: ['images.get.unknown'], needs: 'images' }),
    async ({ rest, stack }) => {
      const [busybox] = stack.images.busybox.split(':');
      const ghost = `${busybox}-never-pushed`;
      expectEnvelope(await rest.tenant('GET', imagePath(ghost)), 404, 'not_found');
      expectEnvelope(await rest.tenant('DELETE', imagePath(ghost)), 404, 'not_found');
    },
  );
});

describe('images: the cloud catalog', claims({ needs: ['image-catalog'] }), () => {
  test(
    'usage counts the catalog against its limit and grows by one for a new image',
    claims({
      pins: ['images.usage.route', 'images.usage.counts', 'images.limit'],
      needs: ['stack-registry', 'create'],
    }),
    async ({ rest, privateImage, boxName }) => {
      await privateImage.settled(); // earlier cases' copies leave the catalog after them
      const before = await rest.tenant<{ count: number; limit: number; known_bytes: number }>(
        'GET',
        '/images/usage',
      );
      expect(before.status, before.text).toBe(200);
      for (const k of ['count', 'limit', 'known_bytes'] as const)
        expect(Number.isInteger(before.json?.[k])).toBe(true);
      expect(before.json!.limit).toBeGreaterThanOrEqual(before.json!.count);
      await useImage(rest, await privateImage.copy('usage'), boxName());
      const after = await rest.tenant<{ count: number; known_bytes: number }>('GET', '/images/usage');
      expect(after.json?.count).toBe(before.json!.count + 1);
      expect(after.json!.known_bytes).toBeGreaterThan(before.json!.known_bytes);
    },
  );

  test(
    'removal is refused while a box can boot from the image, naming it; then the image goes',
    claims({ pins: ['images.remove.in-use', 'images.remove.route'], needs: ['stack-registry', 'create'] }),
    async ({ rest, privateImage, boxName }) => {
      const image = await privateImage.copy('remove');
      const { id, row } = await useImage(rest, image, boxName());
      const refused = await rest.tenant('DELETE', imagePath(row.repository));
      expectEnvelope(refused, 409, 'invalid_state');
      expect(refused.envelope?.message).toContain(id);
      const gone = await rest.tenant('DELETE', `/boxes/${id}`, { query: { force: 'true' } });
      expect(gone.status, gone.text).toBe(204);
      expect((await rest.tenant('DELETE', imagePath(row.repository))).status).toBe(204);
      expectEnvelope(await rest.tenant('GET', imagePath(row.repository)), 404, 'not_found');
      expect((await listImages(rest)).some((r) => names(r, image))).toBe(false);
      // Using the reference again records it afresh.
      await useImage(rest, image, boxName());
    },
  );

  test(
    'POST /images/pull describes an image from the stack registry; bad references are typed',
    claims({
      pins: ['images.pull.route', 'images.pull.bad-reference'],
      ports: ['test_pull_real_image', 'test_pull_unreachable_registry_is_typed_error'],
    }),
    async ({ rest, stack }) => {
      const pulled = await rest.tenant<{ reference: string; config_digest: string; layer_count: number }>(
        'POST',
        '/images/pull',
        { body: { reference: stack.images.busybox } },
      );
      expect(pulled.status, pulled.text).toBe(200);
      expect(pulled.json?.reference).toBe(stack.images.busybox);
      expect(pulled.json?.config_digest).toMatch(DIGEST);
      expect(pulled.json?.layer_count).toBeGreaterThan(0);
      expectEnvelope(
        await rest.tenant('POST', '/images/pull', { body: { reference: 42 } }),
        400,
        'invalid_argument',
      );
      expectEnvelope(
        await rest.tenant('POST', '/images/pull', { body: { reference: '  ' } }),
        400,
        'invalid_argument',
      );
      const unreachable = await rest.tenant('POST', '/images/pull', {
        body: { reference: 'does-not-exist.invalid/nope:0.0.0' },
      });
      expect(unreachable.status, unreachable.text).toBeGreaterThanOrEqual(400);
      expect(unreachable.status, unreachable.text).toBeLessThan(500);
      expect(unreachable.envelope?.code, unreachable.text).toBe('image_pull_failed');
    },
  );
});
