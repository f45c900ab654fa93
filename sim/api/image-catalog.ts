/**
 * The image catalog, as BoxLite's cloud API keeps one per org (upstream
 * `apps/api/src/image/services/image-catalog.service.ts`): every reference a box was
 * created from is recorded with the digest it resolved to; the catalog lists one row per
 * reference, describes an image with its versions, refuses to remove an image a live box can
 * still boot from (409 naming the boxes), and counts images against a limit. Removing an
 * entry forgets it; using the reference again records it afresh.
 */
import type { Db } from './db.ts';
import { ApiError } from './errors.ts';
import { type ImageFacts, type ResolvedImage, resolveImage } from './registry.ts';

/** The org's catalog limit (upstream `organization.imageCountLimit`); the sim has one for all. */
export const IMAGE_COUNT_LIMIT = 100;

export interface ImageRefRow {
  name: string;
  tag: string;
  digest: string;
  size_bytes: string;
  source_ref: string;
  recorded_at: Date;
}

/** The catalog's name for an image: its repository in the stack registry. */
export const catalogName = (resolved: ResolvedImage, registry: string) =>
  `${registry}/${resolved.repository}`;

/** `name:tag`, or `name@digest` for a build no tag points at (a local cache's `<none>`). */
export const referenceOf = (row: Pick<ImageRefRow, 'name' | 'tag' | 'digest'>) =>
  row.tag === '<none>' ? `${row.name}@${row.digest}` : `${row.name}:${row.tag}`;

/** Records (or refreshes) the reference a box was created from. */
export async function recordImage(
  db: Db,
  orgId: string,
  image: string,
  resolved: ResolvedImage,
  registry: string,
  facts: ImageFacts,
): Promise<void> {
  const tag = resolved.reference.includes(':') ? '<none>' : resolved.reference;
  await db.query(
    `INSERT INTO image_refs (org_id, name, tag, digest, size_bytes, source_ref)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (org_id, name, tag) DO UPDATE
       SET digest = EXCLUDED.digest, size_bytes = EXCLUDED.size_bytes, source_ref = EXCLUDED.source_ref,
           recorded_at = CASE WHEN image_refs.digest = EXCLUDED.digest THEN image_refs.recorded_at ELSE now() END`,
    [orgId, catalogName(resolved, registry), tag, facts.digest, facts.sizeBytes, image],
  );
}

export async function listImageRefs(db: Db, orgId: string): Promise<ImageRefRow[]> {
  const r = await db.query<ImageRefRow>(
    'SELECT name, tag, digest, size_bytes, source_ref, recorded_at FROM image_refs WHERE org_id = $1 ORDER BY name, tag',
    [orgId],
  );
  return r.rows;
}

/** The rows of one image, named by any spelling that resolves to it; 404 when unknown. */
export async function imageRows(db: Db, orgId: string, nameOrRef: string, registry: string) {
  let name: string;
  try {
    name = catalogName(resolveImage(nameOrRef, registry), registry);
  } catch {
    throw new ApiError('not_found', `Image '${nameOrRef}' not found`);
  }
  const rows = (await listImageRefs(db, orgId)).filter((row) => row.name === name);
  if (rows.length === 0) throw new ApiError('not_found', `Image '${nameOrRef}' not found`);
  return { name, rows };
}

/** Removes an image from the catalog unless a box that is not removed was created from it. */
export async function removeImage(db: Db, orgId: string, nameOrRef: string, registry: string): Promise<void> {
  const { name } = await imageRows(db, orgId, nameOrRef, registry);
  const boxes = await db.query<{ id: string; image: string }>(
    'SELECT id, image FROM boxes WHERE org_id = $1 AND deleted_at IS NULL ORDER BY created_at',
    [orgId],
  );
  const inUse = boxes.rows.filter((box) => {
    try {
      return catalogName(resolveImage(box.image, registry), registry) === name;
    } catch {
      return false;
    }
  });
  if (inUse.length > 0) {
    throw new ApiError(
      'invalid_state',
      `Image '${name}' cannot be removed while ${inUse.length} box(es) can still boot from it: ${inUse.map((b) => b.id).join(', ')}`,
    );
  }
  await db.query('DELETE FROM image_refs WHERE org_id = $1 AND name = $2', [orgId, name]);
}

export async function imageUsage(db: Db, orgId: string) {
  const r = await db.query<{ count: string; bytes: string }>(
    `SELECT count(DISTINCT name) AS count, COALESCE(sum(size_bytes), 0) AS bytes
       FROM (SELECT DISTINCT name, digest, size_bytes FROM image_refs WHERE org_id = $1) v`,
    [orgId],
  );
  const row = r.rows[0];
  return { count: Number(row?.count ?? 0), limit: IMAGE_COUNT_LIMIT, known_bytes: Number(row?.bytes ?? 0) };
}

/** `text` with a leading `<old address>/` (the first segment of `old`) replaced by `$1/`. */
const rebased = (text: string, old: string) =>
  `CASE WHEN split_part(${text}, '/', 1) = split_part(${old}, '/', 1) THEN $1 || substr(${text}, strpos(${text}, '/')) ELSE ${text} END`;

/**
 * The stack registry keeps its data when it moves to another port, so what the API stored
 * naming it by its old host:port (catalog names, and the image references of live boxes)
 * is rewritten to `registry` at start. The sim only ever records its own registry, so any
 * other leading address is an old one of the same registry; where two old rows now name the
 * same reference, the newest wins and a row already naming `registry` is kept as it is.
 * Answers how many catalog rows and boxes it rewrote.
 */
export async function rebaseOnRegistry(db: Db, registry: string): Promise<{ rows: number; boxes: number }> {
  const rows = await db.query(
    `WITH moved AS (
       DELETE FROM image_refs WHERE split_part(name, '/', 1) <> $1 RETURNING *
     ), renamed AS (
       SELECT DISTINCT ON (org_id, new_name, tag) org_id, $1 || substr(name, strpos(name, '/')) AS new_name,
              tag, digest, size_bytes, ${rebased('source_ref', 'name')} AS source_ref, recorded_at
         FROM moved ORDER BY org_id, new_name, tag, recorded_at DESC
     )
     INSERT INTO image_refs (org_id, name, tag, digest, size_bytes, source_ref, recorded_at)
     SELECT org_id, new_name, tag, digest, size_bytes, source_ref, recorded_at FROM renamed
     ON CONFLICT (org_id, name, tag) DO NOTHING`,
    [registry],
  );
  const boxes = await db.query(
    `UPDATE boxes SET image = ${rebased('image', 'image_ref')}, image_ref = ${rebased('image_ref', 'image_ref')}
      WHERE deleted_at IS NULL AND strpos(image_ref, '/') > 0 AND split_part(image_ref, '/', 1) <> $1`,
    [registry],
  );
  return { rows: rows.rowCount ?? 0, boxes: boxes.rowCount ?? 0 };
}
