/**
 * Which cases run against a mutant. The baseline run gives two maps:
 *   reach     case → the API routes it hit (the access log's `route`, in the case's time window)
 *   coverage  mutant → the scopes whose code passed it (sim/shared/mutant-switch.ts): a route
 *             (`POST /boxes`), or a scope no case names (`http` before routing, a background
 *             sweep, `unscoped`), or static (module load and start-up)
 * A mutant covered under routes gets the passing cases that hit one of them. One covered under
 * `http` (auth and routing, before a route is known) is on every request's path: any case that
 * made a request, even where it was also covered under a route. One covered only under other scopes gets its file's family (the cases reaching
 * any route its file's other mutants are covered under), else any case. Fastest first, within a
 * budget of baseline time, so that a mutant on the create path does not run the whole suite.
 */

export interface TestRecord {
  /** `<file> > <full name>`, as the collector names cases. */
  id: string;
  file: string;
  line: number | null;
  state: 'passed' | 'failed' | 'skipped';
  /** Epoch ms the test started, and how long it took. */
  start: number;
  ms: number;
}

export interface AccessLine {
  ts: number;
  route?: string;
}

export interface MutantCoverage {
  static: Record<string, number>;
  perTest: Record<string, Record<string, number>>;
}

/** The scope of code that runs before the router names the route. */
export const HTTP_SCOPE = 'http';

/** Access-log lines are written when a reply closes: a little after the case's last await. */
const SLACK_MS = 1500;

/** Parses the API access log (one JSON object a line); lines that are not are skipped. */
export function parseAccessLog(text: string): AccessLine[] {
  const out: AccessLine[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const e = JSON.parse(line) as { ts?: string; route?: string };
      if (typeof e.ts === 'string')
        out.push({ ts: Date.parse(e.ts), ...(e.route ? { route: e.route } : {}) });
    } catch {
      // a line cut by a concurrent write: nothing to attribute
    }
  }
  return out;
}

/**
 * Each test's routes: the lines inside its window (tests that overlap share lines: over-selection
 * only). A request refused before routing (no key, a foreign org) has no route: it counts as `http`.
 */
export function reachOf(
  tests: readonly TestRecord[],
  lines: readonly AccessLine[],
): Record<string, string[]> {
  const reach: Record<string, string[]> = {};
  for (const t of tests) {
    const routes = new Set<string>();
    for (const l of lines) {
      if (l.ts >= t.start && l.ts <= t.start + t.ms + SLACK_MS) routes.add(l.route ?? HTTP_SCOPE);
    }
    reach[t.id] = [...routes].sort();
  }
  return reach;
}

export interface CoverageIndex {
  /** Mutant id → the scopes it was covered under at run time. */
  scopes: Record<string, string[]>;
  /** Mutants covered while the modules loaded or the process started: only a restart switches them. */
  statics: string[];
}

/** Merges the coverage of both sim processes. */
export function indexCoverage(covs: readonly MutantCoverage[]): CoverageIndex {
  const scopes = new Map<string, Set<string>>();
  const statics = new Set<string>();
  for (const cov of covs) {
    for (const id of Object.keys(cov.static)) statics.add(id);
    for (const [scope, hits] of Object.entries(cov.perTest)) {
      for (const id of Object.keys(hits)) {
        if (!scopes.has(id)) scopes.set(id, new Set());
        scopes.get(id)?.add(scope);
      }
    }
  }
  return {
    scopes: Object.fromEntries([...scopes].map(([id, s]) => [id, [...s].sort()])),
    statics: [...statics].sort(),
  };
}

export type Selection =
  | { kind: 'run'; tests: TestRecord[]; candidates: number; by: 'routes' | 'http' | 'family' | 'any' }
  | { kind: 'no-coverage' }
  | { kind: 'static' };

export interface SelectionInput {
  tests: readonly TestRecord[];
  reach: Record<string, string[]>;
  coverage: CoverageIndex;
  /** Mutant id → its file, for the family fallback. */
  fileOf: Record<string, string>;
  budgetMs: number;
}

export function selectTests(id: string, input: SelectionInput): Selection {
  const scopes = input.coverage.scopes[id] ?? [];
  if (!scopes.length)
    return input.coverage.statics.includes(id) ? { kind: 'static' } : { kind: 'no-coverage' };
  const passing = input.tests.filter((t) => t.state === 'passed');
  const hits = (routes: ReadonlySet<string>) =>
    passing.filter((t) => (input.reach[t.id] ?? []).some((r) => routes.has(r)));
  const reached = new Set(Object.values(input.reach).flat());
  const pick = (by: 'routes' | 'http' | 'family' | 'any', candidates: TestRecord[]): Selection => ({
    kind: 'run',
    tests: withinBudget(candidates, input.budgetMs),
    candidates: candidates.length,
    by,
  });
  // Before the routes: code that also ran before routing is on every request's path.
  if (scopes.includes(HTTP_SCOPE))
    return pick(
      'http',
      passing.filter((t) => input.reach[t.id]?.length),
    );
  const own = new Set(scopes.filter((s) => reached.has(s)));
  if (own.size) return pick('routes', hits(own));
  const family = hits(familyRoutes(id, input, reached));
  return family.length ? pick('family', family) : pick('any', passing);
}

/** The routes any mutant of the same file is covered under. */
function familyRoutes(id: string, input: SelectionInput, reached: ReadonlySet<string>): Set<string> {
  const file = input.fileOf[id];
  const routes = new Set<string>();
  for (const [other, scopes] of Object.entries(input.coverage.scopes)) {
    if (input.fileOf[other] !== file) continue;
    for (const s of scopes) if (reached.has(s)) routes.add(s);
  }
  return routes;
}

/** Fastest first until the budget is spent; always at least one. */
function withinBudget(tests: readonly TestRecord[], budgetMs: number): TestRecord[] {
  const out: TestRecord[] = [];
  let spent = 0;
  for (const t of [...tests].sort((a, b) => a.ms - b.ms || a.id.localeCompare(b.id))) {
    if (out.length && spent + t.ms > budgetMs) break;
    out.push(t);
    spent += t.ms;
  }
  return out;
}
