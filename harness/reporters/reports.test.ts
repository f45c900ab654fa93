import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CaseRecord } from './outcomes.ts';
import type { RunFacts } from './run-facts.ts';
import { scrubDir } from './run-report.ts';
import { renderRunSummary } from './run-summary.ts';
import { runTime } from './time-split.ts';

const rec = (name: string, outcome: CaseRecord['outcome'], extra: Partial<CaseRecord> = {}): CaseRecord => ({
  id: `cases/x.test.ts > ${name}`,
  file: 'cases/x.test.ts',
  name,
  outcome,
  durationMs: 1000,
  detects: [],
  xfailReason: null,
  error: null,
  pathGuard: { checked: 1, ok: true, waitedMs: 5 },
  time: { totalMs: 1000, sutMs: 700, waitMs: 250, harnessMs: 50, phases: { cleanup: 30, 'path-guard': 10 } },
  ...extra,
});

const facts: RunFacts = {
  runId: 'r1',
  startedAt: '',
  target: 'sim',
  origin: 'stack file',
  apiUrl: 'http://127.0.0.1:1/api',
  pathPrefix: 'default',
  switches: ['exec-spawn-500'],
  markersOff: false,
  pathGuard: { enabled: true, reason: 'runner file a, api file b' },
  versions: { postgres: '15' },
  setupMs: 2000,
  secretsFile: null,
};

describe('run summary', () => {
  it('counts outcomes, shows the bug table, the time split, path guard and unexpected results', () => {
    const cases = [
      rec('ok', 'pass'),
      rec('spawn', 'xfail', { detects: ['exec-spawn-500'], xfailReason: 'exec-spawn-500 (...)' }),
      rec('broke', 'fail', { error: 'boom' }),
      rec('lucky', 'xpass', { error: 'XPASS (strict): ...' }),
    ];
    const md = renderRunSummary(
      cases,
      facts,
      runTime(cases, 5000, [
        { boxes: 3, waitMs: 1200 },
        { boxes: 1, waitMs: 0 },
      ]),
    );
    expect(md).toContain(
      '**1 passed, 1 failed, 1 xfail, 1 xpass, 0 skipped** — wall 5.0 s; of 4.0 s in tests: SUT 70.0 %, waits 25.0 %, harness 5.0 %',
    );
    expect(md).toContain('| harness machinery | 0.2 | 5.0 % |');
    expect(md).toContain('| · of which cleanup | 0.1 | 3.0 % |');
    expect(md).toContain('| · of which fixtures and the rest | 0.0 | 1.0 % |');
    expect(md).toContain('off its clock: 4 box(es); files waited 1.2 s at their end');
    expect(md).toContain('- 1.00 s (SUT 0.7, wait 0.3, harness 0.1) cases/x.test.ts > ok');
    expect(md).toContain('| exec-spawn-500 |');
    expect(md).toMatch(/\| exec-spawn-500 \|.*\| 1 \| detected \(1 xfail\) \|/);
    expect(md).toContain('- **fail** cases/x.test.ts > broke: boom');
    expect(md).toContain('- **xpass** cases/x.test.ts > lucky');
    expect(md).toContain('4 box(es) in 4 case(s) checked against runner file a, api file b; 0 violation(s)');
    expect(md).toContain('active sim switches: exec-spawn-500');
  });

  it('a disabled path guard is loud', () => {
    const md = renderRunSummary(
      [],
      { ...facts, pathGuard: { enabled: false, reason: 'DISABLED for remote stack' } },
      runTime([], 0),
    );
    expect(md).toContain('- **DISABLED for remote stack**');
  });
});

describe('run time split', () => {
  it('sums the tests’ parts and phases; tests that never ran have no book', () => {
    const t = runTime([rec('a', 'pass'), rec('b', 'fail'), rec('c', 'skip', { time: null })], 1500);
    expect(t).toEqual({
      wallMs: 1500,
      testMs: 2000,
      sutMs: 1400,
      waitMs: 500,
      harnessMs: 100,
      phases: { cleanup: 60, 'path-guard': 20 },
      tests: 2,
      removals: { boxes: 0, waitMs: 0 },
    });
  });
});

describe('secret scrubbing', () => {
  it('replaces every secret value in every report file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'scrub-'));
    await writeFile(join(dir, 'junit.xml'), '<failure>Bearer 0123456789abcdef leaked</failure>');
    await writeFile(join(dir, 'clean.md'), 'nothing here');
    expect(await scrubDir(dir, ['0123456789abcdef'])).toBe(1);
    expect(await readFile(join(dir, 'junit.xml'), 'utf8')).toBe(
      '<failure>Bearer [redacted] leaked</failure>',
    );
  });
});
