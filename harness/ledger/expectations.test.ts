import { describe, expect, it } from 'vitest';
import { BUG_IDS } from '../../sim/bugs.ts';
import { GUARD_FAULTS } from '../guard-faults.ts';
import {
  type BugContext,
  expectationFor,
  parseStatusOverrides,
  xfailReason,
  xpassMessage,
} from './expectations.ts';
import { KNOWN_BUGS } from './known-bugs.ts';
import { MEASURED_BUGS } from './measure.ts';
import { RECORDED } from './real-status.ts';

const sim = (switches: string[], markersOff = false): BugContext => ({
  target: 'sim',
  switches,
  overrides: {},
  markersOff,
});
const real = (overrides: Record<string, 'open' | 'fixed'> = {}): BugContext => ({
  target: 'boxlite',
  switches: [],
  overrides,
  markersOff: false,
});

describe('ledger', () => {
  it('every ledger entry is complete and every sim switch is a ledger bug or a guard fault, not both', () => {
    for (const b of KNOWN_BUGS) {
      for (const field of ['id', 'title', 'upstream', 'pointer', 'symptom', 'layer', 'realStatus'] as const)
        expect(b[field], `${b.id}.${field}`).toBeTruthy();
    }
    const switches = [
      ...KNOWN_BUGS.map((b) => b.simSwitch).filter(Boolean),
      ...GUARD_FAULTS.map((f) => f.simSwitch),
    ];
    expect([...switches].sort()).toEqual([...BUG_IDS].sort());
    const ledgerIds = new Set<string>(KNOWN_BUGS.map((b) => b.id));
    expect(GUARD_FAULTS.filter((f) => ledgerIds.has(f.id))).toEqual([]);
  });
});

describe('measured real statuses', () => {
  it('every bug a probe measures takes its status from the record, measured at a BoxLite commit', () => {
    expect(RECORDED.ref).toMatch(/^[0-9a-f]{40}$/);
    for (const id of MEASURED_BUGS) {
      const bug = KNOWN_BUGS.find((b) => b.id === id);
      expect(bug, id).toBeDefined();
      expect(RECORDED.bugs[id]?.evidence, id).toBeTruthy();
      expect(bug!.realStatus, id).toBe(RECORDED.bugs[id]!.status);
    }
  });
});

describe('expected-failure decisions', () => {
  it('sim: a case must fail exactly when a switch it detects is on', () => {
    expect(expectationFor(['exec-stopped-500'], sim([])).expectFailure).toBe(false);
    expect(expectationFor(['exec-stopped-500'], sim(['exec-stopped-500'])).expectFailure).toBe(true);
    expect(expectationFor(['exec-stopped-500'], sim(['exec-spawn-500'])).expectFailure).toBe(false);
  });

  it('sim: SDK bugs have no switch and are active on every target while open', () => {
    expect(expectationFor(['sdk-node-drops-user'], sim([])).expectFailure).toBe(true);
  });

  it("sim: a server bug without a switch is not the sim's; on the real API its measured status decides", () => {
    expect(expectationFor(['rest-error-envelope'], sim([])).expectFailure).toBe(false);
    expect(
      expectationFor(['rest-error-envelope'], real({ 'rest-error-envelope': 'open' })).expectFailure,
    ).toBe(true);
    expect(
      expectationFor(['rest-error-envelope'], real({ 'rest-error-envelope': 'fixed' })).expectFailure,
    ).toBe(false);
  });

  it('real stack: ledger status decides, a per-run override wins', () => {
    expect(expectationFor(['exec-stopped-500'], real()).expectFailure).toBe(false); // fixed in the ledger
    expect(expectationFor(['exec-spawn-500'], real()).expectFailure).toBe(true); // open
    expect(expectationFor(['exec-spawn-500'], real({ 'exec-spawn-500': 'fixed' })).expectFailure).toBe(false);
  });

  it("serve: its own bugs and the SDK bugs follow the ledger; the cloud stack's only by override", () => {
    const serve = (overrides: Record<string, 'open' | 'fixed'> = {}): BugContext => ({
      ...real(overrides),
      target: 'serve',
    });
    expect(expectationFor(['serve-plain-rejection'], serve()).expectFailure).toBe(true);
    expect(expectationFor(['sdk-node-drops-user'], serve()).expectFailure).toBe(true);
    expect(expectationFor(['exec-spawn-500'], serve()).expectFailure).toBe(false);
    expect(expectationFor(['exec-spawn-500'], serve({ 'exec-spawn-500': 'open' })).expectFailure).toBe(true);
    // A serve bug is never expected on the sim or the cloud stack.
    expect(expectationFor(['serve-plain-rejection'], sim([])).expectFailure).toBe(false);
    expect(expectationFor(['serve-plain-rejection'], real()).expectFailure).toBe(false);
  });

  it('a guard fault is active only on the sim with its switch on, and says which guard it is for', () => {
    const on = expectationFor(['stop-skips-runner'], sim(['stop-skips-runner']));
    expect(on.expectFailure).toBe(true);
    expect(xfailReason(on)).toBe(
      'stop-skips-runner (guard fault for the path guard): stop answered by the API without reaching the runner',
    );
    expect(expectationFor(['stop-skips-runner'], sim([])).expectFailure).toBe(false);
    expect(expectationFor(['remove-leaves-container'], real()).expectFailure).toBe(false);
    expect(() => parseStatusOverrides('remove-leaves-container=open')).toThrow(/unknown ledger bug/);
  });

  it('markers off (teeth mode): nothing is expected to fail', () => {
    expect(expectationFor(['exec-stopped-500'], sim(['exec-stopped-500'], true)).expectFailure).toBe(false);
  });

  it('unknown bug ids are a loud error, not a silent pass', () => {
    expect(() => expectationFor(['no-such-bug'], sim([]))).toThrow(/unknown ledger bug "no-such-bug"/);
  });

  it('XPASS tells what to update', () => {
    const e = expectationFor(['exec-spawn-500'], real());
    expect(xpassMessage(e, real())).toMatch(/set realStatus: 'fixed' in harness\/ledger\/known-bugs\.ts/);
    const s = expectationFor(['exec-spawn-500'], sim(['exec-spawn-500']));
    expect(xpassMessage(s, sim(['exec-spawn-500']))).toMatch(/no longer detects the bug/);
  });

  it('parses BOXLITE_E2E_BUG_STATUS and rejects junk', () => {
    expect(parseStatusOverrides('exec-spawn-500=fixed, exec-user-500=open')).toEqual({
      'exec-spawn-500': 'fixed',
      'exec-user-500': 'open',
    });
    expect(() => parseStatusOverrides('exec-spawn-500=gone')).toThrow(/is not <bug>=open\|fixed/);
    expect(() => parseStatusOverrides('nope=fixed')).toThrow(/unknown ledger bug/);
  });
});
