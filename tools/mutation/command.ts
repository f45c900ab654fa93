/**
 * `pnpm e2e:mutation` — the standing mutation check of the sim: Stryker's instrumenter and its
 * command runner mutate an area of sim/ (areas.ts); each mutant is switched on in a running sim
 * and only the cases that reach its code run against it (selection.ts, server.ts). Writes
 * reports/mutation/<run>/ (Stryker's mutation.json and mutation.html, baseline.json,
 * sidecar.jsonl, summary.md). Slow by design: not part of `./e2e test`; see docs/mutation.md.
 */
import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Stryker } from '@stryker-mutator/core';
import { BOOTSTRAP_OPTIONS, bootstrapConfig } from '../../kernel/config.ts';
import { runMain } from '../../kernel/errors.ts';
import { envOnly, type OptionTable, optionsHelp, resolveOptions } from '../../kernel/options.ts';
import { REPO_ROOT } from '../../kernel/paths.ts';
import { pidAlive } from '../../kernel/process/processes.ts';
import { newRunId } from '../../kernel/run-id.ts';
import { teardownStack } from '../../stack/down.ts';
import { AREA_NAMES, AREAS, areaFiles, LEFT_OUT } from './areas.ts';
import { type MutationArgs, mutationArgs } from './args.ts';
import { readBaseline } from './baseline.ts';
import { mutantRows, parseSidecar, renderSummary, type StrykerReport } from './summary.ts';

const MUTATION_OPTIONS = {
  ...envOnly(BOOTSTRAP_OPTIONS),
  area: {
    flag: 'area',
    type: 'string',
    default: 'all',
    doc: `what to mutate: all, ${AREA_NAMES.join(', ')}`,
  },
  mutate: { flag: 'mutate', type: 'list', doc: 'sim files (file or file:from-to lines) instead of an area' },
  cases: { flag: 'cases', type: 'list', doc: 'case files the baseline runs (default: every case file)' },
  strings: {
    flag: 'strings',
    type: 'bool',
    doc: 'also mutate string literals (error messages: mostly out of contract)',
  },
  budgetS: {
    flag: 'budget-s',
    type: 'int',
    default: 120,
    min: 1,
    doc: "per mutant, the covering cases' baseline seconds to spend (fastest first)",
  },
  sample: {
    flag: 'sample',
    type: 'int',
    default: 1,
    min: 1,
    doc: 'run every Nth mutant (by id) only: a bounded trial; the rest are reported as not run',
  },
  baselineFrom: {
    flag: 'baseline-from',
    type: 'path',
    doc: "a finished run's dir: take its baseline instead of running one (same sources and cases only)",
  },
  summary: {
    flag: 'summary',
    type: 'path',
    doc: "rewrite a finished run's summary.md and print it; run nothing",
  },
  list: { flag: 'list', type: 'bool', doc: 'print the areas and their files; run nothing' },
  stop: {
    flag: 'stop',
    type: 'bool',
    doc: 'stop what a killed run left (its server, the mutation stack, the sandbox); run nothing',
  },
  help: { flag: 'help', short: 'h', type: 'bool', doc: 'this text' },
} as const satisfies OptionTable;

type StrykerOptions = ConstructorParameters<typeof Stryker>[0];

function strykerOptions(args: MutationArgs, mutate: string[], strings: boolean): StrykerOptions {
  const node = JSON.stringify(process.execPath);
  const flags = mutationArgs(args)
    .map((a) => JSON.stringify(a))
    .join(' ');
  return {
    mutate,
    testRunner: 'command',
    commandRunner: {
      command: `${node} tools/mutation/mutant-command.ts ${flags}`,
    },
    coverageAnalysis: 'off',
    concurrency: 1,
    checkers: [],
    mutator: { excludedMutations: strings ? [] : ['StringLiteral'] },
    reporters: ['json', 'html', 'progress'],
    jsonReporter: { fileName: join(args.runDir, 'mutation.json') },
    htmlReporter: { fileName: join(args.runDir, 'mutation.html') },
    ignorePatterns: ['reports', '.e2e-state', '.scratch*', 'tools/collect/samples'],
    tempDirName: '.stryker-tmp',
    // The server in the sandbox is stopped first; then the sandbox goes (below).
    cleanTempDir: false,
    // The server keeps its own per-mutant deadline; the dry run is the whole suite.
    timeoutMS: 30 * 60_000,
    dryRunTimeoutMinutes: 240,
    plugins: [],
  };
}

async function stopServer(runDir: string): Promise<void> {
  const info = await readFile(join(runDir, 'server.json'), 'utf8').catch(() => null);
  if (!info) return;
  const { pid } = JSON.parse(info) as { pid: number };
  if (!pidAlive(pid)) return;
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 120 && pidAlive(pid); i++) await sleep(250);
  if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
}

const STATE_DIR = join(REPO_ROOT, '.e2e-state', 'mutation');
const RUNS_DIR = join(REPO_ROOT, 'reports', 'mutation');

/** Stops what runs started: any live mutation server, the mutation stack, Stryker's sandbox. */
async function stopAll(o: Parameters<typeof bootstrapConfig>[0]): Promise<void> {
  const runs = await readdir(RUNS_DIR).catch(() => []);
  for (const run of runs) await stopServer(join(RUNS_DIR, run));
  await rm(join(REPO_ROOT, '.stryker-tmp'), { recursive: true, force: true });
  const config = { ...bootstrapConfig(o), stateDir: STATE_DIR, target: 'sim' as const };
  await teardownStack({ config, wipeData: false, full: false, quiet: true }).catch(() => '');
}

/**
 * Ctrl-C or SIGTERM: Stryker's own handler exits at once, before any `finally`, so the clean-up
 * (`--stop`) is handed to a detached process.
 */
function stopOnSignal(): void {
  const stop = () => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'tools/mutation/command.ts'), '--stop'], {
      cwd: REPO_ROOT,
      detached: true,
      stdio: 'inherit',
    });
    child.unref();
  };
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, stop);
}

/** What the baseline ran: the cases a mutant could be tested with. */
async function baselineLine(runDir: string): Promise<string[]> {
  const b = await readBaseline(runDir).catch(() => null);
  if (!b) return ['No baseline was recorded.'];
  const n = (s: string) => b.tests.filter((t) => t.state === s).length;
  const lines = [
    `Baseline: ${b.tests.length} tests in ${(b.ms / 60_000).toFixed(1)} min — ${n('passed')} passed (the ones selected from), ${n('failed')} failed, ${n('skipped')} not run.`,
  ];
  if (b.vm)
    lines.push(`**No box started on the mutation stack** (${b.vm}): the cases that need one did not run.`);
  return lines;
}

async function summarize(runDir: string, header: string[]): Promise<string> {
  header.push(...(await baselineLine(runDir)));
  const report = JSON.parse(await readFile(join(runDir, 'mutation.json'), 'utf8')) as StrykerReport;
  const sidecar = parseSidecar(await readFile(join(runDir, 'sidecar.jsonl'), 'utf8').catch(() => ''));
  const md = renderSummary(mutantRows(report, sidecar), header);
  await writeFile(join(runDir, 'summary.md'), md);
  return md;
}

function listing(): string {
  const areas = AREA_NAMES.map((a) => `${a}: ${AREAS[a].doc}\n  ${AREAS[a].files.join('\n  ')}`);
  const out = Object.entries(LEFT_OUT).map(([f, why]) => `  ${f}: ${why}`);
  return `${areas.join('\n')}\nleft out:\n${out.join('\n')}\n`;
}

if (import.meta.main) {
  await runMain('e2e:mutation', async () => {
    const { values: o } = resolveOptions(MUTATION_OPTIONS, process.argv.slice(2), process.env);
    if (o.help)
      return void process.stdout.write(
        `usage: pnpm e2e:mutation [--area A]\n${optionsHelp(MUTATION_OPTIONS)}\n`,
      );
    if (o.list) return void process.stdout.write(listing());
    if (o.stop) return void (await stopAll(o));
    if (o.summary) return void process.stdout.write(await summarize(o.summary, [`Run dir: ${o.summary}`]));
    const mutate = o.mutate.length ? o.mutate : areaFiles(o.area);
    const runDir = join(RUNS_DIR, newRunId());
    await mkdir(runDir, { recursive: true });
    // What the server (and the vitest session in it) inherit through Stryker's runner.
    Object.assign(process.env, {
      BOXLITE_E2E_STATE_DIR: STATE_DIR,
      BOXLITE_E2E_TARGET: 'sim',
      BOXLITE_E2E_NO_SETUP: '1',
    });
    stopOnSignal();
    const t0 = Date.now();
    try {
      const args = {
        runDir,
        budgetS: o.budgetS,
        sample: o.sample,
        cases: o.cases,
        ...(o.baselineFrom ? { baselineFrom: o.baselineFrom } : {}),
      };
      await new Stryker(strykerOptions(args, mutate, o.strings)).runMutationTest();
    } finally {
      await stopAll(o);
    }
    const minutes = ((Date.now() - t0) / 60_000).toFixed(1);
    const header = [
      `Scope: ${o.mutate.length ? o.mutate.join(', ') : `area ${o.area}`}; string literals ${o.strings ? 'mutated' : 'not mutated'}; baseline ${o.cases.length ? o.cases.join(', ') : 'every case file'}.`,
      `Per mutant: the cases reaching its routes, fastest first, up to ${o.budgetS} s of baseline time.${o.sample > 1 ? ` Sample: every ${o.sample}th mutant.` : ''}`,
      `Duration: ${minutes} min (baseline included). Run dir: ${runDir}.`,
    ];
    process.stdout.write(await summarize(runDir, header));
  });
}
