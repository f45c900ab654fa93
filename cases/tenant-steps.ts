/**
 * What the tenancy cases (multi-tenant, keys) share: identifiers no server issued, and the
 * observable shape of a refusal, so two refusals can be compared with the probed ids masked.
 */
import { randomBytes } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** A box id shaped like a real one that no org has. */
export const ghostId = () => Array.from(randomBytes(12), (b) => BASE62[b % 62]).join('');
/** A well-formed key no server issued. */
export const ghostKey = () => randomBytes(24).toString('hex');

export interface Answer {
  status: number;
  text: string;
}

/** What a caller can observe of a refusal, with the probed identifiers masked. */
export function shape(a: Answer, secrets: string[]) {
  const mask = (s: string) => secrets.reduce((acc, x) => acc.split(x).join('<X>'), s);
  let json: unknown = null;
  try {
    json = JSON.parse(a.text);
  } catch {}
  const err = (json as { error?: Record<string, unknown> } | null)?.error;
  return {
    status: a.status,
    keys: json && typeof json === 'object' ? Object.keys(json) : null,
    code: err?.code ?? null,
    type: err?.type ?? null,
    message: typeof err?.message === 'string' ? mask(err.message) : mask(a.text),
  };
}
