/**
 * Start-of-run sweep: boxes named `e2e-<pid>-...` whose harness process is gone were left
 * by an interrupted run; remove them. Boxes of live runs (other pids) are left alone.
 */
import { call, tenantUrl } from '../drivers/rest/http.ts';
import { pidAlive } from '../kernel/process/processes.ts';
import type { StackHandle } from './handle/handle.ts';
import { removeBox } from './per-case/box-tracker.ts';

// e2e-<harness pid>-<run tag>-<worker>-<n>; digits after the tag vary by writer, so be lenient.
const NAME = /^e2e-(\d+)-[a-z0-9]{4}-[0-9-]+$/;

/** Removes harness boxes that `select` picks among those whose run is dead or that are ours. */
export async function sweepBoxes(stack: StackHandle, select: (name: string) => boolean): Promise<string[]> {
  const res = await call<{ boxes: Array<{ box_id: string; name?: string | null }> }>(
    stack,
    'GET',
    tenantUrl(stack, '/boxes'),
  );
  if (res.status !== 200 || !res.json) return [];
  const doomed = res.json.boxes.filter((b) => {
    const m = NAME.exec(b.name ?? '');
    if (!m || !select(b.name!)) return false;
    return Number(m[1]) === process.pid || !pidAlive(Number(m[1]));
  });
  await Promise.all(doomed.map((b) => removeBox(stack, b.box_id)));
  return doomed.map((b) => b.box_id);
}
