import { describe, expect, it } from 'vitest';
import { escapeCell, escapeMarkup } from './escape.ts';
import { htmlPage, htmlTable } from './html.ts';
import { renderJunit } from './junit.ts';
import { countPhrase, mdTable } from './markdown.ts';

describe('escaping', () => {
  it('markup: every character that could end an element or an attribute', () => {
    expect(escapeMarkup(`a<b>&"c"'d'`)).toBe('a&lt;b&gt;&amp;&quot;c&quot;&#39;d&#39;');
  });

  it('a table cell: a pipe stays in its cell, a line break in its row', () => {
    expect(escapeCell('a|b\nc\r\nd')).toBe('a\\|b c d');
  });
});

describe('markdown', () => {
  it('a table escapes its cells and keeps their emphasis', () => {
    expect(mdTable(['x', 'y'], [['a|b', '**NO**']])).toBe('| x | y |\n|---|---|\n| a\\|b | **NO** |');
  });

  it('an empty table is its header, or the text given for it', () => {
    expect(mdTable(['x'], [])).toBe('| x |\n|---|');
    expect(mdTable(['x'], [], { empty: '(none)' })).toBe('(none)');
  });

  it('count phrases: zero counts only where always', () => {
    expect(
      countPhrase([
        { n: 0, label: 'passed', always: true },
        { n: 0, label: 'not run' },
        { n: 2, label: 'flaky' },
      ]),
    ).toBe('0 passed, 2 flaky');
  });
});

describe('html', () => {
  it('a page is self-contained, its title escaped', () => {
    const page = htmlPage({ title: 'run <1>', css: 'b{}', body: '<p>x</p>' });
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toContain('<title>run &lt;1&gt;</title>');
    expect(page).not.toMatch(/<script|<link|src=/);
  });

  it('a table escapes its header, not its (already rendered) cells', () => {
    expect(htmlTable(['a<b'], [['<b>x</b>']])).toContain('<th>a&lt;b</th>');
    expect(htmlTable(['a'], [['<b>x</b>']])).toContain('<td><b>x</b></td>');
  });
});

describe('junit', () => {
  it('suite counts come from the cases; text is escaped; properties kept', () => {
    const xml = renderJunit('two-sided <r>', [
      {
        name: 'base',
        cases: [
          {
            classname: 'base',
            name: 'a > <b>',
            seconds: 0.12,
            properties: { verdict: 'fixed' },
            failure: 'x"y',
          },
          { classname: 'base', name: 'c', seconds: 0, skipped: 'not run' },
          { classname: 'base', name: 'd', seconds: 1 },
        ],
      },
    ]);
    expect(xml).toContain('<testsuites name="two-sided &lt;r&gt;">');
    expect(xml).toContain('<testsuite name="base" tests="3" failures="1" skipped="1">');
    expect(xml).toContain(
      '<testcase classname="base" name="a &gt; &lt;b&gt;" time="0.120"><properties><property name="verdict" value="fixed"/></properties><failure message="x&quot;y"/></testcase>',
    );
    expect(xml).toContain('<testcase classname="base" name="d" time="1.000"/>');
  });
});
