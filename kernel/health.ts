/** Health waits shared by every component that starts something and must see it answer. */
/**
 * Bounded health wait: polls the probe until it passes or the deadline hits, then throws
 * with the last reason and where to look. `isAlive` lets a crashed process fail fast.
 */
export async function waitHealthy(
  what: string,
  probe: () => Promise<string>,
  opts: { timeoutMs: number; logHint: string; isAlive?: () => boolean | Promise<boolean> },
): Promise<string> {
  const deadline = Date.now() + opts.timeoutMs;
  let last = 'no attempt';
  for (let delay = 50; ; delay = Math.min(delay * 2, 500)) {
    try {
      return await probe();
    } catch (err) {
      last = (err as Error).message;
    }
    if (opts.isAlive && !(await opts.isAlive()))
      throw new Error(`${what} exited during start-up (${last}); see ${opts.logHint}`);
    if (Date.now() > deadline)
      throw new Error(`${what} not healthy after ${opts.timeoutMs / 1000} s (${last}); see ${opts.logHint}`);
    await new Promise((r) => setTimeout(r, delay));
  }
}
