/**
 * Where targets legitimately differ, the one place cases read the per-target expectation and
 * its reason — so a case asserts each server's contract, not the sim's accident.
 */
import type { StackHandle } from './handle.ts';

/**
 * A box's state right after create. The cloud API (and the sim, which follows it) boots the
 * box at create; `boxlite serve` is the local runtime behind REST, which records the box as
 * `configured` and boots it on first use (start, exec, files) — boxlite-cli
 * src/commands/serve/handlers/boxes.rs `create_box` calls `runtime.create` only.
 */
export function stateAfterCreate(stack: Pick<StackHandle, 'kind'>): { status: string; running: boolean } {
  return stack.kind === 'serve'
    ? { status: 'configured', running: false }
    : { status: 'running', running: true };
}
