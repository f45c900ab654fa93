/**
 * Known, understood differences between the sim and the real BoxLite API (NestJS API + Go
 * runner built from a checkout; measured at c5f4afd1 on a host where no VM starts), by corpus
 * id, each with its reason. Most are one of three facts:
 *   - ENVELOPE: every API error comes in Nest's `{statusCode,error,message}` shape, not the
 *     spec's string-code envelope (ledger rest-error-envelope); the status agrees.
 *   - NO_BOX: the cloud API boots a box at create, so where no VM starts the corpus' base box
 *     is never made (preflight need `create`) and requests on it see 404 / 400 instead.
 *   - NO_IMAGES: c5f4afd1 serves no `/v1/{p}/images` routes (apps/api/src/boxlite-rest has
 *     boxes, config, me and volumes); the sim keeps the earlier cloud catalog.
 */
const ENVELOPE =
  "same status; the cloud API's body is Nest's {statusCode,error,message} (apps/api/src/filters/all-exceptions.filter.ts:80), not the spec's string-code envelope: ledger rest-error-envelope";
const NO_BOX =
  'no VM starts on this host and the cloud API boots the box at create (400 "Box state transition failed: failed to start box"), so there is no box here; in Nest\'s shape (rest-error-envelope)';
const NO_IMAGES =
  'c5f4afd1 has no /v1/{p}/images routes (Nest\'s 404 "Cannot GET"); the sim keeps the earlier cloud image catalog';

export const REAL_API_DIVERGENCES: Record<string, string> = {
  'GET /v1/config, no key':
    'the sim adds `defaults` (cpus, memory, disk); the cloud API answers capabilities only (boxlite-config.controller.ts); clients ignore the difference',
  'GET /v1/me':
    'the cloud API answers sub, path_prefix (the org id), principal_type, scopes, expires_at (boxlite-me.controller.ts); the sim adds org_id, quotas, display_name and the 0.10 `prefix`, which clients ignore',
  'GET /v1/me, wrong key': ENVELOPE,
  'GET /boxes, no key': ENVELOPE,
  'POST /boxes {image} (Box JSON)': NO_BOX,
  'GET /boxes/{id} (Box JSON)': NO_BOX,
  'HEAD /boxes/{id}': NO_BOX,
  'GET /boxes/{unknown}': ENVELOPE,
  'DELETE /boxes/{unknown}?force': ENVELOPE,
  'POST /boxes cpus=0': ENVELOPE,
  'POST /boxes cpus=16':
    "the cloud API refuses above the org's per-box limit (4 cpus by default) with 400 \"exceeds the per-box limits\" (box/services/per-box-limits.ts), the sim with its org quota's 429 resource_exhausted; in Nest's shape",
  'POST /boxes cpus=17': "as cpus=16: the per-box limit's 400 in Nest's shape, the sim's quota 429",
  'POST /boxes cpus=256': ENVELOPE,
  'POST /boxes cpus="2"': ENVELOPE,
  'POST /boxes memory_mib=-1': ENVELOPE,
  'POST /boxes memory_mib=0': ENVELOPE,
  'POST /boxes without image': ENVELOPE,
  'POST /boxes invalid JSON': ENVELOPE,
  'POST /boxes unknown field': `the cloud API ignores the unknown field as the sim does; ${NO_BOX}`,
  'POST /boxes duplicate name':
    "the first create failed yet left its box (ledger failed-create-leaves-box), so the name is taken: 409, the canonical status, in Nest's shape",
  'POST /boxes/{id}/exec without command': NO_BOX,
  'POST /boxes/{unknown}/exec': ENVELOPE,
  'GET /boxes/{id}/executions/{unknown}': NO_BOX,
  'GET /boxes/{unknown}/metrics': ENVELOPE,
  'GET /v1/{p}/no-such-route': ENVELOPE,
  'GET /images': NO_IMAGES,
  'GET /images/usage': NO_IMAGES,
  'GET /images/{unknown}': NO_IMAGES,
  'DELETE /images/{unknown}': NO_IMAGES,
  'POST /images/pull {}': NO_IMAGES,
};
