/**
 * The runner's own storage: one record per box under `<state dir>/data/sim-runner/boxes/<id>/`,
 * written at create before the container exists and removed with the box — as BoxLite keeps each
 * box's config and disks under its home. Nothing reads it back (the engine stays the source of
 * truth); it is there so that a full disk fails a create the way it does on the real runtime: a
 * typed `storage_error`, and no half-made box (no record, no container).
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiError } from './errors.ts';

/** Write failures that mean "the runner's disk cannot take this box", not a bug. */
const STORAGE_CODES = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EIO']);

export function boxRecordsDir(stateDir: string): string {
  return join(stateDir, 'data', 'sim-runner', 'boxes');
}

export class BoxRecords {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  async write(boxId: string, record: unknown): Promise<void> {
    const dir = join(this.dir, boxId);
    try {
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'box.json'), `${JSON.stringify(record)}\n`);
    } catch (err) {
      await this.remove(boxId);
      const e = err as NodeJS.ErrnoException;
      if (e.code && STORAGE_CODES.has(e.code))
        throw new ApiError('storage_error', `cannot store box ${boxId} in ${this.dir}: ${e.message}`);
      throw err;
    }
  }

  async remove(boxId: string): Promise<void> {
    await rm(join(this.dir, boxId), { recursive: true, force: true }).catch(() => {});
  }
}
