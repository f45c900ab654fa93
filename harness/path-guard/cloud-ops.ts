/**
 * The per-operation check's reading of the cloud stack's logs (the real NestJS API and Go
 * runner, target boxlite). The API logs one pino-http line per request when
 * LOG_REQUESTS_ENABLED=true (the recipe sets it): method, url and status, never the id of a
 * box it just created. The runner logs each job it executes (apps/runner
 * pkg/runner/v2/executor/executor.go "Executing job" with job_type and resource_id = the
 * box id) and each HTTP request it serves through slog-gin (exec: a path ending in /exec).
 * So start, stop, exec and remove are checked per box on both sides; create is checked on
 * the runner side only: each box the API created must have a CREATE_BOX job.
 */
import { apiOp, type LifecycleOp, type OpCounts } from './ops.ts';

const ESC = String.fromCharCode(27);
const ANSI = new RegExp(`${ESC}\\[[0-9;]*m`, 'g');
const lines = (text: string) => text.replace(ANSI, '').split('\n');

function bump(counts: OpCounts, box: string, op: LifecycleOp): void {
  const ops = counts.get(box) ?? new Map<LifecycleOp, number>();
  ops.set(op, (ops.get(op) ?? 0) + 1);
  counts.set(box, ops);
}

/** The box id a tenant URL names (`/api/v1/[prefix/]boxes/{id}[/…]`). */
const boxOfUrl = (url: string) => /\/v1\/(?:[^/]+\/)?boxes\/([^/?#]+)/.exec(url)?.[1] ?? null;

/** Successful start/stop/exec/remove requests per box, from pino-http request lines. */
export function apiOpsFromRequestLog(text: string): OpCounts {
  const counts: OpCounts = new Map();
  for (const line of lines(text)) {
    const method = /"method":"([A-Z]+)"/.exec(line)?.[1];
    const url = /"url":"([^"]+)"/.exec(line)?.[1];
    const status = Number(/"statusCode":(\d{3})/.exec(line)?.[1] ?? 0);
    if (!method || !url || !status || status >= 300) continue;
    const box = boxOfUrl(url);
    const op = apiOp(method, url.split('?')[0] as string);
    if (box && op && op !== 'create') bump(counts, box, op);
  }
  return counts;
}

const JOB_OPS: Record<string, LifecycleOp> = {
  CREATE_BOX: 'create',
  START_BOX: 'start',
  STOP_BOX: 'stop',
  DESTROY_BOX: 'remove',
};

/** Jobs the runner executed and exec requests it served, per box. */
export function runnerOpsFromLog(text: string): OpCounts {
  const counts: OpCounts = new Map();
  for (const line of lines(text)) {
    if (line.includes('Executing job')) {
      const type = /job_type=(\w+)/.exec(line)?.[1];
      const box = /resource_id=([\w-]+)/.exec(line)?.[1];
      const op = type ? JOB_OPS[type] : undefined;
      if (box && op) bump(counts, box, op);
      continue;
    }
    const path = /\bpath=(\S+)/.exec(line)?.[1];
    const method = /\bmethod=([A-Z]+)/.exec(line)?.[1];
    const box = path ? /\/boxes\/([\w-]+)\/exec$/.exec(path)?.[1] : undefined;
    if (method === 'POST' && box) bump(counts, box, 'exec');
  }
  return counts;
}

/** Each tracked box came from a successful create: it needs a CREATE_BOX job on the runner. */
export function createdWithoutJob(boxes: readonly string[], runner: OpCounts): string[] {
  return boxes.filter((b) => !(runner.get(b)?.get('create') ?? 0));
}
