import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SERVICE_IMAGES, SERVICE_NAMES } from '../../kernel/config.ts';
import { chrootSourcesList, parseAptSources, pickMirrors, rootfsHash } from './debian-rootfs.ts';
import {
  IMAGE_INPUT_LABEL,
  imageInputHash,
  imageState,
  planImages,
  SERVICE_IMAGE_DEFS,
  splitTag,
} from './service-images.ts';

const here = dirname(fileURLToPath(import.meta.url));

describe('apt sources → mirror', () => {
  it('parses one-line and deb822 sources', () => {
    const list =
      '# c\ndeb [arch=amd64] http://m.example/debian bookworm main contrib\ndeb-src http://x bookworm main\n';
    expect(parseAptSources(list, 'list')).toEqual([
      { uri: 'http://m.example/debian', suites: ['bookworm'], components: ['main', 'contrib'] },
    ]);
    const deb822 = [
      'Types: deb',
      '# http://snapshot.debian.org/archive/debian/20250520T000000Z',
      'URIs: http://deb.debian.org/debian',
      'Suites: bookworm bookworm-updates',
      'Components: main',
      '',
      'Types: deb',
      'URIs: http://deb.debian.org/debian-security',
      'Suites: bookworm-security',
      'Components: main',
      '',
      'Types: deb',
      'Enabled: no',
      'URIs: http://off.example/debian',
      'Suites: bookworm',
      'Components: main',
    ].join('\n');
    expect(parseAptSources(deb822, 'deb822')).toEqual([
      { uri: 'http://deb.debian.org/debian', suites: ['bookworm', 'bookworm-updates'], components: ['main'] },
      { uri: 'http://deb.debian.org/debian-security', suites: ['bookworm-security'], components: ['main'] },
    ]);
  });

  it('picks the archive carrying the base suite (not third-party repos) and the security mirror', () => {
    const sources = [
      { uri: 'https://packages.cloud.google.com/apt', suites: ['cloud-sdk-bookworm'], components: ['main'] },
      { uri: 'http://mirror.local/debian/', suites: ['bookworm'], components: ['main'] },
      { uri: 'http://mirror.local/debian-security', suites: ['bookworm-security'], components: ['main'] },
    ];
    expect(pickMirrors(sources)).toEqual({
      archive: 'http://mirror.local/debian',
      security: 'http://mirror.local/debian-security',
    });
    expect(pickMirrors([])).toEqual({ archive: 'http://deb.debian.org/debian', security: null });
  });

  it('writes the chroot sources for the suite, its updates and security', () => {
    expect(chrootSourcesList({ archive: 'http://m/debian', security: null })).toBe(
      'deb http://m/debian bookworm main\ndeb http://m/debian bookworm-updates main\n',
    );
    expect(chrootSourcesList({ archive: 'http://m/debian', security: 'http://m/sec' })).toContain(
      'deb http://m/sec bookworm-security main',
    );
  });
});

describe('image inputs and change detection', () => {
  const file = { dest: '/usr/local/bin/x', mode: 0o755, content: Buffer.from('#!/bin/sh\n') };

  it('the input hash moves with file bytes, file mode, changes and the rootfs recipe', () => {
    const base = imageInputHash('r1', [file], ['CMD ["a"]']);
    expect(imageInputHash('r1', [file], ['CMD ["a"]'])).toBe(base);
    expect(
      imageInputHash('r1', [{ ...file, content: Buffer.from('#!/bin/sh\n#\n') }], ['CMD ["a"]']),
    ).not.toBe(base);
    expect(imageInputHash('r1', [{ ...file, mode: 0o644 }], ['CMD ["a"]'])).not.toBe(base);
    expect(imageInputHash('r1', [file], ['CMD ["b"]'])).not.toBe(base);
    expect(imageInputHash('r2', [file], ['CMD ["a"]'])).not.toBe(base);
  });

  it('image state compares the label with the planned hash', () => {
    expect(imageState(null, 'h')).toBe('missing');
    expect(imageState({}, 'h')).toBe('stale');
    expect(imageState({ [IMAGE_INPUT_LABEL]: 'old' }, 'h')).toBe('stale');
    expect(imageState({ [IMAGE_INPUT_LABEL]: 'h' }, 'h')).toBe('up-to-date');
  });

  it('plans the default tags deterministically', async () => {
    const a = await planImages();
    const b = await planImages();
    expect(a.map((p) => p.tag)).toEqual(SERVICE_NAMES.map((n) => DEFAULT_SERVICE_IMAGES[n]));
    expect(a.map((p) => p.inputHash)).toEqual(b.map((p) => p.inputHash));
    expect(new Set(a.map((p) => p.inputHash)).size).toBe(3);
    expect(rootfsHash()).toMatch(/^[0-9a-f]{16}$/);
  });

  it('splits image refs for the import API, registry ports included', () => {
    expect(splitTag('boxlite-e2e/postgres:local')).toEqual({ repo: 'boxlite-e2e/postgres', tag: 'local' });
    expect(splitTag('127.0.0.1:5000/a/b')).toEqual({ repo: '127.0.0.1:5000/a/b', tag: 'latest' });
    expect(splitTag('127.0.0.1:5000/a/b:1')).toEqual({ repo: '127.0.0.1:5000/a/b', tag: '1' });
  });
});

describe('image definitions', () => {
  for (const name of SERVICE_NAMES) {
    it(`${name}: files exist, scripts parse, entrypoint and port are declared`, () => {
      const def = SERVICE_IMAGE_DEFS[name];
      for (const f of def.files) {
        expect(existsSync(join(here, f.src))).toBe(true);
        if (f.src.endsWith('.sh')) execFileSync('sh', ['-n', join(here, f.src)]);
      }
      expect(
        def.changes.some((c) => c.startsWith('ENTRYPOINT ["/usr/local/bin/boxlite-e2e-entrypoint"]')),
      ).toBe(true);
      expect(def.changes.some((c) => /^EXPOSE \d+$/.test(c))).toBe(true);
      expect(def.changes.some((c) => c.startsWith('ENV PATH='))).toBe(true);
    });
  }
  it('redis runs without protected mode', () => {
    expect(SERVICE_IMAGE_DEFS.redis.changes).toContain('CMD ["redis-server", "--protected-mode", "no"]');
  });
});
