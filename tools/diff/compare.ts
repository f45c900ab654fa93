/**
 * Compares two targets' observations of the diff corpus: every difference in status,
 * envelope code or field set is either explained in DIVERGENCES (with the reason) or
 * reported as unexplained — which fails `pnpm e2e:diff` until the sim is fixed or the
 * difference is understood and listed.
 */
import { mdTable } from '../../harness/reporters/render/markdown.ts';
import type { Observation } from './corpus.ts';

/** Known, understood differences between the sim and `boxlite serve` 0.11, by corpus id. */
const PLAIN =
  'serve rejects in its axum extractor with plain text, no envelope (ledger serve-plain-rejection; the sim is right)';
const SCOPE = 'the sim follows the cloud API; serve is a single-node local runtime';
export const DIVERGENCES: Record<string, string> = {
  'GET /v1/config, no key': `the sim adds \`defaults\` (cpus, memory, disk); clients ignore unknown fields (protocol §1.2)`,
  'GET /v1/me': `${SCOPE}: the sim names an org (org_id, path_prefix, quotas), serve a local principal (email, prefix null)`,
  'POST /boxes {image} (Box JSON)':
    'serve 0.11 BoxResponse has no disk_size_gb (serve/types.rs); the SDK does not require it (protocol §7, item 3)',
  'GET /boxes/{id} (Box JSON)': 'as for create: no disk_size_gb in serve 0.11 Box JSON',
  'HEAD /boxes/{id}': 'the client takes 200 and 204 alike as "exists" (protocol §3.1 `head_exists`)',
  'POST /boxes cpus=16': `${SCOPE}: the sim's default org caps a box below 16 cpus (quota, 429); serve allows 1..16`,
  'POST /boxes cpus=17':
    'both refuse: the sim by org quota (429 resource_exhausted), serve by its range 1..16 (guest kernel, 400)',
  'POST /boxes cpus=256': PLAIN,
  'POST /boxes cpus="2"': PLAIN,
  'POST /boxes memory_mib=-1': PLAIN,
  'POST /boxes memory_mib=0': 'serve 0.11 does not validate memory_mib 0 at create (the sim refuses it: 400)',
  'POST /boxes without image':
    'serve 0.11 `image` is optional in CreateBoxRequest (a rootfs path may replace it); the sim requires one',
  'POST /boxes invalid JSON': PLAIN,
  'POST /boxes unknown field':
    'serve 0.11 CreateBoxRequest is deny_unknown_fields (422 plain text); protocol §7 item 5 and the sim ignore unknown fields',
  'POST /boxes duplicate name':
    'serve answers a taken name with 400 invalid_argument, the sim (and the canonical table, protocol §6.2) with 409 already_exists',
  'POST /boxes/{id}/exec without command': PLAIN,
  'GET /v1/{p}/no-such-route': PLAIN,
  'GET /images/usage': `${SCOPE}: serve's local cache has no limit, so usage is 400 unsupported (serve/handlers/images.rs); the cloud counts its catalog (boxlite-image.controller.ts)`,
  'POST /images/pull {}':
    "serve has no pull route (405; 0.11 clients pull at create); the cloud's `POST /v1/{p}/images/pull` refuses a missing reference with 400 (boxlite-images.controller.ts)",
};

export interface Row {
  id: string;
  a: Observation | undefined;
  b: Observation | undefined;
  same: boolean;
  reason: string | null;
}

const fmt = (o: Observation | undefined) =>
  o ? `${o.status} ${o.code}${o.fields ? ` {${o.fields}}` : ''}` : 'not run';

export function compareRuns(a: Map<string, Observation>, b: Map<string, Observation>): Row[] {
  const ids = [...new Set([...a.keys(), ...b.keys()])];
  return ids.map((id) => {
    const same = fmt(a.get(id)) === fmt(b.get(id));
    return { id, a: a.get(id), b: b.get(id), same, reason: same ? null : (DIVERGENCES[id] ?? null) };
  });
}

export function renderDiff(rows: readonly Row[], labels: { a: string; b: string }): string {
  const unexplained = rows.filter((r) => !r.same && !r.reason);
  const lines = [
    `# Non-VM request corpus: ${labels.a} vs ${labels.b}`,
    '',
    `${rows.length} requests, ${rows.filter((r) => r.same).length} identical, ` +
      `${rows.filter((r) => r.reason).length} known divergences, **${unexplained.length} unexplained**.`,
    '',
    mdTable(
      ['request', labels.a, labels.b, 'verdict'],
      rows.map((r) => [
        r.id,
        fmt(r.a),
        fmt(r.b),
        r.same ? 'same' : r.reason ? `divergence: ${r.reason}` : '**UNEXPLAINED**',
      ]),
    ),
    '',
  ];
  return lines.join('\n');
}
