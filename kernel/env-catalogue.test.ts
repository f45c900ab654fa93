/**
 * The env catalogue is the truth about which variables the project reads: the table in
 * docs/env.md ("Environment variables") must list exactly its variables with exactly its meanings,
 * and the code may name no BOXLITE_* variable it lacks (nor may it list one nothing reads).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENV_CATALOGUE } from './env-catalogue.ts';
import { REPO_ROOT } from './paths.ts';
import { readSource, repoSources, withoutComments } from './source-files.ts';

/** Variables the project sets for other programs and never reads itself. */
const SET_FOR_OTHERS: Record<string, string> = {
  BOXLITE_DEPS_STUB: "cargo's build of boxlite-cli without native dependencies",
  BOXLITE_API_URL: "the real runner's API URL (cmd/runner/config), written into its env file",
  BOXLITE_RUNNER_TOKEN: "the real runner's token, written into its env file",
  BOXLITE_HOME_DIR: "the real runner's home, written into its env file",
  BOXLITE_SYSTEM_IMAGES:
    "the real API's curated-image additions (the stack's guest images), written into its env file",
  RUNNER_AVAILABILITY_SCORE_THRESHOLD:
    "the real API's runner-load threshold (0: one runner takes every box), written into its env file",
  RUNNER_START_SCORE_THRESHOLD:
    "the real API's runner-load threshold for starts (0, as above), written into its env file",
  LOG_REQUESTS_ENABLED:
    "the real API's per-request log lines (the path guard reads them), written into its env file",
  BOXLITE_FAKE_NODE: 'fake checkout components: the Node that runs the sim',
  BOXLITE_FAKE_SIM_API: 'fake checkout components: the sim API entry point',
  BOXLITE_FAKE_SIM_RUNNER: 'fake checkout components: the sim runner entry point',
  BOXLITE_FAKE_DOCKER_HOST: "fake checkout components: the sim runner's Docker endpoint",
  BOXLITE_FAKE_STACK_FILE: 'fake checkout components: the stack file the sim reads',
  BOXLITE_FAKE_API_ACCESS_LOG: "fake checkout components: the sim API's access log",
  BOXLITE_FAKE_RUNNER_JOURNAL: "fake checkout components: the sim runner's journal",
};

/** `A_{X,Y}_B` → A_X_B, A_Y_B (one brace group is all the table uses). */
function expandBraces(name: string): string[] {
  const m = /^(.*)\{([^}]*)\}(.*)$/.exec(name);
  return m ? m[2]!.split(',').map((part) => `${m[1]}${part.trim()}${m[3]}`) : [name];
}

/** Rows of the first table under the `Environment variables` heading: variable → meaning. */
function envTable(markdown: string): Map<string, string> {
  const section = markdown.split(/^#{1,2} Environment variables$/m)[1]?.split(/^## /m)[0] ?? '';
  const rows = section.split('\n').filter((l) => l.startsWith('|'));
  const out = new Map<string, string>();
  for (const row of rows.slice(2)) {
    const [names, meaning] = row
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((c) => c.trim());
    for (const token of names?.match(/`[^`]+`/g) ?? [])
      for (const name of expandBraces(token.slice(1, -1))) out.set(name, meaning ?? '');
  }
  return out;
}

/** BOXLITE_* names inside the string literals of non-test source (what code reads or tells). */
function namesInCode(): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of repoSources().filter(
    (f) => !f.endsWith('.test.ts') && f !== 'kernel/env-catalogue.ts',
  )) {
    const code = withoutComments(readSource(file));
    for (const lit of code.match(/'[^'\n]*'|"[^"\n]*"|`[^`]*`/g) ?? [])
      for (const name of lit.match(/\b(?:BOXLITE|TESTCONTAINERS|GITHUB)_[A-Z0-9_]*[A-Z0-9]\b/g) ?? [])
        found.set(name, file);
  }
  return found;
}

describe('environment variable catalogue', () => {
  const table = envTable(readFileSync(join(REPO_ROOT, 'docs', 'env.md'), 'utf8'));

  it('docs/env.md lists every catalogued variable, with its meaning', () => {
    const missing = Object.keys(ENV_CATALOGUE).filter((n) => !table.has(n));
    expect(missing).toEqual([]);
    for (const [name, meaning] of Object.entries(ENV_CATALOGUE)) expect(table.get(name), name).toBe(meaning);
  });

  it('docs/env.md lists no variable the catalogue lacks', () => {
    expect([...table.keys()].filter((n) => !(n in ENV_CATALOGUE))).toEqual([]);
  });

  it('code names no variable the catalogue lacks, and every catalogued one is read somewhere', () => {
    const inCode = namesInCode();
    const unknown = [...inCode]
      .filter(([n]) => !(n in ENV_CATALOGUE) && !(n in SET_FOR_OTHERS))
      .map(([n, f]) => `${n} (${f})`);
    expect(unknown).toEqual([]);
    const code = repoSources()
      .filter((f) => !f.endsWith('.test.ts') && f !== 'kernel/env-catalogue.ts')
      .map((f) => withoutComments(readSource(f)))
      .join('\n');
    const unread = Object.keys(ENV_CATALOGUE).filter((n) => !code.includes(`'${n}'`));
    expect(unread).toEqual([]);
  });

  it('the table parser reads grouped rows and escaped pipes', () => {
    const md = [
      '## Environment variables',
      '',
      '| variable | meaning |',
      '| --- | --- |',
      '| `A_{X,Y}_B`, `C` | one `a\\|b` |',
      '',
      '## Next',
      '| `D` | not this table |',
    ].join('\n');
    expect([...envTable(md)]).toEqual([
      ['A_X_B', 'one `a\\|b`'],
      ['A_Y_B', 'one `a\\|b`'],
      ['C', 'one `a\\|b`'],
    ]);
  });
});
