/**
 * `pnpm e2e:diff --a DIR --b DIR [--c DIR]` — sends the non-VM request corpus
 * (tools/diff/corpus.ts) to two or three provisioned stacks (state dirs: the sim first,
 * then e.g. a `boxlite serve` and a real API from a checkout) and writes
 * reports/diff-<run-id>.md. Exits 1 when a difference is neither fixed nor explained.
 *
 *   --a DIR   state dir of the reference stack (`pnpm e2e:setup --target sim`)
 *   --b DIR   state dir of the second (e.g. `pnpm e2e:setup --target serve`)
 *   --c DIR   state dir of a third (e.g. `pnpm e2e:setup --target boxlite --checkout PATH`)
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveStackHandle, stackHandleOptions } from '../../harness/handle/handle.ts';
import { runMain } from '../../kernel/errors.ts';
import { type OptionTable, resolveOptions } from '../../kernel/options.ts';
import { REPO_ROOT } from '../../kernel/paths.ts';
import { newRunId } from '../../kernel/run-id.ts';
import { compareSides, renderDiff, type Side, unexplained as unexplainedRows } from './compare.ts';
import { runCorpus } from './corpus.ts';

export const DIFF_OPTIONS = {
  a: { flag: 'a', type: 'path', required: true, doc: 'state dir of the first stack' },
  b: { flag: 'b', type: 'path', required: true, doc: 'state dir of the second stack' },
  c: { flag: 'c', type: 'path', doc: 'state dir of a third stack' },
} as const satisfies OptionTable;

async function handleOf(stateDir: string) {
  // The stack file decides; no remote setting may redirect a diff side.
  return resolveStackHandle({ ...stackHandleOptions({}), stateDir });
}

if (import.meta.main) {
  await runMain('e2e:diff', async () => {
    const { values } = resolveOptions(DIFF_OPTIONS, process.argv.slice(2), {});
    const dirs = [values.a, values.b, ...(values.c ? [values.c] : [])];
    const prefix = `e2e-diff-${process.pid}-`;
    const sides: Side[] = [];
    for (const dir of dirs) {
      const h = await handleOf(dir);
      sides.push({
        label: `${h.kind} (${h.apiUrl})`,
        kind: h.kind,
        obs: await runCorpus(h, h.images.busybox, prefix),
      });
    }
    const [ref, ...others] = sides as [Side, ...Side[]];
    const rows = compareSides(ref, others);
    const file = join(REPO_ROOT, 'reports', `diff-${newRunId()}.md`);
    await mkdir(join(REPO_ROOT, 'reports'), { recursive: true });
    await writeFile(
      file,
      renderDiff(
        rows,
        sides.map((s) => s.label),
      ),
    );
    const unexplained = unexplainedRows(rows).length;
    process.stdout.write(
      `e2e:diff: ${rows.length} requests, ${unexplained} unexplained difference(s); ${file}\n`,
    );
    process.exitCode = unexplained ? 1 : 0;
  });
}
