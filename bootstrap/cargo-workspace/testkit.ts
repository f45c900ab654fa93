/**
 * A stand-in cargo for tests of the builds that go through the workspace: `-vV` names a host,
 * `fetch` unpacks a fake boxlite-cli source into a fake registry, `metadata` points at it, and
 * `build` checks the workspace it runs in, then writes a `boxlite` that prints its version and
 * the shim library into the target dir. Every build appends its argv to <dir>/cargo-builds.
 */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const script = (dir: string) => `#!/bin/sh
reg=${dir}/registry/index.test
case "$1" in
  -vV) printf 'cargo 1.0.0\\nhost: x86_64-test-linux\\n'; exit 0;;
  fetch)
    v=$(sed -n 's/^boxlite-cli = "=\\(.*\\)"$/\\1/p' Cargo.toml)
    mkdir -p "$reg/boxlite-cli-$v" "$reg/boxlite-0.11.0"
    printf '[package]\\nname = "boxlite-cli"\\n' > "$reg/boxlite-cli-$v/Cargo.toml"
    printf '# published lock\\n' > "$reg/boxlite-cli-$v/Cargo.lock"
    echo "  Downloaded boxlite-cli v$v" >&2; exit 0;;
  metadata)
    printf '{"packages":[{"name":"boxlite","source":"registry+https://x","manifest_path":"%s"}]}' "$reg/boxlite-0.11.0/Cargo.toml"
    exit 0;;
  build)
    [ "$BOXLITE_DEPS_STUB" = 1 ] || { echo 'BOXLITE_DEPS_STUB not set' >&2; exit 9; }
    [ -f Cargo.lock ] && [ -f boxlite-cli/Cargo.toml ] || { echo "no workspace in $(pwd)" >&2; exit 9; }
    [ "$FAKE_CARGO_FAIL" = 1 ] && { echo 'error[E0000]: boom' >&2; exit 101; }
    v=$(sed -n 's/^boxlite-cli = "=\\(.*\\)"$/\\1/p' ../fetch/Cargo.toml)
    out="$CARGO_TARGET_DIR/e2e"; mkdir -p "$out"
    echo "   Compiling boxlite-cli v$v" >&2
    printf '#!/bin/sh\\necho boxlite %s\\n' "$v" > "$out/boxlite"; chmod +x "$out/boxlite"
    case "$*" in *boxlite-e2e-sdk-shim*) printf 'shim-archive' > "$out/libboxlite_e2e_shim.a";; esac
    echo "$*" >> ${dir}/cargo-builds; exit 0;;
esac
echo "unexpected cargo $*" >&2; exit 9
`;

/** Writes the stand-in as <dir>/bin/cargo (with a protoc beside it) and returns its path. */
export async function writeFakeCargo(dir: string): Promise<string> {
  const bin = join(dir, 'bin');
  await mkdir(bin, { recursive: true });
  await writeFile(join(bin, 'cargo'), script(dir));
  await writeFile(join(bin, 'protoc'), '#!/bin/sh\necho libprotoc 3\n');
  await chmod(join(bin, 'cargo'), 0o755);
  await chmod(join(bin, 'protoc'), 0o755);
  return join(bin, 'cargo');
}
