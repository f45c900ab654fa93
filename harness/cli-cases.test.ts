import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../kernel/paths.ts';
import { CLI_CASE_FILE, selectsCliCases } from './cli-cases.ts';

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

describe('case files that use the CLI', () => {
  it('carry a CLI case file name, so a run waits for the CLI build before them', async () => {
    // The `cli` fixture only looks the binary up: a file the name rule misses runs before a
    // background build finished and fails (or, with a strict xfail, "fails as expected").
    const dir = join(REPO_ROOT, 'cases');
    const usesCli = /async \(\{[^}]*\bcli\b[^}]*\}\)|openCli\(/;
    const misnamed: string[] = [];
    for (const f of (await readdir(dir)).filter((n) => n.endsWith('.test.ts')))
      if (usesCli.test(await readFile(join(dir, f), 'utf8')) && !CLI_CASE_FILE.test(f)) misnamed.push(f);
    expect(misnamed).toEqual([]);
  });
});
