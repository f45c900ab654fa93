import { describe, expect, it } from 'vitest';
import type { RestResponse } from '../../drivers/rest/http.ts';
import { compareSides, DIVERGENCES, renderDiff, SERVE_DIVERGENCES } from './compare.ts';
import { CORPUS, type Observation, observe } from './corpus.ts';

const res = (status: number, text: string): RestResponse => {
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {}
  const err = (json as { error?: unknown } | null)?.error;
  const envelope = typeof err === 'object' ? (err as { message: string; type: string; code: string }) : null;
  return { status, headers: {}, text, body: Buffer.from(text), json, envelope, ms: 1 };
};

describe('e2e:diff', () => {
  it('observes status, envelope code (or what came instead) and a success field set', () => {
    expect(observe(res(201, '{"status":"configured","box_id":"x"}'))).toEqual({
      status: 201,
      code: '-',
      fields: 'box_id,status',
    });
    const env = '{"error":{"message":"m","type":"NotFoundError","code":"not_found"}}';
    expect(observe(res(404, env))).toEqual({ status: 404, code: 'not_found', fields: '' });
    expect(observe(res(422, 'Failed to deserialize'))).toMatchObject({ code: 'text' });
    expect(observe(res(404, ''))).toMatchObject({ code: 'empty' });
    const nest =
      '{"path":"/api/v1/boxes/x","statusCode":404,"error":"Not Found","message":"Box x not found"}';
    expect(observe(res(404, nest))).toMatchObject({ code: 'nest' });
    expect(observe(res(404, '{"error":"box not found: x"}'))).toMatchObject({ code: 'error-string' });
  });

  it('a difference is explained by the divergence table or reported as unexplained', () => {
    const o = (status: number, code: string): Observation => ({ status, code, fields: '' });
    const known = 'POST /boxes invalid JSON';
    const rows = compareSides(
      {
        label: 'sim',
        kind: 'sim',
        obs: new Map([
          [known, o(400, 'invalid_argument')],
          ['new probe', o(400, 'invalid_argument')],
          ['same', o(404, 'not_found')],
        ]),
      },
      [
        {
          label: 'serve',
          kind: 'serve',
          obs: new Map([
            [known, o(400, 'text')],
            ['new probe', o(409, 'already_exists')],
            ['same', o(404, 'not_found')],
          ]),
        },
      ],
    );
    expect(rows.map((r) => [r.id, r.verdicts[0] === 'same', r.verdicts[0] !== null])).toEqual([
      [known, false, true],
      ['new probe', false, false],
      ['same', true, true],
    ]);
    const md = renderDiff(rows, ['sim', 'serve']);
    expect(md).toContain('serve: 1 identical, 1 known divergences, **1 unexplained**');
    expect(md).toContain('| new probe | 400 invalid_argument | 409 already_exists | **UNEXPLAINED** |');
  });

  it('three sides: each difference is explained by its own target table', () => {
    const o = (code: string): Observation => ({ status: 400, code, fields: '' });
    const side = (kind: string, code: string) => ({
      label: kind,
      kind,
      obs: new Map([['POST /boxes invalid JSON', o(code)]]),
    });
    const [row] = compareSides(side('sim', 'invalid_argument'), [
      side('serve', 'text'),
      side('boxlite', 'text'),
    ]);
    expect(row!.verdicts[0]).toEqual({ reason: SERVE_DIVERGENCES['POST /boxes invalid JSON'] });
    expect(row!.verdicts[1]).toEqual({ reason: DIVERGENCES.boxlite!['POST /boxes invalid JSON'] });
    expect(DIVERGENCES.boxlite!['POST /boxes invalid JSON']).toMatch(/rest-error-envelope/);
  });

  it('every divergence names a request of the corpus', () => {
    const ids = new Set(CORPUS.map((p) => p.id));
    for (const table of Object.values(DIVERGENCES))
      for (const id of Object.keys(table)) expect(ids.has(id), id).toBe(true);
  });
});
