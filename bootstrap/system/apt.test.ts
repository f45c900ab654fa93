import { describe, expect, it } from 'vitest';
import { aptFailureReason, notRootMessage, parseInstalled, POLICY_RC_D_SCRIPT } from './apt.ts';

describe('apt helpers', () => {
  it('parseInstalled keeps only fully installed packages, arch-qualified or not', () => {
    const out = 'bash\tinstalled\nredis-server\tconfig-files\nlibc6:amd64\tinstalled\npostgresql\thalf-configured\n';
    expect([...parseInstalled(out)].sort()).toEqual(['bash', 'libc6']);
  });

  it('aptFailureReason prefers the last E: line, else the last line', () => {
    const out = 'Reading package lists...\nE: Unable to locate package nope\nE: Could not get lock\n';
    expect(aptFailureReason(out)).toBe('E: Could not get lock');
    expect(aptFailureReason('a\nb\n\n')).toBe('b');
    expect(aptFailureReason('')).toBe('no output');
  });

  it('the not-root message is one line naming the packages and the command', () => {
    const msg = notRootMessage(['redis-server', 'docker.io']);
    expect(msg).not.toContain('\n');
    expect(msg).toContain('redis-server, docker.io');
    expect(msg).toContain('apt-get install -y --no-install-recommends redis-server docker.io');
  });

  it('policy-rc.d forbids every action (exit 101)', () => {
    expect(POLICY_RC_D_SCRIPT.startsWith('#!/bin/sh\n')).toBe(true);
    expect(POLICY_RC_D_SCRIPT).toMatch(/\nexit 101\n$/);
  });
});
