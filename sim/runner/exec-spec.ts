/**
 * Validation of the public exec body (protocol §4.1) plus the internal `user` field, and of the
 * control bodies (signal, resize). Pure; unit-tested.
 */

import { strMap } from './box-spec.ts';
import { badRequest } from './errors.ts';

export interface ExecSpec {
  command: string;
  args: string[];
  env: Record<string, string>;
  /** Seconds; null = no deadline. */
  timeout_seconds: number | null;
  working_dir: string | null;
  tty: boolean;
  user: string | null;
  /** `boxlite serve` extension: written to stdin, which is then closed. */
  stdin: string | null;
}

/** Protocol §4.2: the in-band and HTTP signal endpoints accept only these (9 is DELETE's job). */
export const ALLOWED_SIGNALS: ReadonlySet<number> = new Set([1, 2, 3, 6, 10, 12, 15, 28]);

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseExecSpec(body: unknown): ExecSpec {
  if (!isObj(body)) throw badRequest('body must be a JSON object');
  const { command, args, timeout_seconds: timeout, working_dir: wd, tty, user, stdin } = body;
  if (typeof command !== 'string' || command === '') throw badRequest('command must be a non-empty string');
  if (command.includes('\0')) throw badRequest('command must not contain NUL');
  if (
    args !== undefined &&
    args !== null &&
    (!Array.isArray(args) || !args.every((a) => typeof a === 'string'))
  ) {
    throw badRequest('args must be an array of strings');
  }
  if (
    timeout !== undefined &&
    timeout !== null &&
    (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout < 0)
  ) {
    throw badRequest('timeout_seconds must be a non-negative number');
  }
  if (wd !== undefined && wd !== null && typeof wd !== 'string')
    throw badRequest('working_dir must be a string');
  if (typeof wd === 'string' && wd !== '' && !wd.startsWith('/'))
    throw badRequest('working_dir must be an absolute path');
  if (tty !== undefined && tty !== null && typeof tty !== 'boolean')
    throw badRequest('tty must be a boolean');
  if (user !== undefined && user !== null && typeof user !== 'string')
    throw badRequest('user must be a string');
  if (stdin !== undefined && stdin !== null && typeof stdin !== 'string')
    throw badRequest('stdin must be a string');
  return {
    command,
    args: (args as string[] | undefined) ?? [],
    env: strMap(body.env, 'env'),
    // 0 means "no deadline" like an unset field; the SDK only sends it when set.
    timeout_seconds: typeof timeout === 'number' && timeout > 0 ? timeout : null,
    working_dir: typeof wd === 'string' && wd !== '' ? wd : null,
    tty: tty === true,
    user: typeof user === 'string' && user !== '' ? user : null,
    stdin: typeof stdin === 'string' ? stdin : null,
  };
}

export function parseSignal(body: unknown): number {
  const sig = isObj(body) ? (body.signal ?? body.sig) : undefined;
  if (typeof sig !== 'number' || !Number.isInteger(sig)) throw badRequest('signal must be an integer');
  if (!ALLOWED_SIGNALS.has(sig)) {
    throw badRequest(
      `signal ${sig} is not allowed (allowed: ${[...ALLOWED_SIGNALS].join(', ')}; use DELETE to kill)`,
    );
  }
  return sig;
}

export function parseResize(body: unknown): { cols: number; rows: number } {
  const cols = isObj(body) ? body.cols : undefined;
  const rows = isObj(body) ? body.rows : undefined;
  const ok = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n > 0 && n <= 65535;
  if (!ok(cols) || !ok(rows)) throw badRequest('cols and rows must be integers in 1..65535');
  return { cols, rows };
}
