/**
 * Compares targets' observations of the diff corpus against the first (the sim): every
 * difference in status, envelope code or field set is either explained in that target's
 * divergence table (with the reason) or reported as unexplained — which fails
 * `pnpm e2e:diff` until the sim is fixed or the difference is understood and listed.
 */
import { mdTable } from '../../harness/reporters/render/markdown.ts';
import type { Observation } from './corpus.ts';
import { REAL_API_DIVERGENCES } from './real-api-divergences.ts';

/** Known, understood differences between the sim and `boxlite serve` 0.11, by corpus id. */
const PLAIN =
  'serve rejects in its axum extractor with plain text, no envelope (ledger serve-plain-rejection; the sim is right)';
const SCOPE = 'the sim follows the cloud API; serve is a single-node local runtime';
export const SERVE_DIVERGENCES: Record<string, string> = {
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

/** Each target's divergences from the sim, by stack kind. */
export const DIVERGENCES: Record<string, Record<string, string>> = {
  serve: SERVE_DIVERGENCES,
  boxlite: REAL_API_DIVERGENCES,
};

export interface Side {
  label: string;
  /** The stack kind: which divergence table explains its differences. */
  kind: string;
  obs: Map<string, Observation>;
}

/** Per other side: 'same', the reason its difference is known, or null (unexplained). */
export type Verdict = 'same' | { reason: string } | null;

export interface Row {
  id: string;
  cells: (Observation | undefined)[];
  verdicts: Verdict[];
}

export const fmt = (o: Observation | undefined) =>
  o ? `${o.status} ${o.code}${o.fields ? ` {${o.fields}}` : ''}` : 'not run';

/** Rows of the corpus: the reference side's observation, then each other side's and verdict. */
export function compareSides(ref: Side, others: readonly Side[]): Row[] {
  const ids = [...new Set([ref, ...others].flatMap((s) => [...s.obs.keys()]))];
  return ids.map((id) => ({
    id,
    cells: [ref, ...others].map((s) => s.obs.get(id)),
    verdicts: others.map((s): Verdict => {
      if (fmt(s.obs.get(id)) === fmt(ref.obs.get(id))) return 'same';
      const reason = DIVERGENCES[s.kind]?.[id];
      return reason ? { reason } : null;
    }),
  }));
}

export const unexplained = (rows: readonly Row[]) => rows.filter((r) => r.verdicts.includes(null));

const cellVerdict = (v: Verdict) =>
  v === 'same' ? 'same' : v ? `divergence: ${v.reason}` : '**UNEXPLAINED**';

export function renderDiff(rows: readonly Row[], labels: readonly string[]): string {
  const [ref, ...others] = labels;
  const counts = others.map((l, i) => {
    const same = rows.filter((r) => r.verdicts[i] === 'same').length;
    const known = rows.filter((r) => r.verdicts[i] !== 'same' && r.verdicts[i] !== null).length;
    return `${l}: ${same} identical, ${known} known divergences, **${rows.length - same - known} unexplained**`;
  });
  const lines = [
    `# Non-VM request corpus: ${labels.join(' vs ')}`,
    '',
    `${rows.length} requests, compared with ${ref}. ${counts.join('; ')}.`,
    '',
    mdTable(
      ['request', ...labels, ...others.map((l) => `verdict (${l})`)],
      rows.map((r) => [r.id, ...r.cells.map(fmt), ...r.verdicts.map(cellVerdict)]),
    ),
    '',
  ];
  return lines.join('\n');
}
