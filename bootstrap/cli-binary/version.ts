/** The version a `boxlite` binary reports: how a build is checked and a named binary described. */
import { execa } from 'execa';
import { SetupError } from '../../kernel/errors.ts';
import { versionFrom } from './spec.ts';

export async function versionOf(binary: string): Promise<string> {
  const res = await execa(binary, ['--version'], { reject: false, timeout: 10_000 });
  const v = versionFrom(res.stdout);
  if (res.failed || v === null) {
    const why = String(res.stderr || res.stdout || res.shortMessage || 'no output')
      .trim()
      .split('\n')[0];
    throw new SetupError(`${binary} --version did not print a version: ${why}`);
  }
  return v;
}
