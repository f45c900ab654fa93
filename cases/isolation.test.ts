/**
 * Cross-box isolation (upstream test_cross_box_isolation): a file box A writes is nowhere
 * in box B — not at its path, not anywhere a full-filesystem search reaches. grep's exit
 * status is the verdict (1 = searched, nothing found), so a search that never ran fails.
 */
import { runSdkSh as sh } from '../drivers/node-sdk/driver.ts';
import { claims, describe, expect, test } from '../fixtures/index.ts';

describe('isolation', claims({ needs: 'vm' }), () => {
  test(
    "box B cannot read, find or list box A's file",
    claims({ pins: ['lifecycle.isolation.filesystem'], ports: ['test_box_b_cannot_read_box_a_filesystem'] }),
    async ({ boxFactory }) => {
      const marker = `tenant-A-only-${Date.now().toString(36)}`;
      const path = '/root/tenant_a_secret.txt';
      const [a, b] = await boxFactory.make(2);
      if (!a || !b) throw new Error('boxFactory made fewer than two boxes');
      expect((await sh(a, `printf '%s' '${marker}' > ${path} && sync`)).exitCode).toBe(0);
      expect((await sh(a, `cat ${path}`)).stdout).toBe(marker);
      const direct = await sh(b, `cat ${path} 2>/dev/null; echo RC=$?`);
      expect(direct.stdout).not.toContain(marker);
      expect(direct.stdout).not.toContain('RC=0');
      const search = await sh(
        b,
        `hits=$(timeout 20 grep -rl '${marker}' --exclude-dir=proc --exclude-dir=sys --exclude-dir=dev ` +
          `--exclude-dir=run --exclude-dir=tmp / 2>/dev/null); echo "GREP_RC=$?"; printf %s "$hits" | head -n1`,
      );
      expect(search.stdout, 'GREP_RC=0 is a breach; >=2 an error; 124 the timeout').toContain('GREP_RC=1');
    },
  );
});
