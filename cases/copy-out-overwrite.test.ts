/**
 * `copy_out(..., overwrite=False)` through the PyPI SDK (upstream test_copy_out_overwrite):
 * an existing host destination is refused with "already exists" and left untouched; an
 * absent one is not refused. The Node SDK 0.10.x rejects overwrite=false client-side, so the
 * Python SDK (drivers/python) is the client here, as it is upstream. The pinned 0.10.8 lacks
 * the guard (ledger: sdk-python-copy-out-overwrite), so the refusal case is a strict xfail.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll } from 'vitest';
import { type PyOp, runPythonOps } from '../drivers/python/driver.ts';
import { ensurePythonSdk } from '../drivers/python/venv.ts';
import { claims, describe, expect, runContext, test } from '../fixtures/index.ts';
import { createProgress } from '../kernel/progress.ts';

let python = '';
beforeAll(async () => {
  python = await ensurePythonSdk({ cacheDir: runContext().cacheDir, progress: createProgress() });
}, 600_000);

const seed = (path: string, content: string): PyOp => ({
  op: 'exec',
  command: 'sh',
  args: ['-c', `mkdir -p "$(dirname ${path})" && printf %s '${content}' > ${path}`],
});

describe.concurrent('copy_out overwrite=False (python SDK)', claims({ needs: 'vm' }), () => {
  test(
    'an existing host file is refused with "already exists" and keeps its content',
    claims({
      ports: ['test_copy_out_overwrite_false_raises_already_exists'],
      detects: ['sdk-python-copy-out-overwrite'],
    }),
    async ({ stack, tracker, image, onTestFinished }) => {
      const dir = await mkdtemp(join(tmpdir(), 'e2e-copyout-'));
      onTestFinished(() => rm(dir, { recursive: true, force: true }));
      const dst = join(dir, 'preexisting.txt');
      await writeFile(dst, 'host-original-content');
      const [created, seeded, copied] = await runPythonOps(
        python,
        stack,
        [
          { op: 'create', image },
          seed('/root/payload.txt', 'guest-bytes'),
          { op: 'copy_out', src: '/root/payload.txt', host_path: dst, overwrite: false, recursive: true },
        ],
        tracker.record,
      );
      expect(created?.error).toBeNull();
      expect(seeded?.error).toBeNull();
      expect(copied?.error ?? '').toMatch(/already exists/i);
      expect(await readFile(dst, 'utf8')).toBe('host-original-content');
    },
  );

  test(
    'an absent host destination is not refused and receives the file',
    claims({
      pins: ['files.get.file'],
      ports: ['test_copy_out_overwrite_false_does_not_refuse_when_dest_absent'],
    }),
    async ({ stack, tracker, image, onTestFinished }) => {
      const dir = await mkdtemp(join(tmpdir(), 'e2e-copyout-'));
      onTestFinished(() => rm(dir, { recursive: true, force: true }));
      const dst = join(dir, 'absent_pre_copy.txt');
      const [, , copied] = await runPythonOps(
        python,
        stack,
        [
          { op: 'create', image },
          seed('/root/payload2.txt', 'guest-bytes-2'),
          { op: 'copy_out', src: '/root/payload2.txt', host_path: dst, overwrite: false, recursive: true },
        ],
        tracker.record,
      );
      expect(copied?.error ?? '').not.toMatch(/already exists/i);
      expect(copied?.error).toBeNull();
      expect(await readFile(dst, 'utf8')).toBe('guest-bytes-2');
    },
  );
});
