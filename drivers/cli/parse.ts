/**
 * Reading the `boxlite` CLI's output: its machine-readable forms (`ls --format json`,
 * `inspect` JSON, `stats --format json`) and its error line. Pure, so unit-tested directly;
 * tables are never parsed.
 */

/** One row of `boxlite ls --format json` (Docker-style keys). */
export interface CliListRow {
  ID: string;
  Image: string;
  /** The Rust enum's Debug form: Configured, Running, Stopping, Stopped, Paused, Failed, Unknown. */
  Status: string;
  CreatedAt: string;
  Names: string;
}

/** One element of `boxlite inspect BOX` (JSON is its default format). */
export interface CliInspect {
  Id: string;
  Name: string;
  Image: string;
  Created: string;
  Status: string;
  State: {
    Status: string;
    Running: boolean;
    Pid: number;
    ExitCode: number;
    StartedAt: string | null;
    LastActivityAt: string | null;
  };
  Cpus: number;
  Memory: number;
  Network: {
    Outbound: { Mode: string; AllowNet: string[] };
    Inbound: { Mode: string; AllowNet: string[] };
  } | null;
}

function parseJson<T>(what: string, text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`${what}: not JSON: ${text.trim().slice(0, 200)}`);
  }
}

export const parseList = (stdout: string): CliListRow[] =>
  parseJson<CliListRow[]>('boxlite ls --format json', stdout);
export const parseInspect = (stdout: string): CliInspect[] =>
  parseJson<CliInspect[]>('boxlite inspect', stdout);

/** `stats --format json` is `[{Metric, Value}]`; a map reads better in cases. */
export function parseStats(stdout: string): Record<string, string> {
  const rows = parseJson<{ Metric: string; Value: string }[]>('boxlite stats --format json', stdout);
  return Object.fromEntries(rows.map((r) => [r.Metric, r.Value]));
}

/** The id `create` / `run -d` print: the last non-empty stdout line. */
export function printedId(stdout: string): string | null {
  const line = stdout.trim().split('\n').at(-1)?.trim() ?? '';
  return /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/.test(line) ? line : null;
}

/**
 * The CLI's own failure, split from what the command wrote. The CLI exits 1 after
 * `Error: <message>` on stderr (anyhow's alternate form), sometimes after per-box lines
 * (`Error removing box 'x': …`, `Error: No such box: x`) and before a detail block (`Errors:`
 * …): that whole block, from its first `Error` line on, joined on one line. Commands run in
 * a box may exit 1 too, so only a stderr holding an `Error: ` line counts — good enough for
 * the commands the cases run. `rest` is the stderr before the block: the command's own.
 */
export function splitCliError(stderr: string): { error: string | null; rest: string } {
  const lines = stderr.split('\n');
  const last = lines.findLastIndex((l) => l.startsWith('Error: '));
  if (last < 0) return { error: null, rest: stderr };
  let first = last;
  while (first > 0 && /^Error\b/.test(lines[first - 1] ?? '')) first--;
  const error = lines
    .slice(first)
    .map((l) => l.trim())
    .filter(Boolean)
    .join(' | ')
    .replace(/^Error: /, '');
  const rest = lines.slice(0, first).join('\n');
  return { error, rest: rest ? `${rest}\n` : '' };
}
