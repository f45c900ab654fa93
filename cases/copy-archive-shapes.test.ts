/**
 * How a PUT /files archive lands, by its shape and by the destination's (protocol §5.1), held
 * to BoxLite's extraction rules (src/shared/src/tar.rs `unpack`, whose tests name each rule;
 * the guest's files.rs turns a destination ending in "/" into directory mode): exactly one
 * regular entry onto a missing path is that file; a trailing "/" forces a directory; any
 * other archive, an empty one included, is extracted under the destination, which is created
 * when missing. The cloud runner decides "one file" the same way, by the entries
 * (apps/runner/pkg/api/controllers/boxlite_files.go `extractTarToDir`).
 *
 * Raw tar bodies, because the SDKs always add a parent or a "./" entry to a directory and so
 * never send the archive shapes whose handling differs.
 */
import { buffer } from 'node:stream/consumers';
import * as tar from 'tar-stream';
import { runSdkSh as sh } from '../drivers/node-sdk/driver.ts';
import type { RestDriver } from '../drivers/rest/driver.ts';
import { claims, describe, expect, test } from '../fixtures/index.ts';

interface Entry {
  name: string;
  body?: string;
  type?: 'file' | 'directory';
}

function archive(entries: Entry[]): Promise<Buffer> {
  const pack = tar.pack();
  const out = buffer(pack);
  for (const e of entries) {
    if (e.type === 'directory') pack.entry({ name: e.name, type: 'directory', mode: 0o755 });
    else pack.entry({ name: e.name, mode: 0o644 }, e.body ?? '');
  }
  pack.finalize();
  return out;
}

async function putArchive(rest: RestDriver, boxId: string, path: string, entries: Entry[]): Promise<void> {
  const res = await rest.tenant('PUT', `/boxes/${boxId}/files`, {
    query: { path },
    raw: await archive(entries),
    contentType: 'application/x-tar',
  });
  expect(res.status, res.text).toBe(204);
}

/** Every directory, then every file, under `dir`, sorted: the whole shape, nothing beside it. */
const shapeOf = (dir: string) =>
  `find ${dir} -type d | sort | sed 's/^/d /'; find ${dir} -type f | sort | sed 's/^/f /'`;

describe.concurrent('copy in: archive shapes', claims({ needs: 'vm' }), () => {
  // busybox: find, sort and sed in the smallest image.
  test.override('image', ({ stack }) => stack.images.busybox);

  test(
    'a one-file archive onto a missing path without "/" is that file; with "/" a new directory holding it',
    claims({ pins: ['files.put.one-file-at-path', 'files.put.into-dir'] }),
    async ({ box, rest }) => {
      await putArchive(rest, box.id, '/srv/shape/plain.txt', [{ name: 'entry.txt', body: 'as-file' }]);
      await putArchive(rest, box.id, '/srv/shape/newdir/', [{ name: 'entry.txt', body: 'inside' }]);
      const r = await sh(
        box,
        `${shapeOf('/srv/shape')}; cat /srv/shape/plain.txt /srv/shape/newdir/entry.txt`,
      );
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toBe(
        [
          'd /srv/shape',
          'd /srv/shape/newdir',
          'f /srv/shape/newdir/entry.txt',
          'f /srv/shape/plain.txt',
          'as-fileinside',
        ].join('\n'),
      );
    },
  );

  test(
    'an archive of several files and no directory entries onto a missing path extracts every file under it',
    claims({ pins: ['files.put.tree'] }),
    async ({ box, rest }) => {
      await putArchive(rest, box.id, '/srv/multi', [
        { name: 'a.txt', body: 'A' },
        { name: 'b.txt', body: 'B' },
      ]);
      const r = await sh(box, `${shapeOf('/srv/multi')}; cat /srv/multi/a.txt /srv/multi/b.txt`);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toBe(['d /srv/multi', 'f /srv/multi/a.txt', 'f /srv/multi/b.txt', 'AB'].join('\n'));
    },
  );

  test(
    'a one-file archive that also holds its directory entry is a tree, not a rename',
    claims({ pins: ['files.put.tree'] }),
    async ({ box, rest }) => {
      await putArchive(rest, box.id, '/srv/withdir', [
        { name: 'pkg/', type: 'directory' },
        { name: 'pkg/only.txt', body: 'one' },
      ]);
      const r = await sh(box, `${shapeOf('/srv/withdir')}; cat /srv/withdir/pkg/only.txt`);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toBe(
        ['d /srv/withdir', 'd /srv/withdir/pkg', 'f /srv/withdir/pkg/only.txt', 'one'].join('\n'),
      );
    },
  );

  test(
    'an empty archive onto a missing path creates it as an empty directory',
    claims({ pins: ['files.put.empty-archive'] }),
    async ({ box, rest }) => {
      await putArchive(rest, box.id, '/srv/empty', []);
      const r = await sh(box, shapeOf('/srv/empty'));
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toBe('d /srv/empty\n');
    },
  );
});
