/**
 * Per-box counters in the public BoxMetrics shape (protocol §3.4). In memory: a restarted runner
 * starts from zero. bytes_sent = stdin bytes into the box, bytes_received = stdout+stderr
 * bytes out of it (file copies are not counted). Fields the sim cannot observe are null.
 */

export interface BoxCounters {
  commands_executed_total: number;
  exec_errors_total: number;
  bytes_sent_total: number;
  bytes_received_total: number;
}

export class Metrics {
  private readonly boxes = new Map<string, BoxCounters>();

  box(boxId: string): BoxCounters {
    let c = this.boxes.get(boxId);
    if (!c) {
      c = { commands_executed_total: 0, exec_errors_total: 0, bytes_sent_total: 0, bytes_received_total: 0 };
      this.boxes.set(boxId, c);
    }
    return c;
  }

  drop(boxId: string): void {
    this.boxes.delete(boxId);
  }

  snapshot(boxId: string): Record<string, number | null> {
    return {
      ...this.box(boxId),
      cpu_percent: null,
      memory_bytes: null,
      network_bytes_sent: null,
      network_bytes_received: null,
      network_tcp_connections: null,
      network_tcp_errors: null,
    };
  }
}
