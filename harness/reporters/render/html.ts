/**
 * The HTML page shell and tables every report page uses: one self-contained file (inline
 * CSS, no script, no external asset) that opens from disk.
 */
import { escapeMarkup } from './escape.ts';

export interface HtmlPage {
  title: string;
  css: string;
  /** The body's inner HTML, already escaped where it holds text. */
  body: string;
}

export function htmlPage(p: HtmlPage): string {
  return [
    '<!doctype html>',
    `<html lang="en"><head><meta charset="utf-8"><title>${escapeMarkup(p.title)}</title>`,
    `<style>${p.css.trim()}</style></head><body>`,
    p.body,
    '</body></html>',
    '',
  ].join('\n');
}

/** A table: header cells are text (escaped here), row cells HTML the caller escaped. */
export function htmlTable(head: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const th = head.map((h) => `<th>${escapeMarkup(h)}</th>`).join('');
  const trs = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${trs}\n</tbody></table>`;
}
