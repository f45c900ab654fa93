/**
 * Options of a case run, resolved once by the process that starts it (the `cases` global
 * setup, `pnpm e2e`, `pnpm e2e:teeth`, vitest.config.ts) and handed to workers through the
 * run context — never read from the environment in a worker.
 */
import type { OptionTable } from '../kernel/options.ts';
import { REMOTE_OPTIONS } from './handle/remote-config.ts';
import { parseShard } from './shard/plan.ts';

/** Size of the #563 stdout-race reproducer: "N" (N boxes × 10 execs) or "NxM". */
export function parseRounds(raw: string): { boxes: number; execs: number } {
  const m = /^\s*(\d+)\s*(?:[x×*]\s*(\d+))?\s*$/.exec(raw);
  if (!m) throw new Error(`${JSON.stringify(raw)} is not "N" or "NxM"`);
  const boxes = Number(m[1]);
  const execs = m[2] === undefined ? 10 : Number(m[2]);
  if (boxes < 1 || execs < 1) throw new Error(`${JSON.stringify(raw)}: N and M must be ≥ 1`);
  return { boxes, execs };
}

/** A loss rate in [0, 1). */
export function parseRate(raw: string): number {
  const v = Number(raw);
  if (!(raw.trim() && v >= 0 && v < 1)) throw new Error(`${JSON.stringify(raw)} is not a rate in [0, 1)`);
  return v;
}

export const RUN_ID_OPTION = {
  env: 'BOXLITE_E2E_RUN_ID',
  type: 'string',
  doc: 'names the report dir reports/<id>/',
} as const;

/** One shard of a sharded run (`pnpm e2e --shard i/n`): reports carry it, the merge reads it. */
export const SHARD_OPTION = {
  flag: 'shard',
  env: 'BOXLITE_E2E_SHARD',
  type: 'string',
  doc: 'run shard i of n (`i/n`) against a stack of its own',
  check: (v: string) => void parseShard(v),
} as const;

export const RUN_OPTIONS = {
  runId: RUN_ID_OPTION,
  shard: SHARD_OPTION,
  noSetup: { env: 'BOXLITE_E2E_NO_SETUP', type: 'bool', doc: 'the stack is up already: skip setup' },
  setupMs: {
    env: 'BOXLITE_E2E_SETUP_MS',
    type: 'int',
    min: 0,
    default: 0,
    doc: 'provisioning ms spent before vitest started',
  },
  markers: {
    flag: 'markers',
    env: 'BOXLITE_E2E_MARKERS',
    type: 'enum',
    values: ['on', 'off'],
    default: 'on',
    doc: 'off = expected-failure markers ignored (teeth mode)',
  },
  bugStatus: { env: 'BOXLITE_E2E_BUG_STATUS', type: 'string', doc: 'ledger overrides, id=open|fixed,...' },
  p06Rounds: {
    env: 'BOXLITE_E2E_P06_ROUNDS',
    type: 'string',
    default: '4x10',
    doc: 'size of the #563 stdout-race reproducer',
    check: (v: string) => void parseRounds(v),
  },
  p06MaxLoss: {
    env: 'BOXLITE_E2E_P06_MAX_LOSS',
    type: 'string',
    default: '0',
    doc: 'stdout-loss rate the reproducer tolerates',
    check: (v: string) => void parseRate(v),
  },
} as const satisfies OptionTable;

/** What vitest.config.ts reads: the run id, the shard, and where reports go besides reports/<id>/. */
export const REPORT_OPTIONS = {
  runId: RUN_ID_OPTION,
  shard: SHARD_OPTION,
  durations: {
    env: 'BOXLITE_E2E_SHARD_DURATIONS',
    type: 'path',
    doc: "a previous run's results.json: shards are balanced by its file durations",
  },
  stepSummary: { env: 'GITHUB_STEP_SUMMARY', type: 'path', doc: 'file the summary is appended to' },
  apiKey: REMOTE_OPTIONS.apiKey,
} as const satisfies OptionTable;
