/**
 * Every box-scoped route, for an id that was never issued, answers what a client maps to "box
 * not found": HTTP 404 with the not_found envelope (protocol §6.2, §6.3: the SDK makes any 404
 * null on get and "box not found" elsewhere). A route that answered anything else — 400 for a
 * body it read first, a 409 from a state it assumed, a 500 — would make the client report the
 * wrong error for a typo'd id. Needs no box that starts: nothing is created. The cloud API's
 * statuses are right but its bodies are Nest's, not the envelope (ledger rest-error-envelope).
 */
import type { RestRequest } from '../drivers/rest/http.ts';
import { claims, describe, expect, test } from '../fixtures/index.ts';

const GHOST = 'zzzzzzzzzzzz';
const EID = 'exec-00000000-0000-0000-0000-000000000000';

interface Probe {
  what: string;
  method: string;
  path: string;
  req?: RestRequest;
  pins: string[];
}

/** An empty tar archive: two zero blocks. */
const EMPTY_TAR: RestRequest = {
  raw: Buffer.alloc(1024),
  contentType: 'application/x-tar',
  query: { path: '/tmp' },
};

const PROBES: Probe[] = [
  { what: 'box metrics', method: 'GET', path: `/boxes/${GHOST}/metrics`, pins: ['metrics.box.unknown'] },
  {
    what: 'file download',
    method: 'GET',
    path: `/boxes/${GHOST}/files`,
    req: { query: { path: '/etc/hostname' } },
    pins: ['files.unknown-box'],
  },
  {
    what: 'file upload',
    method: 'PUT',
    path: `/boxes/${GHOST}/files`,
    req: EMPTY_TAR,
    pins: ['files.unknown-box'],
  },
  {
    what: 'exec status',
    method: 'GET',
    path: `/boxes/${GHOST}/executions/${EID}`,
    pins: ['exec.status.unknown'],
  },
  {
    what: 'exec kill',
    method: 'DELETE',
    path: `/boxes/${GHOST}/executions/${EID}`,
    pins: ['http.code.not-found'],
  },
  {
    what: 'exec signal',
    method: 'POST',
    path: `/boxes/${GHOST}/executions/${EID}/signal`,
    req: { body: { signal: 15 } },
    pins: ['http.code.not-found'],
  },
  {
    what: 'exec resize',
    method: 'POST',
    path: `/boxes/${GHOST}/executions/${EID}/resize`,
    req: { body: { cols: 80, rows: 24 } },
    pins: ['http.code.not-found'],
  },
  { what: 'start', method: 'POST', path: `/boxes/${GHOST}/start`, pins: ['http.code.not-found'] },
  { what: 'stop', method: 'POST', path: `/boxes/${GHOST}/stop`, pins: ['http.code.not-found'] },
];

describe('a box id that was never issued', () => {
  for (const p of PROBES) {
    test(
      `${p.what}: 404 not_found`,
      claims({ pins: p.pins, detects: ['rest-error-envelope'] }),
      async ({ rest }) => {
        const res = await rest.tenant(p.method, p.path, p.req);
        expect(res.status, `${p.method} ${p.path}: HTTP ${res.status} ${res.text.slice(0, 300)}`).toBe(404);
        expect(res.envelope?.code, res.text.slice(0, 300)).toBe('not_found');
      },
    );
  }
});

describe('identity without a key', () => {
  test(
    'GET /v1/me without a key is 401 unauthenticated',
    claims({ pins: ['identity.me.unauthenticated'], detects: ['rest-error-envelope'] }),
    async ({ rest }) => {
      const res = await rest.root('GET', '/me', { auth: false });
      expect(res.status, res.text.slice(0, 300)).toBe(401);
      expect(res.envelope?.code, res.text.slice(0, 300)).toBe('unauthenticated');
    },
  );
});
