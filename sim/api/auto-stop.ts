/**
 * AutoStop, as BoxLite 0.11's serve sweeps it (`decide_lifecycle`): a running box whose
 * `auto_stop` is N > 0 seconds is stopped once no request has touched it for N seconds.
 * Activity is any authenticated request naming the box (serve's `record_activity`); a box
 * never seen since this API started is measured from its last state change. In memory,
 * like serve's: a restarted API starts every clock afresh.
 */

import { inScope } from '../shared/mutant-switch.ts';
import type { App } from './http.ts';
import { TIMEOUTS } from './runner-client.ts';
import { type BoxRow, findBox, setBoxState } from './store.ts';

const SWEEP_MS = 1000;
const LOCK = { ttlMs: TIMEOUTS.lifecycle + 5000, waitMs: 1000 };
const lastActivity = new Map<string, number>();

/** Called once per finished request with the box it named (if any). */
export function noteActivity(boxId: string | undefined): void {
  if (boxId) lastActivity.set(boxId, Date.now());
}

async function runningWithAutoStop(app: App): Promise<BoxRow[]> {
  const r = await app.db.query<BoxRow>(
    `SELECT * FROM boxes WHERE deleted_at IS NULL AND status = 'running'
       AND coalesce((spec->>'auto_stop')::bigint, 0) > 0`,
  );
  return r.rows;
}

async function stopIdle(app: App, row: BoxRow): Promise<void> {
  await app.locks.withBoxLock(row.id, LOCK, async () => {
    const now = await findBox(app.db, row.org_id, row.id);
    if (now?.status !== 'running') return;
    const reply = await app.runner.call('POST', `/boxes/${row.id}/stop`, { timeoutMs: TIMEOUTS.lifecycle });
    if (reply.status < 300 || reply.status === 404)
      await setBoxState(app.db, row.id, { status: 'stopped', pid: null });
  });
  lastActivity.delete(row.id);
}

async function sweepOnce(app: App): Promise<void> {
  const now = Date.now();
  for (const row of await runningWithAutoStop(app)) {
    const window = Number(row.spec.auto_stop) * 1000;
    const since = Math.max(lastActivity.get(row.id) ?? 0, row.updated_at.getTime());
    if (now - since >= window) await stopIdle(app, row).catch(() => {}); // busy: next tick
  }
}

/** Starts the sweep; the returned function stops it. */
export function startAutoStopSweep(app: App): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    inScope('background auto-stop', () => sweepOnce(app))
      .catch(() => {})
      .finally(() => {
        running = false;
      });
  }, SWEEP_MS);
  timer.unref();
  return () => clearInterval(timer);
}
