/**
 * Export → import through the Node SDK (protocol §5.3; upstream
 * test_snapshot_clone::test_export_import_roundtrip and
 * test_export_import_roundtrip::test_data_survives_export_import_to_new_box): a box's disk
 * leaves as an archive file on the host and comes back as a new, distinct box with the
 * payload byte for byte.
 */
import { randomBytes } from 'node:crypto';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runSdkSh as sh } from '../drivers/node-sdk/driver.ts';
import { claims, describe, expect, test } from '../fixtures/index.ts';

describe.concurrent('export / import', claims({ needs: ['vm', 'export-import'] }), () => {
  test(
    'a stopped box exported and imported carries its file into a new box',
    claims({
      pins: ['export-import.export.route', 'export-import.import.route', 'export-import.round-trip'],
      ports: ['test_export_import_roundtrip'],
    }),
    async ({ box, rt, tracker, scratch }) => {
      const marker = `e2e-export-marker-${randomBytes(4).toString('hex')}`;
      expect((await sh(box, `printf %s ${marker} > /var/marker`)).exitCode).toBe(0);
      await box.stop();
      const dir = await scratch();
      const archive = await box.export(dir);
      expect((await stat(archive)).size).toBeGreaterThan(0);
      const imported = await rt.importBox(archive, null);
      tracker.record(imported.id, 'node-sdk');
      expect(imported.id).not.toBe(box.id);
      await imported.start();
      const r = await sh(imported, 'cat /var/marker');
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toBe(marker);
    },
  );

  test(
    'a running box exports; the import is a distinct, named box with the payload exact',
    claims({
      pins: ['export-import.running', 'export-import.name', 'export-import.round-trip'],
      ports: ['test_data_survives_export_import_to_new_box'],
    }),
    async ({ box, rt, tracker, boxName, scratch }) => {
      const sentinel = 'migrate-roundtrip-7b3e9d';
      const w = await sh(box, `printf '%s' '${sentinel}' > /root/migrate_payload.txt && sync`);
      expect(w.exitCode, w.stderr).toBe(0);
      const archive = await box.export(await scratch());
      expect((await stat(archive)).size).toBeGreaterThan(0);
      const name = boxName();
      const dst = await rt.importBox(archive, name);
      tracker.record(dst.id, 'node-sdk');
      expect(dst.id).not.toBe(box.id);
      expect((await rt.getInfo(name))?.id).toBe(dst.id);
      const r = await sh(dst, 'cat /root/migrate_payload.txt');
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toBe(sentinel);
      // The source is untouched by the export.
      expect((await sh(box, 'cat /root/migrate_payload.txt')).stdout).toBe(sentinel);
    },
  );

  test(
    'importing a file that is not a box archive is refused and makes no box',
    claims({ pins: ['export-import.bad-archive'] }),
    async ({ rt, boxName, scratch }) => {
      const dir = await scratch();
      const junk = join(dir, 'junk.boxlite');
      await writeFile(junk, randomBytes(4096));
      const name = boxName();
      await expect(rt.importBox(junk, name)).rejects.toThrow(/invalid argument|archive|import/i);
      expect(await rt.getInfo(name)).toBeNull();
    },
  );

  test(
    "an imported box has the exported box's cpus and memory",
    claims({ pins: ['export-import.resources'] }),
    async ({ rt, image, tracker, boxName, scratch }) => {
      // Upstream: the archive manifest carries box_options; import provisions the box from them.
      const src = await rt.create({ image, cpus: 2, memoryMib: 768 }, boxName());
      await src.stop();
      const archive = await src.export(await scratch());
      const imported = await rt.importBox(archive, null);
      tracker.record(imported.id, 'node-sdk');
      expect(await rt.getInfo(imported.id)).toMatchObject({ id: imported.id, cpus: 2, memoryMib: 768 });
    },
  );
});
