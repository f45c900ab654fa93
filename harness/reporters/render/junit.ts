/**
 * JUnit XML for reports vitest's own JUnit reporter does not write (a two-sided run's cases ×
 * sides). The counts of each suite are derived from its cases, so they cannot disagree.
 */
import { escapeMarkup } from './escape.ts';

export interface JunitCase {
  classname: string;
  name: string;
  seconds: number;
  properties?: Record<string, string>;
  /** Failed, with this message. */
  failure?: string;
  /** Skipped, with this message. */
  skipped?: string;
}

export interface JunitSuite {
  name: string;
  cases: readonly JunitCase[];
}

const attr = (name: string, value: string | number) => `${name}="${escapeMarkup(String(value))}"`;

function caseXml(c: JunitCase): string {
  const props = Object.entries(c.properties ?? {})
    .map(([k, v]) => `<property ${attr('name', k)} ${attr('value', v)}/>`)
    .join('');
  const body = [
    props ? `<properties>${props}</properties>` : '',
    c.failure !== undefined ? `<failure ${attr('message', c.failure)}/>` : '',
    c.skipped !== undefined ? `<skipped ${attr('message', c.skipped)}/>` : '',
  ].join('');
  const head = `<testcase ${attr('classname', c.classname)} ${attr('name', c.name)} ${attr('time', c.seconds.toFixed(3))}`;
  return `    ${head}${body ? `>${body}</testcase>` : '/>'}`;
}

function suiteXml(s: JunitSuite): string {
  const failures = s.cases.filter((c) => c.failure !== undefined).length;
  const skipped = s.cases.filter((c) => c.skipped !== undefined).length;
  return [
    `  <testsuite ${attr('name', s.name)} ${attr('tests', s.cases.length)} ${attr('failures', failures)} ${attr('skipped', skipped)}>`,
    ...s.cases.map(caseXml),
    '  </testsuite>',
  ].join('\n');
}

export function renderJunit(name: string, suites: readonly JunitSuite[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ${attr('name', name)}>\n${suites.map(suiteXml).join('\n')}\n</testsuites>\n`;
}
