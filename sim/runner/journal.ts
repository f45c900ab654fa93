/**
 * Operation journal: one JSON line per operation, appended synchronously so the path guard
 * sees an entry as soon as the HTTP answer for it has left. Callers pass only operation data;
 * request headers (and so the bearer token) never reach this module.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export interface JournalEntry {
  op: string;
  box_id?: string | null;
  exec_id?: string;
  [key: string]: unknown;
}

export class Journal {
  readonly path: string;

  constructor(path: string) {
    this.path = path;
    mkdirSync(dirname(path), { recursive: true });
    // Fail at start-up (not on the first request) when the file is not writable.
    appendFileSync(path, '');
  }

  write(entry: JournalEntry): void {
    const line = JSON.stringify({ ts: new Date().toISOString(), ...entry });
    try {
      appendFileSync(this.path, `${line}\n`);
    } catch (err) {
      // A full disk must not take exec traffic down; say so on stderr instead.
      process.stderr.write(`runner: journal write failed: ${(err as Error).message}\n`);
    }
  }
}
