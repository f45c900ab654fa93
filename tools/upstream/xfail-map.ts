/**
 * Upstream's strict expected failures, each tied to the ledger bug it marks. With the bug's sim
 * switch on, the sim misbehaves as upstream's stack does and the case fails as upstream
 * expects (XFAIL); with it off the sim behaves as fixed, the case passes, and strict xfail
 * turns that into a failure (XPASS) that this map explains. Keys are pytest node ids relative
 * to the suite dir (both layouts keep the cases in `cases/`).
 */
import type { KnownBugId } from '../../harness/ledger/known-bugs.ts';

export const UPSTREAM_XFAILS: Readonly<Record<string, KnownBugId>> = {
  'cases/test_error_code_mapping.py::test_invalid_argument_zero_cpu_returns_400': 'create-invalid-accepted',
  'cases/test_error_code_mapping.py::test_invalid_argument_negative_memory_returns_400':
    'create-invalid-accepted',
  'cases/test_error_code_mapping.py::test_execution_invalid_command_returns_422': 'exec-spawn-500',
  'cases/test_go_coverage.py::test_go_copy': 'exec-stdout-drop',
  'cases/test_node_coverage.py::test_node_copy': 'exec-stdout-drop',
  'cases/test_sdk_tunnel.py::test_python_sdk_tunnel_rejects_stopped_box': 'tunnel-stopped-box-reachable',
  'cases/test_node_tunnel.py::test_node_sdk_tunnel_rejects_stopped_box': 'tunnel-stopped-box-reachable',
  'cases/test_sdk_tunnel.py::test_python_sdk_tunnel_preserves_tcp_half_close':
    'tunnel-half-close-drops-response',
  'cases/test_node_tunnel.py::test_node_sdk_tunnel_preserves_tcp_half_close':
    'tunnel-half-close-drops-response',
};

/** The ledger bug an upstream case's strict xfail marks (parametrised ids share their function's). */
export function markedBug(nodeid: string): KnownBugId | null {
  return UPSTREAM_XFAILS[nodeid.replace(/\[.*\]$/, '')] ?? null;
}
