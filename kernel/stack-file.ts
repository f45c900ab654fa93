/**
 * The stack file: the one record of a provisioned stack. Bootstrap writes it; every later
 * stage (sim, harness, reports) reads only it. Secrets are never inline: `credential`
 * fields name a key in the 0600 secrets file.
 *
 * Schema (version 1) — see docs/stack.md "State dir and stack file" for the prose version:
 *   { schema: "boxlite-e2e/stack", version: 1, provider, target, stateDir, secretsFile,
 *     createdAt, updatedAt, services: { postgres, redis, registry }, api?, runner?, images? }
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ProviderKind, ServiceName, TargetKind } from './config.ts';
import { SetupError, UsageError } from './errors.ts';

export const STACK_SCHEMA = 'boxlite-e2e/stack';
export const STACK_VERSION = 1;

/** How a service's process is held: a host pid under a supervisor, or a container. */
export type ProcessRef =
  | { kind: 'supervised'; supervisorPid: number; pid: number | null }
  | { kind: 'container'; id: string; name: string; image: string }
  /** A systemd unit (target boxlite on a host where systemd is PID 1). */
  | { kind: 'systemd'; unit: string; pid: number | null };

/** Where a component's log/journal can be read from (the path guard and reports use this). */
export type LogSource =
  | { kind: 'file'; path: string }
  | { kind: 'journald'; unit: string }
  | {
      kind: 'container';
      id: string /** Engine the container lives in (default DOCKER_HOST's). */;
      dockerHost?: string;
    };

export interface Endpoint {
  host: string;
  port: number;
}

export interface ServiceRecord {
  name: ServiceName;
  endpoint: Endpoint;
  /** Connection URL without any secret in it. */
  url: string;
  /** Secret key names in the secrets file (e.g. { password: "DB_PASSWORD" }). */
  credentials: Record<string, string>;
  process: ProcessRef;
  log: LogSource;
  dataDir: string;
  version: string | null;
  startedAt: string;
}

export interface ComponentRecord {
  /** Base URL clients use (the API's ends in /api like the real one). */
  url: string;
  endpoint: Endpoint;
  credentials: Record<string, string>;
  process: ProcessRef;
  log: LogSource;
  /** The runner's operation journal (path guard source); the API's access log. */
  journal: LogSource;
  version: string | null;
  startedAt: string;
  /** Sim bug switches active in this component. */
  bugs: string[];
  /** The Docker engine a sim runner's boxes live in (part of its identity: another one restarts it). */
  dockerHost?: string;
  /** A sim runner's bound on one Docker call, when setup set one (another one restarts it). */
  dockerTimeoutMs?: number;
}

export interface GuestImageRecord {
  name: string;
  tag: string;
  reference: string;
  digest: string;
}

export interface StackFile {
  schema: typeof STACK_SCHEMA;
  version: typeof STACK_VERSION;
  provider: ProviderKind;
  target: TargetKind | null;
  stateDir: string;
  secretsFile: string;
  createdAt: string;
  updatedAt: string;
  services: Partial<Record<ServiceName, ServiceRecord>>;
  api?: ComponentRecord;
  runner?: ComponentRecord;
  images?: GuestImageRecord[];
  /** Target boxlite brought up from a checkout (bootstrap/boxlite-recipe): what it ran. */
  boxlite?: BoxliteRecipeRecord;
}

export interface BoxliteRecipeRecord {
  /** The user's repository, the commit `--ref` named (null: the work tree), HEAD, where steps ran. */
  checkout: string;
  ref: string | null;
  head: string;
  root: string;
  mode: 'systemd' | 'supervisor';
  envFile: string;
  /** From the `/v1/me` smoke. */
  pathPrefix: string;
  /** libboxlite's native dependencies: `stub` builds link but start no VM. */
  nativeDeps?: 'source' | 'stub';
  /** The OIDC issuer the API was started with (the harness's local one unless the user gave one). */
  oidcIssuer?: string;
}

function fail(path: string, why: string): never {
  throw new SetupError(`stack file ${path} is invalid: ${why} (re-run \`pnpm e2e:setup\` to repair it)`);
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function checkEndpoint(path: string, where: string, v: unknown): void {
  if (!isObj(v) || typeof v.host !== 'string' || !Number.isInteger(v.port))
    fail(path, `${where}.endpoint must be {host, port}`);
}

function checkProcess(path: string, where: string, v: unknown): void {
  if (!isObj(v)) fail(path, `${where}.process missing`);
  if (v.kind === 'supervised' && Number.isInteger(v.supervisorPid)) return;
  if (v.kind === 'container' && typeof v.id === 'string') return;
  if (v.kind === 'systemd' && typeof v.unit === 'string') return;
  fail(path, `${where}.process has unknown shape`);
}

function checkLog(path: string, where: string, v: unknown): void {
  if (!isObj(v) || !['file', 'journald', 'container'].includes(String(v.kind)))
    fail(path, `${where} is not a log source`);
}

/** Validates parsed JSON as a StackFile; older/newer schema versions get an upgrade message. */
export function validateStackFile(path: string, data: unknown): StackFile {
  if (!isObj(data)) fail(path, 'not a JSON object');
  if (data.schema !== STACK_SCHEMA)
    fail(path, `schema is ${JSON.stringify(data.schema)}, expected "${STACK_SCHEMA}"`);
  if (data.version !== STACK_VERSION) {
    const v = Number(data.version);
    const hint =
      v < STACK_VERSION
        ? 'it was written by an older boxlite-e2e; run `pnpm e2e:teardown` with the old checkout, or delete it and re-run `pnpm e2e:setup`'
        : 'it was written by a newer boxlite-e2e; update this checkout';
    throw new UsageError(
      `stack file ${path} has schema version ${String(data.version)}, this tool reads ${STACK_VERSION}: ${hint}`,
    );
  }
  if (!['host', 'containers'].includes(String(data.provider)))
    fail(path, 'provider must be host or containers');
  if (!isObj(data.services)) fail(path, 'services missing');
  for (const [name, svc] of Object.entries(data.services)) {
    if (!isObj(svc)) fail(path, `services.${name} is not an object`);
    checkEndpoint(path, `services.${name}`, svc.endpoint);
    checkProcess(path, `services.${name}`, svc.process);
    checkLog(path, `services.${name}.log`, svc.log);
    if (typeof svc.url !== 'string') fail(path, `services.${name}.url missing`);
  }
  for (const key of ['api', 'runner'] as const) {
    const c = data[key];
    if (c === undefined) continue;
    if (!isObj(c)) fail(path, `${key} is not an object`);
    checkEndpoint(path, key, c.endpoint);
    checkProcess(path, key, c.process);
    checkLog(path, `${key}.log`, c.log);
    checkLog(path, `${key}.journal`, c.journal);
  }
  return data as unknown as StackFile;
}

/** Reads the stack file; returns null when there is none (no stack provisioned yet). */
export async function readStackFile(path: string): Promise<StackFile | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new SetupError(`cannot read stack file ${path}: ${(err as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    fail(path, `not JSON (${(err as Error).message})`);
  }
  return validateStackFile(path, data);
}

/** Atomic write (temp + rename) so a crash never leaves a half-written stack file. */
export async function writeStackFile(path: string, stack: StackFile): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify({ ...stack, updatedAt: new Date().toISOString() }, null, 2)}\n`, {
    mode: 0o644,
  });
  await rename(tmp, path);
}

export async function removeStackFile(path: string): Promise<void> {
  await rm(path, { force: true });
}

export function emptyStack(
  provider: ProviderKind,
  target: TargetKind | null,
  stateDir: string,
  secretsFile: string,
): StackFile {
  const now = new Date().toISOString();
  return {
    schema: STACK_SCHEMA,
    version: STACK_VERSION,
    provider,
    target,
    stateDir,
    secretsFile,
    createdAt: now,
    updatedAt: now,
    services: {},
  };
}
