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

type Kind = Pick<StackHandle, 'kind' | 'simulated'>;

/** The cloud API (NestJS + Go runner): a `boxlite` stack, or a remote one that is not the sim. */
const cloudApi = (stack: Kind) => stack.kind === 'boxlite' || (stack.kind === 'remote' && !stack.simulated);

/**
 * The close code a client reads right after an exec's `exit` frame, however the exec ended
 * (completed, killed, timed out, attached late). The cloud runner sends `exit` and closes 1000
 * once its output pumps drained (apps/runner/pkg/api/controllers/boxlite_exec_attach.go
 * `CloseNormalClosure`); the sim follows it. `boxlite serve` 0.11 sends `Close(None)`
 * (boxlite-cli src/commands/serve/handlers/executions.rs), which a client reads as 1005,
 * "no status code".
 */
export function closeAfterExit(stack: Pick<StackHandle, 'kind'>): number {
  return stack.kind === 'serve' ? 1005 : 1000;
}

/**
 * Whether Box JSON reports the main command's `exit_code` and the box's `pid`. serve does
 * (boxlite-cli src/commands/serve/types.rs: `exit_code` only once the command finished, so
 * "not finished" differs from "finished with 0"), and so does the sim; the cloud API's mapper
 * maps neither (apps/api/src/boxlite-rest/mappers/box-to-box.mapper.ts `boxToBoxResponse`).
 */
export function reportsExitAndPid(stack: Kind): boolean {
  return !cloudApi(stack);
}

/**
 * The memory a box asking for `requestedMib` is given, as Box JSON reports it. The cloud API
 * rounds up to whole GiB (box-to-box.mapper.ts: `Math.ceil(memory_mib / 1024)` to the runner,
 * `memory * 1024` back); serve and the core pass MiB through (boxlite src/vmm/krun/context.rs
 * `krun_set_vm_config`), as the sim does.
 */
export function grantedMemoryMib(stack: Kind, requestedMib: number): number {
  return cloudApi(stack) ? Math.ceil(requestedMib / 1024) * 1024 : requestedMib;
}

/**
 * A create body the API accepts and the sim's runner refuses: the user does not exist in the
 * image, so the container cannot start (the API checks only that `user` is a string). The
 * cloud runner does not pass `user` on (apps/runner/pkg/boxlite/client.go `Create`) and serve
 * checks it at start, so there the preflight measures the need `runner-refusal` as unmet.
 */
export const RUNNER_REFUSED_CREATE = { user: 'no-such-user-e2e' } as const;

/**
 * Whether a create the runner refused stays in the box list. The cloud API keeps the ERROR
 * row (apps/api/src/box/services/box.service.ts `findAllDeprecated` lists all but DESTROYED)
 * and shows it as `unknown` (mappers/box-to-box.mapper.ts) until DELETE removes it; the sim
 * lists no row and frees the name (protocol §6.2 Sim note).
 */
export function refusedCreateListed(stack: Kind): boolean {
  return cloudApi(stack);
}
