/**
 * Create-box request validation (pure). Turns the lenient public body (protocol §3.2: unknown fields
 * ignored, both network shapes) into the strict spec the runner gets, applying per-box
 * quotas and the api-owned create bug switches.
 */
import type { BugId } from '../bugs.ts';
import type { Quotas } from './db.ts';
import { ApiError, invalid } from './errors.ts';

export const DEFAULTS = { cpus: 1, memory_mib: 512, disk_size_gb: 10 } as const;
/** Docker refuses limits under 6 MiB; 16 keeps a busybox shell alive. */
export const MIN_MEMORY_MIB = 16;
export const MAX_CPUS = 255;
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** What the runner takes: a managed (named) volume, or a host path under host-bind-honored. */
export type RunnerVolume =
  | { managed_volume: string; guest_path: string; read_only: boolean }
  | { host_path: string; guest_path: string; read_only: boolean };

export interface CreateSpec {
  name: string | null;
  image: string;
  cpus: number;
  memory_mib: number;
  disk_size_gb: number;
  env?: Record<string, string>;
  working_dir?: string;
  entrypoint?: string[];
  cmd?: string[];
  user?: string;
  volumes?: RunnerVolume[];
  /** A terminal for the main command (0.11 `run -t`). */
  tty?: boolean;
  /** Kept on the row only (auto_* echo, network as sent). */
  extras: Record<string, unknown>;
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isStrArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

function intField(body: Record<string, unknown>, key: string, fallback: number): number {
  const v = body[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isSafeInteger(v))
    throw invalid(`${key} must be an integer (got ${JSON.stringify(v)})`);
  return v;
}

export function validateCreate(body: unknown, quotas: Quotas, bugs: ReadonlySet<BugId>): CreateSpec {
  if (!isObj(body)) throw invalid('request body must be a JSON object');
  const coerce = bugs.has('create-invalid-accepted');
  const clamp = bugs.has('create-oversize-clamped');

  let name: string | null = null;
  if (body.name !== undefined && body.name !== null) {
    if (typeof body.name !== 'string' || !NAME_RE.test(body.name)) {
      throw invalid('name must be 1-128 characters of [A-Za-z0-9_.-], starting with a letter or digit');
    }
    name = body.name;
  }
  if (body.rootfs_path !== undefined)
    throw new ApiError('unsupported', 'rootfs_path is not supported over REST; use image');
  if (typeof body.image !== 'string' || body.image.trim() === '') throw invalid('image is required');
  const image = body.image.trim();
  if (/\s/.test(image)) throw invalid(`image ${JSON.stringify(image)} is not a valid reference`);

  let cpus = intField(body, 'cpus', DEFAULTS.cpus);
  let memory = intField(body, 'memory_mib', DEFAULTS.memory_mib);
  let disk = intField(body, 'disk_size_gb', DEFAULTS.disk_size_gb);
  // Bug: upstream's ValidationPipe lets out-of-range values fall through to org defaults.
  if (coerce) {
    if (cpus < 1) cpus = DEFAULTS.cpus;
    if (memory < MIN_MEMORY_MIB) memory = DEFAULTS.memory_mib;
    if (disk < 1) disk = DEFAULTS.disk_size_gb;
  }
  // Bug: no @Max, so oversize values are clamped to the org's per-box limits and created.
  if (clamp) {
    cpus = Math.min(cpus, quotas.max_cpus);
    memory = Math.min(memory, quotas.max_memory_mib);
    disk = Math.min(disk, quotas.max_disk_gb);
  }
  if (cpus < 1 || cpus > MAX_CPUS)
    throw invalid(`cpus must be an integer between 1 and ${MAX_CPUS} (got ${cpus})`);
  if (memory < MIN_MEMORY_MIB) throw invalid(`memory_mib must be at least ${MIN_MEMORY_MIB} (got ${memory})`);
  if (disk < 1) throw invalid(`disk_size_gb must be at least 1 (got ${disk})`);
  if (!bugs.has('quota-not-enforced')) {
    const over = (what: string, got: number, max: number, key: string) =>
      new ApiError('resource_exhausted', `${what} ${got} exceeds the per-box quota (${key} ${max})`);
    if (cpus > quotas.max_cpus) throw over('cpus', cpus, quotas.max_cpus, 'max_cpus');
    if (memory > quotas.max_memory_mib)
      throw over('memory_mib', memory, quotas.max_memory_mib, 'max_memory_mib');
    if (disk > quotas.max_disk_gb) throw over('disk_size_gb', disk, quotas.max_disk_gb, 'max_disk_gb');
  }

  const spec: CreateSpec = { name, image, cpus, memory_mib: memory, disk_size_gb: disk, extras: {} };
  if (body.env !== undefined && body.env !== null) {
    if (!isObj(body.env) || !Object.values(body.env).every((v) => typeof v === 'string')) {
      throw invalid('env must be an object of string values');
    }
    spec.env = body.env as Record<string, string>;
  }
  for (const key of ['working_dir', 'user'] as const) {
    const v = body[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string') throw invalid(`${key} must be a string`);
    spec[key] = v;
  }
  for (const key of ['entrypoint', 'cmd'] as const) {
    const v = body[key];
    if (v === undefined || v === null) continue;
    if (!isStrArray(v)) throw invalid(`${key} must be an array of strings`);
    spec[key] = v;
  }
  const volumes = validateVolumes(body.volumes, bugs.has('host-bind-honored'));
  if (volumes.length) spec.volumes = volumes;
  if (body.network !== undefined && body.network !== null) {
    // Both shapes (protocol §3.2): nested {outbound,inbound} from 0.10.0, flat {mode,allow_net} from 0.10.3.
    if (!isObj(body.network)) throw invalid('network must be an object');
    spec.extras.network = body.network;
  }
  for (const key of ['auto_stop', 'auto_delete'] as const) {
    if (typeof body[key] === 'number' && Number.isSafeInteger(body[key]) && (body[key] as number) >= 0)
      spec.extras[key] = body[key];
  }
  if (typeof body.auto_resume === 'boolean') spec.extras.auto_resume = body.auto_resume;
  if (body.tty !== undefined && body.tty !== null) {
    if (typeof body.tty !== 'boolean') throw invalid('tty must be a boolean');
    spec.tty = body.tty;
  }
  return spec;
}

function validateVolumes(raw: unknown, honorHostBinds: boolean): RunnerVolume[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw invalid('volumes must be an array');
  const out: RunnerVolume[] = [];
  for (const v of raw) {
    if (!isObj(v) || typeof v.guest_path !== 'string' || !v.guest_path.startsWith('/')) {
      throw invalid('each volume needs an absolute guest_path');
    }
    const read_only = v.read_only === true;
    // A "managed volume" that is an absolute path is a host bind in disguise.
    const managedPath =
      typeof v.managed_volume === 'string' && v.managed_volume.startsWith('/') ? v.managed_volume : undefined;
    const host = v.host_path ?? v.hostPath ?? v.source ?? managedPath;
    if (typeof host === 'string') {
      // Over REST only managed volumes exist (protocol §3.2); a host path would expose the runner host.
      if (!honorHostBinds)
        throw new ApiError(
          'unsupported',
          `host path volumes are not allowed over REST (${v.guest_path}); use a managed volume`,
        );
      out.push({ host_path: host, guest_path: v.guest_path, read_only });
      continue;
    }
    if (
      typeof v.managed_volume !== 'string' ||
      !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/.test(v.managed_volume)
    ) {
      throw invalid('a volume needs managed_volume (a volume name)');
    }
    out.push({ managed_volume: v.managed_volume, guest_path: v.guest_path, read_only });
  }
  return out;
}
