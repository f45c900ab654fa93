/**
 * Parses journal source specs given by env for remote stacks: `file:/path`,
 * `journald:<unit>`, `container:<id>`, or upstream's names (BOXLITE_E2E_API_LOG = a file,
 * BOXLITE_E2E_RUNNER_UNIT = a journald unit).
 */
import { UsageError } from '../../kernel/errors.ts';
import type { LogSource } from '../../kernel/stack-file.ts';

export function parseLogSource(name: string, raw: string): LogSource {
  const i = raw.indexOf(':');
  const kind = i > 0 ? raw.slice(0, i) : '';
  const value = i > 0 ? raw.slice(i + 1) : '';
  if (kind === 'file' && value) return { kind: 'file', path: value };
  if (kind === 'journald' && value) return { kind: 'journald', unit: value };
  if (kind === 'container' && value) return { kind: 'container', id: value };
  throw new UsageError(`${name}=${JSON.stringify(raw)} is not file:/path, journald:<unit> or container:<id>`);
}

export function describeLogSource(s: LogSource): string {
  return s.kind === 'file'
    ? `file ${s.path}`
    : s.kind === 'journald'
      ? `journalctl -u ${s.unit}`
      : `docker logs ${s.id}`;
}
