/** Box ids look like the real API's: 12 characters of base62, drawn without modulo bias. */
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const BOX_ID_RE = /^[0-9A-Za-z]{12}$/;

export function newBoxId(length = 12): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // 248 = 4 * 62: bytes above it would favour the first characters.
      if (byte < 248 && out.length < length) out += ALPHABET[byte % 62];
    }
  }
  return out;
}

/** API keys are hex like the stack's ADMIN_API_KEY, so "well-formed" has one simple meaning. */
export function newApiKey(): string {
  return randomBytes(24).toString('hex');
}
