/**
 * Reads a component's journal from a cursor: files by byte offset, journald by its cursor,
 * containers by timestamp. The path guard takes a cursor before a test and reads what was
 * written after it.
 */
import { open, stat } from 'node:fs/promises';
import { execa } from 'execa';
import { dockerClient } from '../../kernel/docker.ts';
import { DEFAULT_DOCKER_HOST } from '../../kernel/docker-host.ts';
import type { LogSource } from '../../kernel/stack-file.ts';

export type Cursor =
  | { kind: 'offset'; offset: number }
  | { kind: 'journald'; cursor: string | null }
  | { kind: 'since'; unixSeconds: number };

export interface JournalReader {
  source: LogSource;
  cursor(): Promise<Cursor>;
  readSince(cursor: Cursor): Promise<string>;
}

function fileReader(source: Extract<LogSource, { kind: 'file' }>): JournalReader {
  return {
    source,
    async cursor() {
      const size = await stat(source.path).then(
        (s) => s.size,
        () => 0,
      );
      return { kind: 'offset', offset: size };
    },
    async readSince(c) {
      const from = c.kind === 'offset' ? c.offset : 0;
      const fh = await open(source.path, 'r').catch(() => null);
      if (!fh) return '';
      try {
        const { size } = await fh.stat();
        // A truncated/rotated file starts over from its beginning.
        const start = size < from ? 0 : from;
        const buf = Buffer.alloc(size - start);
        await fh.read(buf, 0, buf.length, start);
        return buf.toString('utf8');
      } finally {
        await fh.close();
      }
    },
  };
}

function journaldReader(source: Extract<LogSource, { kind: 'journald' }>): JournalReader {
  return {
    source,
    async cursor() {
      const res = await execa('journalctl', ['-u', source.unit, '-n', '0', '--show-cursor', '--no-pager'], {
        reject: false,
      });
      const m = /-- cursor: (\S+)/.exec(res.stdout);
      return { kind: 'journald', cursor: m?.[1] ?? null };
    },
    async readSince(c) {
      const after = c.kind === 'journald' && c.cursor ? [`--after-cursor=${c.cursor}`] : [];
      const res = await execa('journalctl', ['-u', source.unit, ...after, '--no-pager', '-o', 'cat'], {
        reject: false,
      });
      return res.stdout;
    },
  };
}

function containerReader(source: Extract<LogSource, { kind: 'container' }>): JournalReader {
  // The engine the stack handle named for this source (never an ambient DOCKER_HOST).
  const docker = dockerClient(source.dockerHost ?? DEFAULT_DOCKER_HOST);
  return {
    source,
    async cursor() {
      return { kind: 'since', unixSeconds: Math.floor(Date.now() / 1000) - 1 };
    },
    async readSince(c) {
      const since = c.kind === 'since' ? c.unixSeconds : 0;
      const buf = (await docker
        .getContainer(source.id)
        .logs({ stdout: true, stderr: true, since, follow: false })) as Buffer;
      return buf.toString('utf8');
    },
  };
}

export function journalReader(source: LogSource): JournalReader {
  if (source.kind === 'file') return fileReader(source);
  if (source.kind === 'journald') return journaldReader(source);
  return containerReader(source);
}
