import { describe, expect, it } from 'vitest';
import { generateGoWork, goModulePath, goWorkInputDirs, goWorkUses, requiredVersions } from './go-work.ts';

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
      sdkVersions: ['v0.9.0'],
      goVersion: '1.25.4',
    });
    expect(text).toContain('go 1.25.4');
    expect(text).toContain('\t/co/sdks/go\n\t/co/apps/libs/api-client-go\n\t/co/apps/runner\n');
    // A workspace module may only be replaced at a version.
    expect(text).toContain('replace github.com/boxlite-ai/boxlite/sdks/go v0.9.0 => /co/sdks/go');
  });

  it('still builds the runner when the checkout has no apps/go.work', () => {
    const text = generateGoWork({
      root: '/co',
      appsGoWork: '',
      sdkModule: 'm',
      sdkVersions: [],
      goVersion: '1.25.4',
    });
    expect(text).toContain('go 1.25.4\n\nuse (\n\t/co/apps/runner\n\t/co/sdks/go\n)');
  });

  it('finds the versions of the SDK a go.mod requires', () => {
    const gomod =
      'module r\n\nrequire (\n\tgithub.com/boxlite-ai/boxlite/sdks/go v0.9.0\n\tgithub.com/x/y v1.0.0\n)\n';
    expect(requiredVersions(gomod, 'github.com/boxlite-ai/boxlite/sdks/go')).toEqual(['v0.9.0']);
    expect(
      requiredVersions(
        'require github.com/boxlite-ai/boxlite/sdks/go v0.8.1\n',
        'github.com/boxlite-ai/boxlite/sdks/go',
      ),
    ).toEqual(['v0.8.1']);
    expect(requiredVersions(gomod, 'github.com/boxlite-ai/boxlite/sdks')).toEqual([]);
  });

  it('makes every used module an input of the runner build', () => {
    expect(goWorkInputDirs(APPS_GO_WORK)).toEqual(['sdks/go', 'apps/libs/api-client-go', 'apps/runner']);
  });
});
