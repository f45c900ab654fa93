/**
 * Managed volumes through the Node SDK (protocol §5.4; upstream
 * test_managed_volume_persistence): a volume mounted by id keeps what a box wrote across
 * stop / start and across boxes, with the filesystem semantics state needs (atomic rename,
 * fsync, exclusive locks), and the volume CRUD answers as the SDK expects.
 */
import { runSdkSh as sh } from '../drivers/node-sdk/driver.ts';
import { claims, describe, expect, test } from '../fixtures/index.ts';

// Plain POSIX shell: the guest images carry no python3 (upstream drives sqlite from it).
const WRITE = `
set -e
root=/data/chat-claw/assistant-e2e
mkdir -p $root/db
printf persisted > $root/db/marker
printf atomic > $root/atomic.tmp && sync && mv $root/atomic.tmp $root/atomic.txt
printf encrypted-snapshot-e2e > $root/snapshot.enc
mkdir $root/writer.lock
if mkdir $root/writer.lock 2>/dev/null; then echo lock-not-exclusive; exit 3; fi
df -k /data | tail -1
`;

const VERIFY = `
set -e
root=/data/chat-claw/assistant-e2e
test "$(cat $root/db/marker)" = persisted
test "$(cat $root/atomic.txt)" = atomic
test ! -e $root/atomic.tmp
test -d $root/writer.lock
test "$(cat $root/snapshot.enc)" = encrypted-snapshot-e2e
echo persistent-volume-ok
`;

describe.concurrent('managed volumes', claims({ needs: ['vm', 'volumes'] }), () => {
  test(
    'a managed volume keeps its data across stop / start and into another box',
    claims({
      pins: ['volumes.data', 'box.create.volume-managed'],
      ports: ['test_managed_volume_survives_stop_start'],
    }),
    async ({ rt, image, boxName }) => {
      const volume = await rt.volumes.create();
      const mount = { volumes: [{ managedVolume: volume.id, guestPath: '/data' }] };
      const box = await rt.create({ image, ...mount }, boxName());
      const w = await sh(box, WRITE);
      expect(w.exitCode, `${w.stdout}${w.stderr}`).toBe(0);
      await box.stop();
      await box.start();
      const v = await sh(box, VERIFY);
      expect(v.exitCode, v.stderr).toBe(0);
      expect(v.stdout).toContain('persistent-volume-ok');
      await rt.remove(box.id, true);
      const next = await rt.create({ image, ...mount }, boxName());
      const again = await sh(next, VERIFY);
      expect(again.exitCode, again.stderr).toBe(0);
      await expect(rt.volumes.remove(volume.id)).rejects.toThrow(/in use|invalid state/i);
      await rt.remove(next.id, true);
      await rt.volumes.remove(volume.id);
      await expect(rt.volumes.get(volume.id)).rejects.toThrow(/not found/i);
    },
  );

  test(
    'create / get / list / remove: the id is the name by default; force ignores a missing volume',
    claims({
      pins: [
        'volumes.create.route',
        'volumes.get.route',
        'volumes.list.route',
        'volumes.remove.route',
        'volumes.name-default',
        'volumes.remove.missing',
      ],
    }),
    async ({ rt }) => {
      const plain = await rt.volumes.create();
      expect(plain.name).toBe(plain.id);
      expect(Number.isNaN(Date.parse(plain.createdAt))).toBe(false);
      const named = await rt.volumes.create(`e2e-vol-${Date.now()}`);
      expect(named.name).not.toBe(named.id);
      expect(await rt.volumes.get(named.id)).toMatchObject({ id: named.id, name: named.name });
      const ids = (await rt.volumes.list()).map((v) => v.id);
      expect(ids).toEqual(expect.arrayContaining([plain.id, named.id]));
      await rt.volumes.remove(plain.id);
      await rt.volumes.remove(named.id);
      await expect(rt.volumes.get(plain.id)).rejects.toThrow(/not found/i);
      await rt.volumes.remove(plain.id, true);
      await expect(rt.volumes.remove(plain.id)).rejects.toThrow(/not found/i);
    },
  );
});
