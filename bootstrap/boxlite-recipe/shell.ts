/**
 * One shell-like step command as data: shown verbatim by `--plan`, run through zx's `$`
 * (arguments quoted, never re-parsed by a shell). Output goes to the recipe's build log; a
 * failure is one line naming the command and the log.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import { $ } from 'zx';
import { SetupError } from '../../kernel/errors.ts';
import { causeLine } from './failure-line.ts';

export interface ShellCommand {
  /** Absolute working directory. */
  cwd: string;
  argv: string[];
  /** Variables set for this command only (shown in the plan). */
  env?: Record<string, string>;
}

const quote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`);

/** `cd <cwd relative to base> && K=V argv…` — what a person would type. */
export function formatCommand(c: ShellCommand, base: string): string {
  const rel = relative(base, c.cwd);
  const where = rel === '' ? '' : `cd ${quote(rel.startsWith('..') ? c.cwd : rel)} && `;
  const env = Object.entries(c.env ?? {}).map(([k, v]) => `${k}=${quote(v)} `);
  return `${where}${env.join('')}${c.argv.map(quote).join(' ')}`;
}

/**
 * Runs `c` with PATH = `searchPath` (and its own variables) over the environment this process
 * inherited — through `env`, so proxies and CA bundles reach cargo, go and npm untouched;
 * stdout/stderr appended to `log`; a failure quotes the line naming the cause (failure-line.ts).
 */
export async function runCommand(c: ShellCommand, searchPath: string, log: string): Promise<void> {
  await mkdir(dirname(log), { recursive: true });
  await appendFile(log, `\n$ ${formatCommand(c, c.cwd)}   (in ${c.cwd})\n`);
  const r = await $({
    cwd: c.cwd,
    quiet: true,
    nothrow: true,
  })`env ${envAssignments(searchPath, c.env)} ${c.argv}`;
  await appendFile(log, r.stdout + r.stderr);
  if (r.exitCode !== 0) {
    const cause = causeLine(`${r.stdout}\n${r.stderr}`);
    throw new SetupError(`\`${c.argv.join(' ')}\` failed (exit ${r.exitCode}: ${cause}); see ${log}`);
  }
}

/** `env` arguments: PATH first, then the command's own variables. */
export const envAssignments = (searchPath: string, env: Record<string, string> = {}): string[] => [
  `PATH=${searchPath}`,
  ...Object.entries(env).map(([k, v]) => `${k}=${v}`),
];
