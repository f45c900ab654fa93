/**
 * The resources a box is given are what its guest gets (protocol §3.2: `cpus`, `memory_mib`).
 * Box JSON is pinned elsewhere (quota, snapshots, export-import); here the guest is asked.
 *
 * - In a VM (the box has its own kernel, measured by the preflight as `own-kernel`) the RAM is
 *   `memory_mib` (boxlite src/vmm/krun/context.rs `krun_set_vm_config`), and the guest kernel
 *   shows it as `MemTotal` less what it reserves, so only a band is exact enough: it lies in
 *   (80 %, 100 %] of the RAM. The vCPUs are what `nproc` counts.
 * - Where boxes share the host kernel (the sim's containers) the limit is the box's cgroup:
 *   exactly `memory_mib` MiB, and a CPU quota of `cpus` periods.
 *
 * The cloud API rounds memory up to whole GiB (target-facts `grantedMemoryMib`); 384 MiB is not
 * a GiB multiple, so that rounding shows.
 */
import type { SdkBox } from '../drivers/node-sdk/driver.ts';
import { runSdkSh as sh } from '../drivers/node-sdk/driver.ts';
import { claims, describe, expect, grantedMemoryMib, type RunContext, test } from '../fixtures/index.ts';

const MIB = 1024 * 1024;

/** The box runs its own kernel (a VM), as the preflight measured. */
const ownKernel = (run: RunContext) => run.preflight.missing['own-kernel'] === undefined;

/** The cgroup's memory limit in bytes (v2, else v1). */
const CGROUP_MEMORY =
  'cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes';
/** The cgroup's CPU quota as "quota period" (v2, else v1). */
const CGROUP_CPU =
  'cat /sys/fs/cgroup/cpu.max 2>/dev/null || echo $(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us) $(cat /sys/fs/cgroup/cpu/cpu.cfs_period_us)';

async function guest(box: SdkBox, script: string): Promise<string> {
  const r = await sh(box, script);
  expect(r.exitCode, `${script}: ${r.stderr}`).toBe(0);
  return r.stdout.trim();
}

/** Memory as the guest sees it, checked against `mib`: the VM's RAM band, or the exact cgroup limit. */
async function expectGuestMemory(box: SdkBox, ownKernel: boolean, mib: number): Promise<void> {
  if (ownKernel) {
    const kb = Number((await guest(box, 'grep MemTotal /proc/meminfo')).replace(/\D+/g, ''));
    expect(kb * 1024, `MemTotal ${kb} kB of ${mib} MiB`).toBeLessThanOrEqual(mib * MIB);
    expect(kb * 1024, `MemTotal ${kb} kB of ${mib} MiB`).toBeGreaterThan(0.8 * mib * MIB);
  } else expect(Number(await guest(box, CGROUP_MEMORY)), 'cgroup memory limit').toBe(mib * MIB);
}

describe.concurrent('resources as the guest sees them', claims({ needs: 'vm' }), () => {
  test.override('image', ({ stack }) => stack.images.busybox);

  test(
    'the memory a box asks for is what its guest gets, as Box JSON reports it',
    claims({ pins: ['limits.guest.memory'] }),
    async ({ rt, rest, run, stack, image, boxName }) => {
      const granted = grantedMemoryMib(stack, 384);
      const box = await rt.create({ image, memoryMib: 384 }, boxName());
      expect((await rt.getInfo(box.id))?.memoryMib).toBe(granted);
      const raw = await rest.tenant<{ memory_mib: number }>('GET', `/boxes/${box.id}`);
      expect(raw.json?.memory_mib).toBe(granted);
      await expectGuestMemory(box, ownKernel(run), granted);
    },
  );

  test("a box created without memory_mib gets the server's default, as Box JSON reports it", async ({
    rt,
    rest,
    run,
    box,
  }) => {
    const raw = await rest.tenant<{ memory_mib: number }>('GET', `/boxes/${box.id}`);
    expect(raw.json?.memory_mib, raw.text).toEqual(expect.any(Number));
    expect((await rt.getInfo(box.id))?.memoryMib).toBe(raw.json!.memory_mib);
    await expectGuestMemory(box, ownKernel(run), raw.json!.memory_mib);
  });

  test('the cpus a box asks for are what its guest may use', async ({ rt, run, image, boxName }) => {
    const box = await rt.create({ image, cpus: 1 }, boxName());
    expect((await rt.getInfo(box.id))?.cpus).toBe(1);
    if (ownKernel(run)) expect(await guest(box, 'nproc')).toBe('1');
    else {
      const [quota, period] = (await guest(box, CGROUP_CPU)).split(/\s+/).map(Number);
      expect(quota, 'one period of CPU time per period').toBe(period);
    }
  });
});
