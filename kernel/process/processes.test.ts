import { describe, expect, it } from 'vitest';
import { pidAlive, pidMatches } from './processes.ts';

describe('process liveness', () => {
  it('this process is alive; a pid above the kernel maximum is not', () => {
    expect(pidAlive(process.pid)).toBe(true);
    expect(pidAlive(2 ** 22 + 1)).toBe(false);
  });

  it('a pid is ours only when alive and its command line carries the marker', () => {
    expect(pidMatches(process.pid, 'node')).toBe(true);
    expect(pidMatches(process.pid, 'no-such-marker-in-this-command-line')).toBe(false);
    expect(pidMatches(null, 'node')).toBe(false);
  });
});
