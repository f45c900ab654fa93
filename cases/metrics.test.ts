/**
 * Box and runtime metrics (ports upstream §1.14 C:test_box_metrics).
 *
 * Upstream checked attribute presence and "grows by ≥ 1". Here the wire JSON (protocol §3.4)
 * must carry every BoxMetrics / RuntimeMetrics field with its type, the SDK must surface the
 * same numbers, and counters move by exactly what the case did on a box nobody else touches.
 */

import { claims, countsExecOutput, describe, expect, test } from '../fixtures/index.ts';

/** Protocol §3.4 BoxMetrics: counters are ints (required here: "all fields present"); gauges int|null. */
const BOX_COUNTERS = [
  'commands_executed_total',
  'exec_errors_total',
  'bytes_sent_total',
  'bytes_received_total',
];
const BOX_GAUGES_INT = [
  'memory_bytes',
  'network_bytes_sent',
  'network_bytes_received',
  'network_tcp_connections',
  'network_tcp_errors',
];
const BOOT_TIMING = [
  'total_create_ms',
  'guest_boot_ms',
  'filesystem_setup_ms',
  'image_prepare_ms',
  'guest_rootfs_ms',
  'box_config_ms',
  'box_spawn_ms',
  'container_init_ms',
];
const RUNTIME_COUNTERS = [
  'boxes_created_total',
  'boxes_failed_total',
  'boxes_stopped_total',
  'num_running_boxes',
  'total_commands_executed',
  'total_exec_errors',
];

const isCount = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;

function expectBoxMetricsShape(m: Record<string, unknown>): void {
  for (const k of BOX_COUNTERS) expect(isCount(m[k]), `${k} = ${JSON.stringify(m[k])}`).toBe(true);
  for (const k of BOX_GAUGES_INT) {
    expect(m, `field ${k}`).toHaveProperty(k);
    expect(m[k] === null || isCount(m[k]), `${k} = ${JSON.stringify(m[k])}`).toBe(true);
  }
  expect(m, 'field cpu_percent').toHaveProperty('cpu_percent');
  expect(m.cpu_percent === null || (typeof m.cpu_percent === 'number' && m.cpu_percent >= 0)).toBe(true);
  if (m.boot_timing !== undefined && m.boot_timing !== null) {
    expect(typeof m.boot_timing).toBe('object');
    const bt = m.boot_timing as Record<string, unknown>;
    for (const [k, v] of Object.entries(bt)) {
      expect(BOOT_TIMING, `unknown boot_timing field ${k}`).toContain(k);
      expect(v === null || isCount(v), `boot_timing.${k} = ${JSON.stringify(v)}`).toBe(true);
    }
  }
}

describe('metrics', claims({ needs: 'vm' }), () => {
  test(
    'box metrics: every BoxMetrics field is present with its type, on the wire and through the SDK',
    claims({
      pins: ['metrics.box.route', 'metrics.box.fields', 'metrics.box.boot-timing'],
      ports: ['test_box_metrics_shape_is_complete'],
    }),
    async ({ rt, rest, stack, boxName }) => {
      const box = await rt.create({ image: stack.images.busybox }, boxName());
      const wire = await rest.tenant<Record<string, unknown>>('GET', `/boxes/${box.id}/metrics`);
      expect(wire.status, wire.text).toBe(200);
      expectBoxMetricsShape(wire.json!);
      const sdk = await box.metrics();
      expect(sdk).toMatchObject({
        commandsExecutedTotal: wire.json!.commands_executed_total,
        execErrorsTotal: wire.json!.exec_errors_total,
        bytesSentTotal: wire.json!.bytes_sent_total,
        bytesReceivedTotal: wire.json!.bytes_received_total,
      });
      // Optional SDK fields are absent or numbers (null on the wire becomes absent).
      for (const k of [
        'totalCreateDurationMs',
        'guestBootDurationMs',
        'cpuPercent',
        'memoryBytes',
      ] as const) {
        expect(
          sdk[k] === undefined || sdk[k] === null || typeof sdk[k] === 'number',
          `${k} = ${sdk[k]}`,
        ).toBe(true);
      }
    },
  );

  test(
    'commands_executed_total grows by exactly 3 after 3 execs; output bytes are counted; no exec errors',
    claims({
      pins: ['metrics.box.commands', 'metrics.box.bytes-received'],
      ports: ['test_box_metrics_increments_command_count'],
    }),
    async ({ rt, stack, boxName }) => {
      const box = await rt.create({ image: stack.images.busybox }, boxName());
      const before = await box.metrics();
      // A fresh box has run nothing, so the counts below are exact totals, not just deltas.
      expect(before).toMatchObject({ commandsExecutedTotal: 0, execErrorsTotal: 0 });
      for (const word of ['one', 'two', 'three']) {
        const ex = await box.exec('echo', [word]);
        expect((await ex.wait()).exitCode).toBe(0);
      }
      const after = await box.metrics();
      expect(after.commandsExecutedTotal - before.commandsExecutedTotal).toBe(3);
      expect(after.execErrorsTotal).toBe(before.execErrorsTotal);
      if (countsExecOutput(stack))
        expect(after.bytesReceivedTotal, 'stdout of the execs').toBeGreaterThanOrEqual(
          before.bytesReceivedTotal + 'one\ntwo\nthree\n'.length,
        );
      // Where the runtime does not count output (0.11), the counter still never goes back.
      else expect(after.bytesReceivedTotal).toBeGreaterThanOrEqual(before.bytesReceivedTotal);
    },
  );

  test(
    'runtime metrics: every field is an int on the wire; boxes_created_total and total_commands_executed grow',
    claims({
      pins: [
        'metrics.runtime.route',
        'metrics.runtime.fields',
        'metrics.runtime.created',
        'metrics.runtime.commands',
      ],
      ports: ['test_runtime_metrics_counts_active_boxes'],
    }),
    async ({ rt, rest, stack, boxName }) => {
      const wireBefore = await rest.tenant<Record<string, unknown>>('GET', '/metrics');
      expect(wireBefore.status, wireBefore.text).toBe(200);
      for (const k of RUNTIME_COUNTERS)
        expect(isCount(wireBefore.json![k]), `${k} = ${JSON.stringify(wireBefore.json![k])}`).toBe(true);
      const before = await rt.metrics();
      // Counters are org-wide and other cases run in parallel: they may only have grown.
      expect(before.boxesCreatedTotal).toBeGreaterThanOrEqual(wireBefore.json!.boxes_created_total as number);
      const box = await rt.create({ image: stack.images.busybox }, boxName());
      expect((await (await box.exec('true')).wait()).exitCode).toBe(0);
      const after = await rt.metrics();
      expect(after.boxesCreatedTotal).toBeGreaterThanOrEqual(before.boxesCreatedTotal + 1);
      expect(after.totalCommandsExecuted).toBeGreaterThanOrEqual(before.totalCommandsExecuted + 1);
      expect(after.boxesFailedTotal).toBeGreaterThanOrEqual(before.boxesFailedTotal);
    },
  );

  test(
    'runtime counters never go down: removing a box leaves boxes_created_total where it was',
    claims({ pins: ['metrics.runtime.created'] }),
    async ({ rt, stack, boxName }) => {
      // Upstream runtime_metrics.rs: "All counters are monotonic (never decrease)".
      const box = await rt.create({ image: stack.images.busybox }, boxName());
      const before = await rt.metrics();
      await rt.remove(box.id, true);
      const after = await rt.metrics();
      expect(after.boxesCreatedTotal).toBeGreaterThanOrEqual(before.boxesCreatedTotal);
      expect(after.totalCommandsExecuted).toBeGreaterThanOrEqual(before.totalCommandsExecuted);
    },
  );
});
