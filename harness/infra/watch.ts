/**
 * Notices a dead part of the stack while a run is going, so the run stops instead of failing
 * its remaining cases one by one. Two observers use the same confirmation rule:
 *
 * - the run's watcher (global setup, main process) probes every part on an interval, so a
 *   part that dies between cases, or hangs so that cases only time out, is named early;
 * - a worker whose case failed checks at once (per-case/infra.ts), so the failure right
 *   after a death is attributed before the next case starts.
 *
 * A part is dead when CONFIRMATIONS probes in a row fail: one refused or slow probe on a
 * loaded machine, or the supervisor restarting a crashed service, is not a death.
 */
import { type InfraDeath, readDeath, recordDeath } from './death.ts';
import { failingParts, type StackPart } from './parts.ts';

export const CONFIRMATIONS = 3;
const CONFIRM_GAP_MS = 1000;
const WATCH_EVERY_MS = 1500;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Probes until every part answers (null) or one has failed CONFIRMATIONS times in a row;
 * then records its death (or answers the one already recorded).
 */
export async function confirmDeath(
  parts: readonly StackPart[],
  reportDir: string,
  detectedBy: string,
  lastAnswered: ReadonlyMap<string, string> = new Map(),
): Promise<InfraDeath | null> {
  const streak = new Map<string, { n: number; firstAt: string; reason: string }>();
  for (let round = 0; ; round++) {
    const at = new Date().toISOString();
    const failing = await failingParts(parts);
    if (failing.length === 0) return null;
    for (const name of [...streak.keys()])
      if (!failing.some((f) => f.part.name === name)) streak.delete(name);
    for (const f of failing) {
      const s = streak.get(f.part.name) ?? { n: 0, firstAt: at, reason: f.reason };
      streak.set(f.part.name, { ...s, n: s.n + 1, reason: f.reason });
    }
    const dead = failing.find((f) => (streak.get(f.part.name)?.n ?? 0) >= CONFIRMATIONS);
    if (dead) {
      const s = streak.get(dead.part.name)!;
      return recordDeath(reportDir, {
        part: dead.part.name,
        where: dead.part.where,
        reason: s.reason,
        diedAt: s.firstAt,
        lastAnsweredAt: lastAnswered.get(dead.part.name) ?? null,
        detectedBy,
        detectedAt: new Date().toISOString(),
      });
    }
    if (round > 4 * CONFIRMATIONS) return null; // flapping, not dead: let the cases say what fails
    await sleep(CONFIRM_GAP_MS);
  }
}

/** Starts the run's watcher; the returned function stops it. */
export function watchStack(parts: readonly StackPart[], reportDir: string): () => Promise<void> {
  const lastAnswered = new Map<string, string>();
  let stopped = false;
  let busy: Promise<unknown> | null = null;
  const tick = async () => {
    if (readDeath(reportDir)) return;
    const at = new Date().toISOString();
    const failing = await failingParts(parts);
    for (const p of parts) if (!failing.some((f) => f.part === p)) lastAnswered.set(p.name, at);
    if (failing.length && !stopped) await confirmDeath(parts, reportDir, 'the run watcher', lastAnswered);
  };
  const timer = setInterval(() => {
    if (busy) return; // a confirmation still running: skip this beat
    busy = tick()
      .catch(() => {})
      .finally(() => {
        busy = null;
      });
  }, WATCH_EVERY_MS);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await busy;
  };
}
