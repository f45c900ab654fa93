import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { selectsCliCases } from './cli-cases.ts';

describe('which runs need the boxlite CLI', () => {
  it('every run of all cases, and runs whose file filters hit a CLI case file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cases-'));
    for (const f of ['cli.test.ts', 'cli-lifecycle.test.ts', 'cross-driver.test.ts', 'errors.test.ts'])
      await writeFile(join(dir, f), '');
    expect(await selectsCliCases([], dir)).toBe(true);
    expect(await selectsCliCases(['cli-lifecycle'], dir)).toBe(true);
    expect(await selectsCliCases([join(dir, 'cross-driver.test.ts')], dir)).toBe(true);
    expect(await selectsCliCases(['errors'], dir)).toBe(false);
    expect(await selectsCliCases(['cases/errors.test.ts'], dir)).toBe(false);
  });
});
