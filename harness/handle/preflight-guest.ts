/**
 * Preflight probes for what only a real VM gives a box (preflight.ts NEEDS): its own
 * kernel, and a network path out of it. Measured in boxes on the stack under test, never
 * assumed from the target's kind: two boxes that report the same kernel boot_id share a
 * kernel (containers, as in the sim); two VMs never do.
 */
import { createRestDriver } from '../../drivers/rest/driver.ts';
import type { StackHandle } from './handle.ts';

const clip = (s: string) => s.replace(/\s+/g, ' ').trim().slice(0, 400);
const BOOT_ID = 'cat /proc/sys/kernel/random/boot_id';
/** A plain-HTTP fetch a minimal guest can make (busybox wget), bounded by its own timeout. */
const EGRESS_URL = 'http://example.com/';

/** Whichever HTTP client the image has; exit 3 when it has none (then egress is not measured). */
const FETCH = [
  `if command -v wget >/dev/null; then wget -q -T 5 -O /dev/null ${EGRESS_URL} 2>&1`,
  `elif command -v curl >/dev/null; then curl -fsS -m 5 -o /dev/null ${EGRESS_URL} 2>&1`,
  `elif command -v python3 >/dev/null; then python3 -c "import urllib.request as u; u.urlopen('${EGRESS_URL}', timeout=5)" 2>&1`,
  'else echo "no HTTP client (wget, curl, python3) in the image"; exit 3; fi',
].join('; ');

export interface GuestProbe {
  /** Null when each box has its own kernel, else the evidence. */
  ownKernel: string | null;
  /** Null when a box reached EGRESS_URL, else the evidence. */
  egress: string | null;
  /** Null when the default image has every GUEST_TOOLS entry, else which are missing. */
  tools: string | null;
  /** Null when the server prepares a box tunnel (`POST …/network/tunnel?port=N` → {uri}). */
  tunnels: string | null;
}

/** What upstream's real-world cases run in the guest (its python image carries them). */
export const GUEST_TOOLS = ['python3', 'pip3', 'git', 'cc'] as const;

export async function probeGuest(stack: StackHandle, name: string): Promise<GuestProbe> {
  const ids: string[] = [];
  const rest = createRestDriver(stack, (id) => ids.push(id));
  const fail = (why: string): GuestProbe => ({
    ownKernel: why,
    egress: `not measured: ${why}`,
    tools: `not measured: ${why}`,
    tunnels: `not measured: ${why}`,
  });
  try {
    const made = await Promise.all(
      [1, 2].map((i) => rest.createBox({ image: stack.images.default, name: `${name}-${i}` })),
    );
    const boxIds = made.map((r) => r.json?.box_id ?? '');
    if (boxIds.some((id) => !id))
      return fail(clip(`POST /boxes → HTTP ${made.map((r) => r.status).join(', ')}`));
    const boots = await Promise.all(
      boxIds.map((id) => rest.exec(id, { command: 'sh', args: ['-c', BOOT_ID] })),
    );
    const [a, b] = boots.map((r) => r.stdout.trim());
    let ownKernel: string | null = null;
    if (!a || !b)
      ownKernel = clip(`\`${BOOT_ID}\` answered nothing (exit ${boots.map((r) => r.exitCode).join(', ')})`);
    else if (a === b)
      ownKernel = `two boxes report the same kernel boot_id ${a}: they share the host's kernel (containers, not VMs)`;
    const net = await rest.exec(boxIds[0] as string, {
      command: 'sh',
      args: ['-c', FETCH],
    });
    const egress =
      net.exitCode === 0
        ? null
        : clip(`a box could not fetch ${EGRESS_URL} (exit ${net.exitCode}): ${net.stdout}${net.stderr}`);
    const which = await rest.exec(boxIds[1] as string, {
      command: 'sh',
      args: ['-c', `for t in ${GUEST_TOOLS.join(' ')}; do command -v $t >/dev/null || echo $t; done`],
    });
    const absent = which.stdout.split(/\s+/).filter(Boolean);
    const tools =
      which.exitCode !== 0
        ? clip(`probing guest tools failed (exit ${which.exitCode}): ${which.stderr}`)
        : absent.length
          ? `image ${stack.images.default} lacks ${absent.join(', ')}`
          : null;
    const tunnel = await rest.tenant<{ uri?: unknown }>('POST', `/boxes/${boxIds[0]}/network/tunnel`, {
      query: { port: '8080' },
    });
    const tunnels =
      tunnel.status < 300 && typeof tunnel.json?.uri === 'string'
        ? null
        : clip(
            `POST /boxes/{id}/network/tunnel?port=8080 → HTTP ${tunnel.status} ${tunnel.envelope ? `${tunnel.envelope.code}: ${tunnel.envelope.message}` : tunnel.text}`,
          );
    return { ownKernel, egress, tools, tunnels };
  } catch (err) {
    return fail(clip(`guest probe failed: ${(err as Error).message}`));
  } finally {
    for (const id of ids)
      await rest.tenant('DELETE', `/boxes/${id}`, { query: { force: 'true' } }).catch(() => null);
  }
}
