import { describe, expect, it } from 'vitest';
import type { BugId } from '../bugs.ts';
import { DEFAULT_QUOTAS } from './db.ts';
import { ApiError } from './errors.ts';
import { DEFAULTS, validateCreate } from './validate.ts';

const none = new Set<BugId>();
const q = { ...DEFAULT_QUOTAS };
const codeOf = (fn: () => unknown): string | null => {
  try {
    fn();
    return null;
  } catch (err) {
    return err instanceof ApiError ? `${err.status} ${err.code}` : 'other';
  }
};

describe('validateCreate', () => {
  it('applies defaults and keeps the requested image', () => {
    const s = validateCreate(
      {
        image: 'alpine:3.23',
        network: { outbound: { mode: 'enabled' }, inbound: { mode: 'enabled' } },
        detach: false,
      },
      q,
      none,
    );
    expect(s).toMatchObject({
      image: 'alpine:3.23',
      cpus: DEFAULTS.cpus,
      memory_mib: DEFAULTS.memory_mib,
      disk_size_gb: DEFAULTS.disk_size_gb,
      name: null,
    });
  });

  it('accepts both network shapes and ignores unknown fields', () => {
    expect(
      codeOf(() =>
        validateCreate({ image: 'a', network: { mode: 'disabled', allow_net: ['x'] }, surprise: 1 }, q, none),
      ),
    ).toBeNull();
  });

  it.each([
    [{ image: 'a', cpus: 0 }, '400 invalid_argument'],
    [{ image: 'a', cpus: 1.5 }, '400 invalid_argument'],
    [{ image: 'a', cpus: '2' }, '400 invalid_argument'],
    [{ image: 'a', cpus: 999 }, '400 invalid_argument'],
    [{ image: 'a', memory_mib: -1 }, '400 invalid_argument'],
    [{ image: 'a', disk_size_gb: 0 }, '400 invalid_argument'],
    [{ cpus: 1 }, '400 invalid_argument'],
    [{ image: 'a', name: 'x/y' }, '400 invalid_argument'],
    [{ image: 'a', env: { A: 1 } }, '400 invalid_argument'],
    [{ image: 'a', volumes: [{ host_path: '/etc', guest_path: '/mnt' }] }, '400 unsupported'],
    [{ image: 'a', volumes: [{ managed_volume: '/etc', guest_path: '/mnt' }] }, '400 unsupported'],
    [{ image: 'a', cpus: 9 }, '429 resource_exhausted'],
    [{ image: 'a', memory_mib: 8_192_000_000 }, '429 resource_exhausted'],
    [{ image: 'a', disk_size_gb: 99_999_999 }, '429 resource_exhausted'],
    [[1], '400 invalid_argument'],
  ])('rejects %j with %s', (body, want) => {
    expect(codeOf(() => validateCreate(body, q, none))).toBe(want);
  });

  it('create-invalid-accepted coerces cpus=0 and memory_mib=-1 to defaults', () => {
    const s = validateCreate(
      { image: 'a', cpus: 0, memory_mib: -1 },
      q,
      new Set<BugId>(['create-invalid-accepted']),
    );
    expect(s).toMatchObject({ cpus: DEFAULTS.cpus, memory_mib: DEFAULTS.memory_mib });
  });

  it('create-oversize-clamped clamps cpus=999 to the per-box limit', () => {
    const s = validateCreate({ image: 'a', cpus: 999 }, q, new Set<BugId>(['create-oversize-clamped']));
    expect(s.cpus).toBe(q.max_cpus);
  });

  it('quota-not-enforced lets per-box quota violations through but keeps range checks', () => {
    const bugs = new Set<BugId>(['quota-not-enforced']);
    expect(validateCreate({ image: 'a', cpus: 9, memory_mib: 8_192_000_000 }, q, bugs)).toMatchObject({
      cpus: 9,
      memory_mib: 8_192_000_000,
    });
    expect(codeOf(() => validateCreate({ image: 'a', cpus: 999 }, q, bugs))).toBe('400 invalid_argument');
  });

  it('passes managed volumes through', () => {
    expect(
      validateCreate({ image: 'a', volumes: [{ managed_volume: 'data', guest_path: '/d' }] }, q, none)
        .volumes,
    ).toEqual([{ managed_volume: 'data', guest_path: '/d', read_only: false }]);
  });

  it('host-bind-honored forwards host binds', () => {
    const s = validateCreate(
      { image: 'a', volumes: [{ host_path: '/etc', guest_path: '/mnt', read_only: true }] },
      q,
      new Set<BugId>(['host-bind-honored']),
    );
    expect(s.volumes).toEqual([{ host_path: '/etc', guest_path: '/mnt', read_only: true }]);
  });
});
