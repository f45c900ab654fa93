/**
 * The image routes of BoxLite's cloud API under the tenant prefix (upstream
 * `apps/api/src/boxlite-rest/boxlite-image.controller.ts` for list/usage/get/delete and
 * `boxlite-images.controller.ts` for pull), answered from the catalog (image-catalog.ts).
 * `usage` is declared before `:name` for the same reason upstream gives: both are one segment.
 */
import { ApiError } from '../errors.ts';
import { type Handler, readJson, sendJson, sendNoContent } from '../http.ts';
import { imageRows, imageUsage, listImageRefs, referenceOf, removeImage } from '../image-catalog.ts';
import { describeImage, resolveImage } from '../registry.ts';
import type { Route } from '../router.ts';

const list: Handler = async (ctx, app) => {
  const rows = await listImageRefs(app.db, ctx.principal.org.id);
  sendJson(ctx.res, 200, {
    images: rows.map((row) => ({
      reference: referenceOf(row),
      repository: row.name,
      tag: row.tag,
      id: row.digest,
      cached_at: row.recorded_at.toISOString(),
      size_bytes: Number(row.size_bytes),
    })),
  });
};

const usage: Handler = async (ctx, app) =>
  sendJson(ctx.res, 200, await imageUsage(app.db, ctx.principal.org.id));

const get: Handler = async (ctx, app) => {
  const { name, rows } = await imageRows(
    app.db,
    ctx.principal.org.id,
    ctx.params.name ?? '',
    app.cfg.registry,
  );
  const byDigest = new Map(rows.map((row) => [row.digest, row]));
  sendJson(ctx.res, 200, {
    name,
    tags: rows.filter((row) => row.tag !== '<none>').map((row) => row.tag),
    curated: false,
    versions: [...byDigest.values()].map((row) => ({
      digest: row.digest,
      size_bytes: Number(row.size_bytes),
      source_ref: row.source_ref,
      recorded_at: row.recorded_at.toISOString(),
    })),
  });
};

const remove: Handler = async (ctx, app) => {
  await removeImage(app.db, ctx.principal.org.id, ctx.params.name ?? '', app.cfg.registry);
  sendNoContent(ctx.res);
};

/**
 * Checks the reference in the registry and describes it. Upstream relays this to a runner's
 * blob cache and records nothing in the catalog; the sim's runner engine pulls at create.
 */
const pull: Handler = async (ctx, app) => {
  const body = (await readJson(ctx.req)) as { reference?: unknown } | undefined;
  const raw = body?.reference;
  if (typeof raw !== 'string') throw new ApiError('invalid_argument', 'reference must be a string');
  const reference = raw.trim();
  if (!reference) throw new ApiError('invalid_argument', 'reference is required');
  const resolved = resolveImage(reference, app.cfg.registry);
  const facts = await describeImage(reference, resolved, app.cfg.registry);
  sendJson(ctx.res, 200, { reference, config_digest: facts.configDigest, layer_count: facts.layerCount });
};

export const imageRoutes: Route<Handler>[] = [
  { method: 'GET', pattern: '/images', handler: list },
  { method: 'GET', pattern: '/images/usage', handler: usage },
  { method: 'POST', pattern: '/images/pull', handler: pull },
  { method: 'GET', pattern: '/images/:name', handler: get },
  { method: 'DELETE', pattern: '/images/:name', handler: remove },
];
