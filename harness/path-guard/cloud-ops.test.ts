/** The per-operation check on the cloud stack's logs, from lines the real API and runner wrote (c5f4afd1). */
import { appendFile, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiOpsFromRequestLog, createdWithoutJob, runnerOpsFromLog } from './cloud-ops.ts';
import { createPathGuard } from './guard.ts';

const E = String.fromCharCode(27);
const BOX = 'U9F0fAIRSS8I';
/** A pino-http line as pino-pretty writes it (colours included), one per request. */
const request = (method: string, url: string, status: number) =>
  `[18:35:55.298] ${E}[32mINFO${E}[39m: ${E}[36mrequest completed${E}[39m ${E}[90m{"reqId":1071,"req":{"id":1071,"method":"${method}","url":"${url}","query":{},"headers":{"host":"127.0.0.1:3000","authorization":"Bearer REDACTED"},"remoteAddress":"127.0.0.1"},"res":{"statusCode":${status},"headers":{"x-powered-by":"Express"}},"responseTime":435}${E}[39m`;
const job = (type: string, box: string) =>
  `2026-12-07T18:35:55Z INF Executing job component=executor job_id=75b6a1fa-0c66-415f-acb8-6e8cd80f9c7d job_type=${type} resource_type=BOX resource_id=${box}`;
const P = '/api/v1/ae1461cb-c924-4e70-b787-477b03e6d521/boxes';

describe('cloud logs as operations', () => {
  it('reads start/stop/remove per box from the API request lines; create carries no id', () => {
    const text = [
      request('POST', P, 201),
      request('POST', `${P}/${BOX}/stop`, 200),
      request('POST', `${P}/${BOX}/start`, 409),
      request('DELETE', `${P}/${BOX}?force=true`, 204),
      request('GET', '/api/jobs/poll?limit=10&timeout=30', 200),
    ].join('\n');
    expect(apiOpsFromRequestLog(text)).toEqual(
      new Map([
        [
          BOX,
          new Map([
            ['stop', 1],
            ['remove', 1],
          ]),
        ],
      ]),
    );
  });

  it('reads the runner jobs per box, and which created boxes have no CREATE_BOX job', () => {
    const text = [
      job('CREATE_BOX', BOX),
      `2026-12-07T18:35:55Z INF created box id=Ie33SZVfuxZe boxId=${BOX} name=${BOX} image=127.0.0.1:36987/boxlite-e2e/busybox:1`,
      job('DESTROY_BOX', BOX),
    ].join('\n');
    const ops = runnerOpsFromLog(text);
    expect(ops).toEqual(
      new Map([
        [
          BOX,
          new Map([
            ['create', 1],
            ['remove', 1],
          ]),
        ],
      ]),
    );
    expect(createdWithoutJob([BOX, 'gahKH1l9pMu3'], ops)).toEqual(['gahKH1l9pMu3']);
  });

  it('the guard names a stop the API served that no runner job performed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cloud-guard-'));
    const [runner, api] = [join(dir, 'runner.log'), join(dir, 'api.log')];
    await writeFile(runner, '');
    await writeFile(api, '');
    const guard = createPathGuard({
      runner: { kind: 'file', path: runner },
      api: { kind: 'file', path: api },
      perOp: { available: true },
    });
    const cursors = await guard.begin();
    await appendFile(api, `${request('POST', P, 201)}\n${request('POST', `${P}/${BOX}/stop`, 200)}\n`);
    await appendFile(runner, `${job('CREATE_BOX', BOX)}\n`);
    const v = await guard.verify([BOX], cursors, { timeoutMs: 200 });
    expect(v.ok).toBe(false);
    expect(v.ops).toEqual({ checked: 2, gaps: [{ box: BOX, op: 'stop', api: 1, runner: 0 }] });
    await appendFile(runner, `${job('STOP_BOX', BOX)}\n`);
    expect((await guard.verify([BOX], cursors, { timeoutMs: 200 })).ok).toBe(true);
  });
});
