import { describe, expect, it } from 'vitest';
import { type ProcessState, waitForPid } from './proc.ts';

/** An inspect that answers the given states in turn, then the last one forever. */
function inspects(...states: ProcessState[]): { inspect: () => Promise<ProcessState>; calls: () => number } {
  let n = 0;
  return {
    inspect: async () => states[Math.min(n++, states.length - 1)]!,
    calls: () => n,
  };
}

const starting: ProcessState = { Pid: 0, Running: false, ExitCode: null };

describe('waitForPid', () => {
  it('keeps asking while the exec has no pid yet, and gives the pid once Docker shows it', async () => {
    const d = inspects(starting, starting, starting, { Pid: 4242, Running: true, ExitCode: null });
    expect(await waitForPid(d.inspect)).toBe(4242);
    expect(d.calls()).toBe(4);
  });

  it('a process that exited without ever showing a pid has none', async () => {
    const d = inspects(starting, { Pid: 0, Running: false, ExitCode: 0 });
    expect(await waitForPid(d.inspect)).toBeNull();
    expect(d.calls()).toBe(2);
  });

  it('a failing inspect is the caller’s to handle', async () => {
    await expect(waitForPid(async () => Promise.reject(new Error('engine gone')))).rejects.toThrow(
      'engine gone',
    );
  });
});
