/**
 * The real `boxlite` CLI (0.11, REST mode) through execa, set up the way a user would: a
 * private `--home` per driver and `auth login --api-key-stdin`, so every later command gets
 * URL, key and path prefix from the stored profile. Nothing comes from the ambient
 * environment (execa does not extend it), so a developer's own BOXLITE_* cannot leak in.
 *
 * Every box the CLI makes is reported to the hook: `create` / `run -d` print the id; every
 * create carries a `--name`, so a command that fails after creating, or a foreground `run`
 * (which prints no id), is found by name.
 */
import { mkdir } from 'node:fs/promises';
import { execa } from 'execa';
import type { BoxCreatedHook, ExecOutcome, ExecRequest } from '../protocol.ts';
import { parseInspect, parseList, parseStats, printedId, splitCliError } from './parse.ts';

export const CLI_DRIVER = 'cli';

export interface CliTarget {
  apiUrl: string;
  apiKey: string;
}

export interface CliDriverOptions {
  binary: string;
  target: CliTarget;
  /** This driver's own BOXLITE_HOME (credentials.toml, nothing else is written in REST mode). */
  home: string;
  onBoxCreated: BoxCreatedHook;
  /** The id of a live box by name, null when there is none (a REST GET). */
  lookupId: (name: string) => Promise<string | null>;
  /** Per-command bound (default 120 s, upstream's `run -d` budget). */
  timeoutMs?: number;
}

export interface CliResult {
  args: string[];
  stdout: string;
  stderr: string;
  /** The CLI process's exit code (null when it was killed or never started). */
  exitCode: number | null;
  /** The CLI's own `Error: …` line, or why it did not run / finish; null otherwise. */
  error: string | null;
  ms: number;
}

export interface InvokeOptions {
  input?: string;
  /** Extra environment (e.g. BOXLITE_API_KEY to override the profile's key). */
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Run under `script` so the CLI's stdin and stdout are a terminal (`-t`). */
  tty?: boolean;
}

const shellQuote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;

export interface CreateOptions {
  name: string;
  /** The box's main command (replaces the image CMD). */
  cmd?: string[];
  env?: Record<string, string>;
  workdir?: string;
}

export class CliDriver {
  readonly binary: string;
  readonly home: string;
  /** The server the stored profile points at. */
  readonly apiUrl: string;
  private readonly opts: CliDriverOptions;

  private constructor(opts: CliDriverOptions) {
    this.opts = opts;
    this.binary = opts.binary;
    this.home = opts.home;
    this.apiUrl = opts.target.apiUrl;
  }

  /** A driver with its profile stored by `auth login --api-key-stdin` (validated by GET /v1/me). */
  static async login(opts: CliDriverOptions): Promise<CliDriver> {
    await mkdir(opts.home, { recursive: true, mode: 0o700 });
    const cli = new CliDriver(opts);
    const r = await cli.invoke(['auth', 'login', '--url', opts.target.apiUrl, '--api-key-stdin'], {
      input: `${opts.target.apiKey}\n`,
    });
    if (r.exitCode !== 0)
      throw new Error(`boxlite auth login failed (exit ${r.exitCode}): ${r.error ?? r.stderr.trim()}`);
    return cli;
  }

  /** One CLI run: `boxlite --home H <args>`. Never throws for a non-zero exit. */
  async invoke(args: string[], o: InvokeOptions = {}): Promise<CliResult> {
    const argv = ['--home', this.home, ...args];
    const t0 = performance.now();
    // NO_COLOR: the CLI's warnings go to stderr, which cases compare byte for byte.
    const env = {
      PATH: '/usr/local/bin:/usr/bin:/bin',
      HOME: this.home,
      LANG: 'C.UTF-8',
      NO_COLOR: '1',
      ...o.env,
    };
    const common = {
      env,
      extendEnv: false,
      reject: false,
      timeout: o.timeoutMs ?? this.opts.timeoutMs ?? 120_000,
      stripFinalNewline: false,
      ...(o.input !== undefined ? { input: o.input } : { stdin: 'ignore' as const }),
    };
    const res = o.tty
      ? await execa('script', ['-qec', [this.binary, ...argv].map(shellQuote).join(' '), '/dev/null'], common)
      : await execa(this.binary, argv, common);
    const stdout = o.tty ? String(res.stdout).replaceAll('\r\n', '\n') : String(res.stdout);
    const stderr = String(res.stderr);
    let error = splitCliError(stderr).error;
    if (res.timedOut) error = `boxlite ${args[0]} timed out after ${common.timeout} ms`;
    else if (res.exitCode === undefined) error = `boxlite ${args[0]} did not run: ${res.shortMessage}`;
    return { args, stdout, stderr, exitCode: res.exitCode ?? null, error, ms: performance.now() - t0 };
  }

  /** Reports the named box, whatever the command printed (it may have failed half way). */
  private async track(name: string, stdout: string): Promise<string | null> {
    const id = printedId(stdout) ?? (await this.opts.lookupId(name));
    if (id) this.opts.onBoxCreated(id, CLI_DRIVER);
    return id;
  }

  private boxArgs(o: CreateOptions): string[] {
    const out = ['--name', o.name];
    for (const [k, v] of Object.entries(o.env ?? {})) out.push('-e', `${k}=${v}`);
    if (o.workdir) out.push('-w', o.workdir);
    return out;
  }

  /** `create [--name N] IMAGE [CMD...]` → the printed id. */
  async create(image: string, o: CreateOptions): Promise<{ result: CliResult; id: string | null }> {
    const result = await this.invoke(['create', ...this.boxArgs(o), image, ...(o.cmd ?? [])]);
    return { result, id: await this.track(o.name, result.exitCode === 0 ? result.stdout : '') };
  }

  /**
   * `run -d --name N IMAGE CMD...` → the printed id; the box outlives this process. No `--`
   * before CMD: 0.11 hands everything after IMAGE to the box, a `--` included (docker does too).
   */
  async runDetached(image: string, o: CreateOptions): Promise<{ result: CliResult; id: string | null }> {
    const result = await this.invoke(['run', '-d', ...this.boxArgs(o), image, ...(o.cmd ?? [])]);
    return { result, id: await this.track(o.name, result.exitCode === 0 ? result.stdout : '') };
  }

  /** A detached box running `cmd` (default: sleep for 10 min), or an error with the CLI's words. */
  detachedBox(image: string, name: string, cmd = ['sleep', '600']): Promise<string> {
    return this.idOf('run -d', this.runDetached(image, { name, cmd }));
  }

  /** A created box whose init is `cmd` (not started: 0.11 runs it on start or first use). */
  createdBox(image: string, name: string, cmd = ['sleep', '600']): Promise<string> {
    return this.idOf('create', this.create(image, { name, cmd }));
  }

  private async idOf(what: string, made: Promise<{ result: CliResult; id: string | null }>): Promise<string> {
    const { result, id } = await made;
    if (result.exitCode !== 0 || !id)
      throw new Error(`boxlite ${what} failed (exit ${result.exitCode}): ${result.error ?? result.stderr}`);
    return id;
  }

  /**
   * Foreground `run [--rm] --name N IMAGE CMD...`: the command is the box's init, its output
   * and exit code are the CLI's. It prints no id, so the box is found by name while it runs.
   */
  async runForeground(
    image: string,
    o: CreateOptions & { rm?: boolean },
  ): Promise<{ result: CliResult; id: string | null }> {
    let id: string | null = null;
    let done = false;
    const watch = (async () => {
      while (!done && id === null) {
        id = await this.opts.lookupId(o.name).catch(() => null);
        if (id === null) await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const result = await this.invoke([
      'run',
      ...(o.rm ? ['--rm'] : []),
      ...this.boxArgs(o),
      image,
      ...(o.cmd ?? []),
    ]);
    done = true;
    await watch;
    id ??= await this.opts.lookupId(o.name);
    if (id) this.opts.onBoxCreated(id, CLI_DRIVER);
    return { result, id };
  }

  /** `exec [-e K=V] [-w DIR] [-u USER] [-t] [-i] BOX -- CMD ARGS...` as the shared outcome. */
  async exec(box: string, req: ExecRequest): Promise<ExecOutcome> {
    if (req.timeoutSecs !== undefined) {
      return {
        driver: CLI_DRIVER,
        stdout: '',
        stderr: '',
        exitCode: null,
        error: 'the CLI has no exec timeout flag',
        ms: 0,
      };
    }
    const flags: string[] = [];
    for (const [k, v] of Object.entries(req.env ?? {})) flags.push('-e', `${k}=${v}`);
    if (req.workingDir !== undefined) flags.push('-w', req.workingDir);
    if (req.user !== undefined) flags.push('-u', req.user);
    if (req.tty) flags.push('-t');
    if (req.stdin !== undefined) flags.push('-i');
    const r = await this.invoke(['exec', ...flags, box, '--', req.command, ...(req.args ?? [])], {
      ...(req.stdin !== undefined ? { input: req.stdin } : {}),
      tty: req.tty === true,
    });
    return {
      driver: CLI_DRIVER,
      stdout: r.stdout,
      // The CLI's own failure lines are its error, not the command's stderr.
      stderr: splitCliError(r.stderr).rest,
      // A CLI failure (box unknown, exec refused) is not the command's exit code.
      exitCode: r.error === null ? r.exitCode : null,
      error: r.error,
      ms: r.ms,
    };
  }

  /** Every box (`ls -a --format json`), not just running ones. */
  async list(): Promise<{ result: CliResult; rows: ReturnType<typeof parseList> }> {
    const result = await this.invoke(['ls', '-a', '--format', 'json']);
    return { result, rows: result.exitCode === 0 ? parseList(result.stdout) : [] };
  }

  async inspect(...boxes: string[]): Promise<{ result: CliResult; rows: ReturnType<typeof parseInspect> }> {
    const result = await this.invoke(['inspect', ...boxes]);
    const text = result.stdout.trim();
    return { result, rows: text.startsWith('[') ? parseInspect(text) : [] };
  }

  async stats(box: string): Promise<{ result: CliResult; metrics: Record<string, string> }> {
    const result = await this.invoke(['stats', '--format', 'json', box]);
    return { result, metrics: result.exitCode === 0 ? parseStats(result.stdout) : {} };
  }
}
