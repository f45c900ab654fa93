/**
 * `main.ts --port N --stack <file> --journal <file> [--docker-host H] [--bugs a,b] [--host H]`.
 * Pure; any problem is a UsageError (one line, exit 2). The one rule of kernel/options.ts:
 * a flag wins over its env variable (`--bugs` over BOXLITE_SIM_BUGS, `--docker-host` over
 * DOCKER_HOST). Setup always passes `--docker-host`, so a supervised runner talks to the same
 * engine as setup and teardown whatever environment its supervisor gives it.
 */
import { resolve } from 'node:path';
import { DOCKER_HOST_OPTION } from '../../kernel/docker-host.ts';
import type { Env } from '../../kernel/env-catalogue.ts';
import { type OptionTable, type Resolved, resolveOptions } from '../../kernel/options.ts';
import { type BugId, parseBugs, SIM_BUGS_OPTION } from '../bugs.ts';

export const RUNNER_OPTIONS = {
  port: { flag: 'port', type: 'int', min: 0, max: 65535, required: true, doc: 'listen port (0 = any)' },
  host: { flag: 'host', type: 'string', default: '127.0.0.1', doc: 'listen address' },
  stack: { flag: 'stack', type: 'path', required: true, doc: 'the stack file' },
  journal: { flag: 'journal', type: 'path', required: true, doc: 'operation journal (JSON lines)' },
  dockerHost: { ...DOCKER_HOST_OPTION, flag: 'docker-host' },
  dockerTimeoutMs: {
    flag: 'docker-timeout-ms',
    env: 'BOXLITE_SIM_DOCKER_TIMEOUT_MS',
    type: 'int',
    min: 1,
    default: 10_000,
    doc: 'bound on one Docker control call, ms',
  },
  bugs: SIM_BUGS_OPTION,
} as const satisfies OptionTable;

export type RunnerArgs = Omit<Resolved<typeof RUNNER_OPTIONS>, 'bugs' | 'stack' | 'journal'> & {
  stack: string;
  journal: string;
  bugs: Set<BugId>;
};

export function parseRunnerArgs(argv: readonly string[], env: Env): RunnerArgs {
  const { values } = resolveOptions(RUNNER_OPTIONS, argv, env);
  return {
    ...values,
    stack: resolve(values.stack),
    journal: resolve(values.journal),
    bugs: parseBugs(values.bugs.join(',')),
  };
}
