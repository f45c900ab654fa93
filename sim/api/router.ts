/**
 * Table-driven routing. Patterns are '/'-separated with `:name` segments; matching is on
 * decoded segments. Tenant routes are matched on the path after `/api/v1/{path_prefix}`,
 * which the caller strips once the principal (and so its prefix) is known.
 */
export interface RouteMatch<H> {
  handler: H;
  params: Record<string, string>;
}

export interface Route<H> {
  method: string;
  pattern: string;
  handler: H;
}

export class Router<H> {
  private readonly routes: { method: string; parts: string[]; handler: H }[] = [];

  add(method: string, pattern: string, handler: H): this {
    this.routes.push({ method, parts: split(pattern), handler });
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
        if (r.method === wanted) return { handler: r.handler, params };
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
