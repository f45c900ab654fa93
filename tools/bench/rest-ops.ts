/**
 * The REST calls a bench iteration makes, as upstream's `bench/harness.py` makes them: the
 * same bodies, status checks and timeouts, over raw undici (no SDK in between, so the figures
 * are the server's plus one HTTP hop). Scenarios see only the `BenchOps` interface, which lets
 * the unit tests run them against a fake.
 */
import { call, type RestTarget, tenantUrl } from '../../drivers/rest/http.ts';

export interface BenchOps {
  /** POST /boxes {image, cpus 1, memory_mib 256, disk_size_gb 4}; the new box id. */
  createBox(): Promise<string>;
  /** DELETE /boxes/{id}?force=true, never throwing (upstream's cleanup helper). */
  deleteBox(id: string): Promise<void>;
  /** The same with upstream's 30 s timeout; a non-2xx answer throws (the timed delete). */
  deleteBoxTimed(id: string): Promise<void>;
  /** GET /boxes/{id}/metrics, or null when it fails. */
  boxMetrics(id: string): Promise<Record<string, unknown> | null>;
  stopBox(id: string): Promise<void>;
  startBox(id: string): Promise<void>;
  /** Polls GET /boxes/{id} once a second until `status` is `target`. */
  waitStatus(id: string, target: string, timeoutS: number): Promise<void>;
  /** POST /boxes/{id}/exec {command, args}; upstream times the start, not the completion. */
  exec(id: string, command: string, args: string[]): Promise<void>;
  sleep(ms: number): Promise<void>;
}

export const CREATE_BODY = { cpus: 1, memory_mib: 256, disk_size_gb: 4 } as const;
/**
 * Upstream deletes without force: the cloud API it targets removes a running box anyway.
 * The sim and `boxlite serve` answer 409 for a running box unless forced (the SDK's
 * rt.remove(id, true)), so the bench forces — the work upstream means to time.
 */
const DELETE_QUERY = { force: 'true' };
const POLL_MS = 1000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface TrackedOps extends BenchOps {
  /** Boxes created and not yet deleted (an interrupted or failing iteration leaves some). */
  live(): string[];
}

export function restOps(target: RestTarget, image: string): TrackedOps {
  const live = new Set<string>();
  const api = (
    method: string,
    path: string,
    body: unknown,
    timeoutS: number,
    query?: Record<string, string>,
  ) =>
    call<Record<string, unknown>>(target, method, tenantUrl(target, path), {
      ...(body === undefined ? {} : { body }),
      ...(query ? { query } : {}),
      timeoutMs: timeoutS * 1000,
    });
  const must = async (
    what: string,
    method: string,
    path: string,
    body: unknown,
    timeoutS: number,
    query?: Record<string, string>,
  ) => {
    const res = await api(method, path, body, timeoutS, query);
    if (res.status >= 300) throw new Error(`${what} failed: ${res.status} ${res.text.slice(0, 200)}`);
    return res;
  };
  return {
    async createBox() {
      const res = await api('POST', '/boxes', { image, ...CREATE_BODY }, 60);
      const id = res.json?.box_id;
      if ((res.status !== 200 && res.status !== 201) || typeof id !== 'string')
        throw new Error(`create_box failed: ${res.status} ${res.text.slice(0, 200)}`);
      live.add(id);
      return id;
    },
    async deleteBox(id) {
      const res = await api('DELETE', `/boxes/${id}`, undefined, 15, DELETE_QUERY).catch(() => null);
      if (res && (res.status < 300 || res.status === 404)) live.delete(id);
    },
    async deleteBoxTimed(id) {
      await must('delete_box', 'DELETE', `/boxes/${id}`, undefined, 30, DELETE_QUERY);
      live.delete(id);
    },
    async boxMetrics(id) {
      const res = await api('GET', `/boxes/${id}/metrics`, undefined, 15).catch(() => null);
      return res?.status === 200 ? res.json : null;
    },
    async stopBox(id) {
      await must('stop_box', 'POST', `/boxes/${id}/stop`, undefined, 30);
    },
    async startBox(id) {
      await must('start_box', 'POST', `/boxes/${id}/start`, undefined, 30);
    },
    async waitStatus(id, want, timeoutS) {
      const deadline = performance.now() + timeoutS * 1000;
      while (performance.now() < deadline) {
        const res = await api('GET', `/boxes/${id}`, undefined, 10);
        if (res.status === 200 && res.json?.status === want) return;
        await sleep(POLL_MS);
      }
      throw new Error(`box ${id} not '${want}' after ${timeoutS}s`);
    },
    async exec(id, command, args) {
      const res = await api('POST', `/boxes/${id}/exec`, { command, ...(args.length ? { args } : {}) }, 30);
      if (res.status !== 200 && res.status !== 201)
        throw new Error(`exec failed: ${res.status} ${res.text.slice(0, 200)}`);
    },
    sleep,
    live: () => [...live],
  };
}
