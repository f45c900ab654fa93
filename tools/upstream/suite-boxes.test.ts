import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boxesBefore, removeSuiteBoxes } from './suite-boxes.ts';

/** A /v1/boxes list and force-DELETE; one box refuses to go (500). */
let boxes: Array<{ box_id: string; name: string | null }> = [];
let server: Server;
let apiUrl = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'GET' && url.pathname === '/v1/boxes') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ boxes }));
      return;
    }
    const id = url.pathname.replace('/v1/boxes/', '');
    if (req.method === 'DELETE' && id !== 'stuck') {
      boxes = boxes.filter((b) => b.box_id !== id);
      res.writeHead(204).end();
      return;
    }
    res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"no"}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('boxes the upstream suite leaves', () => {
  it('removes exactly the boxes that appeared during the run, and names those that would not go', async () => {
    const target = { apiUrl, apiKey: 'k', pathPrefix: '' };
    boxes = [{ box_id: 'mine', name: 'kept' }];
    const before = await boxesBefore(target);
    boxes.push(
      { box_id: 'left1', name: 'cli-e2e-named-box' },
      { box_id: 'left2', name: null },
      { box_id: 'stuck', name: null },
    );
    const l = await removeSuiteBoxes(target, before);
    expect(l.removed.sort()).toEqual(['cli-e2e-named-box (left1)', 'left2']);
    expect(l.stuck).toEqual(['stuck']);
    expect(boxes.map((b) => b.box_id)).toEqual(['mine', 'stuck']);
  });
});
