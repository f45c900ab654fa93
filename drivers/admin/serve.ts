/**
 * `boxlite serve` has one static bearer key and no orgs (boxlite-cli 0.11 serve: un-prefixed
 * routes, `GET /v1/me` answers `prefix: null`). createOrg asks the server anyway and puts its
 * answers in the refusal, so the preflight's evidence is measured, not assumed; the rest refuse.
 */
import { call } from '../rest/http.ts';
import { AdminError, type AdminTarget, type StackAdmin } from './types.ts';

export const SERVE_HAS_NO_ORGS =
  'boxlite serve has one static bearer key and no organizations, quotas or key routes (boxlite-cli 0.11 serve)';

async function answers(t: AdminTarget): Promise<string> {
  const target = { apiUrl: t.apiUrl, apiKey: t.adminKey, pathPrefix: '' };
  const asked: string[] = [];
  for (const [method, path] of [
    ['GET', '/v1/me'],
    ['POST', '/api-keys'],
  ] as const) {
    try {
      const res = await call(target, method, `${t.apiUrl}${path}`, {
        ...(method === 'POST' ? { body: { name: 'e2e-probe', permissions: ['write:boxes'] } } : {}),
        timeoutMs: 10_000,
      });
      asked.push(
        `${method} ${path} → HTTP ${res.status} ${res.text.replace(/\s+/g, ' ').slice(0, 120)}`.trim(),
      );
    } catch (err) {
      asked.push(`${method} ${path} failed: ${(err as Error).message}`);
    }
  }
  return asked.join('; ');
}

export function serveAdmin(t: AdminTarget): StackAdmin {
  const no = async (): Promise<never> => {
    throw new AdminError(SERVE_HAS_NO_ORGS, true);
  };
  return {
    server: 'serve',
    adminOrg: no,
    async createOrg() {
      throw new AdminError(`${SERVE_HAS_NO_ORGS}; it answered: ${await answers(t)}`, true);
    },
    setQuota: no,
    createApiKey: no,
    revokeApiKey: no,
    deleteOrg: no,
  };
}
