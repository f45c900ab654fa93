import { readSecrets } from '../../kernel/secrets.ts';

/** Every secret value of the stack (empty for remote stacks, whose key comes from env). */
export async function secretValues(secretsFile: string | null): Promise<string[]> {
  const values: string[] = [];
  if (secretsFile) {
    const s = await readSecrets(secretsFile).catch(() => null);
    if (s) values.push(...Object.values(s));
  }
  if (process.env.BOXLITE_E2E_API_KEY) values.push(process.env.BOXLITE_E2E_API_KEY);
  return values.filter((v) => v.length >= 8);
}
