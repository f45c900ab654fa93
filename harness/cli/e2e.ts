/**
 * `pnpm e2e` — what a maintainer runs: bring the stack up if needed (default target: sim),
 * run the contract cases, write reports/<run-id>/ (+ reports/latest). Exits non-zero
 * exactly when something unexpected happened (a failure, an XPASS, or a dead stack).
 *
 *   --target sim|boxlite   stack target (remote stacks come from BOXLITE_E2E_URL / _PROFILE)
 *   --provider host|containers
 *   --bugs a,b             sim bug switches to turn on (see sim/bugs.ts)
 *   --markers on|off       off = expected-failure markers ignored (teeth mode)
 *   --grep PATTERN         only cases whose name matches
 *   [files...]             only these case files (e.g. cases/errors.test.ts)
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCli } from '../../kernel/cli.ts';
import { runMain, UsageError } from '../../kernel/errors.ts';
import { REPO_ROOT } from '../../kernel/paths.ts';
import { setupStack } from '../../stack/up.ts';
import { readRemoteConfig } from '../stack/remote-config.ts';
import { runCases } from './run-vitest.ts';

export function parseE2eArgs(argv: string[]) {
  const { values, positionals } = parseCli(
    argv,
    {
      target: { type: 'string' },
      provider: { type: 'string' },
      bugs: { type: 'string' },
      markers: { type: 'string', default: 'on' },
      grep: { type: 'string' },
    },
    true,
  );
  if (values.markers !== 'on' && values.markers !== 'off') throw new UsageError('--markers takes on or off');
  return { ...values, files: positionals };
}

if (import.meta.main) {
  await runMain('e2e', async () => {
    const args = parseE2eArgs(process.argv.slice(2));
    const runId = new Date().toISOString().replace(/[:.]/g, '-');
    const env: Record<string, string> = {
      BOXLITE_E2E_RUN_ID: runId,
      BOXLITE_E2E_NO_SETUP: '1',
      BOXLITE_E2E_MARKERS: args.markers ?? 'on',
    };
    if (!(await readRemoteConfig(process.env))) {
      const t0 = performance.now();
      const summary = await setupStack({
        overrides: { provider: args.provider, target: args.target ?? 'sim' },
        bugs: args.bugs ?? '',
      });
      process.stderr.write(`${summary}\n`);
      env.BOXLITE_E2E_SETUP_MS = String(Math.round(performance.now() - t0));
    }
    const code = await runCases({ files: args.files, grep: args.grep, env });
    const infra = join(REPO_ROOT, 'reports', runId, 'infrastructure-error.txt');
    if (existsSync(infra)) {
      process.stderr.write(`e2e: ${readFileSync(infra, 'utf8')}\n`);
      process.exitCode = 3;
      return;
    }
    process.exitCode = code;
  });
}
