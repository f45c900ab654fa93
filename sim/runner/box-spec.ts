/**
 * Validation of `POST /boxes` bodies and their translation into a Docker container spec.
 * Pure (no Docker calls) so it is unit-tested directly. Range policy (cpus 1..N, quotas)
 * belongs to the API; the runner only refuses what it cannot express and maps the rest.
 */
import { isAbsolute } from 'node:path';
import type { ContainerCreateOptions } from 'dockerode';
import { badRequest } from './errors.ts';

export const LABEL_BOX = 'boxlite-e2e.sim-box';
export const LABEL_RUNNER = 'boxlite-e2e.sim-runner';
export const LABEL_IMAGE = 'boxlite-e2e.sim-image';
export const LABEL_CREATED = 'boxlite-e2e.sim-created-at';
/** Set on boxes whose init is the caller's own command (0.11 `run`/`create IMAGE CMD`). */
export const LABEL_MAIN = 'boxlite-e2e.sim-main';
export const containerName = (boxId: string): string => `boxlite-sim-${boxId}`;

/** Keeps PID 1 alive without relying on the image's CMD, and exits at once on docker stop. */
export const KEEPALIVE_ENTRYPOINT = [
  '/bin/sh',
  '-c',
  'trap "exit 0" TERM; while :; do sleep 3600 & wait $!; done',
];

/** Docker container names allow [a-zA-Z0-9][a-zA-Z0-9_.-]*; the SDK limits box ids to 128. */
const BOX_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
const MIN_MEMORY_MIB = 6; // Docker refuses limits below 6 MiB.

export interface VolumeSpec {
  managed_volume?: string;
  guest_path: string;
  read_only?: boolean;
  host_path?: string;
}

export interface BoxSpec {
  box_id: string;
  image: string;
  cpus: number | null;
  memory_mib: number | null;
  env: Record<string, string>;
  working_dir: string | null;
  entrypoint: string[] | null;
  cmd: string[] | null;
  user: string | null;
  volumes: VolumeSpec[];
  /** A terminal for the main command (0.11 `run -t`). */
  tty: boolean;
}

/**
 * A box whose init is the caller's command (entrypoint or cmd given). Like BoxLite 0.11 it is
 * created but not started: the command runs on `start` (an exec is refused meanwhile), so a client that
 * attaches to the main session first sees all of its output.
 */
export const hasMainCommand = (spec: BoxSpec): boolean => spec.entrypoint !== null || spec.cmd !== null;

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function checkBoxId(id: unknown): string {
  if (typeof id !== 'string' || !BOX_ID.test(id)) {
    throw badRequest(`box_id must match ${BOX_ID.source}, got ${JSON.stringify(id)}`);
  }
  return id;
}

function strArray(v: unknown, field: string): string[] | null {
  if (v === undefined || v === null) return null;
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string'))
    throw badRequest(`${field} must be an array of strings`);
  return v;
}

export function strMap(v: unknown, field: string): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (!isObj(v)) throw badRequest(`${field} must be an object of strings`);
  for (const [k, val] of Object.entries(v)) {
    if (typeof val !== 'string') throw badRequest(`${field}.${k} must be a string`);
    if (k === '' || k.includes('='))
      throw badRequest(`${field} key ${JSON.stringify(k)} is not a valid name`);
  }
  return v as Record<string, string>;
}

function optNumber(v: unknown, field: string): number | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
    throw badRequest(`${field} must be a non-negative number`);
  return v;
}

function parseVolumes(v: unknown): VolumeSpec[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw badRequest('volumes must be an array');
  return v.map((raw, i) => {
    if (!isObj(raw)) throw badRequest(`volumes[${i}] must be an object`);
    const guest = raw.guest_path;
    if (typeof guest !== 'string' || !isAbsolute(guest))
      throw badRequest(`volumes[${i}].guest_path must be an absolute path`);
    const out: VolumeSpec = { guest_path: guest, read_only: raw.read_only === true };
    // A host path may arrive as host_path/source or as a managed_volume that is really a path.
    const source = raw.host_path ?? raw.source;
    if (typeof source === 'string') out.host_path = source;
    else if (typeof raw.managed_volume === 'string' && raw.managed_volume.startsWith('/'))
      out.host_path = raw.managed_volume;
    else if (
      typeof raw.managed_volume === 'string' &&
      /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(raw.managed_volume)
    ) {
      out.managed_volume = raw.managed_volume;
    } else throw badRequest(`volumes[${i}] needs managed_volume (a volume name)`);
    return out;
  });
}

export function parseBoxSpec(body: unknown): BoxSpec {
  if (!isObj(body)) throw badRequest('body must be a JSON object');
  const image = body.image;
  if (typeof image !== 'string' || image.trim() === '') throw badRequest('image is required');
  const wd = body.working_dir;
  if (wd !== undefined && wd !== null && (typeof wd !== 'string' || (wd !== '' && !isAbsolute(wd)))) {
    throw badRequest('working_dir must be an absolute path');
  }
  const user = body.user;
  if (user !== undefined && user !== null && typeof user !== 'string')
    throw badRequest('user must be a string');
  return {
    box_id: checkBoxId(body.box_id),
    image: image.trim(),
    cpus: optNumber(body.cpus, 'cpus'),
    memory_mib: optNumber(body.memory_mib, 'memory_mib'),
    env: strMap(body.env, 'env'),
    working_dir: typeof wd === 'string' && wd !== '' ? wd : null,
    entrypoint: strArray(body.entrypoint, 'entrypoint'),
    cmd: strArray(body.cmd, 'cmd'),
    user: typeof user === 'string' && user !== '' ? user : null,
    volumes: parseVolumes(body.volumes),
    tty: body.tty === true,
  };
}

/** Qualifies a bare reference ("boxlite-e2e/busybox:1") with the stack registry. */
export function qualifyImage(ref: string, registry: string | null): string {
  const first = ref.split('/')[0] ?? '';
  const hasRegistry =
    ref.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  return hasRegistry || !registry ? ref : `${registry}/${ref}`;
}

export interface ContainerPlan {
  options: ContainerCreateOptions;
  notes: string[];
}

/**
 * Builds the Docker create options. Host-path volumes become binds here; refusing them
 * (the correct behaviour, unless host-bind-honored is on) is the caller's job.
 */
export function containerPlan(
  spec: BoxSpec,
  image: string,
  runnerId: string,
  hostCpus: number,
): ContainerPlan {
  const notes: string[] = [];
  const host: NonNullable<ContainerCreateOptions['HostConfig']> = {};
  if (spec.cpus !== null && spec.cpus > 0) {
    const cpus = Math.min(spec.cpus, hostCpus);
    if (cpus !== spec.cpus) notes.push(`cpus ${spec.cpus} capped to host's ${hostCpus}`);
    host.NanoCpus = Math.round(cpus * 1e9);
  }
  if (spec.memory_mib !== null && spec.memory_mib > 0) {
    if (spec.memory_mib >= MIN_MEMORY_MIB) host.Memory = Math.round(spec.memory_mib * 1024 * 1024);
    else notes.push(`memory_mib ${spec.memory_mib} below Docker's minimum; not limited`);
  }
  const mounts: NonNullable<NonNullable<ContainerCreateOptions['HostConfig']>['Mounts']> = [];
  for (const v of spec.volumes) {
    if (v.host_path !== undefined)
      mounts.push({ Type: 'bind', Source: v.host_path, Target: v.guest_path, ReadOnly: !!v.read_only });
    else
      mounts.push({
        Type: 'volume',
        Source: `boxlite-sim-vol-${v.managed_volume}`,
        Target: v.guest_path,
        ReadOnly: !!v.read_only,
      });
  }
  if (mounts.length) host.Mounts = mounts;
  const custom = hasMainCommand(spec);
  const options: ContainerCreateOptions = {
    name: containerName(spec.box_id),
    Image: image,
    Entrypoint: custom ? (spec.entrypoint ?? undefined) : KEEPALIVE_ENTRYPOINT,
    Cmd: custom ? (spec.cmd ?? undefined) : [],
    Env: Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
    Labels: {
      [LABEL_BOX]: spec.box_id,
      [LABEL_RUNNER]: runnerId,
      [LABEL_IMAGE]: spec.image,
      [LABEL_CREATED]: new Date().toISOString(),
      ...(custom ? { [LABEL_MAIN]: '1' } : {}),
    },
    HostConfig: host,
    // The main command's streams are attachable before it starts (box-level attach).
    ...(custom
      ? {
          OpenStdin: true,
          StdinOnce: true,
          AttachStdin: true,
          AttachStdout: true,
          AttachStderr: true,
          Tty: spec.tty,
        }
      : {}),
  };
  if (spec.working_dir) options.WorkingDir = spec.working_dir;
  if (spec.user) options.User = spec.user;
  return { options, notes };
}
