import { readSecrets } from '../../kernel/secrets.ts';

/** Every secret value of the stack, plus `extra` (a remote stack's key, which comes from env). */
export async function secretValues(
  secretsFile: string | null,
  extra: readonly string[] = [],
): Promise<string[]> {
  const values: string[] = [...extra];
  if (secretsFile) {
    const s = await readSecrets(secretsFile).catch(() => null);
    if (s) values.push(...Object.values(s));
  }
  return values.filter((v) => v.length >= 8);
}
