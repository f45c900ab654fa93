/**
 * Box snapshots (protocol §5.2): a snapshot is a committed image of the box's container,
 * labelled with the box and the snapshot's name, so the engine stays the source of truth.
 * Rules follow BoxLite 0.11 (`snapshot_mgr.rs`, `local_snapshot.rs`): names are validated,
 * a duplicate name is 409 already_exists, create works on a running box (paused for the
 * commit), restore refuses a running box with 409 invalid_state, and the list is newest first
 * (`db/snapshot.rs`: `ORDER BY created_at DESC, rowid DESC`).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { ImageInfo } from 'dockerode';
import { commitBox, createFromImage, LABEL_OWNER_BOX, labelChange, removeContainer } from './box-images.ts';
import { LABEL_RUNNER } from './box-spec.ts';
import type { BoxService } from './boxes.ts';
import { bounded, dockerMessage } from './docker.ts';
import { ApiError, badRequest, notFound } from './errors.ts';
import { readJson, sendEmpty, sendJson } from './http-util.ts';
import type { Route } from './routes.ts';

/** The repository snapshots are committed to (the longevity tool counts them by it). */
export const SNAP_REPO = 'boxlite-sim-snap';
const LABEL_SNAP_NAME = 'boxlite-e2e.sim-snap-name-hex';
const LABEL_SNAP_ID = 'boxlite-e2e.sim-snap-id';
/** Creation time in ms: `created_at` is whole seconds, and two snapshots may share one. */
const LABEL_SNAP_CREATED_MS = 'boxlite-e2e.sim-snap-created-ms';

export interface SnapshotJson {
  id: string;
  box_id: string;
  name: string;
  created_at: number;
  container_disk_bytes: number;
  size_bytes: number;
}

/** BoxLite's `validate_snapshot_name`, with its messages. */
export function validateSnapshotName(name: unknown): string {
  if (typeof name !== 'string') throw badRequest('name is required (a string)');
  if (name === '') throw badRequest('Snapshot name cannot be empty');
  if (name.length > 255) throw badRequest(`Snapshot name too long (${name.length} chars, max 255)`);
  if (name === '.' || name === '..') throw badRequest(`Snapshot name '${name}' is not allowed`);
  if (name.startsWith('.')) throw badRequest("Snapshot name cannot start with '.'");
  if (/[/\\\0]/.test(name))
    throw badRequest('Snapshot name contains invalid characters (/, \\, or null byte)');
  return name;
}

const tagFor = (boxId: string, name: string): string =>
  createHash('sha256').update(`${boxId}\0${name}`).digest('hex').slice(0, 40);

const createdMs = (img: ImageInfo): number =>
  Number(img.Labels?.[LABEL_SNAP_CREATED_MS] ?? '') || img.Created * 1000;

function toJson(boxId: string, img: ImageInfo): SnapshotJson {
  const labels = img.Labels ?? {};
  return {
    id: labels[LABEL_SNAP_ID] ?? img.Id,
    box_id: boxId,
    name: Buffer.from(labels[LABEL_SNAP_NAME] ?? '', 'hex').toString('utf8'),
    created_at: img.Created,
    container_disk_bytes: img.Size,
    size_bytes: img.Size,
  };
}

export class SnapshotService {
  private readonly boxes: BoxService;

  constructor(boxes: BoxService) {
    this.boxes = boxes;
  }

  async list(boxId: string): Promise<SnapshotJson[]> {
    await this.boxes.require(boxId);
    const images = await bounded('image list', (signal) =>
      this.boxes.docker.listImages({
        filters: {
          label: [
            `${LABEL_OWNER_BOX}=${boxId}`,
            `${LABEL_RUNNER}=${this.boxes.opts.runnerId}`,
            LABEL_SNAP_NAME,
          ],
        },
        abortSignal: signal,
      }),
    );
    return images.sort((a, b) => createdMs(b) - createdMs(a)).map((img) => toJson(boxId, img));
  }

  async get(boxId: string, name: string): Promise<SnapshotJson> {
    validateSnapshotName(name);
    const found = (await this.list(boxId)).find((s) => s.name === name);
    if (!found) throw notFound(`snapshot not found: ${name}`);
    return found;
  }

  async create(boxId: string, rawName: unknown): Promise<SnapshotJson> {
    const name = validateSnapshotName(rawName);
    const info = await this.boxes.require(boxId);
    if ((await this.list(boxId)).some((s) => s.name === name))
      throw new ApiError('already_exists', `snapshot '${name}' already exists for box '${boxId}'`);
    await commitBox(this.boxes.docker, info, SNAP_REPO, tagFor(boxId, name), [
      labelChange(LABEL_OWNER_BOX, boxId),
      labelChange(LABEL_SNAP_NAME, Buffer.from(name, 'utf8').toString('hex')),
      labelChange(LABEL_SNAP_ID, randomUUID()),
      labelChange(LABEL_SNAP_CREATED_MS, String(Date.now())),
      labelChange(LABEL_RUNNER, this.boxes.opts.runnerId),
    ]);
    return this.get(boxId, name);
  }

  async remove(boxId: string, name: string): Promise<void> {
    await this.get(boxId, name);
    try {
      await bounded('image remove', (signal) =>
        this.boxes.docker.getImage(`${SNAP_REPO}:${tagFor(boxId, name)}`).remove({ abortSignal: signal }),
      );
    } catch (err) {
      throw new ApiError('invalid_state', `Cannot remove snapshot '${name}': ${dockerMessage(err)}`);
    }
  }

  /** Swaps the box's container for one made from the snapshot; the box stays at rest. */
  async restore(boxId: string, name: string): Promise<void> {
    await this.get(boxId, name);
    const info = await this.boxes.require(boxId);
    if (info.State.Running || info.State.Paused)
      throw new ApiError(
        'invalid_state',
        'Cannot restore snapshot while box is running. Stop the box first.',
      );
    await removeContainer(this.boxes.docker, info.Id);
    await createFromImage(this.boxes, boxId, `${SNAP_REPO}:${tagFor(boxId, name)}`, info);
  }
}

const BOX = '(?<id>[^/]+)';
const re = (s: string): RegExp => new RegExp(`^${s}$`);

export function snapshotRoutes(boxes: BoxService): Route[] {
  const snaps = new SnapshotService(boxes);
  const base = `/v1/boxes/${BOX}/snapshots`;
  return [
    {
      method: 'POST',
      pattern: re(base),
      op: 'snapshot_create',
      handler: async ({ req, res, params, entry }) => {
        const body = (await readJson(req)) as { name?: unknown };
        const snap = await snaps.create(params.id as string, body?.name);
        entry.snapshot = snap.name;
        sendJson(res, 201, snap);
      },
    },
    {
      method: 'GET',
      pattern: re(base),
      op: 'snapshot_list',
      handler: async ({ res, params }) =>
        sendJson(res, 200, { snapshots: await snaps.list(params.id as string) }),
    },
    {
      method: 'GET',
      pattern: re(`${base}/(?<name>[^/]+)`),
      op: 'snapshot_get',
      handler: async ({ res, params }) =>
        sendJson(res, 200, await snaps.get(params.id as string, params.name as string)),
    },
    {
      method: 'DELETE',
      pattern: re(`${base}/(?<name>[^/]+)`),
      op: 'snapshot_remove',
      handler: async ({ res, params }) => {
        await snaps.remove(params.id as string, params.name as string);
        sendEmpty(res);
      },
    },
    {
      method: 'POST',
      pattern: re(`${base}/(?<name>[^/]+)/restore`),
      op: 'snapshot_restore',
      handler: async ({ res, params }) => {
        await snaps.restore(params.id as string, params.name as string);
        sendEmpty(res);
      },
    },
  ];
}
