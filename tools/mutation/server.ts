/**
 * The mutation check's server: one process per Stryker run, started by the first
 * mutant-command (the dry run) inside Stryker's sandbox, so the sim it brings up runs the
 * instrumented code. It holds the stack and one vitest session and answers
 *   POST /baseline    stack up, every case once; record reach, coverage and outcomes
 *   POST /mutant {id} switch the mutant on at run time, run the cases that reach it, switch off
 * each with `{exit}`: 0 survived (or not run), 1 killed. Writes baseline.json and sidecar.jsonl
 * into the run dir; the command (tools/mutation/command.ts) stops it when Stryker is done.
 *   node tools/mutation/server.ts --run-dir DIR [--budget-s N] [--case FILE]…
 */
import { appendFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { resolveStackHandle, type StackHandle, stackHandleOptions } from '../../harness/handle/handle.ts';
import { runPreflight } from '../../harness/handle/preflight.ts';
import { sweepBoxes } from '../../harness/sweep.ts';
import { BOOTSTRAP_OPTIONS, bootstrapConfig } from '../../kernel/config.ts';
import { runMain } from '../../kernel/errors.ts';
import { resolveOptions } from '../../kernel/options.ts';
import { REPO_ROOT } from '../../kernel/paths.ts';
import { setupStack } from '../../stack/up.ts';
import { type MutationArgs, parseMutationArgs } from './args.ts';
import { type Baseline, mutantFiles, readAccessLog, readBaseline, writeBaseline } from './baseline.ts';
import { indexCoverage, reachOf, type Selection, selectTests } from './selection.ts';
import { SimSwitch } from './sim-switch.ts';
import { VitestSession } from './vitest-session.ts';

export interface SidecarEntry {
  id: string;
  file: string;
  status: 'killed' | 'survived' | 'timeout' | 'no-coverage' | 'static' | 'sampled-out' | 'error';
  by?: Extract<Selection, { kind: 'run' }>['by'];
  candidates?: number;
  ran?: number;
  failed?: string[];
  ms: number;
}

class MutationServer {
  private session: VitestSession | null = null;
  private baseline: Baseline | null = null;
  private handle: StackHandle | null = null;

  private readonly runDir: string;
  private readonly budgetMs: number;
  private readonly cases: string[];
  private readonly baselineFrom: string | undefined;
  private readonly sample: number;

  constructor(args: MutationArgs) {
    this.runDir = args.runDir;
    this.budgetMs = args.budgetS * 1000;
    this.cases = args.cases;
    this.baselineFrom = args.baselineFrom;
    this.sample = args.sample;
  }

  private async stackUp(): Promise<StackHandle> {
    const config = {
      ...bootstrapConfig(resolveOptions(BOOTSTRAP_OPTIONS, [], process.env).values),
      target: 'sim' as const,
    };
    await setupStack({ config, bugs: [], quiet: true });
    this.handle = await resolveStackHandle(stackHandleOptions(process.env));
    return this.handle;
  }

  private simSwitch(): SimSwitch {
    if (!this.handle) throw new Error('no stack: the baseline has not run');
    return new SimSwitch(this.handle.apiUrl, this.handle.apiKey);
  }

  async runBaseline(): Promise<number> {
    if (this.baselineFrom) return this.reuseBaseline(this.baselineFrom);
    const t0 = Date.now();
    const handle = await this.stackUp();
    const vm = await boxesStart(handle);
    this.session = await VitestSession.open(REPO_ROOT);
    const files = this.cases.length ? this.cases : await this.session.allFiles();
    log(`baseline: ${files.length} case files`);
    const run = await this.session.run(
      files.map((file) => ({ file, line: null })),
      { deadlineMs: 4 * 3600_000, bail: false },
    );
    const coverage = await this.simSwitch().coverage();
    const access = await readAccessLog(handle, t0);
    const tests = run.tests;
    this.baseline = {
      startedAt: new Date(t0).toISOString(),
      ms: Date.now() - t0,
      tests,
      reach: reachOf(tests, access),
      coverage: indexCoverage(coverage),
      fileOf: await mutantFiles(REPO_ROOT),
      vm,
    };
    await writeBaseline(this.runDir, this.baseline);
    const failed = tests.filter((t) => t.state === 'failed');
    log(
      `baseline: ${tests.length} tests, ${failed.length} failed (left out of selection), ${run.timedOut ? 'TIMED OUT' : 'done'}`,
    );
    return run.timedOut ? 1 : 0;
  }

  /**
   * Takes a finished run's baseline: valid only for the same instrumented sources (the mutant
   * ids are per instrumentation), which the id → file map checks.
   */
  private async reuseBaseline(dir: string): Promise<number> {
    const old = await readBaseline(dir);
    const now = await mutantFiles(REPO_ROOT);
    if (JSON.stringify(old.fileOf) !== JSON.stringify(now))
      throw new Error(`the baseline in ${dir} was taken over other instrumented sources; run one afresh`);
    await this.stackUp();
    this.baseline = old;
    await writeBaseline(this.runDir, old);
    await this.openSession();
    log(`baseline: taken from ${dir} (${old.tests.length} tests)`);
    return 0;
  }

  /**
   * A vitest session for the current stack. Its global setup (the stack handle) runs on its first
   * run, so one passing case runs now, with no mutant on: under a mutant the setup itself could
   * fail, or keep a sim that was since brought up again, and every later run would run nothing.
   */
  private async openSession(): Promise<void> {
    await this.session?.close();
    this.session = await VitestSession.open(REPO_ROOT);
    const warm = this.baseline?.tests.filter((t) => t.state === 'passed').sort((a, b) => a.ms - b.ms)[0];
    if (!warm) throw new Error('the baseline has no passing case');
    const run = await this.session.run([warm], { deadlineMs: 120_000, bail: true });
    if (!run.tests.some((t) => t.state === 'passed') || run.timedOut)
      throw new Error(`${warm.id} passed in the baseline but not on this stack`);
  }

  async runMutant(id: string): Promise<number> {
    const t0 = Date.now();
    if (!this.baseline || !this.session) throw new Error('mutant before baseline');
    const file = this.baseline.fileOf[id] ?? '?';
    if (Number(id) % this.sample !== 0) {
      await this.note({ id, file, status: 'sampled-out', ms: 0 });
      return 0;
    }
    const sel = selectTests(id, { ...this.baseline, budgetMs: this.budgetMs });
    if (sel.kind !== 'run') {
      await this.note({ id, file, status: sel.kind, ms: Date.now() - t0 });
      return 0;
    }
    if (!sel.tests.length) {
      // Covered, yet no passing case reaches its routes: nothing can kill it.
      await this.note({ id, file, status: 'survived', by: sel.by, candidates: 0, ran: 0, failed: [], ms: 0 });
      return 0;
    }
    await this.switchTo(id);
    const baselineMs = sel.tests.reduce((s, t) => s + t.ms, 0);
    const run = await this.session.run(sel.tests, { deadlineMs: 60_000 + 3 * baselineMs, bail: true });
    await this.switchTo(null);
    const failed = run.tests.filter((t) => t.state === 'failed').map((t) => t.id);
    const ran = run.tests.filter((t) => t.state !== 'skipped').length;
    // Nothing ran, nothing failed: no verdict (the session broke), never a survivor.
    const status = run.timedOut ? 'timeout' : failed.length ? 'killed' : ran ? 'survived' : 'error';
    if (status !== 'survived') await this.sweep();
    await this.note({
      id,
      file,
      status,
      by: sel.by,
      candidates: sel.candidates,
      ran,
      failed,
      ms: Date.now() - t0,
    });
    if (status === 'error') await this.openSession();
    return status === 'killed' || status === 'timeout' ? 1 : 0;
  }

  /** Switches; a sim that cannot answer (the last mutant wedged it) is brought up again first. */
  private async switchTo(id: string | null): Promise<void> {
    try {
      await this.simSwitch().activate(id);
    } catch (err) {
      log(`switch to ${id ?? 'none'} failed (${(err as Error).message}); bringing the sim up again`);
      await this.stackUp();
      await this.openSession();
      await this.simSwitch().activate(id);
    }
  }

  private async sweep(): Promise<void> {
    if (this.handle) await sweepBoxes(this.handle, () => true).catch(() => []);
  }

  private note(e: SidecarEntry): Promise<void> {
    log(
      `mutant ${e.id} (${e.file}): ${e.status}${e.ran !== undefined ? ` after ${e.ran}/${e.candidates} test(s)` : ''}`,
    );
    return appendFile(join(this.runDir, 'sidecar.jsonl'), `${JSON.stringify(e)}\n`);
  }

  async close(): Promise<void> {
    await this.session?.close();
  }
}

/**
 * Whether a box starts here (null) or why not. Where none does, every case that needs one is
 * not runnable, its code is never reached and the run says so in its summary. The first create
 * from a fresh stack registry also pulls and unpacks the image, so it gets tries.
 */
async function boxesStart(handle: StackHandle): Promise<string | null> {
  let why = '';
  for (let i = 0; i < 3; i++) {
    const pre = await runPreflight(handle, `e2e-${process.pid}-mut${i}-preflight`);
    if (!pre.missing.vm) return null;
    why = pre.missing.vm;
    log(`preflight: no box starts yet (${why})`);
  }
  return why;
}

function log(line: string): void {
  process.stdout.write(`${new Date().toISOString()} ${line}\n`);
}

async function body(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

function answer(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}

if (import.meta.main) {
  await runMain('mutation server', async () => {
    const args = parseMutationArgs(process.argv.slice(2));
    const server = new MutationServer(args);
    // One request at a time: there is one sim and one active mutant.
    let queue = Promise.resolve();
    const http = createServer((req, res) => {
      queue = queue.then(async () => {
        try {
          const b = await body(req);
          if (req.url === '/baseline') answer(res, 200, { exit: await server.runBaseline() });
          else if (req.url === '/mutant' && typeof b.id === 'string')
            answer(res, 200, { exit: await server.runMutant(b.id) });
          else answer(res, 404, { error: `no route ${req.method} ${req.url}` });
        } catch (err) {
          log(`error: ${(err as Error).stack ?? err}`);
          answer(res, 500, { error: (err as Error).message });
        }
      });
    });
    http.headersTimeout = 0;
    http.requestTimeout = 0;
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const port = (http.address() as AddressInfo).port;
    await writeFile(join(args.runDir, 'server.json'), JSON.stringify({ port, pid: process.pid }));
    log(`mutation server on 127.0.0.1:${port} (sandbox ${REPO_ROOT})`);
    await new Promise<void>((resolve) => process.once('SIGTERM', () => resolve()));
    http.close();
    await server.close();
  });
  process.exit(process.exitCode ?? 0);
}
