/**
 * The leak guard: a box the API reports removed must be gone on the runner side too (its
 * container, runtime dir or VM process: runner-view.ts), and at the end of a run nothing the
 * run created may survive anywhere — neither in the API's listing nor on the runner side, nor
 * as a resource outside boxes (inventory.ts).
 *
 * After every case (automatic, like the path guard): each box of the case the API now
 * answers 404 for was removed during the case, so it is checked. Boxes still alive are the
 * cleanup's to remove; the case runner checks those once they are gone (case-runner.ts), and
 * the run's teardown checks everything the run ever created (`checkRunLeftovers`).
 * A target whose runner side cannot be seen from here says so in the verdict; it never passes.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { call, type RestTarget, tenantUrl } from '../../drivers/rest/http.ts';
import type { RunnerView } from './runner-view.ts';

export type LeakVerdict =
  | { ok: boolean; checked: number; leaked: Array<{ id: string; found: string }>; message: string }
  | { ok: true; unavailable: string; message: string };

/** Of `ids`, those the API answers 404 for (removed, as far as it is concerned). */
export async function removedPerApi(target: RestTarget, ids: readonly string[]): Promise<string[]> {
  const answers = await Promise.all(
    ids.map((id) =>
      call(target, 'GET', tenantUrl(target, `/boxes/${encodeURIComponent(id)}`), { timeoutMs: 10_000 }).then(
        (r) => r.status,
        () => 0,
      ),
    ),
  );
  return ids.filter((_, i) => answers[i] === 404);
}

/**
 * Checks that `removed` (ids the API reports gone) are gone on the runner side; polls briefly
 * because a runtime may finish tearing a VM down just after it answered.
 */
export async function checkGoneOnRunner(
  view: RunnerView,
  removed: readonly string[],
  opts: { timeoutMs?: number } = {},
): Promise<LeakVerdict> {
  if (!view.observable)
    return { ok: true, unavailable: view.why, message: `leak guard: not observable (${view.why})` };
  const deadline = Date.now() + (opts.timeoutMs ?? 2000);
  let leaked = await view.present(removed);
  while (leaked.length && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    leaked = await view.present(removed);
  }
  return {
    ok: leaked.length === 0,
    checked: removed.length,
    leaked,
    message: leaked.length
      ? `leak guard: box(es) the API reports removed are still on the runner side (${view.where}): ${leaked
          .map((l) => `${l.id}: ${l.found}`)
          .join('; ')}`
      : `leak guard: ${removed.length} removed box(es) gone on the runner side`,
  };
}

/** The run's list of every box id it created (report dir), appended as boxes are tracked. */
export const createdBoxesFile = (reportDir: string) => join(reportDir, 'created-boxes.txt');

export function noteCreated(reportDir: string, id: string): void {
  appendFileSync(createdBoxesFile(reportDir), `${id}\n`);
}

export function readCreated(reportDir: string): string[] {
  const file = createdBoxesFile(reportDir);
  if (!existsSync(file)) return [];
  return [...new Set(readFileSync(file, 'utf8').split('\n').filter(Boolean))];
}

export interface Leftovers {
  created: number;
  /** What the stack holds outside boxes that it did not at the start of the run (inventory.ts). */
  resources?: Record<string, string[]>;
  /** Boxes the API still lists: the run's by name prefix or by id. */
  inApi: string[];
  /** Created boxes the runner side still holds. */
  onRunner: Array<{ id: string; found: string }>;
  /** Why the runner side was not checked, when it was not. */
  runnerUnobservable: string | null;
  message: string;
}

/**
 * End of run (after the sweep): nothing the run created survives, in the API or on the runner;
 * `resources` are what the stack holds outside boxes that it did not at the start.
 */
export async function checkRunLeftovers(
  target: RestTarget,
  view: RunnerView,
  created: readonly string[],
  namePrefix: string,
  resources: Record<string, string[]> = {},
): Promise<Leftovers> {
  const listed = await call<{ boxes: Array<{ box_id: string; name?: string | null }> }>(
    target,
    'GET',
    tenantUrl(target, '/boxes'),
    { timeoutMs: 15_000 },
  );
  const mine = new Set(created);
  const inApi = (listed.json?.boxes ?? [])
    .filter((b) => mine.has(b.box_id) || (b.name ?? '').startsWith(namePrefix))
    .map((b) => b.box_id);
  const onRunner = view.observable ? await view.present(created) : [];
  const parts: string[] = [];
  if (inApi.length) parts.push(`the API still lists ${inApi.join(', ')}`);
  if (onRunner.length)
    parts.push(
      `the runner side (${view.observable ? view.where : ''}) still holds ${onRunner.map((l) => `${l.id}: ${l.found}`).join('; ')}`,
    );
  for (const [kind, names] of Object.entries(resources))
    parts.push(`the stack holds ${names.length} ${kind}(s) it did not at the start: ${names.join(', ')}`);
  const unobservable = view.observable ? null : view.why;
  return {
    created: created.length,
    resources,
    inApi,
    onRunner,
    runnerUnobservable: unobservable,
    message: parts.length
      ? `end-of-run leak check: ${parts.join('; ')}`
      : `end-of-run leak check: none of the ${created.length} box(es) this run created survives${unobservable ? ` in the API (runner side not observable: ${unobservable})` : ''}, nor anything else it made`,
  };
}
