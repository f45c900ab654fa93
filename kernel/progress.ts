/** Progress lines for long steps: what is running and how long it took. Goes to stderr. */
export interface Progress {
  info(line: string): void;
  step<T>(what: string, fn: () => Promise<T>): Promise<T>;
}

export function secondsSince(t0: number): string {
  return `${((performance.now() - t0) / 1000).toFixed(1)} s`;
}

export function createProgress(out: NodeJS.WritableStream = process.stderr, quiet = false): Progress {
  const write = (s: string) => {
    if (!quiet) out.write(`${s}\n`);
  };
  return {
    info: (line) => write(`  ${line}`),
    async step(what, fn) {
      const t0 = performance.now();
      write(`▸ ${what}…`);
      try {
        const result = await fn();
        write(`✓ ${what} (${secondsSince(t0)})`);
        return result;
      } catch (err) {
        write(`✗ ${what} failed after ${secondsSince(t0)}`);
        throw err;
      }
    },
  };
}
