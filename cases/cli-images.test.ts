/**
 * The `boxlite` CLI over the images a server holds (upstream test_images: the fixture image is
 * listed; a pull from a registry that does not resolve is a typed error). In a cli-named file
 * so that a run waits for the CLI build before these cases, as for every CLI case.
 */
import { claims, describe, expect, test } from '../fixtures/index.ts';
import { useImage } from './image-listing.ts';

describe('images through the CLI', () => {
  test(
    "the CLI lists the server's image with its repository, tag and short id",
    claims({
      pins: ['images.list.route'],
      ports: ['test_list_reports_fixture_images'],
      detects: ['cli-images-ignores-rest'],
    }),
    async ({ rest, cli, stack, boxName }) => {
      const { row } = await useImage(rest, stack.images.busybox, boxName());
      const out = await cli.invoke(['images', '--format', 'json']);
      expect(out.exitCode, out.stderr).toBe(0);
      const listed = JSON.parse(out.stdout) as { Repository: string; Tag: string; ID: string }[];
      const mine = listed.find((r) => r.Repository === row.repository && r.Tag === row.tag);
      expect(mine, `boxlite images printed ${out.stdout.trim()}`).toBeDefined();
      expect(row.id.replace(/^sha256:/, '').startsWith(mine!.ID.replace(/^sha256:/, ''))).toBe(true);
    },
  );

  test(
    'pulling from a registry that does not resolve is a typed error, never a 500',
    claims({ pins: ['images.pull.bad-reference'], ports: ['test_pull_unreachable_registry_is_typed_error'] }),
    async ({ cli }) => {
      // Upstream strips the echoed reference before looking for "500"; so do we.
      const ref = 'does-not-exist.invalid/nope:0.0.0';
      const out = await cli.invoke(['pull', ref]);
      expect(out.exitCode).not.toBe(0);
      const message = (out.error ?? out.stderr).replaceAll(ref, '<ref>');
      expect(message).toMatch(/^[a-z ]+ error:|^unsupported/i);
      expect(message).not.toMatch(/\b500\b|internal error/i);
    },
  );
});
