#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# librdkafka.sh - the librdkafka shopstream links: Debian's own source package
# of librdkafka 2.8.0 (the newer suite's, trixie), built on Debian 12 with
# Debian 12's -dev packages, as a backport is made. Debian 12's own
# librdkafka is 2.0.2, whose SASL/SCRAM Kafka 4 refuses even with the right
# password (confluentinc/librdkafka#4895, fixed in 2.6.1).
#
#   scripts/librdkafka.sh           fetch, build and install it, unless its
#                                   stamp says it is there (then: nothing)
#   scripts/librdkafka.sh --prefix  print where it is (or would be) installed
#
# scripts/setup.sh runs it after installing the build dependencies (the
# Dockerfile does the same in its build stage). It:
#   1. takes the Debian archive's URI from this machine's own apt sources (the
#      URIs: line of the stanza for this release's main suite, in
#      /etc/apt/sources.list.d/debian.sources or a one-line sources.list), and
#      adds a deb-src entry for trixie in a private apt configuration in a
#      temporary folder: the system's apt sources, lists and caches are not
#      touched;
#   2. `apt-get source librdkafka=2.8.0-N` (whichever Debian revision of
#      2.8.0 trixie has): apt checks the files against the archive's signed
#      index, dpkg-source unpacks them and applies Debian's patches;
#   3. builds the C library alone (upstream's ./configure, then only
#      src/librdkafka.a and rdkafka.pc: no shared library, C++ library,
#      examples or tests) with Debian's build flags (dpkg-buildflags), the
#      features Debian's package has (SSL, SASL with Cyrus for GSSAPI,
#      SCRAM, OAUTHBEARER/OIDC with libcurl, zlib, zstd, lz4);
#   4. installs it into ~/.cache/shopstream/librdkafka-2.8.0 (or
#      $SHOPSTREAM_RDKAFKA_PREFIX): include/librdkafka/, lib/librdkafka.a,
#      lib/pkgconfig/rdkafka.pc, share/doc/librdkafka/ (the licenses), staged
#      beside it and moved into place whole, with a stamp
#      (.shopstream-librdkafka) naming the version and the build options: a
#      change of either rebuilds, a second run finds it and does nothing.
#
# Static only, on purpose: CMake links librdkafka.a into shopstream (and the
# tests), so the program does not depend on this cache at run time, and the
# image needs only librdkafka's own dependencies (libssl3, libsasl2-2,
# libcurl4, zlib1g, libzstd1, liblz4-1).
set -euo pipefail

# The pin: the upstream version, and the Debian suite whose source package has it.
rdkafka_version=2.8.0
rdkafka_suite=trixie
# Upstream's ./configure options (mklove): no module downloads; everything
# else as Debian's package has it.
configure_opts=(--no-download --enable-ssl --enable-gssapi --enable-curl --enable-zlib --enable-zstd --enable-lz4-ext)

prefix=${SHOPSTREAM_RDKAFKA_PREFIX:-$HOME/.cache/shopstream/librdkafka-$rdkafka_version}
if [[ ${1:-} == --prefix ]]; then
  echo "$prefix"
  exit 0
elif [[ $# -gt 0 ]]; then
  echo "usage: $0 [--prefix]" >&2
  exit 2
fi

die() { echo "librdkafka: $*" >&2; exit 1; }

# The stamp's first line: what a rebuild would make. Its second line says
# which Debian source package it was (known only after fetching).
stamp=$prefix/.shopstream-librdkafka
want="librdkafka $rdkafka_version from Debian $rdkafka_suite's source package; configure ${configure_opts[*]}"
built() { [[ -f $stamp && "$(head -n 1 "$stamp")" == "$want" && -f $prefix/lib/librdkafka.a ]]; }
built && exit 0
# One build at a time (two commands set up at once): the second waits, then
# finds the first one's.
parent=$(dirname "$prefix")
mkdir -p "$parent"
exec 9>"$prefix.lock"
flock 9
built && exit 0
if [[ -e $prefix && ! -f $stamp ]]; then
  die "$prefix exists but is not a librdkafka build of ours: remove it, or set SHOPSTREAM_RDKAFKA_PREFIX"
fi

# What the build needs (scripts/setup.sh installs it; the Dockerfile too).
for tool in dpkg-source dpkg-buildflags cc c++ make pkg-config; do
  command -v "$tool" >/dev/null 2>&1 || die "no $tool: run scripts/setup.sh (it installs librdkafka's build dependencies)"
done
for pc in libssl libsasl2 libcurl zlib libzstd liblz4; do
  pkg-config --exists "$pc" || die "no $pc.pc: run scripts/setup.sh (it installs librdkafka's build dependencies)"
done

# This machine's Debian archive, as its own apt sources name it: the URI of
# the stanza (or line) that has this release's main suite, and its keyring.
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
[[ -n $codename ]] || die "cannot tell this Debian release's codename from /etc/os-release"
read -r uri keyring < <(
  { awk -v suite="$codename" 'BEGIN { RS = "" }
      { u = ""; k = ""; s = 0; t = 0; n = split($0, l, "\n")
        for (i = 1; i <= n; i++) {
          if (l[i] ~ /^Types:/ && l[i] ~ /[ \t]deb([ \t]|$)/) t = 1
          if (l[i] ~ /^URIs:/) { split(l[i], a, " "); u = a[2] }
          if (l[i] ~ /^Signed-By:/) { split(l[i], a, " "); k = a[2] }
          if (l[i] ~ /^Suites:/) { m = split(l[i], w, " "); for (j = 2; j <= m; j++) if (w[j] == suite) s = 1 }
        }
        if (t && s && u != "") { print u, (k == "" ? "-" : k); exit } }' \
      /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list.d/*.sources 2>/dev/null
    grep -hsE '^deb[ \t]' /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
      | sed -E 's/\[[^]]*\]//' | awk -v suite="$codename" '$3 == suite { print $2, "-"; exit }'
  } | head -n 1) || true
[[ -n ${uri:-} ]] || die "no apt source for Debian $codename's main suite on this machine (/etc/apt/sources.list.d/debian.sources)"
[[ $keyring != - ]] || keyring=/usr/share/keyrings/debian-archive-keyring.gpg

echo "librdkafka: building librdkafka $rdkafka_version from Debian $rdkafka_suite's source package into $prefix" >&2
t0=$SECONDS
work=$(mktemp -d "${TMPDIR:-/tmp}/shopstream-librdkafka.XXXXXX")
new=$prefix.new.$$
trap 'rm -rf "$work" "$new"' EXIT
mkdir -p "$work/apt/sources" "$work/apt/prefs" "$work/apt/lists/partial" "$work/apt/cache/archives/partial" "$work/src"
printf '%s\n' "Types: deb-src" "URIs: $uri" "Suites: $rdkafka_suite" "Components: main" "Signed-By: $keyring" \
  >"$work/apt/sources/$rdkafka_suite-src.sources"
# A private apt: its own sources, lists and caches; nothing of the system's
# apt configuration but its keyrings.
apt=(-o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$work/apt/sources"
     -o "Dir::State::Lists=$work/apt/lists" -o "Dir::Cache=$work/apt/cache"
     -o Dir::Etc::Preferences=/dev/null -o "Dir::Etc::PreferencesParts=$work/apt/prefs"
     -o Acquire::Languages=none -o "APT::Sandbox::User=$(id -un)")
apt-get "${apt[@]}" -qq update >"$work/apt-update.log" 2>&1 \
  || { cat "$work/apt-update.log" >&2; die "apt-get update of the private deb-src $rdkafka_suite entry failed"; }
# Whichever Debian revision of the pinned upstream version the suite has.
debver=$(apt-cache "${apt[@]}" showsrc librdkafka 2>/dev/null \
           | awk -v v="$rdkafka_version" '$1 == "Version:" && index($2, v "-") == 1 { print $2; exit }')
if [[ -z $debver ]]; then
  have=$(apt-cache "${apt[@]}" showsrc librdkafka 2>/dev/null | awk '$1 == "Version:" { print $2 }' | paste -sd, -)
  die "Debian $rdkafka_suite has no librdkafka $rdkafka_version source package (it has: ${have:-none}): change the pin in $0"
fi
(cd "$work/src" && apt-get "${apt[@]}" -qq source --only-source "librdkafka=$debver") >"$work/apt-source.log" 2>&1 \
  || { cat "$work/apt-source.log" >&2; die "apt-get source librdkafka=$debver failed"; }
src=$work/src/librdkafka-$rdkafka_version
[[ -x $src/configure && -f $src/src/rdkafka.h ]] || die "apt-get source left no $src"
dsc_sha=$(sha256sum "$work/src/librdkafka_$debver.dsc" | cut -d' ' -f1)

# Debian's build flags (hardening as its package has them); the .a is
# linked into position-independent executables, so -fPIC as upstream does.
jobs=${SHOPSTREAM_BUILD_JOBS:-$(nproc)}
(
  cd "$src"
  export CFLAGS CPPFLAGS LDFLAGS
  CFLAGS="$(dpkg-buildflags --get CFLAGS) -fPIC"
  CPPFLAGS=$(dpkg-buildflags --get CPPFLAGS)
  LDFLAGS=$(dpkg-buildflags --get LDFLAGS)
  ./configure --prefix="$prefix" "${configure_opts[@]}" >"$work/configure.log" 2>&1 \
    || { tail -n 30 "$work/configure.log" >&2; die "./configure failed (log above)"; }
  make -C src -j "$jobs" librdkafka.a rdkafka.pc >"$work/make.log" 2>&1 \
    || { tail -n 30 "$work/make.log" >&2; die "make -C src librdkafka.a failed (log above)"; }
)
# The features the library says it has: those a SCRAM client needs must be there.
features=$(sed -n 's/^#define BUILT_WITH "\(.*\)"$/\1/p' "$src/config.h")
for f in SSL SASL_SCRAM ZLIB ZSTD LZ4_EXT CURL; do
  [[ " $features " == *" $f "* ]] || die "the build lacks $f (built with: $features)"
done

install -d "$new/include/librdkafka" "$new/lib/pkgconfig" "$new/share/doc/librdkafka"
install -m 0644 "$src/src/rdkafka.h" "$src/src/rdkafka_mock.h" "$new/include/librdkafka/"
install -m 0644 "$src/src/librdkafka.a" "$new/lib/"
install -m 0644 "$src/src/rdkafka.pc" "$new/lib/pkgconfig/"
install -m 0644 "$src/LICENSES.txt" "$new/share/doc/librdkafka/LICENSES.txt"
install -m 0644 "$src/debian/copyright" "$new/share/doc/librdkafka/copyright"
printf '%s\n' "$want" \
  "Debian source package librdkafka $debver ($rdkafka_suite, .dsc sha256 $dsc_sha); built with: $features" \
  >"$new/.shopstream-librdkafka"
rm -rf "$prefix"
mv "$new" "$prefix"
echo "librdkafka: installed librdkafka $rdkafka_version (Debian $debver) into $prefix in $((SECONDS - t0)) s" >&2
