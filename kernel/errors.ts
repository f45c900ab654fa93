/**
 * Error kinds every bootstrap entry point understands. Each prints as ONE line;
 * the exit code says whose fault it was (2 = bad input / usage, 1 = the machine or a service).
 */
export class UsageError extends Error {
  readonly exitCode = 2;
  override name = 'UsageError';
}

export class SetupError extends Error {
  readonly exitCode = 1;
  override name = 'SetupError';
}

/** Runs a CLI main, turning known errors into one clear line and the right exit code. */
export async function runMain(label: string, main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (err) {
    if (err instanceof UsageError || err instanceof SetupError) {
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
