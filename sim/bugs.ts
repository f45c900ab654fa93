/**
 * Catalogue of sim bug switches. Each reproduces one known upstream misbehaviour so a case
 * can prove it catches that bug. The correct behaviour is always the default; a sim started
 * with `--bugs a,b` (or BOXLITE_SIM_BUGS=a,b) misbehaves in exactly those ways.
 * `owner` says which sim process implements the switch (both receive the full list).
 */
export interface BugSwitch {
  id: string;
  title: string;
  upstream: string;
  owner: 'api' | 'runner' | 'both';
}

export const BUG_SWITCHES = [
  {
    id: 'exec-stdout-drop',
    title: 'exit frame may overtake the last stdout chunks of fast execs',
    upstream: 'boxlite-ai/boxlite#563 (drain race; upstream saw ~36-90 % loss)',
    owner: 'runner',
  },
  {
    id: 'exec-stopped-500',
    title: 'exec on a stopped box answers 500 instead of 409 stopped',
    upstream: 'apps/runner/pkg/api/controllers/boxlite_exec.go:77 (PR #678)',
    owner: 'runner',
  },
  {
    id: 'exec-removed-500',
    title: 'exec after remove answers 500 (spawn_failed) instead of 404',
    upstream: 'apps/api/src/boxlite-rest/boxlite-proxy.controller.ts (soft-deleted row matched)',
    owner: 'api',
  },
  {
    id: 'exec-spawn-500',
    title: 'missing binary answers 500 internal instead of 422 execution_failed',
    upstream: 'src/shared/src/errors.rs:198-280; runner classifyExecError',
    owner: 'runner',
  },
  {
    id: 'exec-user-500',
    title: 'unknown exec user answers 500 instead of 400 invalid_argument',
    upstream: 'boxlite-ai/boxlite#690',
    owner: 'runner',
  },
  {
    id: 'create-invalid-accepted',
    title: 'cpus=0 / memory_mib=-1 silently coerced to defaults and created',
    upstream: 'apps/api/src/boxlite-rest/dto/create-box.dto.ts:24; apps/api/src/main.ts:65-69 (PR #662)',
    owner: 'api',
  },
  {
    id: 'create-oversize-clamped',
    title: 'cpus=999 clamped and created instead of 400/429',
    upstream: 'apps/api/src/boxlite-rest/dto/create-box.dto.ts:24 (@Min, no @Max)',
    owner: 'api',
  },
  {
    id: 'quota-not-enforced',
    title: 'per-box org quota (max_*_per_box) ignored at create',
    upstream: 'apps/api/src/box/services/box.service.ts createFromSnapshot',
    owner: 'api',
  },
  {
    id: 'bad-token-500',
    title: 'a malformed bearer token answers 500 instead of 401',
    upstream: 'scripts/test/e2e/cases/test_errors.py test_invalid_token_returns_401_not_500',
    owner: 'api',
  },
  {
    id: 'signal-after-exit-204',
    title: 'signal to a finished exec answers 204 instead of 409 invalid_state',
    upstream: 'apps/runner/pkg/api/controllers/boxlite_exec.go (signal handler ignores exec state)',
    owner: 'runner',
  },
  {
    id: 'attach-no-replay',
    title: 'output produced before attach or during a dropped socket is lost',
    upstream: 'boxlite-ai/boxlite#627 (attach re-drain); runner fan-out has no backlog',
    owner: 'runner',
  },
  {
    id: 'host-bind-honored',
    title: 'a host path in create volumes is mounted instead of refused',
    upstream: 'src/boxlite/src/rest/types.rs volumes (managed volumes only over REST)',
    owner: 'both',
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
