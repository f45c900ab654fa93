/**
 * Error kinds every bootstrap entry point understands. Each prints as ONE line;
 * the exit code says whose fault it was (2 = bad input / usage, 1 = the machine or a service,
 * 3 = the stack under test does not answer).
 */
export class UsageError extends Error {
  readonly exitCode = 2;
  override name = 'UsageError';
}

export class SetupError extends Error {
  readonly exitCode = 1;
  override name = 'SetupError';
}

/** The stack under test does not answer at all: neither the input nor this machine is at fault. */
export class UnreachableError extends Error {
  readonly exitCode = 3;
  override name = 'UnreachableError';
}

/** Runs a CLI main, turning known errors into one clear line and the right exit code. */
export async function runMain(label: string, main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (err) {
    if (err instanceof UsageError || err instanceof SetupError || err instanceof UnreachableError) {
      process.stderr.write(`${label}: ${err.message}\n`);
      process.exitCode = err.exitCode;
      return;
    }
    // Unknown failures keep their stack: they are our bugs, not the user's.
    process.stderr.write(
      `${label}: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exitCode = 1;
  }
}
