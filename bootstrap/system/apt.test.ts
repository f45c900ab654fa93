import { existsSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { SetupError } from '../../kernel/errors.ts';
import { createProgress } from '../../kernel/progress.ts';
import {
  aptFailureReason,
  ensureDebianPackages,
  missingDebianPackages,
  notRootMessage,
  POLICY_RC_D_SCRIPT,
  parseInstalled,
} from './apt.ts';

const hasDpkg = existsSync('/usr/bin/dpkg-query');

describe('apt helpers', () => {
  it('parseInstalled keeps only fully installed packages, arch-qualified or not', () => {
    const out =
      'bash\tinstalled\nredis-server\tconfig-files\nlibc6:amd64\tinstalled\npostgresql\thalf-configured\n';
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

describe.skipIf(!hasDpkg)('dpkg on this host', () => {
  const progress = createProgress(process.stderr, true);

  it('reports installed packages as present and unknown ones as missing', async () => {
    expect(await missingDebianPackages(['bash', 'boxlite-e2e-no-such-package'])).toEqual([
      'boxlite-e2e-no-such-package',
    ]);
    expect(await missingDebianPackages([])).toEqual([]);
  });

  it('installed packages cost one dpkg-query and no apt run', async () => {
    await expect(ensureDebianPackages(['bash'], progress)).resolves.toBeUndefined();
  });

  it('not root with packages missing: one SetupError line, nothing run', async () => {
    const spy = vi.spyOn(process, 'getuid').mockReturnValue(1000);
    try {
      const err = await ensureDebianPackages(['boxlite-e2e-no-such-package'], progress).catch(
        (e: Error) => e,
      );
      expect(err).toBeInstanceOf(SetupError);
      expect((err as Error).message).toBe(notRootMessage(['boxlite-e2e-no-such-package']));
    } finally {
      spy.mockRestore();
    }
  });
});
