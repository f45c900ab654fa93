/**
 * Always restore: every step that changes something registers its undo here, and the undos
 * run last-in first-out exactly once — after success, failure, SIGINT or SIGTERM. A signal
 * aborts the run (children are killed through the abort signal) and the run's own `finally`
 * performs the undos; a second signal while restoring is only acknowledged.
 */
export class Restore {
  private readonly undos: { label: string; fn: () => Promise<void> }[] = [];
  private ran = false;

  add(label: string, fn: () => Promise<void>): void {
    this.undos.push({ label, fn });
  }

  /** Runs every undo even when one fails; answers the failures, one line each. */
  async run(log: (line: string) => void): Promise<string[]> {
    if (this.ran) return [];
    this.ran = true;
    const failures: string[] = [];
    for (const { label, fn } of this.undos.reverse()) {
      try {
        await fn();
        log(`restored: ${label}`);
      } catch (err) {
        failures.push(`${label}: ${(err as Error).message}`);
      }
    }
    return failures;
  }
}

export type StopSignal = 'SIGINT' | 'SIGTERM';

export interface Interrupts {
  readonly signal: AbortSignal;
  /** The signal received, if any. */
  received(): StopSignal | null;
  dispose(): void;
}

/** Installs SIGINT/SIGTERM handlers that abort `signal`; `dispose` removes them. */
export function watchInterrupts(log: (line: string) => void, target: NodeJS.Process = process): Interrupts {
  const controller = new AbortController();
  let got: StopSignal | null = null;
  const handler = (sig: StopSignal) => {
    if (got) {
      log(`${sig} again: still restoring the original state, please wait`);
      return;
    }
    got = sig;
    log(`${sig}: stopping the run and restoring the original state…`);
    controller.abort(new InterruptedError(sig));
  };
  const onInt = () => handler('SIGINT');
  const onTerm = () => handler('SIGTERM');
  target.on('SIGINT', onInt);
  target.on('SIGTERM', onTerm);
  return {
    signal: controller.signal,
    received: () => got,
    dispose: () => {
      target.off('SIGINT', onInt);
      target.off('SIGTERM', onTerm);
    },
  };
}

export class InterruptedError extends Error {
  override name = 'InterruptedError';
  readonly stopSignal: StopSignal;
  constructor(stopSignal: StopSignal) {
    super(`interrupted by ${stopSignal}`);
    this.stopSignal = stopSignal;
  }
}
