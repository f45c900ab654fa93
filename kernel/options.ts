/**
 * One config door per process. An entry point declares its options in a table (flag, env
 * variable, type, default, meaning), calls `resolveOptions` once with its argv and env, and
 * passes the typed result down; nothing below it reads process.env. One rule everywhere:
 * a flag wins over its env variable, which wins over the default. A malformed value is a
 * one-line UsageError naming the flag or variable it came from.
 */
import { isAbsolute, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Env, EnvName } from './env-catalogue.ts';
import { UsageError } from './errors.ts';

interface Common {
  /** Long flag without the dashes; absent = env only. */
  flag?: string;
  short?: string;
  /** Must be catalogued in kernel/env-catalogue.ts. */
  env?: EnvName;
  doc: string;
  required?: boolean;
}

export type OptionSpec = Common &
  (
    | { type: 'string'; default?: string; keepEmpty?: boolean; check?: (value: string) => void }
    | { type: 'path'; default?: string }
    | { type: 'int'; default?: number; min?: number; max?: number }
    | { type: 'port'; default?: number }
    | { type: 'bool'; default?: boolean }
    | { type: 'enum'; values: readonly string[]; default?: string }
    | { type: 'list'; default?: readonly string[]; check?: (items: string[]) => void }
  );

export type OptionTable = Readonly<Record<string, OptionSpec>>;

type ValueOf<O> = O extends { type: 'int' | 'port' }
  ? number
  : O extends { type: 'bool' }
    ? boolean
    : O extends { type: 'enum'; values: readonly (infer V)[] }
      ? V
      : O extends { type: 'list' }
        ? string[]
        : string;

/** A bool is false and a list empty when unset; others are undefined unless defaulted or required. */
type AlwaysSet<O> = O extends { default: unknown } | { required: true } | { type: 'bool' | 'list' }
  ? true
  : false;

export type Resolved<T extends OptionTable> = {
  -readonly [K in keyof T]: AlwaysSet<T[K]> extends true ? ValueOf<T[K]> : ValueOf<T[K]> | undefined;
};

const TRUE = ['1', 'true', 'yes', 'on'];
const FALSE = ['0', 'false', 'no', 'off'];

function bad(label: string, raw: string, why: string): UsageError {
  return new UsageError(`${label}=${JSON.stringify(raw)} ${why}`);
}

/** Runs a caller's check; its message is prefixed with where the value came from. */
function checked<V>(label: string, value: V, check: ((v: V) => void) | undefined): V {
  try {
    check?.(value);
  } catch (err) {
    throw new UsageError(`${label}: ${(err as Error).message}`);
  }
  return value;
}

function parseValue(spec: OptionSpec, label: string, raw: string): unknown {
  switch (spec.type) {
    case 'string':
      return checked(label, raw, spec.check);
    case 'path':
      return isAbsolute(raw) ? raw : resolve(raw);
    case 'port': {
      const n = Number(raw);
      if (!/^\d+$/.test(raw) || n < 1 || n > 65535) throw bad(label, raw, 'is not a TCP port (1-65535)');
      return n;
    }
    case 'int': {
      const n = Number(raw);
      const min = spec.min ?? Number.MIN_SAFE_INTEGER;
      const max = spec.max ?? Number.MAX_SAFE_INTEGER;
      if (!/^-?\d+$/.test(raw) || n < min || n > max) {
        const range =
          spec.max !== undefined ? ` from ${min} to ${max}` : spec.min !== undefined ? ` ≥ ${min}` : '';
        throw bad(label, raw, `is not an integer${range}`);
      }
      return n;
    }
    case 'bool': {
      const v = raw.toLowerCase();
      if (TRUE.includes(v)) return true;
      if (FALSE.includes(v)) return false;
      throw bad(label, raw, 'is not a boolean (true/false)');
    }
    case 'enum':
      if (spec.values.includes(raw)) return raw;
      throw bad(label, raw, `is not one of: ${spec.values.join(', ')}`);
    case 'list': {
      const items = raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      return checked(label, items, spec.check);
    }
  }
}

function fallback(spec: OptionSpec): unknown {
  if (spec.default !== undefined) return spec.type === 'list' ? [...spec.default] : spec.default;
  if (spec.type === 'bool') return false;
  if (spec.type === 'list') return [];
  return undefined;
}

const flagList = (table: OptionTable) =>
  Object.values(table)
    .flatMap((s) => (s.flag ? [`--${s.flag}`] : []))
    .join(', ');

/** node:util's parse errors, shortened to one line that lists the flags this command takes. */
function usageFrom(err: Error & { code?: string }, table: OptionTable): UsageError {
  const flags = flagList(table);
  const known = flags ? `flags: ${flags}` : 'this command takes no flags';
  const opt = /'(-[^' ]+)/.exec(err.message)?.[1];
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return new UsageError(`unknown flag ${opt} (${known})`);
  if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') return new UsageError(`${opt} needs a value`);
  if (err.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const arg = /'([^']*)'/.exec(err.message)?.[1] ?? '';
    return new UsageError(`unexpected argument ${JSON.stringify(arg)} (${known})`);
  }
  return new UsageError(err.message.split('\n')[0] ?? err.message);
}

/**
 * Resolves every option of `table` from `argv` (flags) and `env`. Tolerates the literal `--`
 * pnpm puts first (`pnpm run x -- --flag`); a flag given twice is an error, not "last wins".
 */
export function resolveOptions<T extends OptionTable>(
  table: T,
  argv: readonly string[],
  env: Env,
  opts: { positionals?: boolean } = {},
): { values: Resolved<T>; positionals: string[] } {
  const args = argv[0] === '--' ? argv.slice(1) : [...argv];
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const spec of Object.values(table)) {
    if (!spec.flag) continue;
    options[spec.flag] = {
      type: spec.type === 'bool' ? 'boolean' : 'string',
      ...(spec.short ? { short: spec.short } : {}),
    };
  }
  let parsed: {
    values: Record<string, string | boolean | undefined>;
    positionals: string[];
    tokens: Array<{ kind: string; name?: string }>;
  };
  try {
    parsed = parseArgs({ args, options, strict: true, allowPositionals: !!opts.positionals, tokens: true });
  } catch (err) {
    throw usageFrom(err as Error, table);
  }
  const seen = new Set<string>();
  for (const t of parsed.tokens) {
    if (t.kind !== 'option' || !t.name) continue;
    if (seen.has(t.name)) throw new UsageError(`--${t.name} given twice`);
    seen.add(t.name);
  }
  const flagValues = parsed.values;
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(table)) {
    const fromFlag = spec.flag ? flagValues[spec.flag] : undefined;
    const rawEnv = spec.env ? env[spec.env] : undefined;
    const keepEmpty = spec.type === 'string' && spec.keepEmpty;
    const fromEnv = rawEnv === undefined ? undefined : keepEmpty ? rawEnv.trim() : rawEnv.trim() || undefined;
    if (typeof fromFlag === 'boolean') out[key] = fromFlag;
    else if (fromFlag !== undefined) out[key] = parseValue(spec, `--${spec.flag}`, fromFlag.trim());
    else if (fromEnv !== undefined) out[key] = parseValue(spec, spec.env as string, fromEnv);
    else if (spec.required && spec.default === undefined)
      throw new UsageError(`${spec.flag ? `--${spec.flag}` : spec.env} is required (${flagList(table)})`);
    else out[key] = fallback(spec);
  }
  return { values: out as Resolved<T>, positionals: parsed.positionals };
}

/** The same table without flags: for entry points that take these settings from env only. */
export function envOnly<T extends OptionTable>(table: T): T {
  const out: Record<string, OptionSpec> = {};
  for (const [key, { flag: _f, short: _s, ...rest }] of Object.entries(table)) out[key] = rest as OptionSpec;
  return out as unknown as T;
}

/** `--help` text: one line per flag, with the env variable and default it falls back to. */
export function optionsHelp(table: OptionTable): string {
  return Object.values(table)
    .filter((s) => s.flag)
    .map((s) => {
      const dflt = s.default === undefined ? '' : `, default ${String(s.default)}`;
      const env = s.env ? ` (env ${s.env}${dflt})` : dflt ? ` (${dflt.slice(2)})` : '';
      return `  --${s.flag}${s.type === 'bool' ? '' : ' <value>'}  ${s.doc}${env}`;
    })
    .join('\n');
}
