/**
 * Table-driven routing. Patterns are '/'-separated with `:name` segments; matching is on
 * decoded segments. Tenant routes are matched on the path after `/api/v1/{path_prefix}`,
 * which the caller strips once the principal (and so its prefix) is known.
 */
export interface RouteMatch<H> {
  handler: H;
  params: Record<string, string>;
  /** `METHOD pattern` of the route that matched: the access log's `route`. */
  route: string;
}

export interface Route<H> {
  method: string;
  pattern: string;
  handler: H;
}

export class Router<H> {
  private readonly routes: { method: string; pattern: string; parts: string[]; handler: H }[] = [];

  add(method: string, pattern: string, handler: H): this {
    this.routes.push({ method, pattern, parts: split(pattern), handler });
    return this;
  }

  addAll(routes: readonly Route<H>[]): this {
    for (const r of routes) this.add(r.method, r.pattern, r.handler);
    return this;
  }

  /** Finds the route; HEAD falls back to GET. `methodMismatch` says the path exists for another verb. */
  match(method: string, path: string): RouteMatch<H> | { methodMismatch: boolean } {
    const segs = split(path);
    let mismatch = false;
    for (const wanted of method === 'HEAD' ? ['HEAD', 'GET'] : [method]) {
      for (const r of this.routes) {
        const params = matchParts(r.parts, segs);
        if (!params) continue;
        if (r.method === wanted) return { handler: r.handler, params, route: `${r.method} ${r.pattern}` };
        mismatch = true;
      }
    }
    return { methodMismatch: mismatch };
  }
}

function split(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

function matchParts(parts: string[], segs: string[]): Record<string, string> | null {
  if (parts.length !== segs.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i] as string;
    const s = segs[i] as string;
    if (p.startsWith(':')) {
      let v: string;
      try {
        v = decodeURIComponent(s);
      } catch {
        return null;
      }
      params[p.slice(1)] = v;
    } else if (p !== s) {
      return null;
    }
  }
  return params;
}

/**
 * Strips `/api/v1/{prefix}` from a path when it starts with exactly that prefix (which may
 * span several segments). Returns the remainder ('/boxes/...') or null for another tenant.
 */
export function stripTenantPrefix(pathname: string, prefix: string): string | null {
  const head = `/api/v1/${prefix}/`;
  if (!prefix || !pathname.startsWith(head)) return null;
  return `/${pathname.slice(head.length)}`;
}

export type TenantPath = { rest: string } | { foreign: string } | null;

/**
 * Where a tenant request lands (upstream mounts each tenant controller twice,
 * `['v1/boxes', 'v1/:prefix/boxes']`, boxlite-box.controller.ts): under the key's own
 * prefix, or prefix-less (the canonical form; the org comes from the key) → `{ rest }`.
 * A tenant route under any other namespace → `{ foreign }`: upstream's organization
 * guard refuses the mismatch with 403 (apps/e2e test_cross_org_isolation), whether or
 * not an org owns that namespace. `routes(rest)` says whether a remainder is a tenant route.
 */
export function resolveTenantPath(
  pathname: string,
  ownPrefix: string,
  routes: (rest: string) => boolean,
): TenantPath {
  const own = stripTenantPrefix(pathname, ownPrefix);
  if (own !== null) return { rest: own };
  if (!pathname.startsWith('/api/v1/')) return null;
  const bare = pathname.slice('/api/v1'.length);
  if (routes(bare)) return { rest: bare };
  const segs = bare.slice(1).split('/');
  for (let i = 1; i < segs.length; i++) {
    if (routes(`/${segs.slice(i).join('/')}`)) return { foreign: segs.slice(0, i).join('/') };
  }
  return null;
}

/** Box id or name from a tenant path, for the access log ('/boxes/<x>/...'). */
export function boxIdFromPath(pathname: string): string | undefined {
  const m = /\/boxes\/([^/?]+)/.exec(pathname);
  if (!m?.[1]) return undefined;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return m[1];
  }
}
