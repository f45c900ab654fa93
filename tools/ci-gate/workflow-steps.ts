/**
 * The `run:` steps of our GitHub workflows and local actions, and whether each command in them
 * exists: a package script (`pnpm X`, `npx pnpm@V X`), an `./e2e` command (resolved the way the
 * `e2e` script resolves it), a file for `node FILE`, or a tool on a short list. A workflow that
 * calls a renamed script fails here, not on a KVM runner an hour into a run.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';

export interface RunStep {
  /** Repo-relative file. */
  file: string;
  /** Job id (workflows) or `(action)` (composite actions). */
  job: string;
  /** Step name or id, or its index. */
  step: string;
  run: string;
  workingDirectory: string | undefined;
}

/** Every workflow file and local action metadata file under `.github/`. */
export function workflowFiles(repoRoot: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path);
      else if (/\.ya?ml$/.test(e.name)) out.push(relative(repoRoot, path));
    }
  };
  for (const sub of ['.github/workflows', '.github/actions'])
    if (existsSync(join(repoRoot, sub))) walk(join(repoRoot, sub));
  return out.sort();
}

type Step = { name?: string; id?: string; run?: unknown; uses?: unknown; 'working-directory'?: string };
type Doc = {
  defaults?: { run?: { 'working-directory'?: string } };
  jobs?: Record<string, { steps?: Step[]; defaults?: { run?: { 'working-directory'?: string } } }>;
  runs?: { steps?: Step[] };
};

/** The parsed YAML of a workflow or action file. */
export const readWorkflow = (repoRoot: string, file: string): Doc =>
  parse(readFileSync(join(repoRoot, file), 'utf8')) as Doc;

/** Every step of a workflow's jobs or a composite action, with the job it belongs to. */
export function stepsOf(doc: Doc): { job: string; step: Step; index: number; defaultDir?: string }[] {
  const top = doc.defaults?.run?.['working-directory'];
  if (doc.runs?.steps) return doc.runs.steps.map((step, index) => ({ job: '(action)', step, index }));
  return Object.entries(doc.jobs ?? {}).flatMap(([job, j]) =>
    (j.steps ?? []).map((step, index) => ({
      job,
      step,
      index,
      defaultDir: j.defaults?.run?.['working-directory'] ?? top,
    })),
  );
}

export function runSteps(repoRoot: string, file: string): RunStep[] {
  return stepsOf(readWorkflow(repoRoot, file)).flatMap(({ job, step, index, defaultDir }) =>
    typeof step.run === 'string'
      ? [
          {
            file,
            job,
            step: step.name ?? step.id ?? `#${index + 1}`,
            run: step.run,
            workingDirectory: step['working-directory'] ?? defaultDir,
          },
        ]
      : [],
  );
}

/**
 * The simple commands of a shell script, each as its words (quotes removed; `$(…)`, `${…}`
 * and quoted text kept inside one word). Splits on newlines, `;`, `&&`, `||` and `|`; drops
 * comments and line continuations. Enough for the short scripts a workflow should contain.
 */
export function commandsOf(script: string): string[][] {
  const commands: string[][] = [];
  let words: string[] = [];
  let word = '';
  let inWord = false;
  const endWord = () => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  const endCommand = () => {
    endWord();
    if (words.length) commands.push(words);
    words = [];
  };
  const s = script.replace(/\\\n/g, ' ');
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c === "'" || c === '"') {
      const close = s.indexOf(c, i + 1);
      const end = close === -1 ? s.length : close;
      word += s.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (c === '$' && (s[i + 1] === '(' || s[i + 1] === '{')) {
      // Keep a substitution whole, counting nested brackets.
      const open = s[i + 1] as string;
      const close = open === '(' ? ')' : '}';
      let depth = 0;
      let j = i + 1;
      for (; j < s.length; j++) {
        if (s[j] === open) depth++;
        else if (s[j] === close && --depth === 0) break;
      }
      word += s.slice(i, j + 1);
      inWord = true;
      i = j;
    } else if (c === '#' && !inWord) {
      const nl = s.indexOf('\n', i);
      i = nl === -1 ? s.length : nl - 1;
    } else if (c === '\n' || c === ';' || c === '|' || (c === '&' && s[i + 1] === '&')) {
      if ((c === '|' || c === '&') && s[i + 1] === c) i++;
      endCommand();
    } else if (c === ' ' || c === '\t') endWord();
    else {
      word += c;
      inWord = true;
    }
  }
  endCommand();
  return commands;
}

/** Shell words that open or close a compound command; the command follows them. */
const KEYWORDS = new Set(['if', 'then', 'elif', 'else', 'fi', 'do', 'done', 'while', 'until', '!', '{', '}']);

/**
 * Programs a run step may call besides our scripts, each for a reason: shell built-ins for
 * plumbing, `docker` for the service-image cache, `apt-get` for the Debian packages the
 * bootstrap asks a non-root user to install, `sudo`/`env` as prefixes (what follows is checked
 * too). Keep it short: anything bigger belongs in a package script.
 */
export const KNOWN_TOOLS = new Set([
  'echo',
  'printf',
  'test',
  '[',
  '[[',
  'read',
  'mkdir',
  'docker',
  'apt-get',
]);
const PREFIXES = new Set(['sudo', 'env']);

export interface CommandContext {
  /** Package scripts (package.json, plus any pending merge). */
  scripts: ReadonlySet<string>;
  /** Resolves an `./e2e` command name to the script it runs (null: not a command). */
  e2eCommand: (name: string) => string | null;
  /** Does this repo-relative file exist? */
  fileExists: (path: string) => boolean;
  /** The pnpm version package.json pins (`packageManager`). */
  pnpmVersion: string;
}

/** pnpm's own commands our workflows use. */
const PNPM_BUILTINS = new Set(['install', 'store', 'exec']);

function checkPnpm(args: string[], ctx: CommandContext): string | null {
  const rest = args.filter((a) => a !== '--silent' && a !== '-s');
  const first = rest[0] === 'run' ? rest[1] : rest[0];
  if (!first) return 'pnpm without a script';
  if (rest[0] !== 'run' && PNPM_BUILTINS.has(first)) return null;
  return ctx.scripts.has(first) ? null : `pnpm script \`${first}\` is not in package.json`;
}

/** The problem with one command, or null when what it calls exists. */
export function checkCommand(words: readonly string[], ctx: CommandContext): string | null {
  let w = [...words];
  for (;;) {
    while (w.length && (KEYWORDS.has(w[0] as string) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(w[0] as string)))
      w = w.slice(1);
    if (w.length && PREFIXES.has(w[0] as string)) {
      w = w.slice(1);
      while (w.length && (w[0] as string).startsWith('-')) w = w.slice(1);
      continue;
    }
    break;
  }
  const [cmd, ...args] = w;
  if (cmd === undefined) return null;
  if (cmd === 'pnpm') return checkPnpm(args, ctx);
  if (cmd === 'npx') {
    const pkg = args.find((a) => !a.startsWith('-'));
    if (!pkg?.startsWith('pnpm@')) return `npx ${pkg ?? ''}: only pnpm is fetched through npx`;
    if (pkg !== `pnpm@${ctx.pnpmVersion}`) return `npx ${pkg}: package.json pins pnpm@${ctx.pnpmVersion}`;
    return checkPnpm(args.slice(args.indexOf(pkg) + 1), ctx);
  }
  if (cmd === './e2e') {
    const name = args[0] ?? 'test';
    return ctx.e2eCommand(name) === null ? `./e2e ${name} is not a command of ./e2e` : null;
  }
  if (cmd === 'node') {
    const file = args.find((a) => !a.startsWith('-'));
    if (!file) return 'node without a file';
    return ctx.fileExists(file) ? null : `node ${file}: no such file`;
  }
  return KNOWN_TOOLS.has(cmd) ? null : `\`${cmd}\` is not a package script, an ./e2e command or a known tool`;
}

/** The names `./e2e` runs a script by itself; every other name X is the script `e2e:X`. */
export const E2E_OWN_COMMANDS: Readonly<Record<string, string>> = {
  run: 'e2e',
  test: 'test',
  lint: 'lint',
  typecheck: 'typecheck',
  format: 'format',
};

/**
 * What `./e2e <name>` runs, by the rule the `e2e` script applies to package.json's scripts:
 * `run` is `e2e`; test, lint, typecheck and format are themselves; X is `e2e:X`; anything
 * else is not a command (the script prints the list and exits 2).
 */
export function e2eCommands(scripts: ReadonlySet<string>): (name: string) => string | null {
  return (name) => {
    const script = Object.hasOwn(E2E_OWN_COMMANDS, name) ? E2E_OWN_COMMANDS[name]! : `e2e:${name}`;
    return !name.includes(':') && scripts.has(script) ? script : null;
  };
}

/** Every `./e2e` command name, in the order the script lists them. */
export function e2eCommandNames(scripts: ReadonlySet<string>): string[] {
  return [
    ...Object.keys(E2E_OWN_COMMANDS).filter((n) => scripts.has(E2E_OWN_COMMANDS[n]!)),
    ...[...scripts].filter((s) => s.startsWith('e2e:')).map((s) => s.slice(4)),
  ];
}
