/**
 * The path-bypass guard: every box a case created, through ANY driver, must show up in the
 * runner journal and in the API access log written during the case. A box that reached the
 * runner without the API (or never reached either) means the case did not test the real
 * path. Polls briefly (logs are written asynchronously), then names the missing ids.
 */
import type { LogSource } from '../../kernel/stack-file.ts';
import { describeLogSource } from '../stack/journal-source.ts';
import { type Cursor, type JournalReader, journalReader } from './journal-reader.ts';

export interface GuardSources {
  runner: LogSource | null;
  api: LogSource | null;
}

export interface GuardCursors {
  runner: Cursor | null;
  api: Cursor | null;
}

export interface GuardVerdict {
  ok: boolean;
  checked: number;
  missing: { runner: string[]; api: string[] };
  waitedMs: number;
  message: string;
}

export interface PathGuard {
  begin(): Promise<GuardCursors>;
  verify(
    boxIds: readonly string[],
    cursors: GuardCursors,
    opts?: { timeoutMs?: number },
  ): Promise<GuardVerdict>;
}

export function createPathGuard(sources: GuardSources): PathGuard {
  const readers: { runner: JournalReader | null; api: JournalReader | null } = {
    runner: sources.runner ? journalReader(sources.runner) : null,
    api: sources.api ? journalReader(sources.api) : null,
  };
  const missingIn = async (reader: JournalReader | null, cursor: Cursor | null, ids: readonly string[]) => {
    if (!reader || !cursor) return [...ids];
    const text = await reader.readSince(cursor);
    return ids.filter((id) => !text.includes(id));
  };
  return {
    async begin() {
      return {
        runner: readers.runner ? await readers.runner.cursor() : null,
        api: readers.api ? await readers.api.cursor() : null,
      };
    },
    async verify(boxIds, cursors, opts = {}) {
      const t0 = performance.now();
      const deadline = Date.now() + (opts.timeoutMs ?? 5000);
      let missing = { runner: [...boxIds], api: [...boxIds] };
      while (true) {
        missing = {
          runner: await missingIn(readers.runner, cursors.runner, boxIds),
          api: await missingIn(readers.api, cursors.api, boxIds),
        };
        if ((missing.runner.length === 0 && missing.api.length === 0) || Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const ok = missing.runner.length === 0 && missing.api.length === 0;
      const where = (k: 'runner' | 'api') =>
        sources[k] ? describeLogSource(sources[k]!) : 'no source configured';
      const parts: string[] = [];
      if (missing.runner.length)
        parts.push(`runner journal (${where('runner')}) lacks ${missing.runner.join(', ')}`);
      if (missing.api.length) parts.push(`API access log (${where('api')}) lacks ${missing.api.join(', ')}`);
      return {
        ok,
        checked: boxIds.length,
        missing,
        waitedMs: performance.now() - t0,
        message: ok
          ? `path guard: ${boxIds.length} box(es) seen by API and runner`
          : `path guard: box(es) did not travel SDK → API → runner: ${parts.join('; ')}`,
      };
    },
  };
}
