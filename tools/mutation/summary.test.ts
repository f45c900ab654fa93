import { describe, expect, it } from 'vitest';
import { mutantRows, parseSidecar, renderSummary, type StrykerReport } from './summary.ts';

const m = (id: string, line: number, status: string) => ({
  id,
  mutatorName: 'ConditionalExpression',
  replacement: 'true',
  location: { start: { line, column: 3 } },
  status,
});

const report: StrykerReport = {
  files: {
    'sim/api/ws-proxy.ts': {
      mutants: [m('1', 10, 'Killed'), m('2', 20, 'Survived'), m('3', 30, 'Survived'), m('7', 40, 'Killed')],
    },
    'sim/runner/files.ts': {
      mutants: [m('4', 5, 'Survived'), m('5', 6, 'Timeout'), m('6', 7, 'Survived')],
    },
  },
};

const sidecar = parseSidecar(
  [
    '{"id":"1","file":"sim/api/ws-proxy.ts","status":"killed","by":"routes","candidates":3,"ran":1,"failed":["x"],"ms":1}',
    '{"id":"2","file":"sim/api/ws-proxy.ts","status":"survived","by":"routes","candidates":4,"ran":4,"failed":[],"ms":1}',
    '{"id":"3","file":"sim/api/ws-proxy.ts","status":"no-coverage","ms":0}',
    '{"id":"4","file":"sim/runner/files.ts","status":"static","ms":0}',
    '{"id":"6","file":"sim/runner/files.ts","status":"sampled-out","ms":0}',
    '',
  ].join('\n'),
);

describe('mutation summary', () => {
  it("reads Stryker's statuses with the sidecar: mutants the server did not run or judge are not survivors", () => {
    expect(mutantRows(report, sidecar).map((r) => [r.id, r.fate])).toEqual([
      ['1', 'killed'],
      ['2', 'survived'],
      ['3', 'no-coverage'],
      ['7', 'error'],
      ['4', 'static'],
      ['5', 'timeout'],
      ['6', 'sampled-out'],
    ]);
  });

  it('scores per area over the mutants run, and lists each survivor with its selection', () => {
    const md = renderSummary(mutantRows(report, sidecar), ['Scope: test']);
    expect(md).toContain('| api-relay | 4 | 2 | 2 | 1 | 1 | 50.0 % |');
    expect(md).toContain('| runner-storage | 3 | 2 | 1 | 1 | 0 | 100.0 % |');
    expect(md).toContain('| **all** | 7 | 4 | 3 | 2 | 1 | **66.7 %** |');
    expect(md).toContain(
      '- `sim/api/ws-proxy.ts:20:3` ConditionalExpression → `true` (#2) — 4/4 case(s) by routes',
    );
  });
});
