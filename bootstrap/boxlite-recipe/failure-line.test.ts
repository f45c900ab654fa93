import { describe, expect, it } from 'vitest';
import { causeLine, lastErrorLine } from './failure-line.ts';

describe("a failed build's one-line cause", () => {
  it('Go: the line naming the module, not the proxy response after it', () => {
    const out = [
      'go: downloading github.com/gin-gonic/gin v1.10.1',
      'go: github.com/boxlite-ai/runner/cmd/runner imports',
      '\tgithub.com/boxlite-ai/boxlite/sdks/go: github.com/boxlite-ai/boxlite/sdks/go@v0.9.0: reading https://proxy.golang.org/github.com/boxlite-ai/boxlite/sdks/go/@v/v0.9.0.mod: 403 Forbidden',
      '\tserver response: This module version is not available.',
    ].join('\n');
    expect(causeLine(out)).toMatch(/sdks\/go@v0.9.0: reading .* 403 Forbidden/);
  });

  it('yarn: the YN line with the missing package, not "Failed with errors"', () => {
    const out = [
      '➤ YN0000: · Yarn 4.13.0',
      '➤ YN0000: ┌ Resolution step',
      "➤ YN0060: │ react is listed by your project with version 18.3.1, which doesn't satisfy what x requests",
      '➤ YN0035: │ @openfeature/nestjs-sdk@npm:0.2.6: Package not found',
      '➤ YN0000: └ Completed in 1m 5s',
      '➤ YN0000: · Failed with errors in 1m 6s',
    ].join('\n');
    expect(causeLine(out)).toBe('YN0035: │ @openfeature/nestjs-sdk@npm:0.2.6: Package not found');
  });

  it('cargo: the first error, not "could not compile"', () => {
    const out = [
      '   Compiling libc v0.2.170',
      'warning: unused import: `x`',
      'error: failed to get `libcontainer` as a dependency of package `boxlite v0.9.7`',
      '',
      'Caused by:',
      '  failed to resolve address for github.com: Name or service not known',
      'error: could not compile `boxlite` (lib) due to 1 previous error',
    ].join('\n');
    expect(causeLine(out)).toBe(
      'error: failed to get `libcontainer` as a dependency of package `boxlite v0.9.7`',
    );
  });

  it('anything else: the last line', () => {
    expect(causeLine('step 1\nstep 2\nbye\n')).toBe('bye');
  });

  it("an API that died at start-up: Nest's last ERROR line", () => {
    const log = [
      '[Nest] 42  - 12/07/2026, 5:00:00 PM     LOG [NestFactory] Starting Nest application...',
      '[Nest] 42  - 12/07/2026, 5:00:01 PM   ERROR [ExceptionHandler] Failed to fetch OpenID configuration from https://accounts.google.com/.well-known/openid-configuration: getaddrinfo ENOTFOUND accounts.google.com',
      '    at OidcMetadataService.fetchOnce (/x/oidc-metadata.service.ts:104:17)',
    ].join('\n');
    expect(lastErrorLine(log)).toMatch(/ERROR \[ExceptionHandler\] Failed to fetch OpenID configuration/);
    expect(lastErrorLine('all fine\n')).toBeNull();
  });
});
