/**
 * The recorded real-stack statuses (real-status.json): what `pnpm e2e:ledger --record`
 * measured on a real API (measure.ts), with the BoxLite commit it ran and each answer. The
 * ledger reads the status of every measured bug from here.
 */
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import type { BugStatus } from './known-bugs.ts';

export interface RealStatusRecord {
  /** The BoxLite commit the API and runner were built from. */
  ref: string;
  measuredAt: string;
  bugs: Record<string, { status: BugStatus; evidence: string }>;
}

export const REAL_STATUS_FILE = new URL('./real-status.json', import.meta.url);

export const RECORDED: RealStatusRecord = JSON.parse(
  readFileSync(REAL_STATUS_FILE, 'utf8'),
) as RealStatusRecord;

/** The recorded status of a measured bug; a bug the record lacks is an error to fix by measuring. */
export function recorded(id: string): BugStatus {
  const b = RECORDED.bugs[id];
  if (!b)
    throw new Error(
      `harness/ledger/real-status.json has no measurement of ${id}: run \`pnpm e2e:ledger --record\``,
    );
  return b.status;
}

export async function writeRecord(r: RealStatusRecord): Promise<void> {
  await writeFile(REAL_STATUS_FILE, `${JSON.stringify(r, null, 2)}\n`);
}
