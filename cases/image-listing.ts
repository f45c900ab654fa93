/**
 * What the image cases share: the listing's row shape and using an image as a user would (a box
 * created from it), for the REST family (images.test.ts) and the CLI's (cli-images.test.ts).
 */
import type { RestDriver } from '../drivers/rest/driver.ts';
import { expect } from '../fixtures/index.ts';

export interface ImageRow {
  reference: string;
  repository: string;
  tag: string;
  id: string;
  cached_at: string;
  size_bytes?: number | null;
}

export const DIGEST = /^sha256:[0-9a-f]{64}$/;
export const imagePath = (name: string) => `/images/${encodeURIComponent(name)}`;
/** A row names `image` when its reference is the image, or the image qualified by a registry. */
export const names = (row: ImageRow, image: string) =>
  row.reference === image || row.reference.endsWith(`/${image}`);

export async function listImages(rest: RestDriver): Promise<ImageRow[]> {
  const res = await rest.tenant<{ images: ImageRow[] }>('GET', '/images');
  expect(res.status, res.text).toBe(200);
  expect(Array.isArray(res.json?.images), res.text).toBe(true);
  return res.json!.images;
}

/**
 * Uses `image` as a user would (create a box from it) and returns the box id and the row the
 * listing then shows. A server that only caches on start (`boxlite serve`) gets a start: on a
 * host with no VM that start fails after the pull, and its answer is not this family's contract
 * (lifecycle cases own it), so it is not asserted here.
 */
export async function useImage(rest: RestDriver, image: string, name: string) {
  const created = await rest.createBox({ image, name });
  expect(created.status, created.text).toBeLessThan(300);
  const id = created.json!.box_id;
  let row = (await listImages(rest)).find((r) => names(r, image));
  if (!row) {
    await rest.tenant('POST', `/boxes/${id}/start`, { timeoutMs: 180_000 });
    row = (await listImages(rest)).find((r) => names(r, image));
  }
  expect(row, `no row for ${image} after a box was created (and started) from it`).toBeDefined();
  return { id, row: row! };
}
