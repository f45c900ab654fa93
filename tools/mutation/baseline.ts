/**
 * The baseline a mutation run selects from (selection.ts), kept in the run dir as
 * baseline.json so a summary can be made without the server.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StackHandle } from '../../harness/handle/handle.ts';
import { AREA_NAMES, AREAS } from './areas.ts';
import { type AccessLine, type CoverageIndex, parseAccessLog, type TestRecord } from './selection.ts';

export interface Baseline {
  startedAt: string;
  ms: number;
  tests: TestRecord[];
  reach: Record<string, string[]>;
  coverage: CoverageIndex;
  /** Mutant id → the sim file it is in. */
  fileOf: Record<string, string>;
  /** Why no box started on the mutation stack (cases that need one did not run), or null. */
  vm: string | null;
}

export const BASELINE_FILE = 'baseline.json';

export function writeBaseline(runDir: string, b: Baseline): Promise<void> {
  return writeFile(join(runDir, BASELINE_FILE), `${JSON.stringify(b, null, 1)}\n`);
}

export async function readBaseline(runDir: string): Promise<Baseline> {
  return JSON.parse(await readFile(join(runDir, BASELINE_FILE), 'utf8')) as Baseline;
}

/** The API access log from `sinceMs` on (the sim writes it to a file). */
export async function readAccessLog(handle: StackHandle, sinceMs: number): Promise<AccessLine[]> {
  const src = handle.journals.api;
  if (src?.kind !== 'file') throw new Error('the mutation check needs the sim API access log as a file');
  return parseAccessLog(await readFile(src.path, 'utf8')).filter((l) => l.ts >= sinceMs);
}

const MUTANT_CALL = /stryMutAct_9fa48\("(\d+)"\)/g;

/** Mutant id → file, read from the instrumented sources under `root` (the sandbox). */
export async function mutantFiles(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const file of AREA_NAMES.flatMap((a) => AREAS[a].files)) {
    const text = await readFile(join(root, file), 'utf8').catch(() => '');
    for (const m of text.matchAll(MUTANT_CALL)) out[m[1] as string] = file;
  }
  return out;
}
