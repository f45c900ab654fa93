/**
 * What changes a box without a request, as BoxLite 0.11's serve sweeps it: a box running its
 * own main command stops when that command exits (its row must say so, with the exit code),
 * and a box at rest (stopped or failed) is removed once its `auto_delete` deadline has passed
 * — `boxlite run --rm` is exactly auto_delete=1. Rows the runner does not know are left alone
 * (another runner's, or a runner that is down), never guessed at.
 */

import { inScope } from '../shared/mutant-switch.ts';
import type { App } from './http.ts';
import { TIMEOUTS } from './runner-client.ts';
import { type BoxRow, type BoxState, boxesToSweep, findBox, setBoxState, softDeleteBox } from './store.ts';

const SWEEP_MS = 1000;
const AT_REST = new Set(['stopped', 'failed']);
const LOCK = { ttlMs: TIMEOUTS.lifecycle + 5000, waitMs: 1000 };

const STATUS_MAP: Record<string, string> = {
  running: 'running',
  configured: 'configured',
  created: 'configured',
  stopping: 'stopping',
  stopped: 'stopped',
  exited: 'stopped',
  paused: 'paused',
  failed: 'failed',
  dead: 'failed',
};

/** Runner answers `{box_id,status,pid,exit_code?}`; we store only the public status vocabulary. */
export function runnerState(json: unknown, fallback: string): BoxState {
  const j = (json ?? {}) as { status?: unknown; pid?: unknown; exit_code?: unknown };
  const raw = typeof j.status === 'string' ? j.status.toLowerCase() : '';
  return {
    status: STATUS_MAP[raw] ?? fallback,
    pid: typeof j.pid === 'number' && j.pid > 0 ? j.pid : null,
    exitCode: typeof j.exit_code === 'number' ? j.exit_code : null,
  };
}

const changed = (row: BoxRow, st: BoxState) =>
  row.status !== st.status || row.pid !== st.pid || row.exit_code !== (st.exitCode ?? null);

/**
 * Brings one box's row in line with the runner (after a main-command attach ends, say) and
 * returns it; null when the runner does not know the box (another runner's, or gone).
 */
export async function syncBox(app: App, boxId: string): Promise<BoxRow | null> {
  const reply = await app.runner.call('GET', `/boxes/${encodeURIComponent(boxId)}`);
  if (reply.status !== 200) return null;
  const r = await app.db.query<BoxRow>('SELECT * FROM boxes WHERE id = $1 AND deleted_at IS NULL', [boxId]);
  const row = r.rows[0];
  if (!row) return null;
  const st = runnerState(reply.json, row.status);
  return changed(row, st) ? setBoxState(app.db, boxId, st) : row;
}

async function autoDelete(app: App, row: BoxRow): Promise<void> {
  await app.locks.withBoxLock(row.id, LOCK, async () => {
    const now = await findBox(app.db, row.org_id, row.id);
    if (!now || !AT_REST.has(now.status)) return;
    const reply = await app.runner.call('DELETE', `/boxes/${row.id}?force=true`, {
      timeoutMs: TIMEOUTS.lifecycle,
    });
    if (reply.status < 300 || reply.status === 404) await softDeleteBox(app.db, row.id);
  });
}

async function sweepOnce(app: App): Promise<void> {
  for (const candidate of await boxesToSweep(app.db)) {
    const row = await syncBox(app, candidate.id);
    if (!row) continue;
    const deadline = typeof row.spec.auto_delete === 'number' ? row.spec.auto_delete : 0;
    if (deadline > 0 && AT_REST.has(row.status) && Date.now() - row.updated_at.getTime() >= deadline * 1000)
      await autoDelete(app, row).catch(() => {}); // a busy box is retried on the next tick
  }
}

/** Starts the sweep; the returned function stops it. */
export function startLifecycleSweep(app: App): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    inScope('background lifecycle', () => sweepOnce(app))
      .catch(() => {}) // runner or database briefly away: the next tick tries again
      .finally(() => {
        running = false;
      });
  }, SWEEP_MS);
  timer.unref();
  return () => clearInterval(timer);
}
