/**
 * The record written next to every cached build: what was built from which inputs, and the
 * size and mtime of each output when recorded. A lookup trusts it only while every output still
 * has that stamp, so a binary replaced or rebuilt by hand is never taken for the recorded one.
 */
import { stat } from 'node:fs/promises';

export interface Stamp {
  path: string;
  size: number;
  mtimeMs: number;
}

export interface BuildRecord {
  schema: 'boxlite-e2e/build';
  version: 1;
  key: string;
  /** Identity of the inputs the outputs were built from. */
  inputs: string;
  outputs: Record<string, Stamp>;
  /** What the build learned and lookups report, e.g. the version a binary prints. */
  facts: Record<string, string>;
  builtAt: string;
  buildMs: number;
}

export async function stampOf(path: string): Promise<Stamp | null> {
  const st = await stat(path).catch(() => null);
  return st?.isFile() ? { path, size: st.size, mtimeMs: Math.round(st.mtimeMs) } : null;
}

const isStamp = (s: unknown): s is Stamp =>
  typeof s === 'object' &&
  s !== null &&
  typeof (s as Stamp).path === 'string' &&
  typeof (s as Stamp).size === 'number' &&
  typeof (s as Stamp).mtimeMs === 'number';

/** The record if it is well-formed and describes `key` built from `inputs`; else null. */
export function parseRecord(text: string, key: string, inputs: string): BuildRecord | null {
  let r: Partial<BuildRecord>;
  try {
    r = JSON.parse(text) as Partial<BuildRecord>;
  } catch {
    return null;
  }
  const ok =
    r.schema === 'boxlite-e2e/build' &&
    r.version === 1 &&
    r.key === key &&
    r.inputs === inputs &&
    typeof r.outputs === 'object' &&
    r.outputs !== null &&
    Object.values(r.outputs).every(isStamp) &&
    typeof r.facts === 'object' &&
    r.facts !== null;
  return ok ? (r as BuildRecord) : null;
}

/** True while every recorded output is still the file that was recorded. */
export async function outputsIntact(record: BuildRecord): Promise<boolean> {
  for (const want of Object.values(record.outputs)) {
    const now = await stampOf(want.path);
    if (!now || now.size !== want.size || now.mtimeMs !== want.mtimeMs) return false;
  }
  return true;
}
