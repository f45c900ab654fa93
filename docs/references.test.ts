/**
 * Every section citation in the repo resolves to a heading of the document it names, nothing
 * points at notes outside the repo, and the upstream catalogue in upstream-cases.ts matches
 * docs/upstream-suite.md. The scanner's own cases come first, so a scanner that finds nothing
 * cannot pass the repo check vacuously.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { REPO_ROOT } from '../kernel/paths.ts';
import { UPSTREAM_CASES } from '../tools/parity/upstream-cases.ts';
import {
  checkRepo,
  citations,
  duplicateHeadings,
  headings,
  outsideReferences,
  sectionText,
  unresolved,
} from './references.ts';

/** The sign as an escape: literal ones in this file would be scanned as citations. */
const S = '\u00a7';

const PROTOCOL = [
  '# P',
  '## 4. Exec',
  '### 4.3 Attach',
  '### 4.4 Recovery',
  '## 6. Errors',
  '### 6.2 Table',
].join('\n');
const DOCS = new Map([
  ['rest-protocol.md', PROTOCOL],
  ['upstream-suite.md', '## 1. Catalogue\n### 1.9 Attach\n'],
]);
const cite = (text: string, file = 'cases/x.test.ts') =>
  citations(text, file).map((c) => `${c.doc}:${c.section}`);
const problems = (text: string, file = 'cases/x.test.ts') => unresolved(citations(text, file), DOCS);

describe('citation scanner', () => {
  test('names, paths and runs of sections', () => {
    expect(cite(`from protocol ${S}4.3-4.4 and upstream ${S}1.9`)).toEqual([
      'rest-protocol.md:4.3',
      'rest-protocol.md:4.4',
      'upstream-suite.md:1.9',
    ]);
    expect(cite(`Protocol ${S}6.1/${S}6.2; upstream ${S}1.3 / ${S}1.5`)).toEqual([
      'rest-protocol.md:6.1',
      'rest-protocol.md:6.2',
      'upstream-suite.md:1.3',
      'upstream-suite.md:1.5',
    ]);
    expect(cite(`(see \`docs/rest-protocol.md\` ${S}4.3 step 3)`)).toEqual(['rest-protocol.md:4.3']);
    expect(cite(`protocol ${S}4.3\u2013${S}4.4`)).toEqual(['rest-protocol.md:4.3', 'rest-protocol.md:4.4']);
    expect(cite(`bootstrap ${S}8`)).toEqual(['stack-bootstrap.md:8']);
  });

  test('a name on the previous comment line still counts', () => {
    expect(cite(`/**\n * contract from protocol\n * ${S}4.3 and more\n */`)).toEqual([
      'rest-protocol.md:4.3',
    ]);
    expect(citations(`a\nb\nprotocol ${S}4.3`, 'f.ts')[0]?.line).toBe(3);
  });

  test('a bare sign is an error outside docs/ and means the same document inside it', () => {
    expect(problems(`validation (${S}3.2: lenient)`).map((p) => p.message)).toEqual([
      `${S}3.2 names no document (write e.g. "protocol ${S}3.2")`,
    ]);
    expect(cite(`see ${S}4.4`, 'docs/rest-protocol.md')).toEqual(['rest-protocol.md:4.4']);
    expect(problems(`see ${S}4.4`, 'docs/rest-protocol.md')).toEqual([]);
    expect(cite(`see ${S}4.4`, 'docs/README.md')).toEqual(['null:4.4']);
  });

  test('a section the document lacks is caught, also inside a run', () => {
    expect(problems(`protocol ${S}99.1`)).toEqual([
      { file: 'cases/x.test.ts', line: 1, message: `${S}99.1 is not a heading of docs/rest-protocol.md` },
    ]);
    expect(problems(`protocol ${S}4.3-4.9`).map((p) => p.message)).toEqual([
      `${S}4.9 is not a heading of docs/rest-protocol.md`,
    ]);
    expect(problems(`bootstrap ${S}1`).map((p) => p.message)).toEqual([
      `${S}1: docs/stack-bootstrap.md does not exist`,
    ]);
    expect(problems(`protocol ${S}4.3, upstream ${S}1.9, protocol ${S}6`)).toEqual([]);
  });

  test('headings: numbered ones only, not inside code fences; duplicates are reported', () => {
    const md = '## 1. One\n```\n## 2. Fenced\n```\n### 1.1 Sub title\n## Appendix\n#### 3 Deep\n';
    expect(headings(md).map((h) => `${h.level}:${h.section}:${h.title}`)).toEqual([
      '2:1:One',
      '3:1.1:Sub title',
      '4:3:Deep',
    ]);
    expect(sectionText(md, '1.1')).toBe('### 1.1 Sub title');
    expect(sectionText(md, '3')).toBe('#### 3 Deep\n');
    expect(duplicateHeadings('## 1. A\n## 1. B\n', 'd.md')).toEqual([
      { file: 'd.md', line: 2, message: 'heading 1 appears twice' },
    ]);
  });

  test('pointers at notes outside the repo are caught', () => {
    const outside = '../shared/' + 'reference/anything.md';
    expect(outsideReferences(`see ${outside}`, 'README.md')).toHaveLength(1);
    expect(outsideReferences('see boxlite-rest-' + 'protocol.md', 'README.md')).toHaveLength(1);
    expect(outsideReferences('see docs/rest-protocol.md', 'README.md')).toEqual([]);
  });
});

describe('the repo', () => {
  test('every citation resolves in docs/ and nothing points outside the repo', async () => {
    const r = await checkRepo(REPO_ROOT);
    const list = r.problems.map((p) => `${p.file}:${p.line}: ${p.message}`).join('\n');
    expect(list, `${r.problems.length} problem(s):\n${list}`).toBe('');
    // Citations reach all three documents; an empty scan would mean a broken scanner.
    const docs = new Set(r.citations.map((c) => c.doc));
    expect([...docs].sort()).toEqual(['rest-protocol.md', 'stack-bootstrap.md', 'upstream-suite.md']);
    expect(r.citations.filter((c) => !c.file.startsWith('docs/')).length).toBeGreaterThanOrEqual(44);
  });

  test('every upstream catalogue entry is under its family heading in docs/upstream-suite.md', async () => {
    const md = await readFile(join(REPO_ROOT, 'docs', 'upstream-suite.md'), 'utf8');
    const titles = new Map(headings(md).map((h) => [h.section, `${h.section} ${h.title}`]));
    const missing: string[] = [];
    for (const c of UPSTREAM_CASES) {
      const section = c.family.split(' ')[0]!;
      if (titles.get(section) !== c.family) {
        missing.push(`family "${c.family}" is not a heading (found "${titles.get(section) ?? 'none'}")`);
        continue;
      }
      const text = sectionText(md, section) ?? '';
      if (!text.includes(c.name)) missing.push(`${c.family}: test ${c.name} not listed`);
      if (!text.includes(c.file)) missing.push(`${c.family}: file ${c.file} not listed`);
    }
    expect(missing).toEqual([]);
  });
});
