/**
 * What the bench runs against. `sim` and `boxlite` come from the stack file, `remote` from the
 * harness's remote config; `serve` (the real `boxlite serve`) is named so it can plug in here
 * once the harness can start it. A target also says what it offers — quotas from GET /v1/me,
 * and a Docker engine only for the sim — so scenarios it cannot host are reported, not run.
 */
import type Docker from 'dockerode';
import { call, rootUrl } from '../../drivers/rest/http.ts';
import type { StackHandle } from '../../harness/handle/handle.ts';
import { dockerClient } from '../../kernel/docker.ts';
import { UsageError } from '../../kernel/errors.ts';
import { qualifyImage } from '../../sim/runner/box-spec.ts';
import type { WatchedProcess } from './rss.ts';
import type { Capabilities } from './scenario.ts';

export const BENCH_TARGETS = ['sim', 'serve', 'boxlite', 'remote'] as const;
export type BenchTargetKind = (typeof BENCH_TARGETS)[number];

/** Flag wins over env; explicit remote config wins over a stack target, as for the cases. */
export function pickTarget(
  flag: string | undefined,
  envTarget: string | undefined,
  hasRemote: boolean,
): BenchTargetKind {
  const raw = flag ?? (hasRemote ? 'remote' : envTarget?.trim() || 'sim');
  if (!(BENCH_TARGETS as readonly string[]).includes(raw))
    throw new UsageError(`--target ${JSON.stringify(raw)} is not one of: ${BENCH_TARGETS.join(', ')}`);
  return raw as BenchTargetKind;
}

export interface BenchTarget {
  handle: StackHandle;
  image: string;
  caps: Capabilities;
  /** The sim's engine and the bench image as its runner resolves it (bare-Docker side). */
  docker: { client: Docker; image: string } | null;
  processes: WatchedProcess[];
}

async function quotas(
  handle: StackHandle,
): Promise<Pick<Capabilities, 'maxBoxes' | 'maxTotalCpus' | 'maxTotalMemoryMib'>> {
  const res = await call<{ quotas?: Record<string, unknown> }>(handle, 'GET', rootUrl(handle, '/me'), {
    timeoutMs: 10_000,
  }).catch(() => null);
  const q = res?.status === 200 ? (res.json?.quotas ?? {}) : {};
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  return {
    maxBoxes: num(q.max_boxes),
    maxTotalCpus: num(q.max_total_cpus),
    maxTotalMemoryMib: num(q.max_total_memory_mib),
  };
}

function simProcesses(handle: StackHandle): WatchedProcess[] {
  const out: WatchedProcess[] = [];
  for (const [name, c] of [
    ['sim api', handle.stack?.api],
    ['sim runner', handle.stack?.runner],
  ] as const) {
    if (c?.process.kind === 'supervised' && c.process.pid !== null) out.push({ name, pid: c.process.pid });
  }
  return out;
}

/** Probes the target once: quotas for every kind, the Docker engine for the sim. */
export async function describeTarget(handle: StackHandle, dockerHost: string): Promise<BenchTarget> {
  const image = handle.images.default;
  const q = await quotas(handle);
  if (handle.kind !== 'sim') {
    const why = `target ${handle.kind} runs boxes as VMs, with no Docker engine for a bare baseline`;
    return { handle, image, caps: { ...q, dockerEngine: why }, docker: null, processes: [] };
  }
  const client = dockerClient(dockerHost, 60_000);
  const engine = await client.ping().then(
    () => null,
    (err: Error) => `the sim's Docker engine (${dockerHost}) did not answer: ${err.message}`,
  );
  const reg = handle.stack?.services.registry?.endpoint;
  // The sim's API pins a stack image to its digest before the runner pulls it; so does the bare side.
  const pinned = handle.stack?.images?.find((i) => `${i.name}:${i.tag}` === image);
  const bareImage = pinned
    ? `${pinned.reference.replace(/:[^:/]+$/, '')}@${pinned.digest}`
    : qualifyImage(image, reg ? `${reg.host}:${reg.port}` : null);
  return {
    handle,
    image,
    caps: { ...q, dockerEngine: engine },
    docker: engine === null ? { client, image: bareImage } : null,
    processes: simProcesses(handle),
  };
}
