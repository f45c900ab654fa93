import type { ProviderKind } from '../../kernel/config.ts';
import { createHostProvider } from './host/index.ts';
import type { ProviderContext, ServiceProvider } from './provider.ts';

/**
 * Provider selection: one place maps the configured kind to its implementation. The
 * containers provider is imported lazily so host-only runs never load testcontainers
 * (it costs ~1 s of start-up, a fifth of the warm re-setup budget).
 */
export async function createProvider(kind: ProviderKind, ctx: ProviderContext): Promise<ServiceProvider> {
  if (kind === 'host') return createHostProvider(ctx);
  const { createContainersProvider } = await import('./containers.ts');
  return createContainersProvider(ctx);
}
