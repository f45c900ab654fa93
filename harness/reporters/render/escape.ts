/**
 * Escaping for every report format, once: markup (HTML pages, SVG, JUnit XML) and markdown
 * table cells. A report renders untrusted text (case names, error messages, refs).
 */

/** Text safe inside an HTML/XML element or a double- or single-quoted attribute. */
export function escapeMarkup(s: string): string {
  return s
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** Text safe in a markdown table cell: a pipe would end the cell, a line break the row. */
export function escapeCell(s: string): string {
  return s.replaceAll('|', '\\|').replace(/\r?\n/g, ' ');
}
