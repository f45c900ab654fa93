/**
 * `pnpm e2e:diff --a DIR --b DIR` — sends the non-VM request corpus (tools/diff/corpus.ts)
 * to two provisioned stacks (state dirs, e.g. a sim and a `boxlite serve`) and writes
 * reports/diff-<run-id>.md. Exits 1 when a difference is neither fixed nor explained.
 *
 *   --a DIR   state dir of the first stack (e.g. `pnpm e2e:setup --target sim`)
 *   --b DIR   state dir of the second (e.g. `pnpm e2e:setup --target serve`)
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveStackHandle, stackHandleOptions } from '../../harness/handle/handle.ts';
import { runMain } from '../../kernel/errors.ts';
import { type OptionTable, resolveOptions } from '../../kernel/options.ts';
import { REPO_ROOT } from '../../kernel/paths.ts';
import { newRunId } from '../../kernel/run-id.ts';
import { compareRuns, renderDiff } from './compare.ts';
import { runCorpus } from './corpus.ts';

export const DIFF_OPTIONS = {
  a: { flag: 'a', type: 'path', required: true, doc: 'state dir of the first stack' },
  b: { flag: 'b', type: 'path', required: true, doc: 'state dir of the second stack' },
} as const satisfies OptionTable;

async function handleOf(stateDir: string) {
  // The stack file decides; no remote setting may redirect a diff side.
  return resolveStackHandle({ ...stackHandleOptions({}), stateDir });
}

if (import.meta.main) {
  await runMain('e2e:diff', async () => {
    const { values } = resolveOptions(DIFF_OPTIONS, process.argv.slice(2), {});
    const [a, b] = [await handleOf(values.a), await handleOf(values.b)];
    const prefix = `e2e-diff-${process.pid}-`;
    const rows = compareRuns(
      await runCorpus(a, a.images.busybox, prefix),
      await runCorpus(b, b.images.busybox, prefix),
    );
    const labels = { a: `${a.kind} (${a.apiUrl})`, b: `${b.kind} (${b.apiUrl})` };
    const file = join(REPO_ROOT, 'reports', `diff-${newRunId()}.md`);
    await mkdir(join(REPO_ROOT, 'reports'), { recursive: true });
    await writeFile(file, renderDiff(rows, labels));
    const unexplained = rows.filter((r) => !r.same && !r.reason).length;
    process.stdout.write(
      `e2e:diff: ${rows.length} requests, ${unexplained} unexplained difference(s); ${file}\n`,
    );
    process.exitCode = unexplained ? 1 : 0;
  });
}
