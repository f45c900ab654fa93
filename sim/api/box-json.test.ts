import { describe, expect, it } from 'vitest';
import { boxJson, networkPolicy } from './box-json.ts';
import type { BoxRow } from './store.ts';

const row = (over: Partial<BoxRow> = {}): BoxRow => ({
  id: 'Gge7KY8NFE3q',
  name: 'n',
  image: 'boxlite-e2e/busybox:1',
  image_ref: 'reg/busybox@sha256:x',
  cpus: 1,
  memory_mib: 512,
  disk_size_gb: 10,
  spec: {},
  org_id: 'org',
  status: 'running',
  pid: 42,
  exit_code: null,
  created_at: new Date('2026-01-01T00:00:00Z'),
  updated_at: new Date('2026-01-01T00:00:01Z'),
  deleted_at: null,
  ...over,
});

describe('Box JSON as 0.11 reads it', () => {
  it('always carries pid, labels, the lifecycle policy (serve defaults) and both network directions', () => {
    expect(boxJson(row())).toMatchObject({
      box_id: 'Gge7KY8NFE3q',
      pid: 42,
      labels: {},
      auto_stop: 0,
      auto_delete: 0,
      auto_resume: true,
      network: { outbound: { mode: 'enabled', allow_net: [] }, inbound: { mode: 'disabled', allow_net: [] } },
    });
    expect(boxJson(row())).not.toHaveProperty('exit_code');
  });

  it('echoes the policy the create set, and the main command exit code once there is one', () => {
    const b = boxJson(row({ status: 'stopped', exit_code: 3, spec: { auto_delete: 1, auto_resume: false } }));
    expect(b).toMatchObject({
      status: 'stopped',
      exit_code: 3,
      auto_delete: 1,
      auto_resume: false,
      auto_stop: 0,
    });
  });

  it('reads both request shapes of the network policy', () => {
    expect(networkPolicy({ mode: 'disabled', allow_net: [] })).toEqual({
      outbound: { mode: 'disabled', allow_net: [] },
      inbound: { mode: 'disabled', allow_net: [] },
    });
    expect(
      networkPolicy({
        outbound: { mode: 'enabled', allow_net: ['example.com'] },
        inbound: { mode: 'ENABLED' },
      }),
    ).toEqual({
      outbound: { mode: 'enabled', allow_net: ['example.com'] },
      inbound: { mode: 'enabled', allow_net: [] },
    });
    expect(networkPolicy(undefined).outbound.mode).toBe('enabled');
  });
});
