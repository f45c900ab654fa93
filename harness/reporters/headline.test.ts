import { describe, expect, it } from 'vitest';
import type { InfraDeath } from '../infra/death.ts';
import type { CaseRecord } from './outcomes.ts';
import { renderRunSummary, runHeadline } from './run-summary.ts';
import { runTime } from './time-split.ts';

const death: InfraDeath = {
  part: 'runner',
  where: 'http://127.0.0.1:34007',
  reason: 'ECONNREFUSED',
  diedAt: '2026-11-30T08:14:00.384Z',
  lastAnsweredAt: '2026-11-30T08:13:58.795Z',
  detectedBy: 'the run watcher',
  detectedAt: '2026-11-30T08:14:02.617Z',
};

const record = (
  name: string,
  outcome: CaseRecord['outcome'],
  extra: Partial<CaseRecord> = {},
): CaseRecord => ({
  id: `cases/x.test.ts > ${name}`,
  file: 'cases/x.test.ts',
  name,
  outcome,
  durationMs: 1,
  detects: [],
  xfailReason: null,
  error: null,
  pathGuard: null,
  time: null,
  ...extra,
});

describe('summary headline', () => {
  const counts = { pass: 29, fail: 3, xfail: 0, xpass: 0, skip: 0, 'not-runnable': 0, 'not-run': 90 };

  it('without a death: the counts, not-run included', () => {
    expect(runHeadline(counts, null)).toBe('29 passed, 3 failed, 0 xfail, 0 xpass, 0 skipped, 90 not run');
  });

  it('with a death: the dead part, where, when and why lead, before any count', () => {
    expect(runHeadline(counts, death)).toBe(
      'INFRASTRUCTURE: runner (http://127.0.0.1:34007) died at 2026-11-30T08:14:00.384Z (ECONNREFUSED) — run stopped; ' +
        '29 passed, 3 failed, 0 xfail, 0 xpass, 0 skipped, 90 not run',
    );
  });

  it('summary.md: headline, an infrastructure section, failures marked as on a dead stack', () => {
    const line =
      'infrastructure error: runner (http://127.0.0.1:34007) died at 08:14:00Z (ECONNREFUSED); the run stopped';
    const cases = [
      record('a', 'pass'),
      record('b', 'fail', { error: 'portal error', infrastructure: line }),
      record('c', 'not-run'),
      record('d', 'not-run'),
    ];
    const md = renderRunSummary(cases, null, runTime(cases, 0), { death, leftovers: null });
    expect(md.split('\n')[2]).toMatch(/^\*\*INFRASTRUCTURE: runner .* 1 passed, 1 failed, .*, 2 not run\*\*/);
    expect(md).toContain('## Infrastructure failure');
    expect(md).toContain('- 2 case(s) not run; 1 failure(s) attributed to it: cases/x.test.ts > b');
    expect(md).toContain('- **fail (stack dead)** cases/x.test.ts > b: portal error');
  });
});
