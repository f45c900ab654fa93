/**
 * /etc/passwd and /etc/group parsing plus the exec `user` rules Docker/runc apply:
 * "name", "uid", "name:group", "uid:gid" (and mixes). Numeric ids need no entry; names must
 * exist. Pure; unit-tested.
 */

export interface UserDb {
  users: Map<string, number>;
  groups: Map<string, number>;
}

function parseDb(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const f = line.split(':');
    const id = Number(f[2]);
    if (f[0] && Number.isInteger(id)) out.set(f[0], id);
  }
  return out;
}

export function parseUserDb(passwd: string | null, group: string | null): UserDb {
  return { users: parseDb(passwd ?? ''), groups: parseDb(group ?? '') };
}

const NUMERIC = /^\d+$/;
/** uid/gid are 32-bit; Docker refuses larger values at exec start. */
const MAX_ID = 2 ** 32 - 2;

/** The parts of a user spec that need a database lookup; empty when all parts are numeric. */
export function userSpecNeedsDb(spec: string): boolean {
  const [u = '', g] = spec.split(':');
  return !NUMERIC.test(u) || (g !== undefined && !NUMERIC.test(g));
}

/** Returns null when valid, else the reason (used verbatim in the 400 message). */
export function checkUserSpec(spec: string, db: UserDb | null): string | null {
  const parts = spec.split(':');
  if (parts.length > 2 || parts.some((p) => p === ''))
    return `user ${JSON.stringify(spec)} is not of the form user[:group]`;
  const [u = '', g] = parts;
  for (const [kind, v] of [
    ['user', u],
    ['group', g],
  ] as const) {
    if (v === undefined) continue;
    if (NUMERIC.test(v)) {
      if (Number(v) > MAX_ID) return `${kind} id ${v} is out of range`;
      continue;
    }
    const table = kind === 'user' ? db?.users : db?.groups;
    if (!table?.has(v))
      return `unknown ${kind} ${JSON.stringify(v)}: no matching entry in /etc/${kind === 'user' ? 'passwd' : 'group'}`;
  }
  return null;
}
