/**
 * The per-operation half of the path guard. A box id showing up somewhere in the runner
 * journal proves only that ONE operation reached the runner; this checks each lifecycle
 * operation the API served for a box during the case (create, start, stop, exec, remove)
 * against a runner journal entry of the same kind for the same box.
 *
 * Both logs must be readable as operations. The sim's are (JSON lines: the API's access log
 * has method/path/status/box_id, the runner's journal op/box_id/status). `boxlite serve` is
 * API and runtime in one process, so there is no second hop to check; the cloud stack's
 * runner logs free text through logrus (apps/runner), which names the box but not reliably
 * the operation. Where the logs are not operation-shaped the check says so (`unavailable`)
 * and the id-presence check still runs — it never passes silently.
 */

export type LifecycleOp = 'create' | 'start' | 'stop' | 'exec' | 'remove';
export const LIFECYCLE_OPS: readonly LifecycleOp[] = ['create', 'start', 'stop', 'exec', 'remove'];

/** box id → op → how many times. */
export type OpCounts = Map<string, Map<LifecycleOp, number>>;

function bump(counts: OpCounts, box: string, op: LifecycleOp): void {
  const ops = counts.get(box) ?? new Map<LifecycleOp, number>();
  ops.set(op, (ops.get(op) ?? 0) + 1);
  counts.set(box, ops);
}

function jsonLines(text: string): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      out.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // a line cut by a concurrent append: the next read sees it whole
    }
  }
  return out;
}

/** The API request that performs a lifecycle operation (tenant routes, any prefix). */
export function apiOp(method: string, path: string): LifecycleOp | null {
  if (method === 'POST' && /\/v1\/(?:[^/]+\/)?boxes$/.test(path)) return 'create';
  const m = /\/boxes\/[^/]+(?:\/(start|stop|exec))?$/.exec(path);
  if (!m) return null;
  if (method === 'POST' && m[1]) return m[1] as LifecycleOp;
  if (method === 'DELETE' && !m[1]) return 'remove';
  return null;
}

/** Lifecycle operations the API answered with success, per box (sim access log). */
export function apiOpsFromAccessLog(text: string): OpCounts {
  const counts: OpCounts = new Map();
  for (const e of jsonLines(text)) {
    const { method, path, status, box_id: box } = e;
    if (typeof method !== 'string' || typeof path !== 'string' || typeof box !== 'string') continue;
    if (typeof status !== 'number' || status >= 300) continue;
    const op = apiOp(method, path);
    if (op) bump(counts, box, op);
  }
  return counts;
}

/** Lifecycle operations the runner journal records, per box, whatever their answer. */
export function runnerOpsFromJournal(text: string): OpCounts {
  const counts: OpCounts = new Map();
  for (const e of jsonLines(text)) {
    const { op, box_id: box } = e;
    if (typeof box !== 'string' || !(LIFECYCLE_OPS as readonly string[]).includes(String(op))) continue;
    bump(counts, box, op as LifecycleOp);
  }
  return counts;
}

export interface OpGap {
  box: string;
  op: LifecycleOp;
  api: number;
  runner: number;
}

/** Each op the API served for `boxes` must appear at least as often in the runner journal. */
export function opGaps(boxes: readonly string[], api: OpCounts, runner: OpCounts): OpGap[] {
  const gaps: OpGap[] = [];
  for (const box of boxes) {
    for (const [op, n] of api.get(box) ?? []) {
      const seen = runner.get(box)?.get(op) ?? 0;
      if (seen < n) gaps.push({ box, op, api: n, runner: seen });
    }
  }
  return gaps;
}

export const describeGap = (g: OpGap): string =>
  `${g.op} of ${g.box} (API served ${g.api}, runner journal shows ${g.runner})`;

/** How many operations the API served for `boxes` (what the verdict says it checked). */
export function opTotal(boxes: readonly string[], api: OpCounts): number {
  let n = 0;
  for (const box of boxes) for (const c of api.get(box)?.values() ?? []) n += c;
  return n;
}

/** Two counts added up (the same log read by both stacks' parsers). */
export function mergeCounts(a: OpCounts, b: OpCounts): OpCounts {
  const out: OpCounts = new Map();
  for (const src of [a, b])
    for (const [box, ops] of src) for (const [op, n] of ops) for (let i = 0; i < n; i++) bump(out, box, op);
  return out;
}
