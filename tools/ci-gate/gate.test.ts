import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../kernel/paths.ts';
import { decideGate, JOB_RESULTS, type JobResult, type NeededJob, parseNeeds } from './gate.ts';

const job = (result: JobResult, outputs: Record<string, string> = {}): NeededJob => ({ result, outputs });
const DECISIONS = ['true', 'false', undefined] as const;

describe('decideGate over every combination of job results', () => {
  // 4 changes results × 3 decisions (true / false / missing) × 4 suite results = 48 cases.
  const combos = JOB_RESULTS.flatMap((changes) =>
    DECISIONS.flatMap((run) => JOB_RESULTS.map((e2e) => ({ changes, run, e2e }))),
  );

  it.for(combos)('changes=$changes run=$run e2e=$e2e', ({ changes, run, e2e }) => {
    const verdict = decideGate({
      changes: job(changes, run === undefined ? {} : { run }),
      e2e: job(e2e),
    });
    // The rule, stated from the caller's side: the decision must exist, and the suite must have
    // passed, except that a skip is fine exactly when the decision was "no run".
    const decided = changes === 'success' && run !== undefined;
    const suiteOk = e2e === 'success' || (e2e === 'skipped' && run === 'false');
    expect(verdict.green).toBe(decided && suiteOk);
    expect(verdict.reason).not.toBe('');
  });

  it('names the reasons a maintainer acts on', () => {
    expect(decideGate({ changes: job('success', { run: 'false' }), e2e: job('skipped') })).toEqual({
      green: true,
      reason: 'no change needs the suite (path filter): skipped',
    });
    expect(decideGate({ changes: job('success', { run: 'true' }), e2e: job('cancelled') }).reason).toBe(
      '`e2e` cancelled',
    );
    expect(decideGate({ changes: job('success', { run: 'true' }), e2e: job('skipped') }).reason).toBe(
      '`e2e` was skipped although the changes need a run',
    );
    expect(decideGate({ changes: job('failure'), e2e: job('skipped') }).reason).toContain('ended failure');
    expect(decideGate({ changes: job('success', { run: 'yes' }), e2e: job('success') }).reason).toContain(
      'gave no decision',
    );
  });

  it('judges every needed job, not only the first', () => {
    const needs = {
      changes: job('success', { run: 'true' }),
      e2e: job('success'),
      report: job('failure'),
    };
    expect(decideGate(needs)).toEqual({ green: false, reason: '`report` failure' });
    expect(decideGate({ ...needs, report: job('success') }).green).toBe(true);
  });

  it('is red when the wiring is wrong: no changes job, or nothing but it', () => {
    expect(decideGate({ e2e: job('success') }).green).toBe(false);
    expect(decideGate({ changes: job('success', { run: 'false' }) }).green).toBe(false);
  });
});

describe('parseNeeds', () => {
  it('reads the needs context the runner prints', () => {
    const json = JSON.stringify({
      changes: { result: 'success', outputs: { run: 'true', other: 'x' } },
      e2e: { result: 'failure', outputs: {} },
    });
    expect(parseNeeds(json)).toEqual({
      changes: { result: 'success', outputs: { run: 'true', other: 'x' } },
      e2e: { result: 'failure', outputs: {} },
    });
  });

  it('refuses what is not a needs context, in one line', () => {
    expect(() => parseNeeds('not json')).toThrow('the needs context is not JSON');
    expect(() => parseNeeds('[]')).toThrow('not an object of jobs');
    expect(() => parseNeeds('{"e2e":{"result":"neutral"}}')).toThrow('needs.e2e.result is not one of');
  });
});

describe('the gate CLI', () => {
  const gate = (args: string[]) =>
    execa(process.execPath, ['tools/ci-gate/command.ts', ...args], { cwd: REPO_ROOT, reject: false });

  it('exits 0 when green and 1 when red, and appends the verdict to the summary file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gate-'));
    try {
      const summary = join(dir, 'summary.md');
      const skipped = JSON.stringify({
        changes: { result: 'success', outputs: { run: 'false' } },
        e2e: { result: 'skipped', outputs: {} },
      });
      const green = await gate(['--needs', skipped, '--summary', summary]);
      expect(green.exitCode).toBe(0);
      expect(green.stdout).toBe('gate green: no change needs the suite (path filter): skipped');
      const failed = JSON.stringify({
        changes: { result: 'success', outputs: { run: 'true' } },
        e2e: { result: 'failure', outputs: {} },
      });
      const red = await gate(['--needs', failed, '--summary', summary]);
      expect(red.exitCode).toBe(1);
      expect(red.stderr).toBe('gate: red: `e2e` failure');
      const md = await readFile(summary, 'utf8');
      expect(md).toContain('✅ green: no change needs the suite');
      expect(md).toContain('❌ red: `e2e` failure');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('bad input is one line and exit 2', async () => {
    const res = await gate(['--needs', '{']);
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toBe('gate: --needs: the needs context is not JSON');
  });
});

describe("the gate over a sharded run (e2e is the shards' matrix, merge the merged result)", () => {
  const ran = job('success', { run: 'true' });

  it('all shards green and merged: green, saying the merged headline', () => {
    const verdict = decideGate({
      changes: ran,
      e2e: job('success'),
      merge: job('success', { headline: '310 passed, 0 failed, 4 xfail, 0 xpass, 0 skipped' }),
    });
    expect(verdict).toEqual({
      green: true,
      reason: 'the suite ran and passed (e2e, merge: 310 passed, 0 failed, 4 xfail, 0 xpass, 0 skipped)',
    });
  });

  it('one shard failing: red, naming the failed matrix and the merged headline', () => {
    const verdict = decideGate({
      changes: ran,
      e2e: job('failure'),
      merge: job('failure', { headline: '309 passed, 1 failed, 4 xfail, 0 xpass, 0 skipped' }),
    });
    expect(verdict.green).toBe(false);
    expect(verdict.reason).toBe(
      '`e2e` failure; `merge` failure: 309 passed, 1 failed, 4 xfail, 0 xpass, 0 skipped',
    );
  });

  it('one shard cancelled: red, the merge naming the shard that left no results', () => {
    const headline =
      'NO RESULTS from shard 2/3 (no report dir given); 200 passed, 0 failed, 4 xfail, 0 xpass, 0 skipped';
    const verdict = decideGate({ changes: ran, e2e: job('cancelled'), merge: job('failure', { headline }) });
    expect(verdict).toEqual({ green: false, reason: `\`e2e\` cancelled; \`merge\` failure: ${headline}` });
  });

  it('a merge that never ran cannot be green, whatever the shards did', () => {
    expect(decideGate({ changes: ran, e2e: job('success'), merge: job('skipped') }).green).toBe(false);
    expect(decideGate({ changes: ran, e2e: job('success'), merge: job('cancelled') }).green).toBe(false);
  });
});
