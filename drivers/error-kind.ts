/**
 * One error vocabulary for every driver — the REST envelope's string codes — so outcomes from
 * different clients can be compared. The SDKs and the CLI print BoxliteError's Display form,
 * `<kind>: <server message>` (0.10 spells a missing box `box not found:`, 0.11 `not found:`);
 * the CLI words a few client-side refusals itself, and a lookup that answers "no such box"
 * with null/None is a not-found too.
 */
const KINDS: [RegExp, string][] = [
  [/^HTTP \d+ (\w+): /, '$1'],
  [/\bno such box\b|\bbox not found\b|\bnot found: |returned None|returned null/i, 'not_found'],
  [/\bauth: |unauthoriz|\bunauthenticated\b/i, 'unauthenticated'],
  [/\binvalid argument: /i, 'invalid_argument'],
  [/\binvalid state: /i, 'invalid_state'],
  [/\bstopped: /i, 'stopped'],
  [/\balready exists: /i, 'already_exists'],
  [/\bresource exhausted: /i, 'resource_exhausted'],
  [/\bunsupported: /i, 'unsupported'],
  [/\bexecution error: /i, 'execution_failed'],
  [/\bnetwork error: |connect failed|could not reach|connection refused/i, 'network'],
  [/\binternal error: /i, 'internal'],
];

/** The error class a message names; `other` when it names none we know, null for no error. */
export function errorKind(message: string | null): string | null {
  if (!message) return null;
  for (const [re, kind] of KINDS) {
    const m = re.exec(message);
    if (m) return kind === '$1' ? (m[1] as string) : kind;
  }
  return 'other';
}
