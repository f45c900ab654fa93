/**
 * One config door per process: only entry points read the environment. Everything below
 * them gets a typed config (kernel/options.ts); vitest workers get theirs through
 * provide/inject from a global setup. A new entry point joins the list here, with its reason.
 */
import { describe, expect, it } from 'vitest';
import { readSource, repoSources, withoutComments } from './source-files.ts';

/** Files that may touch process.env, and why. */
const DOORS: Record<string, string> = {
  'vitest.config.ts': 'the vitest run: run id and report options',
  'harness/global-setup.ts': 'the cases global setup: hands workers the run context',
  'harness/self-test-setup.ts': 'the e2e global setup: hands self-tests the bootstrap config',
  'kernel/process/supervisor.ts': "the supervisor process: its PATH is its child's",
  'bootstrap/providers/containers.ts': 'writes the settings testcontainers only reads from process.env',
  'kernel/env-access.test.ts': "this detector: its samples are an escape's forms",
  'tools/upstream/command.ts': 'pnpm e2e:upstream: the upstream suite run',
};

/** CLI entry points by convention: their file is cli.ts, main.ts, or lives in a cli/ folder. */
const isCli = (file: string) =>
  /(^|\/)(cli|main)\.ts$|(^|\/)cli\/[^/]+\.ts$/.test(file) && !file.endsWith('.test.ts');

const READS =
  /process\s*\.\s*env\b|process\s*\[\s*['"`]env['"`]\s*\]|\{[^}]*\benv\b[^}]*\}\s*=\s*process\b|\benv\b[^;]*from\s*['"]node:process['"]/;

describe('environment access', () => {
  const offenders = repoSources()
    .filter((f) => !DOORS[f] && !isCli(f))
    .filter((f) => READS.test(withoutComments(readSource(f))));

  it('only entry points read process.env', () => {
    expect(offenders).toEqual([]);
  });

  it('every listed door still exists and still is one', () => {
    const files = new Set(repoSources());
    for (const door of Object.keys(DOORS)) expect(files.has(door), door).toBe(true);
  });

  it('the detector sees the forms an escape would take', () => {
    for (const src of [
      'const x = process.env.X;',
      "const y = process['env'];",
      'const { env } = process;',
      "import { env } from 'node:process';",
    ])
      expect(READS.test(withoutComments(src)), src).toBe(true);
    expect(READS.test(withoutComments('// process.env.X is read by the entry point'))).toBe(false);
  });
});
