/**
 * A provider turns a ServiceSpec into a running, healthy service and a ServiceRecord for
 * the stack file. `host` runs Debian binaries under our supervisor; `containers` uses
 * testcontainers. Both must be idempotent: given the previous record, reuse a healthy
 * service, repair a dead one, never start a duplicate.
 */
import type { BootstrapConfig, ProviderKind, ServiceName } from '../../kernel/config.ts';
import type { StatePaths } from '../../kernel/paths.ts';
import type { Progress } from '../../kernel/progress.ts';
import type { Secrets } from '../../kernel/secrets.ts';
import type { ServiceRecord } from '../../kernel/stack-file.ts';

export interface ServiceSpec {
  name: ServiceName;
  /** Port pinned by the user, if any. */
  pinnedPort: number | undefined;
  /** The port this service had last time (the port book), taken again when free. */
  preferredPort?: number | undefined;
}

export interface ProviderContext {
  config: BootstrapConfig;
  paths: StatePaths;
  secrets: Secrets;
  progress: Progress;
}

export interface UpResult {
  record: ServiceRecord;
  /** True when an existing healthy service was kept as is. */
  reused: boolean;
}

export interface ServiceProvider {
  readonly kind: ProviderKind;
  /** Machine prerequisites (Debian packages, a Docker engine). Fast when already satisfied. */
  prepare(services: readonly ServiceName[]): Promise<void>;
  up(spec: ServiceSpec, previous: ServiceRecord | undefined): Promise<UpResult>;
  /** Stops the service; data stays on disk unless the caller wipes it. */
  down(record: ServiceRecord): Promise<void>;
}
