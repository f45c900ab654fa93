import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderSummary } from './markdown.ts';
import type { CaseRecord } from './outcomes.ts';
import type { RunFacts } from './run-facts.ts';
import { scrubDir } from './run-report.ts';

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
  it('counts outcomes, shows the bug table, overhead, path guard and unexpected results', () => {
    const cases = [
      rec('ok', 'pass'),
      rec('spawn', 'xfail', { detects: ['exec-spawn-500'], xfailReason: 'exec-spawn-500 (...)' }),
      rec('broke', 'fail', { error: 'boom' }),
      rec('lucky', 'xpass', { error: 'XPASS (strict): ...' }),
    ];
    const md = renderSummary(cases, facts, { wallMs: 5000, testMs: 4000, callMs: 3000 });
    expect(md).toContain('**1 passed, 1 failed, 1 xfail, 1 xpass, 0 skipped**');
    expect(md).toContain('harness overhead 25.0 %');
    expect(md).toContain('| exec-spawn-500 |');
    expect(md).toMatch(/\| exec-spawn-500 \|.*\| 1 \| detected \(1 xfail\) \|/);
    expect(md).toContain('- **fail** cases/x.test.ts > broke: boom');
    expect(md).toContain('- **xpass** cases/x.test.ts > lucky');
    expect(md).toContain('4 box(es) in 4 case(s) checked against runner file a, api file b; 0 violation(s)');
    expect(md).toContain('active sim switches: exec-spawn-500');
  });

  it('a disabled path guard is loud', () => {
    const md = renderSummary(
      [],
      { ...facts, pathGuard: { enabled: false, reason: 'DISABLED for remote stack' } },
      { wallMs: 0, testMs: 0, callMs: 0 },
    );
    expect(md).toContain('- **DISABLED for remote stack**');
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
