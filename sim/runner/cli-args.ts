/**
 * `main.ts --port N --stack <file> --journal <file> [--bugs a,b] [--host H]`. Pure; any
 * problem is a UsageError (one line, exit 2). `--bugs` wins over BOXLITE_SIM_BUGS.
 */
import { resolve } from 'node:path';
import { UsageError } from '../../kernel/errors.ts';
import { type BugId, parseBugs } from '../bugs.ts';

export interface RunnerArgs {
  port: number;
  host: string;
  stack: string;
  journal: string;
  bugs: Set<BugId>;
}

const USAGE =
  'usage: sim/runner/main.ts --port N --stack <stack.json> --journal <file> [--bugs a,b] [--host 127.0.0.1]';
const KNOWN = new Set(['port', 'host', 'stack', 'journal', 'bugs']);

export function parseRunnerArgs(argv: string[], env: NodeJS.ProcessEnv): RunnerArgs {
  const got = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument ${JSON.stringify(arg)}; ${USAGE}`);
    const eq = arg.indexOf('=');
    const key = arg.slice(2, eq === -1 ? undefined : eq);
    if (!KNOWN.has(key)) throw new UsageError(`unknown option --${key}; ${USAGE}`);
    let value: string | undefined;
    if (eq !== -1) value = arg.slice(eq + 1);
    else {
      value = argv[++i];
      if (value === undefined || value.startsWith('--'))
        throw new UsageError(`--${key} needs a value; ${USAGE}`);
    }
    if (got.has(key)) throw new UsageError(`--${key} given twice`);
    got.set(key, value);
  }
  for (const k of ['port', 'stack', 'journal']) {
    if (!got.get(k)) throw new UsageError(`--${k} is required; ${USAGE}`);
  }
  const portText = got.get('port') as string;
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535)
    throw new UsageError(`--port must be an integer 0..65535, got ${JSON.stringify(portText)}`);
  let bugs: Set<BugId>;
  try {
    bugs = parseBugs(got.get('bugs') ?? env.BOXLITE_SIM_BUGS);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  return {
    port,
    host: got.get('host') ?? '127.0.0.1',
    stack: resolve(got.get('stack') as string),
    journal: resolve(got.get('journal') as string),
    bugs,
  };
}
