import { describe, expect, it } from 'vitest';
import { BOX_ID_RE, newBoxId } from './ids.ts';
import { resolveImage } from './registry.ts';
import { boxIdFromPath, Router, resolveTenantPath, stripTenantPrefix } from './router.ts';
import { tenantRouter } from './server.ts';

describe('router', () => {
  const r = new Router<string>()
    .add('GET', '/boxes', 'list')
    .add('GET', '/boxes/:id', 'get')
    .add('DELETE', '/boxes/:id', 'del');

  it('matches params, decodes them, and falls back HEAD→GET', () => {
    expect(r.match('GET', '/boxes/a%20b')).toEqual({
      handler: 'get',
      params: { id: 'a b' },
      route: 'GET /boxes/:id',
    });
    expect(r.match('HEAD', '/boxes/x')).toMatchObject({ handler: 'get' });
    expect(r.match('POST', '/boxes/x')).toEqual({ methodMismatch: true });
    expect(r.match('GET', '/nope')).toEqual({ methodMismatch: false });
  });

  it('strips single and multi-segment tenant prefixes only when they match', () => {
    expect(stripTenantPrefix('/api/v1/acme/boxes', 'acme')).toBe('/boxes');
    expect(stripTenantPrefix('/api/v1/us-east/team-42/boxes/x', 'us-east/team-42')).toBe('/boxes/x');
    expect(stripTenantPrefix('/api/v1/boxes', 'acme')).toBeNull();
    expect(stripTenantPrefix('/api/v1/acme2/boxes', 'acme')).toBeNull();
  });

  it('resolves own, prefix-less and foreign tenant paths', () => {
    const routes = (rest: string) => /^\/boxes(\/[^/]+(\/exec)?)?$/.test(rest);
    expect(resolveTenantPath('/api/v1/acme/boxes/x', 'acme', routes)).toEqual({ rest: '/boxes/x' });
    expect(resolveTenantPath('/api/v1/boxes/x/exec', 'acme', routes)).toEqual({ rest: '/boxes/x/exec' });
    expect(resolveTenantPath('/api/v1/other/boxes', 'acme', routes)).toEqual({ foreign: 'other' });
    expect(resolveTenantPath('/api/v1/us/team-9/boxes/x', 'acme', routes)).toEqual({ foreign: 'us/team-9' });
    expect(resolveTenantPath('/api/v1/acme/nothing', 'acme', routes)).toEqual({ rest: '/nothing' });
    expect(resolveTenantPath('/api/v1/other/nothing', 'acme', routes)).toBeNull();
    expect(resolveTenantPath('/elsewhere/boxes', 'acme', routes)).toBeNull();
  });

  it('routes every tenant endpoint of the protocol', () => {
    for (const [m, p] of [
      ['POST', '/boxes'],
      ['GET', '/boxes/abc'],
      ['POST', '/boxes/abc/exec'],
      ['GET', '/boxes/abc/executions/e1'],
      ['DELETE', '/boxes/abc/executions/e1'],
      ['POST', '/boxes/abc/executions/e1/signal'],
      ['POST', '/boxes/abc/executions/e1/resize'],
      ['PUT', '/boxes/abc/files'],
      ['GET', '/boxes/abc/files'],
      ['GET', '/boxes/abc/metrics'],
      ['GET', '/metrics'],
      ['POST', '/boxes/import'],
    ] as const) {
      expect('handler' in tenantRouter.match(m, p), `${m} ${p}`).toBe(true);
    }
  });

  it('parses the box id for the access log', () => {
    expect(boxIdFromPath('/api/v1/acme/boxes/Ab12/exec')).toBe('Ab12');
    expect(boxIdFromPath('/api/v1/acme/boxes')).toBeUndefined();
  });
});

describe('ids and images', () => {
  it('mints 12-char base62 box ids', () => {
    const ids = new Set(Array.from({ length: 500 }, () => newBoxId()));
    expect(ids.size).toBe(500);
    for (const id of ids) expect(id).toMatch(BOX_ID_RE);
  });

  it('resolves image names against the stack registry', () => {
    expect(resolveImage('alpine', 'r:5000').ref).toBe('r:5000/alpine:latest');
    expect(resolveImage('boxlite-e2e/busybox:1', 'r:5000')).toEqual({
      ref: 'r:5000/boxlite-e2e/busybox:1',
      repository: 'boxlite-e2e/busybox',
      reference: '1',
    });
    expect(resolveImage('r:5000/x/y:2', 'r:5000').ref).toBe('r:5000/x/y:2');
    expect(resolveImage('x@sha256:abc', 'r:5000').ref).toBe('r:5000/x@sha256:abc');
    expect(() => resolveImage('docker.io/library/alpine', 'r:5000')).toThrow(/only pulls from/);
    expect(() => resolveImage('UPPER', 'r:5000')).toThrow(/not a valid image/);
  });
});
