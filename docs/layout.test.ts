/**
 * The front door stays a front door: README.md is short, its tree diagram lists exactly the
 * top two levels of the repository's folders, and every document in docs/ is linked from
 * docs/README.md, the index.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../kernel/paths.ts';

const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');

/** Folders in the fenced block under `## The tree`: `top/` at column 0, `top/sub/` indented. */
function treeDiagram(markdown: string): string[] {
  const section = markdown.split(/^## The tree$/m)[1]?.split(/^## /m)[0] ?? '';
  const block = section.split(/^```.*$/m)[1] ?? '';
  const out: string[] = [];
  let top = '';
  for (const line of block.split('\n')) {
    const m = /^( *)([\w.-]+)\/(?:\s|$)/.exec(line);
    if (!m) continue;
    if (m[1] === '') top = m[2] as string;
    out.push(m[1] === '' ? top : `${top}/${m[2]}`);
  }
  return out;
}

/** The repository's folders two levels deep: tracked ones, no dot-dirs, nothing under reports/. */
function foldersTwoDeep(): string[] {
  const dirs = new Set<string>();
  for (const file of trackedFiles()) {
    const parts = file.split('/').slice(0, -1);
    if (parts.length === 0 || parts.some((p) => p.startsWith('.'))) continue;
    dirs.add(parts[0] as string);
    if (parts.length > 1 && parts[0] !== 'reports') dirs.add(`${parts[0]}/${parts[1]}`);
  }
  return [...dirs];
}

/** The files git tracks; outside a git checkout, every file but dependencies and state. */
function trackedFiles(): string[] {
  try {
    return execFileSync('git', ['ls-files'], { cwd: REPO_ROOT, encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
  } catch {
    return walk(REPO_ROOT);
  }
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.name === 'node_modules' || e.name.startsWith('.')) return [];
    const path = join(dir, e.name);
    return e.isDirectory() ? walk(path) : [relative(REPO_ROOT, path)];
  });
}

describe('README.md', () => {
  it('is a front door: at most 150 lines', () => {
    expect(readme.trimEnd().split('\n').length).toBeLessThanOrEqual(150);
  });

  it('its tree lists exactly the top two levels of folders', () => {
    const drawn = treeDiagram(readme);
    expect(drawn.length).toBeGreaterThan(10);
    expect(new Set(drawn).size).toBe(drawn.length);
    expect([...drawn].sort()).toEqual(foldersTwoDeep().sort());
  });

  it('the tree reader reads folders at both levels and ignores prose', () => {
    const md = [
      '## The tree',
      '',
      '```',
      'a/   first',
      '  b/ second',
      'c/',
      '```',
      'x/ not in the block',
      '## Next',
    ];
    expect(treeDiagram(md.join('\n'))).toEqual(['a', 'a/b', 'c']);
  });
});

describe('docs/README.md', () => {
  it('links every document in docs/', () => {
    const index = readFileSync(join(REPO_ROOT, 'docs', 'README.md'), 'utf8');
    const linked = new Set([...index.matchAll(/\]\(([\w.-]+\.md)\)/g)].map((m) => m[1]));
    const docs = readdirSync(join(REPO_ROOT, 'docs')).filter((f) => f.endsWith('.md') && f !== 'README.md');
    expect(docs.filter((d) => !linked.has(d))).toEqual([]);
  });
});
