/**
 * The repository's own files, for tests that check rules over the whole tree (config doors,
 * the env catalogue, citations): every .ts file, or every text file, outside dependencies,
 * state and reports.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT } from './paths.ts';

const SKIP = new Set(['node_modules', '.git', 'reports', '.stryker-tmp']);
/** Skipped too: scratch dirs and every state dir (`.e2e-state`, a shard's, a second stack's). */
const skipped = (name: string) =>
  SKIP.has(name) || name.startsWith('.scratch') || name.startsWith('.e2e-state');

/** Repo-relative paths of every .ts file. */
export function repoSources(dir = REPO_ROOT): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (skipped(e.name)) return [];
    const path = join(dir, e.name);
    if (e.isDirectory()) return repoSources(path);
    return e.name.endsWith('.ts') ? [relative(REPO_ROOT, path)] : [];
  });
}

/** Files that are not prose or code: data, archives, the lockfile. */
const NOT_TEXT = /\.(deb|tar|gz|tgz|zip|png|jpg|svg|lock)$|^pnpm-lock\.yaml$/;

/** Repo-relative paths of every text file (code, docs, workflows, scripts). */
export function repoTextFiles(dir = REPO_ROOT): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (skipped(e.name)) return [];
    const path = join(dir, e.name);
    if (e.isDirectory()) return repoTextFiles(path);
    return e.isFile() && !NOT_TEXT.test(e.name) ? [relative(REPO_ROOT, path)] : [];
  });
}

export const readSource = (file: string): string => readFileSync(join(REPO_ROOT, file), 'utf8');

/** The code of a source file with its comments blanked out (strings are kept). */
export function withoutComments(src: string): string {
  return src.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}
