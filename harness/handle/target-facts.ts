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

/**
 * Whether a box's `bytes_received_total` counts exec output. BoxLite 0.11's runtime declares
 * the counter but never adds to it (`add_bytes_received` has no caller: boxlite
 * src/metrics/box_metrics.rs), so `boxlite serve` — and a cloud runner built on that library —
 * reports 0; the sim counts stdout and stderr bytes as protocol §3.4 describes. Cases that
 * would wait on the counter use another signal where it stays 0.
 */
export function countsExecOutput(stack: Pick<StackHandle, 'simulated'>): boolean {
  return stack.simulated;
}

/**
 * The cloud API stamps every answer with `X-BoxLite-Api-Version` (apps/api/src/common/
 * middleware/version-header.middleware.ts:21, on every route: app.module.ts:226); upstream's
 * path check reads it as proof a request crossed the API layer. `boxlite serve` has no such
 * layer (boxlite-cli 0.11 src/commands/serve/mod.rs build_router).
 */
export function apiVersionHeader(stack: Pick<StackHandle, 'kind'>): {
  name: string;
  present: boolean;
  why: string;
} {
  return stack.kind === 'serve'
    ? { name: 'X-BoxLite-Api-Version', present: false, why: 'boxlite serve adds no version header' }
    : { name: 'X-BoxLite-Api-Version', present: true, why: 'the cloud API stamps every answer' };
}

/**
 * The cloud API's preview service answers `GET /api/preview/{id}/public` without credentials
 * (apps/api/src/box/controllers/preview.controller.ts:26-72): 200 for a box created with
 * inbound mode enabled, 404 for a private or unknown box alike. `boxlite serve` has no preview
 * service, so every id is unknown there.
 */
export function servesPreview(stack: Pick<StackHandle, 'kind'>): { served: boolean; why: string } {
  return stack.kind === 'serve'
    ? { served: false, why: 'boxlite serve has no preview service' }
    : { served: true, why: 'the cloud API answers public boxes 200, others 404' };
}
