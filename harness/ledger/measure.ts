/**
 * The ledger's real-stack status, measured: for every known bug whose symptom shows without a
 * VM, one probe asks the real API the question the bug is about and reads the answer as
 * `open` or `fixed`, with the answer as evidence. A run against target boxlite measures them
 * (the stack's own ref) and uses what it measured; `pnpm e2e:ledger --record` writes them to
 * real-status.json, which is where known-bugs.ts takes those statuses from — never by hand.
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StackAdmin } from '../../drivers/admin/index.ts';
import { createRestDriver, type RestDriver } from '../../drivers/rest/driver.ts';
import type { RestResponse } from '../../drivers/rest/http.ts';
import { stackAdmin } from '../handle/admin.ts';
import type { StackHandle } from '../handle/handle.ts';
import { errorWords } from '../handle/preflight.ts';
import type { BugStatus } from './known-bugs.ts';

export type Measurement = { status: BugStatus; evidence: string } | { unmeasurable: string };

interface ProbeContext {
  rest: RestDriver;
  admin: StackAdmin;
  image: string;
  name: () => string;
}

type LedgerProbe = (c: ProbeContext) => Promise<Measurement>;

const clip = (s: string) => s.replace(/\s+/g, ' ').trim().slice(0, 300);
const said = (what: string, res: RestResponse) => clip(`${what} → HTTP ${res.status} ${errorWords(res)}`);

/**
 * Whether a create got past the API's checks: a 2xx, or a failure of the box start that
 * follows them (on a host where no VM starts, the runner's "failed to start box").
 */
const STARTED_PAST_CHECKS = /state transition failed|failed to start box/i;
function accepted(res: RestResponse): boolean {
  return res.status < 300 || STARTED_PAST_CHECKS.test(errorWords(res));
}

/** A create the bug says is accepted: `open` when it is, `fixed` when the API refuses it. */
const createRefused =
  (body: Record<string, unknown>, what: string): LedgerProbe =>
  async (c) => {
    const res = await c.rest.tenant('POST', '/boxes', { body: { image: c.image, name: c.name(), ...body } });
    return { status: accepted(res) ? 'open' : 'fixed', evidence: said(`POST /boxes ${what}`, res) };
  };

/** The runner keeps the row of a box whose create failed: its id, from the listing. */
async function idOfNamed(rest: RestDriver, name: string): Promise<string | null> {
  const list = await rest.tenant<{ boxes?: { box_id: string; name?: string | null }[] }>('GET', '/boxes');
  return list.json?.boxes?.find((b) => b.name === name)?.box_id ?? null;
}

/** Per-box limit enforcement: above the org's own limit (read from the API's refusal of 999). */
const quotaProbe: LedgerProbe = async (c) => {
  const big = await c.rest.tenant('POST', '/boxes', { body: { image: c.image, name: c.name(), cpus: 999 } });
  const limit = Number(/per-box limit of (\d+)/.exec(errorWords(big))?.[1] ?? 0);
  if (!limit) return { unmeasurable: said('POST /boxes {"cpus":999} named no per-box limit', big) };
  const res = await c.rest.tenant('POST', '/boxes', {
    body: { image: c.image, name: c.name(), cpus: limit + 1 },
  });
  return {
    status: accepted(res) ? 'open' : 'fixed',
    evidence: said(`POST /boxes {"cpus":${limit + 1}} (org per-box limit ${limit})`, res),
  };
};

/** A create the API answers with an error must leave no box; measurable where the start fails. */
const failedCreateProbe: LedgerProbe = async (c) => {
  const name = c.name();
  const res = await c.rest.tenant('POST', '/boxes', { body: { image: c.image, name } });
  if (res.status < 300)
    return { unmeasurable: 'a box create succeeds here: no failed create to look behind' };
  const left = await idOfNamed(c.rest, name);
  return {
    status: left ? 'open' : 'fixed',
    evidence: `${said('POST /boxes', res)}; GET /boxes then ${left ? `lists ${left} under that name` : 'lists no box of that name'}`,
  };
};

/** Creates at once: none may be refused for want of a runner while the runner is ready. */
const concurrentProbe: LedgerProbe = async (c) => {
  const answers = await Promise.all(
    Array.from({ length: 4 }, () =>
      c.rest.tenant('POST', '/boxes', { body: { image: c.image, name: c.name() } }),
    ),
  );
  const refused = answers.filter((r) => /No available runners/.test(errorWords(r)));
  return {
    status: refused.length ? 'open' : 'fixed',
    evidence: `4 concurrent POST /boxes: ${refused.length} answered "No available runners"; the others ${answers
      .filter((r) => !refused.includes(r))
      .map((r) => r.status)
      .join(', ')}`,
  };
};

const PROBES: Record<string, LedgerProbe> = {
  'concurrent-create-no-runner': concurrentProbe,
  'quota-not-enforced': quotaProbe,
  'failed-create-leaves-box': failedCreateProbe,
  'bad-token-500': async (c) => {
    const res = await c.rest.root('GET', '/me', { auth: 'not-a-key!@#' });
    return {
      status: res.status >= 500 ? 'open' : 'fixed',
      evidence: said('GET /v1/me, Bearer not-a-key!@#', res),
    };
  },
  'create-invalid-accepted': createRefused({ cpus: 0 }, '{"cpus":0}'),
  'create-oversize-clamped': createRefused({ cpus: 999 }, '{"cpus":999}'),
  'host-bind-honored': createRefused(
    { volumes: [{ host_path: '/etc', guest_path: '/mnt/host-etc' }] },
    '{"volumes":[{"host_path":"/etc",…}]}',
  ),
  'rest-error-envelope': async (c) => {
    const res = await c.rest.tenant('GET', '/boxes/00000000-0000-0000-0000-000000000000');
    return {
      status: res.envelope ? 'fixed' : 'open',
      evidence: clip(`GET /v1/{p}/boxes/{unknown} → HTTP ${res.status} ${res.text}`),
    };
  },
  'stale-key-accepted': async (c) => {
    const org = await c.admin.adminOrg();
    const key = await c.admin.createApiKey(org, { name: `e2e-ledger-${randomBytes(3).toString('hex')}` });
    const before = await c.rest.root('GET', '/me', { auth: key.value });
    if (before.status !== 200) return { unmeasurable: said('GET /v1/me with a fresh key', before) };
    await c.admin.revokeApiKey(org, key);
    const after = await c.rest.root('GET', '/me', { auth: key.value });
    return {
      status: after.status === 200 ? 'open' : 'fixed',
      evidence: said('GET /v1/me with a revoked key', after),
    };
  },
  'exec-removed-500': async (c) => {
    const name = c.name();
    const made = await c.rest.tenant<{ box_id?: string }>('POST', '/boxes', {
      body: { image: c.image, name },
    });
    const id = made.json?.box_id ?? (await idOfNamed(c.rest, name));
    if (!id) return { unmeasurable: said('POST /boxes (for a box to remove)', made) };
    const removed = await c.rest.tenant('DELETE', `/boxes/${id}`, { query: { force: 'true' } });
    if (removed.status >= 300) return { unmeasurable: said(`DELETE /boxes/${id}?force=true`, removed) };
    const res = await c.rest.tenant('POST', `/boxes/${id}/exec`, { body: { command: 'true' } });
    return {
      status: res.status >= 500 ? 'open' : 'fixed',
      evidence: said('POST /boxes/{removed}/exec', res),
    };
  },
};

/** The bugs whose real status is measured (the rest need a VM or a second org). */
export const MEASURED_BUGS = Object.keys(PROBES);

/** Measures every probe-able bug on `stack`; boxes it made are removed. */
export async function measureLedger(
  stack: StackHandle,
  prefix: string,
): Promise<Record<string, Measurement>> {
  const rest = createRestDriver(stack, () => {});
  const ctx: ProbeContext = {
    rest,
    admin: stackAdmin(stack),
    image: stack.images.default,
    name: () => `${prefix}${randomBytes(3).toString('hex')}`,
  };
  const out: Record<string, Measurement> = {};
  try {
    for (const [id, probe] of Object.entries(PROBES))
      out[id] = await probe(ctx).catch((err: Error) => ({ unmeasurable: clip(err.message) }));
  } finally {
    const list = await rest.tenant<{ boxes?: { box_id: string; name?: string | null }[] }>('GET', '/boxes');
    for (const b of list.json?.boxes ?? [])
      if (b.name?.startsWith(prefix))
        await rest.tenant('DELETE', `/boxes/${b.box_id}`, { query: { force: 'true' } }).catch(() => null);
  }
  return out;
}

/** Measured statuses as per-run overrides (what could not be measured keeps the recorded one). */
export function measuredOverrides(m: Record<string, Measurement>): Record<string, BugStatus> {
  const out: Record<string, BugStatus> = {};
  for (const [id, v] of Object.entries(m)) if ('status' in v) out[id] = v.status;
  return out;
}

/** A run's measurement: written to the report (ledger-measured.json), said in one line, used as overrides. */
export async function measureForRun(
  stack: StackHandle,
  prefix: string,
  reportDir: string,
): Promise<Record<string, BugStatus>> {
  const m = await measureLedger(stack, prefix);
  await writeFile(
    join(reportDir, 'ledger-measured.json'),
    `${JSON.stringify({ ref: stack.stack?.boxlite?.head ?? null, bugs: m }, null, 2)}\n`,
  );
  const parts = Object.entries(m).map(([id, v]) => `${id} ${'status' in v ? v.status : 'not measured'}`);
  process.stderr.write(`ledger measured on the real API: ${parts.join(', ')}\n`);
  return measuredOverrides(m);
}
