/**
 * The contract map holds together: rows are well formed, cite protocol sections that exist,
 * cover every public route the sim serves (and name no other), and — the lock — no row that
 * some case pinned has lost its last case (`pnpm e2e:contract --update` to let one go on purpose).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../kernel/paths.ts';
import { apiKeyRoutes } from '../../sim/api/routes/api-keys.ts';
import { boxRoutes } from '../../sim/api/routes/boxes.ts';
import { cloneExportRoutes } from '../../sim/api/routes/clone-export.ts';
import { imageRoutes } from '../../sim/api/routes/images.ts';
import { proxyRoutes } from '../../sim/api/routes/proxy.ts';
import { publicRoutes, rootRoutes } from '../../sim/api/routes/root.ts';
import { snapshotRoutes } from '../../sim/api/routes/snapshots.ts';
import { tunnelRoutes } from '../../sim/api/routes/tunnels.ts';
import { volumeRoutes } from '../../sim/api/routes/volumes.ts';
import { collectAllCases } from '../../tools/collect/collect.ts';
import { joinContract, lostPins, parseLock } from '../../tools/contract/join.ts';
import { type AreaFile, allRows, LOCK_FILE, loadMap, shapeProblems } from '../../tools/contract/map.ts';
import { headings } from '../references.ts';

/** The sim's public routes, as its router names them; the WebSocket pair lives in sim/api/ws-proxy.ts. */
function simRoutes(): string[] {
  const tables = [
    ...publicRoutes,
    ...rootRoutes,
    ...apiKeyRoutes,
    ...boxRoutes,
    ...cloneExportRoutes,
    ...imageRoutes,
    ...proxyRoutes,
    ...snapshotRoutes,
    ...tunnelRoutes,
    ...volumeRoutes,
  ];
  const ws = ['GET /boxes/:id/executions/:eid/attach', 'GET /boxes/:id/attach'];
  const sim = tables
    .filter((r) => !r.pattern.startsWith('/api/_sim/'))
    .map((r) => `${r.method} ${r.pattern}`);
  return [...new Set([...sim, ...ws])].sort();
}

describe('the contract map', () => {
  let areas: AreaFile[];
  beforeAll(async () => {
    areas = await loadMap();
  });

  it('loads: every row well formed, every id unique', () => {
    expect(allRows(areas).length).toBeGreaterThan(300);
  });

  it('the shape check names what is wrong with a row', () => {
    const bad = {
      area: 'a',
      title: 't',
      rows: [{ id: 'b.x', kind: 'nope', promise: 'short' }],
    } as unknown as AreaFile;
    expect(shapeProblems('a.yaml', bad)).toEqual([
      'a.yaml row 1 (b.x): id must start with one of a',
      'a.yaml row 1 (b.x): kind must be one of route, status, field, state, side-effect, ws-frame, ws-close, file, key, limit',
      'a.yaml row 1 (b.x): promise must say what is promised',
      'a.yaml row 1 (b.x): needs a protocol section or an upstream source',
    ]);
  });

  it('every protocol section a row cites is a heading of docs/rest-protocol.md', async () => {
    const md = await readFile(join(REPO_ROOT, 'docs', 'rest-protocol.md'), 'utf8');
    const sections = new Set(headings(md).map((h) => h.section));
    const missing = allRows(areas).filter((r) => r.protocol !== undefined && !sections.has(r.protocol));
    expect(missing.map((r) => `${r.id}: §${r.protocol}`)).toEqual([]);
  });

  it('every public route of the sim has a route row, and every row names a route the sim serves', () => {
    const served = simRoutes();
    const rowRoutes = allRows(areas).filter((r) => r.route !== undefined);
    const withRow = new Set(rowRoutes.filter((r) => r.kind === 'route').map((r) => r.route));
    expect(served.filter((r) => !withRow.has(r))).toEqual([]);
    expect(
      rowRoutes.filter((r) => !served.includes(r.route as string)).map((r) => `${r.id}: ${r.route}`),
    ).toEqual([]);
  });

  it('no row that a case pinned has lost its last case, and every pin names a live row', async () => {
    const report = joinContract(areas, await collectAllCases());
    expect(report.unknown).toEqual([]);
    const locked = parseLock(await readFile(LOCK_FILE, 'utf8'));
    expect(
      lostPins(report, locked),
      'run `pnpm e2e:contract --update` only to drop a row on purpose',
    ).toEqual([]);
  }, 180_000);
});
