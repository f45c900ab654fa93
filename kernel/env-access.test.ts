/**
 * One config door per process: only entry points read the environment. Everything below
 * them gets a typed config (kernel/options.ts); vitest workers get theirs through
 * provide/inject from a global setup. The entry points are an explicit list, checked both
 * ways against what starts them: package.json scripts and the programs named in DOORS.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './paths.ts';
import { readSource, repoSources, withoutComments } from './source-files.ts';

/** Our commands: each one a package script runs (`pnpm <script>`). */
const COMMANDS = [
  'bootstrap/actionlint/command.ts',
  'bootstrap/cli-binary/command.ts',
  'bootstrap/guest-images/command.ts',
  'bootstrap/sdk-shim/command.ts',
  'bootstrap/service-images/command.ts',
  'harness/commands/e2e.ts',
  'harness/ledger/command.ts',
  'stack/commands/setup.ts',
  'stack/commands/teardown.ts',
  'tools/bench/command.ts',
  'tools/bisect/command.ts',
  'tools/contract/command.ts',
  'tools/diff/command.ts',
  'tools/longevity/command.ts',
  'tools/merge/command.ts',
  'tools/mutation/command.ts',
  'tools/parity/command.ts',
  'tools/teeth/command.ts',
  'tools/two-sided/command.ts',
  'tools/upstream/command.ts',
];

/** Other files that may touch process.env, and why: programs started another way, and config doors. */
const DOORS: Record<string, string> = {
  'vitest.config.ts': 'the vitest run: run id and report options',
  'harness/global-setup.ts': 'the cases global setup: hands workers the run context',
  'harness/self-test-setup.ts': 'the self-test global setup: hands self-tests the bootstrap config',
  'tools/ci-gate/command.ts': 'the gate job of .github/workflows/boxlite-e2e.yml runs it with plain node',
  'sim/api/main.ts': 'the sim API process (sim/launch.ts starts it)',
  'sim/runner/main.ts': 'the sim runner process (sim/launch.ts starts it)',
  'kernel/process/supervisor.ts': "the supervisor process: its PATH is its child's",
  'bootstrap/boxlite-recipe/fake-checkout/api/main.ts':
    "the fake checkout's API process: reads the env file a real API reads",
  'bootstrap/providers/containers.ts': 'writes the settings testcontainers only reads from process.env',
  'kernel/env-access.test.ts': "this detector: its samples are an escape's forms",
  'tools/mutation/mutant-command.ts':
    "Stryker's command runner starts it per mutant: reads Stryker's active-mutant variable",
  'tools/mutation/server.ts':
    'the mutation server mutant-command starts: the stack and the vitest session it holds',
};

/** The files package.json scripts run with `node [flags] FILE.ts`. */
function scriptFiles(): string[] {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  return Object.values(pkg.scripts).flatMap((s) =>
    [...s.matchAll(/\bnode(?:\s+--?[\w-]+)*\s+([\w./-]+\.ts)\b/g)].map((m) => m[1] as string),
  );
}

const READS =
  /process\s*\.\s*env\b|process\s*\[\s*['"`]env['"`]\s*\]|\{[^}]*\benv\b[^}]*\}\s*=\s*process\b|\benv\b[^;]*from\s*['"]node:process['"]/;

describe('environment access', () => {
  const allowed = new Set([...COMMANDS, ...Object.keys(DOORS)]);
  const offenders = repoSources()
    .filter((f) => !allowed.has(f))
    .filter((f) => READS.test(withoutComments(readSource(f))));

  it('only entry points read process.env', () => {
    expect(offenders).toEqual([]);
  });

  it('every script file is a listed command, and every listed command is run by a script', () => {
    const scripts = new Set(scriptFiles());
    expect([...scripts].filter((f) => !COMMANDS.includes(f))).toEqual([]);
    expect(COMMANDS.filter((f) => !scripts.has(f))).toEqual([]);
  });

  it('every listed door still exists', () => {
    const files = new Set(repoSources());
    for (const door of [...COMMANDS, ...Object.keys(DOORS)]) expect(files.has(door), door).toBe(true);
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
