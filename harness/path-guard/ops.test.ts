import { describe, expect, it } from 'vitest';
import { apiOp, apiOpsFromAccessLog, opGaps, runnerOpsFromJournal } from './ops.ts';

describe('lifecycle operations in the logs', () => {
  it('maps API requests to the operation the runner must see', () => {
    expect(apiOp('POST', '/api/v1/default/boxes')).toBe('create');
    expect(apiOp('POST', '/v1/boxes')).toBe('create');
    expect(apiOp('POST', '/api/v1/default/boxes/ab12/start')).toBe('start');
    expect(apiOp('POST', '/api/v1/default/boxes/ab12/stop')).toBe('stop');
    expect(apiOp('POST', '/api/v1/default/boxes/ab12/exec')).toBe('exec');
    expect(apiOp('DELETE', '/api/v1/default/boxes/ab12')).toBe('remove');
    expect(apiOp('GET', '/api/v1/default/boxes/ab12')).toBeNull();
    expect(apiOp('DELETE', '/api/v1/default/boxes/ab12/executions/e1')).toBeNull();
  });

  it('counts served operations per box, ignores refused ones, and finds each gap', () => {
    const api = apiOpsFromAccessLog(
      [
        { method: 'POST', path: '/api/v1/p/boxes/b1/exec', status: 200, box_id: 'b1' },
        { method: 'POST', path: '/api/v1/p/boxes/b1/exec', status: 200, box_id: 'b1' },
        { method: 'DELETE', path: '/api/v1/p/boxes/b1', status: 204, box_id: 'b1' },
        { method: 'POST', path: '/api/v1/p/boxes/b1/stop', status: 404, box_id: 'b1' },
      ]
        .map((e) => JSON.stringify(e))
        .join('\n'),
    );
    const runner = runnerOpsFromJournal(
      `${JSON.stringify({ op: 'exec', box_id: 'b1' })}\n{"op":"remove","box_id":"b1"}\nnot json\n`,
    );
    expect(opGaps(['b1'], api, runner)).toEqual([{ box: 'b1', op: 'exec', api: 2, runner: 1 }]);
    expect(opGaps(['other'], api, runner)).toEqual([]);
  });

  it('counts a clone and an import as the runner creating the new box', () => {
    const runner = runnerOpsFromJournal(
      `${JSON.stringify({ op: 'clone', box_id: 'src', clone: 'c1' })}\n${JSON.stringify({ op: 'import', box_id: 'i1' })}\n`,
    );
    expect(runner.get('c1')?.get('create')).toBe(1);
    expect(runner.get('i1')?.get('create')).toBe(1);
    expect(runner.get('src')?.get('create')).toBeUndefined();
  });
});
