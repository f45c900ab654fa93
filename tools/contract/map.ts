/**
 * The contract map (docs/contract/*.yaml): every behaviour docs/rest-protocol.md promises, one
 * row each with a stable id, which cases pin with `claims({ pins })`. This module reads and
 * checks the rows; join.ts sets them against the cases.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from '../../kernel/paths.ts';

export const MAP_DIR = join(REPO_ROOT, 'docs', 'contract');
/** The ids some case pinned when it was last written (join.ts `lostPins`). */
export const LOCK_FILE = join(MAP_DIR, 'pinned.lock');

export const KINDS = [
  'route',
  'status',
  'field',
  'state',
  'side-effect',
  'ws-frame',
  'ws-close',
  'file',
  'key',
  'limit',
] as const;
export type Kind = (typeof KINDS)[number];

export const TARGETS = ['sim', 'boxlite', 'serve'] as const;
export type Target = (typeof TARGETS)[number];

export interface Row {
  /** `<area>.<subject>.<fact>[.<variant>]`; never renumbered, never reused. */
  id: string;
  kind: Kind;
  /** What the server must do, as a user relies on it. */
  promise: string;
  /** The protocol section that states it (`4.3`), when the protocol states it. */
  protocol?: string;
  /** `METHOD /pattern`, as the sim's router names routes. */
  route?: string;
  /** Upstream file:line that is the authority, where the protocol has no section for it. */
  source?: string[];
  /** A target's own answer where it legitimately differs, and why. */
  targets?: Partial<Record<Target, string>>;
  /** Where the behaviour exists at all (absent: every target). */
  applies?: Target[];
  /** Why the row no longer holds; its id stays taken. */
  retired?: string;
}

export interface AreaFile {
  area: string;
  title: string;
  /** First id segments this file's rows may use (absent: the area's name). */
  prefixes?: string[];
  rows: Row[];
}

const ID = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/;
const ROUTE = /^(GET|POST|PUT|DELETE|PATCH|HEAD) \/\S*$/;
const SECTION = /^\d+(\.\d+)*$/;

/** Problems with one area file's shape, one line each (empty: fine). */
export function shapeProblems(file: string, a: AreaFile): string[] {
  const out: string[] = [];
  if (typeof a.area !== 'string' || !a.area) return [`${file}: no area`];
  if (!Array.isArray(a.rows) || !a.rows.length) return [`${file}: no rows`];
  for (const [i, r] of a.rows.entries()) {
    const at = `${file} row ${i + 1} (${r?.id ?? 'no id'})`;
    if (typeof r.id !== 'string' || !ID.test(r.id)) out.push(`${at}: id must be dotted lowercase`);
    else if (!(a.prefixes ?? [a.area]).includes(r.id.split('.')[0] as string))
      out.push(`${at}: id must start with one of ${(a.prefixes ?? [a.area]).join(', ')}`);
    if (!KINDS.includes(r.kind)) out.push(`${at}: kind must be one of ${KINDS.join(', ')}`);
    if (typeof r.promise !== 'string' || r.promise.length < 10)
      out.push(`${at}: promise must say what is promised`);
    if (r.protocol !== undefined && !SECTION.test(String(r.protocol)))
      out.push(`${at}: protocol must be a section number`);
    if (r.protocol === undefined && !r.source?.length)
      out.push(`${at}: needs a protocol section or an upstream source`);
    if (r.route !== undefined && !ROUTE.test(r.route)) out.push(`${at}: route must be "METHOD /pattern"`);
    if (r.kind === 'route' && !r.route) out.push(`${at}: a route row names its route`);
    for (const t of [...Object.keys(r.targets ?? {}), ...(r.applies ?? [])])
      if (!TARGETS.includes(t as Target)) out.push(`${at}: unknown target ${t}`);
  }
  return out;
}

/** Every area file under `dir`, parsed; shape problems and duplicate ids are thrown, all at once. */
export async function loadMap(dir = MAP_DIR): Promise<AreaFile[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort();
  const areas: AreaFile[] = [];
  const problems: string[] = [];
  for (const f of files) {
    const a = parse(await readFile(join(dir, f), 'utf8')) as AreaFile;
    for (const r of a?.rows ?? []) if (r.protocol !== undefined) r.protocol = String(r.protocol);
    problems.push(...shapeProblems(f, a));
    areas.push(a);
  }
  const seen = new Set<string>();
  for (const r of areas.flatMap((a) => a.rows ?? [])) {
    if (seen.has(r.id)) problems.push(`duplicate id ${r.id}`);
    seen.add(r.id);
  }
  if (problems.length) throw new Error(`the contract map has problems:\n${problems.join('\n')}`);
  return areas;
}

export const allRows = (areas: readonly AreaFile[]): Row[] => areas.flatMap((a) => a.rows);
