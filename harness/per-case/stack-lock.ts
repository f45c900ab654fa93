/**
 * A case file that needs the whole stack to itself says so with vitest's file tag
 * (`@module-tag whole-stack` in its opening comment) and runs with no other file of the run at
 * the same time: a reader-writer lock across the run's workers, as files in the report dir.
 * Every other file enters shared; a whole-stack file waits until the files running finish and
 * enters alone, and while it waits no file enters (it is not starved). An entry whose worker is
 * gone (a killed run) counts for nothing.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pidAlive } from '../../kernel/process/processes.ts';

export const WHOLE_STACK_TAG = 'whole-stack';

/** vitest's own docblock syntax for a file's tags (`// @module-tag x` or ` * @module-tag x`). */
export const needsWholeStack = (source: string) => /(\/\/|\*)\s*@module-tag\s+whole-stack\b/.test(source);

let entries = 0;

function alive(file: string): boolean {
  try {
    return pidAlive(Number(readFileSync(file, 'utf8')));
  } catch {
    return false; // removed while we looked
  }
}

const held = (dir: string, prefix: string) =>
  readdirSync(dir).some((f) => f.startsWith(prefix) && alive(join(dir, f)));

const mark = (file: string, flag: 'w' | 'wx' = 'w') => writeFileSync(file, String(process.pid), { flag });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits for the stack as the file needs it; answers the release. */
export async function enterStack(dir: string, alone: boolean, pollMs = 200): Promise<() => void> {
  mkdirSync(dir, { recursive: true });
  const id = `${process.pid}-${entries++}`;
  const exclusive = join(dir, 'alone');
  const blocked = () => (existsSync(exclusive) && alive(exclusive)) || held(dir, 'waiting-');
  if (!alone) {
    const mine = join(dir, `shared-${id}`);
    for (;;) {
      if (!blocked()) {
        mark(mine);
        // Written, then checked again: a whole-stack file that began waiting meanwhile goes first.
        if (!blocked()) return () => rmSync(mine, { force: true });
        rmSync(mine, { force: true });
      }
      await sleep(pollMs);
    }
  }
  const waiting = join(dir, `waiting-${id}`);
  mark(waiting);
  for (;;) {
    if (existsSync(exclusive) && !alive(exclusive)) rmSync(exclusive, { force: true });
    if (!held(dir, 'shared-')) {
      try {
        mark(exclusive, 'wx');
        rmSync(waiting, { force: true });
        return () => rmSync(exclusive, { force: true });
      } catch {
        // another whole-stack file got it first
      }
    }
    await sleep(pollMs);
  }
}
