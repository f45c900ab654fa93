/**
 * The public Box JSON (protocol §3.3) as BoxLite 0.11 serves it. 0.10 clients read the
 * required core and ignore the rest; 0.11 clients (CLI `inspect`, `ls`) also read `pid`,
 * `labels`, the lifecycle policy, the main command's `exit_code` and the network policy in
 * both directions — so all of them are always present, with serve's defaults when the create
 * did not set them (no auto-stop, no auto-delete, auto-resume on, inbound disabled).
 */
import type { BoxRow } from './store.ts';

export interface NetworkDirection {
  mode: 'enabled' | 'disabled';
  allow_net: string[];
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function direction(raw: unknown, fallback: NetworkDirection['mode']): NetworkDirection {
  const d = isObj(raw) ? raw : {};
  const m = typeof d.mode === 'string' ? d.mode.toLowerCase() : '';
  const allow = Array.isArray(d.allow_net)
    ? d.allow_net.filter((x): x is string => typeof x === 'string')
    : [];
  return { mode: m === 'enabled' || m === 'disabled' ? m : fallback, allow_net: allow };
}

/**
 * The create body's network as both directions. Two request shapes exist (protocol §3.2): nested
 * `{outbound, inbound}`, and the flat `{mode, allow_net}` that describes egress only.
 */
export function networkPolicy(raw: unknown): { outbound: NetworkDirection; inbound: NetworkDirection } {
  const n = isObj(raw) ? raw : {};
  const nested = 'outbound' in n || 'inbound' in n;
  return {
    outbound: direction(nested ? n.outbound : n, 'enabled'),
    inbound: direction(nested ? n.inbound : undefined, 'disabled'),
  };
}

const num = (v: unknown, fallback: number) => (typeof v === 'number' ? v : fallback);

export function boxJson(b: BoxRow): Record<string, unknown> {
  return {
    box_id: b.id,
    name: b.name,
    status: b.status,
    created_at: b.created_at.toISOString(),
    updated_at: b.updated_at.toISOString(),
    image: b.image,
    cpus: b.cpus,
    memory_mib: b.memory_mib,
    disk_size_gb: b.disk_size_gb,
    pid: b.pid,
    labels: {},
    auto_stop: num(b.spec.auto_stop, 0),
    auto_delete: num(b.spec.auto_delete, 0),
    auto_resume: typeof b.spec.auto_resume === 'boolean' ? b.spec.auto_resume : true,
    ...(b.exit_code !== null ? { exit_code: b.exit_code } : {}),
    network: networkPolicy(b.spec.network),
  };
}
