/**
 * One result protocol for every driver (Node SDK, raw REST, Python SDK, CLI, ...): cases and
 * reports compare outcomes without caring which client produced them.
 */
export interface ExecRequest {
  command: string;
  args?: string[];
  env?: Record<string, string>;
  workingDir?: string;
  user?: string;
  tty?: boolean;
  timeoutSecs?: number;
  /** Written to stdin, then stdin is closed. */
  stdin?: string;
}

export interface ExecOutcome {
  driver: string;
  stdout: string;
  stderr: string;
  /** null when the exec never produced one (e.g. it was refused). */
  exitCode: number | null;
  /** The client's error text when the call itself failed. */
  error: string | null;
  ms: number;
}

/** Every box a driver creates is reported here: cleanup and the path guard depend on it. */
export type BoxCreatedHook = (boxId: string, via: string) => void;

export const emptyOutcome = (driver: string, error: string, ms: number): ExecOutcome => ({
  driver,
  stdout: '',
  stderr: '',
  exitCode: null,
  error,
  ms,
});
