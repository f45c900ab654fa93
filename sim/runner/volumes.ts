/**
 * Managed volumes (protocol §5.4) as Docker named volumes `boxlite-sim-vol-<id>` — the
 * names box-spec.ts mounts for `{managed_volume: <id>}` — labelled with the owning org and
 * the volume's name. Volume JSON: `id`, `name` (the id when none was given), `created_at`
 * (RFC 3339), `size_bytes` when Docker knows it.
 */
import type { VolumeInspectInfo } from 'dockerode';
import { LABEL_RUNNER } from './box-spec.ts';
import type { BoxService } from './boxes.ts';
import { bounded, dockerMessage, dockerStatus } from './docker.ts';
import { ApiError, badRequest, notFound } from './errors.ts';
import { readJson, sendEmpty, sendJson } from './http-util.ts';
import type { Route } from './routes.ts';

const LABEL_ORG = 'boxlite-e2e.sim-volume-org';
const LABEL_NAME = 'boxlite-e2e.sim-volume-name';
/** Each volume's id (the leak guard looks a removed one up by it). */
export const LABEL_ID = 'boxlite-e2e.sim-volume-id';
const LABEL_CREATED = 'boxlite-e2e.sim-volume-created-at';
const VOLUME_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
const dockerName = (id: string): string => `boxlite-sim-vol-${id}`;

export interface VolumeJson {
  id: string;
  name: string;
  created_at: string;
  size_bytes?: number;
}

function toJson(v: VolumeInspectInfo & { CreatedAt?: string }): VolumeJson {
  const l = v.Labels ?? {};
  const id = l[LABEL_ID] ?? v.Name.replace(/^boxlite-sim-vol-/, '');
  const size = v.UsageData?.Size;
  return {
    id,
    name: l[LABEL_NAME] || id,
    created_at: l[LABEL_CREATED] ?? v.CreatedAt ?? new Date(0).toISOString(),
    ...(typeof size === 'number' && size >= 0 ? { size_bytes: size } : {}),
  };
}

export class VolumeService {
  private readonly boxes: BoxService;

  constructor(boxes: BoxService) {
    this.boxes = boxes;
  }

  private async inspect(org: string, id: string) {
    if (!VOLUME_ID.test(id)) throw notFound(`volume not found: ${id}`);
    try {
      const v = await bounded('volume inspect', (signal) =>
        this.boxes.docker.getVolume(dockerName(id)).inspect({ abortSignal: signal }),
      );
      const l = v.Labels ?? {};
      if (l[LABEL_RUNNER] !== this.boxes.opts.runnerId || l[LABEL_ORG] !== org) return null;
      return v;
    } catch (err) {
      if (dockerStatus(err) === 404) return null;
      throw err;
    }
  }

  async create(org: string, id: string, name: string | null): Promise<VolumeJson> {
    if (!VOLUME_ID.test(id)) throw badRequest(`volume id must match ${VOLUME_ID.source}`);
    const all = await this.list(org);
    if (all.some((v) => v.id === id || (name !== null && v.name === name)))
      throw new ApiError('already_exists', `volume already exists: ${name ?? id}`);
    await bounded('volume create', (signal) =>
      this.boxes.docker.createVolume({
        Name: dockerName(id),
        Labels: {
          [LABEL_RUNNER]: this.boxes.opts.runnerId,
          [LABEL_ORG]: org,
          [LABEL_ID]: id,
          [LABEL_NAME]: name ?? '',
          [LABEL_CREATED]: new Date().toISOString(),
        },
        abortSignal: signal,
      }),
    );
    return toJson(await this.inspectOrFail(org, id));
  }

  private async inspectOrFail(org: string, id: string) {
    const v = await this.inspect(org, id);
    if (!v) throw new ApiError('internal', `volume ${id} vanished right after its creation`);
    return v;
  }

  async list(org: string): Promise<VolumeJson[]> {
    const r = await bounded('volume list', (signal) =>
      this.boxes.docker.listVolumes({
        filters: { label: [`${LABEL_RUNNER}=${this.boxes.opts.runnerId}`, `${LABEL_ORG}=${org}`] },
        abortSignal: signal,
      }),
    );
    return (r.Volumes ?? []).map((v) => toJson(v)).sort((a, b) => a.created_at.localeCompare(b.created_at));
  }

  /** By id, or by name (a volume's name is mountable and addressable in place of its id). */
  async get(org: string, idOrName: string): Promise<VolumeJson> {
    const direct = await this.inspect(org, idOrName);
    if (direct) return toJson(direct);
    const byName = (await this.list(org)).find((v) => v.name === idOrName);
    if (!byName) throw notFound(`volume not found: ${idOrName}`);
    return byName;
  }

  /** `force` makes a missing volume a success (the SDK's VolumeHandle.remove contract). */
  async remove(org: string, idOrName: string, force: boolean): Promise<void> {
    const v = await this.get(org, idOrName).catch((err: unknown) => {
      if (force && err instanceof ApiError && err.code === 'not_found') return null;
      throw err;
    });
    if (!v) return;
    try {
      await bounded('volume remove', (signal) =>
        this.boxes.docker.getVolume(dockerName(v.id)).remove({ abortSignal: signal }),
      );
    } catch (err) {
      if (dockerStatus(err) === 409)
        throw new ApiError('invalid_state', `volume ${v.id} is in use by a box: ${dockerMessage(err)}`);
      throw err;
    }
  }
}

export function volumeRoutes(boxes: BoxService): Route[] {
  const vols = new VolumeService(boxes);
  const org = (url: URL): string => {
    const o = url.searchParams.get('org');
    if (!o) throw badRequest('org query parameter is required');
    return o;
  };
  const ID = '(?<vid>[^/]+)';
  return [
    {
      method: 'POST',
      pattern: /^\/v1\/volumes$/,
      op: 'volume_create',
      handler: async ({ req, res, url }) => {
        const body = (await readJson(req)) as { id?: unknown; name?: unknown } | null;
        const name = typeof body?.name === 'string' && body.name !== '' ? body.name : null;
        sendJson(res, 201, await vols.create(org(url), String(body?.id ?? ''), name));
      },
    },
    {
      method: 'GET',
      pattern: /^\/v1\/volumes$/,
      op: 'volume_list',
      handler: async ({ res, url }) => sendJson(res, 200, { volumes: await vols.list(org(url)) }),
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/v1/volumes/${ID}$`),
      op: 'volume_get',
      handler: async ({ res, url, params }) =>
        sendJson(res, 200, await vols.get(org(url), params.vid as string)),
    },
    {
      method: 'DELETE',
      pattern: new RegExp(`^/v1/volumes/${ID}$`),
      op: 'volume_remove',
      handler: async ({ res, url, params }) => {
        await vols.remove(org(url), params.vid as string, url.searchParams.get('force') === 'true');
        sendEmpty(res);
      },
    },
  ];
}
