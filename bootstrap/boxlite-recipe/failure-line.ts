/**
 * The one line of a failed build's output that names the cause, for the setup's one-line
 * error. The last line rarely does: cargo ends with "could not compile", yarn with "Failed
 * with errors in 1m 6s", Go with the proxy's "server response:" after the line naming the
 * module. First choice: the first line that starts as an error (cargo/rustc `error:`, Go's
 * `go: …` with an error word, yarn's `YNxxxx` with an error word, npm `ERR!`, Nest `ERROR`);
 * then the first line with an error word anywhere; summaries never; else the last line.
 */

const SUMMARY = [
  /Failed with errors in/i,
  /^error: could not compile/i,
  /^\s*(Caused by:|note:|help:)/,
  /^warning: build failed, waiting for other jobs/i,
  /^make(\[\d+\])?: \*\*\*/,
  /^exit status \d+$/,
];
const ERROR_WORD =
  /\b(error|failed|failure|not found|no such|cannot|can't find|could not|unable to|not available|forbidden|denied|refused|unauthorized|missing|panic|fatal)\b/i;
const ERROR_START = [
  /^\s*(error(\[[A-Z]\d+\])?|fatal|ERROR|FATAL)\b[:\s]/,
  /\bnpm (ERR!|error)\b/,
  /^\s*(\S+\s+)?YN\d{4}:/,
  /^go: /,
  /^\S+\.go:\d+(:\d+)?: /,
  /\]\s+ERROR\s+\[/,
];

const ESC = String.fromCharCode(27);
const ANSI = new RegExp(`${ESC}\\[[0-9;]*m`, 'g');
const strip = (line: string) => line.replace(ANSI, '').trimEnd();

export function causeLine(output: string): string {
  const lines = output
    .split('\n')
    .map(strip)
    .filter((l) => l.trim() && !SUMMARY.some((s) => s.test(l)));
  const startsAsError = (l: string) =>
    ERROR_START.some((p) => p.test(l)) && (/^\s*(error|fatal)/i.test(l) || ERROR_WORD.test(l));
  const hit = lines.find(startsAsError) ?? lines.find((l) => ERROR_WORD.test(l));
  const line =
    hit ??
    output
      .split('\n')
      .map(strip)
      .filter((l) => l.trim())
      .at(-1) ??
    '';
  return line.trim().replace(/^➤\s*/, '').slice(0, 300);
}

/** The last line a Nest app logged at level ERROR (an API that died at start-up). */
export function lastErrorLine(log: string): string | null {
  const lines = log.split('\n').map(strip);
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i] as string;
    if (/\bERROR\b/.test(l) || /^\s*(Error|\w+Error):/.test(l)) return l.trim().slice(0, 300);
  }
  return null;
}
