/**
 * The record of an infrastructure death, shared by everything in a run through two files in
 * the report dir: `infrastructure-error.json` (the facts) and `infrastructure-error.txt` (the
 * one line `pnpm e2e` prints with exit 3). The first observer to confirm a death writes them
 * (exclusive create), so the part and time named are the earliest seen; every later reader
 * — the case runner before each case, the reporters, `pnpm e2e` — reads the same words.
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface InfraDeath {
  /** API, runner, postgres, redis, registry. */
  part: string;
  where: string;
  /** Why the probes failed (ECONNREFUSED, a timeout, HTTP 502 …). */
  reason: string;
  /** The first probe that got no answer (ISO time). */
  diedAt: string;
  /** The last probe it answered, when the watcher saw one (ISO time). */
  lastAnsweredAt: string | null;
  /** Who confirmed it: the run's watcher, or the case whose failure prompted the check. */
  detectedBy: string;
  detectedAt: string;
  /** `i/n` when the run is a merge of shards and this death stopped that shard. */
  shard?: string;
}

export const deathFiles = (reportDir: string) => ({
  json: join(reportDir, 'infrastructure-error.json'),
  text: join(reportDir, 'infrastructure-error.txt'),
});

/** "07:55:12Z" from an ISO time: the day is the run's. */
const clock = (iso: string) => `${iso.slice(11, 19)}Z`;

/** The one line: part, where, when, why. */
export function deathLine(d: InfraDeath): string {
  const last = d.lastAnsweredAt ? `, last answered ${clock(d.lastAnsweredAt)}` : '';
  return `infrastructure error: ${d.part} (${d.where}) died at ${clock(d.diedAt)} (${d.reason}${last}); the run stopped`;
}

/** What a case that never ran is marked with. */
export const notRunNote = (d: InfraDeath) => `not run (infrastructure: ${d.part} died at ${clock(d.diedAt)})`;

export function readDeath(reportDir: string | undefined): InfraDeath | null {
  if (!reportDir) return null; // a run context without a report dir (the runner's own tests)
  const { json } = deathFiles(reportDir);
  if (!existsSync(json)) return null;
  try {
    return JSON.parse(readFileSync(json, 'utf8')) as InfraDeath;
  } catch {
    return null; // being written by another worker this instant: the next case reads it whole
  }
}

/** Records `d` unless a death is recorded already; answers the one that stands. */
export async function recordDeath(reportDir: string, d: InfraDeath): Promise<InfraDeath> {
  const files = deathFiles(reportDir);
  try {
    await writeFile(files.json, `${JSON.stringify(d, null, 2)}\n`, { flag: 'wx' });
  } catch {
    return readDeath(reportDir) ?? d;
  }
  await writeFile(files.text, deathLine(d));
  return d;
}
