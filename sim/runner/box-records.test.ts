import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BoxRecords } from './box-records.ts';

describe('box records', () => {
  it('writes a record per box and removes it with the box', async () => {
    const records = new BoxRecords(mkdtempSync(join(tmpdir(), 'box-records-')));
    await records.write('abc', { image: 'x' });
    expect(JSON.parse(readFileSync(join(records.dir, 'abc', 'box.json'), 'utf8'))).toEqual({ image: 'x' });
    await records.remove('abc');
    expect(existsSync(join(records.dir, 'abc'))).toBe(false);
  });

  it('a full disk is a typed storage_error and leaves nothing behind', async () => {
    const records = new BoxRecords(mkdtempSync(join(tmpdir(), 'box-records-')));
    // /dev/full answers every write with ENOSPC: a disk with no space left, without a mount.
    mkdirSync(join(records.dir, 'full'));
    symlinkSync('/dev/full', join(records.dir, 'full', 'box.json'));
    await expect(records.write('full', { image: 'x' })).rejects.toMatchObject({
      code: 'storage_error',
      status: 500,
      message: expect.stringMatching(/ENOSPC|no space left/i),
    });
    expect(existsSync(join(records.dir, 'full'))).toBe(false);
  });
});
