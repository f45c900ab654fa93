/**
 * Section citations ("protocol §4.3", "upstream §1.9") must resolve to a heading of the named
 * document in docs/, so that a clone needs nothing from outside the repo. This module finds and
 * checks them; docs/references.test.ts runs it over the repo and tests it. The citation forms
 * are defined in docs/README.md.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/** The section sign, spelled as an escape so the patterns below are not read as citations. */
const SS = '\u00a7';

/** Short name → document under docs/. */
export const DOCS: Readonly<Record<string, string>> = {
  protocol: 'rest-protocol.md',
  upstream: 'upstream-suite.md',
  bootstrap: 'stack-bootstrap.md',
};

const SCANNED = /\.(?:ts|mts|cts|js|mjs|cjs|md)$/;
const SKIPPED_DIRS = new Set(['node_modules', '.git', 'reports', '.e2e-state', '.vitest']);

export interface Citation {
  /** Repo-relative, '/'-separated. */
  file: string;
  line: number;
  /** Document file under docs/ ('rest-protocol.md'), or null when the citation names none. */
  doc: string | null;
  section: string;
}

export interface Problem {
  file: string;
  line: number;
  message: string;
}

export interface Heading {
  section: string;
  title: string;
  level: number;
  line: number;
}

const SEC = String.raw`\d+(?:\.\d+)*`;
const FILES = Object.values(DOCS)
  .map((f) => f.replace(/\.md$/, ''))
  .join('|');
const NAMES = Object.keys(DOCS).join('|');
/**
 * An optional document name (path or short name), glue a comment may put between it and the
 * sign (spaces, newlines, comment leaders, backticks, closing brackets), the first section,
 * then more sections joined by a dash, slash, comma, "and" or "or".
 */
const CITATION = new RegExp(
  String.raw`(?:(?:(?<![\w-])(?:docs\/)?(?<file>${FILES})\.md|\b(?<name>${NAMES})\b)[\s\x60*/)\]]*)?` +
    `${SS}(?<first>${SEC})` +
    String.raw`(?<more>(?:\s*(?:[\u2013-]\s*${SS}?|[/,]\s*${SS}|\b(?:and|or)\s+${SS})${SEC})*)`,
  'gi',
);
/** Pointers at the notes these documents were written from, which live outside the repo. */
const OUTSIDE =
  /shared\/reference|boxlite-rest-protocol\.md|upstream-e2e-suite\.md|upstream-stack-bootstrap\.md|boxlite-0\.11-cli-and-serve\.md/g;

const lineAt = (text: string, index: number) => text.slice(0, index).split('\n').length;

/** Numbered headings ("## 4. Exec", "### 4.3 WebSocket attach"), outside code fences. */
export function headings(markdown: string): Heading[] {
  const out: Heading[] = [];
  let fenced = false;
  markdown.split('\n').forEach((text, i) => {
    if (/^\s*(?:```|~~~)/.test(text)) fenced = !fenced;
    if (fenced) return;
    const m = /^(#{1,6})\s+(\d+(?:\.\d+)*)\.?(?:\s+(.*))?$/.exec(text);
    if (m) out.push({ section: m[2]!, title: (m[3] ?? '').trim(), level: m[1]!.length, line: i + 1 });
  });
  return out;
}

/** The text under a numbered heading, up to the next heading of the same or a higher level. */
export function sectionText(markdown: string, section: string): string | null {
  const h = headings(markdown).find((x) => x.section === section);
  if (!h) return null;
  const lines = markdown.split('\n');
  let end = lines.length;
  let fenced = false;
  for (let i = h.line; i < lines.length; i++) {
    if (/^\s*(?:```|~~~)/.test(lines[i]!)) fenced = !fenced;
    const m = fenced ? null : /^(#{1,6})\s/.exec(lines[i]!);
    if (m && m[1]!.length <= h.level) {
      end = i;
      break;
    }
  }
  return lines.slice(h.line - 1, end).join('\n');
}

/** Every citation in `text`. A bare one inside a docs/ document means that document. */
export function citations(text: string, file: string): Citation[] {
  const self = Object.values(DOCS).find((d) => file === `docs/${d}`) ?? null;
  const out: Citation[] = [];
  for (const m of text.matchAll(CITATION)) {
    const g = m.groups ?? {};
    const named = g.file
      ? `${g.file.toLowerCase()}.md`
      : g.name
        ? (DOCS[g.name.toLowerCase()] ?? null)
        : null;
    const doc = named ?? self;
    const line = lineAt(text, m.index + m[0].indexOf(SS));
    const sections = [g.first!, ...[...(g.more ?? '').matchAll(new RegExp(SEC, 'g'))].map((x) => x[0])];
    for (const section of sections) out.push({ file, line, doc, section });
  }
  return out;
}

/** References to the out-of-repo notes: each is a problem, whatever it points at. */
export function outsideReferences(text: string, file: string): Problem[] {
  return [...text.matchAll(OUTSIDE)].map((m) => ({
    file,
    line: lineAt(text, m.index),
    message: `points outside the repo (${m[0]}); cite docs/ instead`,
  }));
}

/** Checks citations against the documents' headings; `docs` maps document file → its text. */
export function unresolved(found: readonly Citation[], docs: ReadonlyMap<string, string>): Problem[] {
  const sections = new Map([...docs].map(([d, text]) => [d, new Set(headings(text).map((h) => h.section))]));
  const out: Problem[] = [];
  for (const c of found) {
    const at = { file: c.file, line: c.line };
    if (c.doc === null) {
      out.push({
        ...at,
        message: `${SS}${c.section} names no document (write e.g. "protocol ${SS}${c.section}")`,
      });
    } else if (!sections.has(c.doc)) {
      out.push({ ...at, message: `${SS}${c.section}: docs/${c.doc} does not exist` });
    } else if (!sections.get(c.doc)!.has(c.section)) {
      out.push({ ...at, message: `${SS}${c.section} is not a heading of docs/${c.doc}` });
    }
  }
  return out;
}

/** Headings whose number appears twice make citations ambiguous. */
export function duplicateHeadings(markdown: string, file: string): Problem[] {
  const seen = new Set<string>();
  return headings(markdown).flatMap((h) => {
    if (!seen.has(h.section)) {
      seen.add(h.section);
      return [];
    }
    return [{ file, line: h.line, message: `heading ${h.section} appears twice` }];
  });
}

/** Repo-relative paths of the files to scan. */
export async function repoFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      if (e.isDirectory()) {
        if (!SKIPPED_DIRS.has(e.name) && !e.name.startsWith('.scratch')) await walk(join(dir, e.name));
      } else if (e.isFile() && SCANNED.test(e.name)) {
        out.push(relative(root, join(dir, e.name)).split(sep).join('/'));
      }
    }
  };
  await walk(root);
  return out.sort();
}

export interface RepoCheck {
  files: number;
  citations: Citation[];
  problems: Problem[];
}

/** Scans the repo at `root`: every citation must resolve and nothing may point outside. */
export async function checkRepo(root: string): Promise<RepoCheck> {
  const docs = new Map<string, string>();
  for (const d of Object.values(DOCS)) {
    docs.set(d, await readFile(join(root, 'docs', d), 'utf8').catch(() => ''));
  }
  const files = await repoFiles(root);
  const found: Citation[] = [];
  const problems: Problem[] = [];
  for (const file of files) {
    const text = await readFile(join(root, file), 'utf8');
    found.push(...citations(text, file));
    problems.push(...outsideReferences(text, file));
  }
  for (const [d, text] of docs) problems.push(...duplicateHeadings(text, `docs/${d}`));
  problems.push(...unresolved(found, docs));
  return { files: files.length, citations: found, problems };
}
