/**
 * Boxes the suite leaves behind. Upstream's cases do not all clean up on every path (a case that
 * skips after a failed `run -d --name` keeps its box, and the next run then finds the name
 * taken), so the boxes of the org that appeared during the run are removed after it and named
 * in the report: consecutive runs start from the same org.
 */
import { call, type RestTarget, tenantUrl } from '../../drivers/rest/http.ts';
import { removeBox } from '../../harness/per-case/box-tracker.ts';

interface Listed {
  box_id: string;
  name?: string | null;
}

async function listBoxes(target: RestTarget): Promise<Listed[]> {
  const res = await call<{ boxes: Listed[] }>(target, 'GET', tenantUrl(target, '/boxes'), {
    timeoutMs: 30_000,
  });
  if (res.status !== 200 || !res.json)
    throw new Error(`GET /boxes answered ${res.status}: ${res.text.slice(0, 200)}`);
  return res.json.boxes;
}

/** The ids of the org's boxes now: what the run must leave as it found. */
export async function boxesBefore(target: RestTarget): Promise<Set<string>> {
  return new Set((await listBoxes(target)).map((b) => b.box_id));
}

/** Removes the boxes that appeared since `before`; returns "name (id)" of each, and those that would not go. */
export async function removeSuiteBoxes(
  target: RestTarget,
  before: ReadonlySet<string>,
): Promise<{ removed: string[]; stuck: string[] }> {
  const left = (await listBoxes(target)).filter((b) => !before.has(b.box_id));
  const label = (b: Listed) => (b.name ? `${b.name} (${b.box_id})` : b.box_id);
  const statuses = await Promise.all(left.map((b) => removeBox(target, b.box_id).catch(() => 0)));
  const gone = (s: number) => s < 300 || s === 404;
  return {
    removed: left.filter((_, i) => gone(statuses[i]!)).map(label),
    stuck: left.filter((_, i) => !gone(statuses[i]!)).map(label),
  };
}
