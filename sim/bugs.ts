/**
 * Catalogue of sim bug switches. Each reproduces one known upstream misbehaviour so a case
 * can prove it catches that bug. The correct behaviour is always the default; a sim started
 * with `--bugs a,b` (or BOXLITE_SIM_BUGS=a,b) misbehaves in exactly those ways.
 * `owner` says which sim process implements the switch (both receive the full list). The
 * upstream issue, source pointer and real-stack status of each bug are in the known-bug
 * ledger (harness/ledger/known-bugs.ts), which names its switch.
 */
import type { OptionSpec } from '../kernel/options.ts';

export interface BugSwitch {
  id: string;
  /** What the sim does wrong with the switch on. Upstream pointers live in the ledger. */
  title: string;
  owner: 'api' | 'runner' | 'both';
}

export const BUG_SWITCHES = [
  {
    id: 'exec-stdout-drop',
    title: 'exit frame may overtake the last stdout chunks of fast execs',
    owner: 'runner',
  },
  {
    id: 'exec-stopped-500',
    title: 'exec on a stopped box answers 500 instead of 409 stopped',
    owner: 'runner',
  },
  {
    id: 'exec-removed-500',
    title: 'exec after remove answers 500 (spawn_failed) instead of 404',
    owner: 'api',
  },
  {
    id: 'exec-spawn-500',
    title: 'missing binary answers 500 internal instead of 422 execution_failed',
    owner: 'runner',
  },
  {
    id: 'exec-user-500',
    title: 'unknown exec user answers 500 instead of 400 invalid_argument',
    owner: 'runner',
  },
  {
    id: 'create-invalid-accepted',
    title: 'cpus=0 / memory_mib=-1 silently coerced to defaults and created',
    owner: 'api',
  },
  {
    id: 'create-oversize-clamped',
    title: 'cpus=999 clamped and created instead of 400/429',
    owner: 'api',
  },
  {
    id: 'quota-not-enforced',
    title: 'per-box org quota (max_*_per_box) ignored at create',
    owner: 'api',
  },
  {
    id: 'bad-token-500',
    title: 'a malformed bearer token answers 500 instead of 401',
    owner: 'api',
  },
  {
    id: 'signal-after-exit-204',
    title: 'signal to a finished exec answers 204 instead of 409 invalid_state',
    owner: 'runner',
  },
  {
    id: 'attach-no-replay',
    title: 'output produced before attach or during a dropped socket is lost',
    owner: 'runner',
  },
  {
    id: 'host-bind-honored',
    title: 'a host path in create volumes is mounted instead of refused',
    owner: 'both',
  },
  {
    id: 'cross-org-box-lookup',
    title: "a box id resolves in every org: another tenant's key reaches the box",
    owner: 'api',
  },
  {
    id: 'stale-key-accepted',
    title: 'a revoked or expired API key is still accepted',
    owner: 'api',
  },
  {
    id: 'tunnel-stopped-box-reachable',
    title:
      'stop is answered before the box is down: its guest ports stay reachable through a tunnel for a while',
    owner: 'runner',
  },
  {
    id: 'tunnel-half-close-drops-response',
    title: 'a tunnel client that half-closes its side loses the guest response',
    owner: 'api',
  },
  {
    id: 'stop-skips-runner',
    title: 'stop is answered by the API (row set stopped) without calling the runner',
    owner: 'api',
  },
  {
    id: 'remove-leaves-container',
    title: 'remove answers 204 but the runner leaves the box container running',
    owner: 'runner',
  },
] as const satisfies readonly BugSwitch[];

export type BugId = (typeof BUG_SWITCHES)[number]['id'];
export const BUG_IDS: readonly BugId[] = BUG_SWITCHES.map((b) => b.id);

/** Parses a comma list of switch ids; unknown ids are an error naming the valid ones. */
export function parseBugs(raw: string | undefined): Set<BugId> {
  const out = new Set<BugId>();
  for (const part of (raw ?? '').split(',')) {
    const id = part.trim();
    if (!id) continue;
    if (!(BUG_IDS as readonly string[]).includes(id)) {
      throw new Error(`unknown bug switch ${JSON.stringify(id)}; known: ${BUG_IDS.join(', ')}`);
    }
    out.add(id as BugId);
  }
  return out;
}

/** `--bugs a,b` / BOXLITE_SIM_BUGS, for every entry point that starts or configures a sim. */
export const SIM_BUGS_OPTION = {
  flag: 'bugs',
  env: 'BOXLITE_SIM_BUGS',
  type: 'list',
  doc: 'sim bug switches to turn on, comma separated (see sim/bugs.ts)',
  check: (ids: string[]) => void parseBugs(ids.join(',')),
} as const satisfies OptionSpec;
