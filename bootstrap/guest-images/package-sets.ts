/**
 * Which Debian packages go into which guest image, in unpacking order (later content wins).
 * The ELF linkage check at build time fails an image whose binaries miss a library.
 */

/**
 * Runtime closure of dash + coreutils, checked by hand against `apt-cache
 * depends --recurse` and enforced by the ELF linkage check at build time.
 * Left out on purpose: debianutils, dpkg and tar (dash's maintainer-script
 * dependencies, unused at run time) and gcc-12-base/libgcc-s1 (only loaded
 * by glibc for pthread_cancel, which no test binary uses).
 */
export const DEBIAN_PACKAGES = [
  'libc6',
  'libacl1',
  'libattr1',
  'libpcre2-8-0',
  'libselinux1',
  'libgmp10',
  'coreutils',
  'dash',
] as const;

/** Unpacked in this order: libraries before the programs that need them (the ELF check enforces it). */
export const AGENT_BASE_PACKAGES = [
  ...DEBIAN_PACKAGES,
  // shells and text tools
  'libtinfo6',
  'bash',
  'grep',
  'sed',
  'mawk',
  'findutils',
  'gzip',
  'tar',
  // procps (ps, free, kill, top) and libproc2's libsystemd0 closure
  'libncursesw6',
  'libcap2',
  'libgpg-error0',
  'libgcrypt20',
  'liblz4-1',
  'liblzma5',
  'libzstd1',
  'libsystemd0',
  'libproc2-0',
  'procps',
  // python3 with its standard library (sqlite3, ssl, …)
  'zlib1g',
  'libexpat1',
  'libssl3',
  'libbz2-1.0',
  'libcrypt1',
  'libdb5.3',
  'libffi8',
  'libuuid1',
  'libsqlite3-0',
  'libcom-err2',
  'libkeyutils1',
  'libkrb5support0',
  'libk5crypto3',
  'libkrb5-3',
  'libgssapi-krb5-2',
  'libtirpc-common',
  'libtirpc3',
  'libnsl2',
  'readline-common',
  'libreadline8',
  'media-types',
  'libpython3.11-minimal',
  'python3.11-minimal',
  'python3-minimal',
  'libpython3.11-stdlib',
  'python3.11',
  'libpython3-stdlib',
  'python3',
  'git',
] as const;
