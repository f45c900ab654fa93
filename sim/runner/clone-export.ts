/**
 * Clone, export and import (protocol §5.3) on the runner. A clone is a new container made
 * from a commit of the source; an export is `docker save` of such a commit, carrying the
 * box's settings (for the API: image, cpus, memory; for the runner: limits and entrypoint)
 * in labels; an import loads that archive and makes a new box from it. The archive is the
 * sim's own format: only the sim imports it, as only BoxLite imports a `.boxlite` file.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { CLONE_REPO, commitBox, createFromImage, LABEL_OWNER_BOX, labelChange } from './box-images.ts';
import { checkBoxId, LABEL_RUNNER } from './box-spec.ts';
import type { BoxService } from './boxes.ts';
import { bounded, dockerMessage } from './docker.ts';
import { badRequest } from './errors.ts';
import { readJson, sendJson } from './http-util.ts';
import type { Route } from './routes.ts';

const EXPORT_REPO = 'boxlite-sim-export';
/** base64url JSON of what the API told us about the box (its row), returned on import. */
const LABEL_EXPORT_META = 'boxlite-e2e.sim-export-meta';
/** base64url JSON of the container's Config/HostConfig essentials. */
const LABEL_EXPORT_HOST = 'boxlite-e2e.sim-export-host';

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v), 'utf8').toString('base64url');
const unb64 = (s: string | undefined): unknown => {
  if (!s) return null;
  try {
    return JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
};

export async function cloneBox(boxes: BoxService, srcId: string, body: unknown) {
  const newId = checkBoxId((body as { box_id?: unknown } | null)?.box_id);
  const info = await boxes.require(srcId);
  const tag = newId.toLowerCase();
  await commitBox(boxes.docker, info, CLONE_REPO, tag, [
    labelChange(LABEL_OWNER_BOX, newId),
    labelChange(LABEL_RUNNER, boxes.opts.runnerId),
  ]);
  await createFromImage(boxes, newId, `${CLONE_REPO}:${tag}`, info);
  return boxes.view(await boxes.require(newId));
}

/**
 * Streams the archive; the temporary image tag is dropped once it is written and BEFORE the
 * response ends: a client that imports the archive at once re-creates the same tag, and a
 * late removal would take the imported image away from under it.
 */
export async function exportBox(boxes: BoxService, boxId: string, meta: unknown, res: ServerResponse) {
  const info = await boxes.require(boxId);
  const tag = `${boxId.toLowerCase()}-${randomBytes(4).toString('hex')}`;
  const ref = `${EXPORT_REPO}:${tag}`;
  const host = {
    Entrypoint: info.Config.Entrypoint,
    Cmd: info.Config.Cmd,
    WorkingDir: info.Config.WorkingDir,
    User: info.Config.User,
    HostConfig: { NanoCpus: info.HostConfig.NanoCpus, Memory: info.HostConfig.Memory },
  };
  await commitBox(boxes.docker, info, EXPORT_REPO, tag, [
    labelChange(LABEL_EXPORT_META, b64(meta ?? {})),
    labelChange(LABEL_EXPORT_HOST, b64(host)),
  ]);
  try {
    const stream = await bounded('image save', () => boxes.docker.getImage(ref).get());
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    await pipeline(stream, res, { end: false });
  } finally {
    await bounded('image remove', (signal) =>
      boxes.docker.getImage(ref).remove({ abortSignal: signal }),
    ).catch(() => {});
  }
  res.end();
}

/** Loads the archive from the request body and makes box `newId` from it. */
export async function importBox(boxes: BoxService, newId: string, req: IncomingMessage) {
  checkBoxId(newId);
  let output: string;
  try {
    const reply = await boxes.docker.loadImage(req as never);
    const chunks: Buffer[] = [];
    for await (const c of reply as AsyncIterable<Buffer>) chunks.push(Buffer.from(c));
    output = Buffer.concat(chunks).toString('utf8');
  } catch (err) {
    throw badRequest(`archive is not a box export: ${dockerMessage(err)}`);
  }
  const loaded = /Loaded image: ([^\s"\\]+)/.exec(output)?.[1];
  if (!loaded?.startsWith(`${EXPORT_REPO}:`))
    throw badRequest(`archive is not a box export: ${output.replace(/\s+/g, ' ').slice(0, 200)}`);
  const img = await bounded('image inspect', () => boxes.docker.getImage(loaded).inspect());
  const labels = img.Config.Labels ?? {};
  const host = unb64(labels[LABEL_EXPORT_HOST]) as {
    HostConfig?: Record<string, unknown>;
  } | null;
  if (!host) throw badRequest('archive is not a box export: its settings label is missing');
  const base = `${CLONE_REPO}:${newId.toLowerCase()}`;
  const [repo, tag] = base.split(':') as [string, string];
  await bounded('image tag', (signal) =>
    boxes.docker.getImage(loaded).tag({ repo, tag, abortSignal: signal }),
  );
  await bounded('image remove', (signal) =>
    boxes.docker.getImage(loaded).remove({ abortSignal: signal }),
  ).catch(() => {});
  const {
    [LABEL_EXPORT_HOST]: _host,
    [LABEL_EXPORT_META]: _meta,
    ...kept
  } = labels as Record<string, string>;
  const config = { ...img.Config, Labels: { ...kept, [LABEL_OWNER_BOX]: newId } };
  await createFromImage(boxes, newId, base, {
    Config: config as never,
    HostConfig: (host.HostConfig ?? {}) as never,
  });
  return { ...boxes.view(await boxes.require(newId)), meta: unb64(labels[LABEL_EXPORT_META]) };
}

const BOX = '(?<id>[^/]+)';
const re = (s: string): RegExp => new RegExp(`^${s}$`);

export function cloneExportRoutes(boxes: BoxService): Route[] {
  return [
    {
      method: 'POST',
      pattern: re('/v1/boxes/import'),
      op: 'import',
      handler: async ({ req, res, url, entry }) => {
        const id = url.searchParams.get('box_id') ?? '';
        entry.box_id = id;
        sendJson(res, 201, await importBox(boxes, id, req));
      },
    },
    {
      method: 'POST',
      pattern: re(`/v1/boxes/${BOX}/clone`),
      op: 'clone',
      handler: async ({ req, res, params, entry }) => {
        const body = await readJson(req);
        const view = await cloneBox(boxes, params.id as string, body);
        entry.clone = view.box_id;
        sendJson(res, 201, view);
      },
    },
    {
      method: 'POST',
      pattern: re(`/v1/boxes/${BOX}/export`),
      op: 'export',
      handler: async ({ req, res, params }) => {
        const body = (await readJson(req)) as { meta?: unknown } | null;
        await exportBox(boxes, params.id as string, body?.meta, res);
      },
    },
  ];
}
