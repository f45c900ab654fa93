import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dir, file } from './fs-entry.ts';
import { assemblerHash, imageKey, loadImage, storeImage } from './image-cache.ts';
import { buildLayer } from './layer.ts';
import { buildImageDocs } from './oci.ts';

const deb = (version: string) => ({
  name: 'coreutils',
  version,
  arch: 'amd64',
  fileName: `coreutils_${version}_amd64.deb`,
  sha256: `${version}ab`,
});

describe('built guest image cache', () => {
  it('a stored image comes back with the same blobs and digests', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'image-cache-'));
    const layer = await buildLayer([dir('etc'), file('etc/hostname', 'boxlite\n')]);
    const img = buildImageDocs({ name: 'boxlite-e2e/x', tag: '1', layers: [layer], annotations: {} });
    const key = imageKey(img.name, img.tag, [deb('9.1-1')], await assemblerHash());
    expect(await loadImage(cache, key)).toBeNull();
    await storeImage(cache, key, img);
    const back = await loadImage(cache, key);
    expect(back?.manifest).toEqual(img.manifest);
    expect(back?.config).toEqual(img.config);
    expect(back?.layers[0]?.blob.equals(layer.blob)).toBe(true);
    expect(back?.layers[0]?.digest).toBe(layer.digest);
  });

  it('the key moves with any package version or checksum, and with the assembling code', () => {
    const k = (v: string, code: string) => imageKey('boxlite-e2e/x', '1', [deb(v)], code);
    expect(k('9.1-1', 'a')).toBe(k('9.1-1', 'a'));
    expect(k('9.1-2', 'a')).not.toBe(k('9.1-1', 'a'));
    expect(k('9.1-1', 'b')).not.toBe(k('9.1-1', 'a'));
  });
});
