import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseTwoSidedArgs, perfOptions } from './options.ts';
import type { TwoSidedRecord } from './record.ts';
import { renderVerdictPage } from './report-html.ts';
import { renderVerdictJunit } from './report-junit.ts';
import { renderVerdictSummary } from './report-md.ts';
import { writeReports } from './reports.ts';
import { checkClaims, countVerdicts, type SideRun, verdictsFor } from './verdicts.ts';

const o = (id: string, status: 'passed' | 'failed' | 'skipped', detects: string[] = []) => ({
  id: `cases/e.test.ts > ${id}`,
  file: 'cases/e.test.ts',
  detects,
  status,
  durationMs: 120,
});
const runs: SideRun[] = [
  {
    side: 'base',
    repeat: 0,
    order: 0,
    wallMs: 9000,
    outcomes: [o('bearer <401>', 'failed', ['bad-token-500']), o('cpus|0', 'passed'), o('vm', 'skipped')],
  },
  {
    side: 'head',
    repeat: 0,
    order: 1,
    wallMs: 9500,
    outcomes: [o('bearer <401>', 'passed', ['bad-token-500']), o('cpus|0', 'failed'), o('vm', 'skipped')],
  },
];
const verdicts = verdictsFor(runs);
const record: TwoSidedRecord = {
  schema: 'boxlite-e2e/two-sided',
  version: 1,
  runId: 'R1',
  reportRel: 'two-sided-R1',
  status: 'completed',
  target: 'sim',
  checkout: '/repo',
  cases: ['cases/e.test.ts'],
  grep: null,
  repeat: 1,
  claims: ['bad-token-500'],
  sides: {
    base: { ref: 'main', sha: 'a'.repeat(40), worktree: '/w/b', stateDir: '/w/bs', build: 'cache hit' },
    head: { ref: 'pr-1', sha: 'b'.repeat(40), worktree: '/w/h', stateDir: '/w/hs', build: 'cache hit' },
  },
  phases: { build: 100, up: 20000, cases: 18500, perf: 0, down: 5000, cleanup: 400, total: 44400 },
  runs,
  verdicts,
  counts: countVerdicts(verdicts),
  claimChecks: checkClaims(['bad-token-500'], verdicts),
  perf: null,
  infrastructureError: null,
  restoreFailures: [],
  exitCode: 1,
  startedAt: '',
  finishedAt: '',
};

describe('reports', () => {
  test('summary.md: headline, the verdict table (regressions first), claims, per-side durations', () => {
    const md = renderVerdictSummary(record);
    expect(md).toContain('base `main` (aaaaaaaaaa) → head `pr-1` (bbbbbbbbbb)');
    expect(md).toContain('**1 fixed, 1 regressed, 1 not-run — exit 1**');
    const rows = md.split('\n').filter((l) => l.startsWith('| ') && l.includes('cases/'));
    expect(rows[0]).toBe('| ✅ fixed | cases/e.test.ts > bearer <401> | FAIL | pass | 0.12 s | 0.12 s |');
    expect(rows[1]).toBe('| ❌ regressed | cases/e.test.ts > cpus\\|0 | pass | FAIL | 0.12 s | 0.12 s |');
    expect(md).toContain('| bad-token-500 | yes | 1 claiming case(s) fixed |');
    expect(md).toContain('Case runs: base 9.00 s; head 9.50 s.');
    expect(md).toContain('without builds, stack up/down and cleanup 18.90 s');
  });

  test('junit: one testcase per case × side, failures and skips where they happened', () => {
    const xml = renderVerdictJunit(record);
    expect(xml.match(/<testcase /g)).toHaveLength(6);
    expect(xml).toContain(
      '<testcase classname="base" name="cases/e.test.ts &gt; bearer &lt;401&gt;" time="0.120">',
    );
    expect(xml.match(/<failure /g)).toHaveLength(2);
    expect(xml.match(/<skipped /g)).toHaveLength(2);
    expect(xml).toMatch(/<testsuite name="head pr-1 bbbbbbbbbb" tests="3" failures="1" skipped="1">/);
  });

  test('index.html: self-contained, escaped, a matrix row per case', () => {
    const html = renderVerdictPage(record);
    expect(html).not.toMatch(/<script|<link|src=|url\(/);
    expect(html).toContain('bearer &lt;401&gt;');
    expect(html.match(/<tr><td><span class="badge"/g)).toHaveLength(3);
  });

  test('writes every file and appends the summary to the step summary', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'two-sided-reports-'));
    try {
      const step = join(dir, 'step.md');
      await writeFile(step, 'before\n');
      await writeReports(record, dir, step);
      for (const f of ['summary.md', 'verdicts.json', 'junit.xml', 'index.html', 'run.json'])
        expect((await readFile(join(dir, f), 'utf8')).length).toBeGreaterThan(10);
      expect(JSON.parse(await readFile(join(dir, 'verdicts.json'), 'utf8')).exitCode).toBe(1);
      expect(await readFile(step, 'utf8')).toMatch(/^before\n# Two-sided run R1/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('e2e:two-sided arguments', () => {
  const env = {};
  test('base and head are required; boxlite needs a checkout; claims must be ledger ids', () => {
    expect(() => parseTwoSidedArgs(['--head', 'x'], env)).toThrow(/--base/);
    expect(() => parseTwoSidedArgs(['--base', 'a', '--head', 'b', '--target', 'boxlite'], env)).toThrow(
      /--target boxlite needs --checkout/,
    );
    expect(() => parseTwoSidedArgs(['--base', 'a', '--head', 'b', '--claims', 'nope'], env)).toThrow(/nope/);
    expect(() => parseTwoSidedArgs(['--base', 'a', '--head', 'b', '--perf-alpha', '1.5'], env)).toThrow(
      /alpha/,
    );
  });

  test('perf defaults, and flags win', () => {
    const v = parseTwoSidedArgs(
      [
        '--base',
        'a',
        '--head',
        'b',
        '--perf',
        '--perf-threshold',
        '0.1',
        '--cases',
        'cases/x.test.ts,cases/y.test.ts:12',
      ],
      env,
    );
    expect(v.cases).toEqual(['cases/x.test.ts', 'cases/y.test.ts:12']);
    expect(perfOptions(v)).toMatchObject({
      scenarios: ['latency-exec'],
      rounds: 2,
      on: 'p50',
      alpha: 0.05,
      threshold: 0.1,
    });
    expect(perfOptions(parseTwoSidedArgs(['--base', 'a', '--head', 'b'], env))).toBeNull();
  });
});
