/**
 * Creating and starting one service container with testcontainers. testcontainers is loaded
 * lazily here: a warm re-setup only inspects existing containers (dockerode) and should not
 * pay for loading it.
 */
import type { GenericContainer as GenericContainerType } from 'testcontainers';

export interface StartContainerSpec {
  image: string;
  name: string;
  labels: Record<string, string>;
  env: Record<string, string>;
  containerPort: number;
  hostPort: number;
  bind: { source: string; target: string };
  readyLog: RegExp;
  stopSignal: string | undefined;
  startupTimeoutMs: number;
  /** With Ryuk on, testcontainers reaps the container when this process exits. */
  ryuk: boolean;
}

type Ctor = new (image: string) => GenericContainerType;
let LoopbackContainer: Ctor | null = null;

async function loopbackContainerClass(): Promise<Ctor> {
  if (LoopbackContainer) return LoopbackContainer;
  const { GenericContainer } = await import('testcontainers');
  class Loopback extends GenericContainer {
    stopSignal: string | undefined;
    protected override async beforeContainerCreated(): Promise<void> {
      // testcontainers publishes on every interface; the stack is loopback-only.
      for (const bindings of Object.values(this.hostConfig.PortBindings ?? {}) as { HostIp?: string }[][]) {
        for (const b of bindings) b.HostIp = '127.0.0.1';
      }
      if (this.stopSignal) this.createOpts.StopSignal = this.stopSignal;
    }
  }
  LoopbackContainer = Loopback;
  return Loopback;
}

/** Starts the container and waits for its ready log line and listening port; returns its id. */
export async function startServiceContainer(spec: StartContainerSpec): Promise<string> {
  const { PullPolicy, Wait } = await import('testcontainers');
  const Loopback = await loopbackContainerClass();
  const container = new Loopback(spec.image) as GenericContainerType & { stopSignal: string | undefined };
  container.stopSignal = spec.stopSignal;
  const started = await container
    .withName(spec.name)
    .withLabels(spec.labels)
    .withEnvironment(spec.env)
    .withExposedPorts({ container: spec.containerPort, host: spec.hostPort })
    .withBindMounts([{ source: spec.bind.source, target: spec.bind.target, mode: 'rw' }])
    // Local images only: a pull attempt would just time out on this air-gapped machine.
    .withPullPolicy(PullPolicy.neverPull())
    .withAutoCleanup(spec.ryuk)
    .withWaitStrategy(Wait.forAll([Wait.forLogMessage(spec.readyLog), Wait.forListeningPorts()]))
    .withStartupTimeout(spec.startupTimeoutMs)
    .start();
  return started.getId();
}
