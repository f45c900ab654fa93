import { describe, expect, it } from 'vitest';
import { generateGoWork, goModulePath, goWorkInputDirs, goWorkUses } from './go-work.ts';

const APPS_GO_WORK = `go 1.25.4

use (
\t../sdks/go
\t./libs/api-client-go
\t./runner // the runner
)
`;

describe('the runner build go.work', () => {
  it('reads use blocks and the module path', () => {
    expect(goWorkUses(APPS_GO_WORK)).toEqual(['../sdks/go', './libs/api-client-go', './runner']);
    expect(goWorkUses('go 1.22\nuse ./one\n')).toEqual(['./one']);
    expect(goModulePath('module github.com/boxlite-ai/boxlite/sdks/go\n\ngo 1.24\n')).toBe(
      'github.com/boxlite-ai/boxlite/sdks/go',
    );
  });

  it("uses the checkout's modules by absolute path and replaces the SDK with its sdks/go", () => {
    const text = generateGoWork({
      root: '/co',
      appsGoWork: APPS_GO_WORK,
      sdkModule: 'github.com/boxlite-ai/boxlite/sdks/go',
      goVersion: '1.25.4',
    });
    expect(text).toContain('go 1.25.4');
    expect(text).toContain('\t/co/sdks/go\n\t/co/apps/libs/api-client-go\n\t/co/apps/runner\n');
    expect(text).toContain('replace github.com/boxlite-ai/boxlite/sdks/go => /co/sdks/go');
  });

  it('still builds the runner when the checkout has no apps/go.work', () => {
    const text = generateGoWork({ root: '/co', appsGoWork: '', sdkModule: 'm', goVersion: '1.25.4' });
    expect(text).toContain('go 1.25.4\n\nuse (\n\t/co/apps/runner\n\t/co/sdks/go\n)');
  });

  it('makes every used module an input of the runner build', () => {
    expect(goWorkInputDirs(APPS_GO_WORK)).toEqual(['sdks/go', 'apps/libs/api-client-go', 'apps/runner']);
  });
});
