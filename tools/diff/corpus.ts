/**
 * The `pnpm e2e:diff` corpus: requests that need no VM — every error path, validation
 * boundary and the Box JSON shape — sent alike to two targets (the sim and `boxlite serve`),
 * so the sim is held to the real server wherever no VM is involved. Each entry observes what
 * a client can tell apart: the status, the envelope's string code (or what came instead),
 * and, for a success, the set of top-level fields.
 */
import { createRestDriver, type RestDriver } from '../../drivers/rest/driver.ts';
import type { RestResponse } from '../../drivers/rest/http.ts';
import type { StackHandle } from '../../harness/handle/handle.ts';

export interface Observation {
  status: number;
  /**
   * Envelope code, or what came instead: `nest` (NestJS's `{statusCode,error,message}`),
   * `error-string` (`{"error":"…"}`, the Go runner's gin answers), `json`, `text`, `empty`.
   */
  code: string;
  /** Sorted top-level fields of a 2xx JSON object body ('' otherwise). */
  fields: string;
}

export interface Probe {
  id: string;
  run(ctx: ProbeContext): Promise<RestResponse>;
}

export interface ProbeContext {
  rest: RestDriver;
  image: string;
  /** A box made for this probe run (configured or running, never exec'd). */
  boxId: string;
  name: (tag: string) => string;
}

function bodyKind(res: RestResponse): string {
  const json = res.json as Record<string, unknown> | null;
  if (res.envelope) return res.envelope.code;
  if (json !== null && typeof json.statusCode === 'number' && 'message' in json) return 'nest';
  if (json !== null && typeof json.error === 'string') return 'error-string';
  return json !== null ? 'json' : res.text.trim() ? 'text' : 'empty';
}

export function observe(res: RestResponse): Observation {
  const json = res.json as Record<string, unknown> | null;
  const code = bodyKind(res);
  const ok = res.status < 300 && json !== null && typeof json === 'object' && !Array.isArray(json);
  return {
    status: res.status,
    code: res.status < 300 ? '-' : code,
    fields: ok ? Object.keys(json).sort().join(',') : '',
  };
}

const BOGUS = 'zzzzzzzzzzzz';
/** An image name as one segment (protocol §5.5) that no registry holds. */
const NO_IMAGE = encodeURIComponent('boxlite-e2e/never-pushed');
const create = (body: Record<string, unknown>) => (c: ProbeContext) =>
  c.rest.tenant('POST', '/boxes', { body: { image: c.image, name: c.name('v'), ...body } });

export const CORPUS: Probe[] = [
  { id: 'GET /v1/config, no key', run: (c) => c.rest.root('GET', '/config', { auth: false }) },
  { id: 'GET /v1/me', run: (c) => c.rest.root('GET', '/me') },
  { id: 'GET /v1/me, wrong key', run: (c) => c.rest.root('GET', '/me', { auth: 'wrong-key' }) },
  { id: 'GET /boxes, no key', run: (c) => c.rest.tenant('GET', '/boxes', { auth: false }) },
  { id: 'GET /boxes', run: (c) => c.rest.tenant('GET', '/boxes') },
  { id: 'POST /boxes {image} (Box JSON)', run: create({}) },
  { id: 'GET /boxes/{id} (Box JSON)', run: (c) => c.rest.tenant('GET', `/boxes/${c.boxId}`) },
  { id: 'HEAD /boxes/{id}', run: (c) => c.rest.tenant('HEAD', `/boxes/${c.boxId}`) },
  { id: 'GET /boxes/{unknown}', run: (c) => c.rest.tenant('GET', `/boxes/${BOGUS}`) },
  { id: 'HEAD /boxes/{unknown}', run: (c) => c.rest.tenant('HEAD', `/boxes/${BOGUS}`) },
  {
    id: 'DELETE /boxes/{unknown}?force',
    run: (c) => c.rest.tenant('DELETE', `/boxes/${BOGUS}`, { query: { force: 'true' } }),
  },
  { id: 'POST /boxes cpus=0', run: create({ cpus: 0 }) },
  { id: 'POST /boxes cpus=16', run: create({ cpus: 16 }) },
  { id: 'POST /boxes cpus=17', run: create({ cpus: 17 }) },
  { id: 'POST /boxes cpus=256', run: create({ cpus: 256 }) },
  { id: 'POST /boxes cpus="2"', run: create({ cpus: '2' }) },
  { id: 'POST /boxes memory_mib=-1', run: create({ memory_mib: -1 }) },
  { id: 'POST /boxes memory_mib=0', run: create({ memory_mib: 0 }) },
  {
    id: 'POST /boxes without image',
    run: (c) => c.rest.tenant('POST', '/boxes', { body: { name: c.name('n') } }),
  },
  { id: 'POST /boxes invalid JSON', run: (c) => c.rest.tenant('POST', '/boxes', { raw: '{"image":' }) },
  { id: 'POST /boxes unknown field', run: create({ no_such_field: 1 }) },
  {
    id: 'POST /boxes duplicate name',
    run: async (c) => {
      const name = c.name('dup');
      await c.rest.tenant('POST', '/boxes', { body: { image: c.image, name } });
      return c.rest.tenant('POST', '/boxes', { body: { image: c.image, name } });
    },
  },
  {
    id: 'POST /boxes/{id}/exec without command',
    run: (c) => c.rest.tenant('POST', `/boxes/${c.boxId}/exec`, { body: { args: ['x'] } }),
  },
  {
    id: 'POST /boxes/{unknown}/exec',
    run: (c) => c.rest.tenant('POST', `/boxes/${BOGUS}/exec`, { body: { command: 'true' } }),
  },
  {
    id: 'GET /boxes/{id}/executions/{unknown}',
    run: (c) => c.rest.tenant('GET', `/boxes/${c.boxId}/executions/exec-bogus`),
  },
  { id: 'GET /boxes/{unknown}/metrics', run: (c) => c.rest.tenant('GET', `/boxes/${BOGUS}/metrics`) },
  { id: 'GET /v1/{p}/no-such-route', run: (c) => c.rest.tenant('GET', '/no-such-route') },
  { id: 'GET /images', run: (c) => c.rest.tenant('GET', '/images') },
  { id: 'GET /images/usage', run: (c) => c.rest.tenant('GET', '/images/usage') },
  { id: 'GET /images/{unknown}', run: (c) => c.rest.tenant('GET', `/images/${NO_IMAGE}`) },
  { id: 'DELETE /images/{unknown}', run: (c) => c.rest.tenant('DELETE', `/images/${NO_IMAGE}`) },
  { id: 'POST /images/pull {}', run: (c) => c.rest.tenant('POST', '/images/pull', { body: {} }) },
];

/** Runs the corpus against one target; every box it made is removed after. */
export async function runCorpus(
  stack: StackHandle,
  image: string,
  prefix: string,
): Promise<Map<string, Observation>> {
  const ids: string[] = [];
  const rest = createRestDriver(stack, (id) => ids.push(id));
  let n = 0;
  const name = (tag: string) => {
    n += 1;
    return `${prefix}${tag}-${n}`;
  };
  const out = new Map<string, Observation>();
  try {
    const made = await rest.createBox({ image, name: name('base') });
    const boxId = made.json?.box_id ?? BOGUS;
    for (const probe of CORPUS) {
      const res = await probe.run({ rest, image, boxId, name });
      const json = res.json as { box_id?: unknown } | null;
      if (res.status < 300 && typeof json?.box_id === 'string') ids.push(json.box_id);
      out.set(probe.id, observe(res));
    }
  } finally {
    const list = await rest
      .tenant<{ boxes: { box_id: string; name?: string }[] }>('GET', '/boxes')
      .catch(() => null);
    for (const b of list?.json?.boxes ?? []) if (b.name?.startsWith(prefix)) ids.push(b.box_id);
    for (const id of new Set(ids))
      await rest.tenant('DELETE', `/boxes/${id}`, { query: { force: 'true' } }).catch(() => null);
  }
  return out;
}
