# SPDX-License-Identifier: Apache-2.0
# docker-lib.sh - a Docker engine and base images for scripts/image.sh and
# scripts/compose-ci.sh. Sourced, not run; the sourcing script sets SERVICE
# (the name its messages start with) and runs `set -euo pipefail`.
#
#   docker_up          use the engine that answers ($DOCKER_HOST, else the
#                      default socket); if none does, start a private dockerd
#                      (root only) with its data under $SHOPSTREAM_DOCKER_DIR
#                      (default /var/tmp/shopstream-docker: its images and
#                      build cache outlive the run), and export DOCKER_HOST
#   docker_down        stop the dockerd that docker_up started, if it did
#   docker_bases FILE  every image the FROM lines of Dockerfile FILE name: kept
#                      if present, else pulled, else (no registry reachable)
#                      made from `debootstrap --variant=minbase` of the Debian
#                      release in the tag, on the mirror apt uses here, and
#                      imported under that tag (a "-slim" tag also loses docs,
#                      man pages and locales, as Debian's slim images do)
#
# The private engine has no default bridge and no iptables rules (this
# machine allows neither): builds need `--network host` (DOCKER_BUILDKIT=0,
# the classic builder), and containers `--network host`, `--network none`,
# or a user-defined network (docker-compose's default one works).

DOCKER_DIR=${SHOPSTREAM_DOCKER_DIR:-/var/tmp/shopstream-docker}
DOCKER_STARTED=
export DOCKER_BUILDKIT=0 COMPOSE_DOCKER_CLI_BUILD=0

docker_die() { echo "$SERVICE: $*" >&2; exit 1; }

docker_answers() { timeout 20 docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

docker_up() {
  local i pid
  command -v docker >/dev/null || docker_die "no docker client: run scripts/setup.sh --docker"
  if docker_answers; then
    echo "$SERVICE: using the Docker engine at ${DOCKER_HOST:-the default socket} ($(docker version --format '{{.Server.Version}}'))"
    return 0
  fi
  command -v dockerd >/dev/null || docker_die "no Docker engine answers and there is no dockerd: run scripts/setup.sh --docker"
  [[ $(id -u) -eq 0 ]] || docker_die "no Docker engine answers, and starting one needs root"
  mkdir -p "$DOCKER_DIR/data" "$DOCKER_DIR/exec"
  export DOCKER_HOST=unix://$DOCKER_DIR/docker.sock
  if docker_answers; then                    # ours, left running by an earlier run
    echo "$SERVICE: using the private dockerd at $DOCKER_HOST"
    return 0
  fi
  pid=$(cat "$DOCKER_DIR/dockerd.pid" 2>/dev/null || true)
  if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null && grep -qaF "$DOCKER_DIR" "/proc/$pid/cmdline" 2>/dev/null; then
    docker_die "a dockerd (pid $pid) runs on $DOCKER_DIR but does not answer: stop it first"
  fi
  rm -f "$DOCKER_DIR/dockerd.pid" "$DOCKER_DIR/docker.sock"
  echo "$SERVICE: no Docker engine answers: starting a private dockerd on $DOCKER_HOST (log $DOCKER_DIR/dockerd.log)"
  setsid dockerd --data-root "$DOCKER_DIR/data" --exec-root "$DOCKER_DIR/exec" \
    --host "$DOCKER_HOST" --pidfile "$DOCKER_DIR/dockerd.pid" --storage-driver=overlay2 \
    --iptables=false --ip6tables=false --bridge=none \
    </dev/null >"$DOCKER_DIR/dockerd.log" 2>&1 &
  DOCKER_STARTED=$!
  for ((i = 0; i < 120; i++)); do
    docker_answers && return 0
    kill -0 "$DOCKER_STARTED" 2>/dev/null || break
    sleep 0.5
  done
  tail -n 20 "$DOCKER_DIR/dockerd.log" >&2 || true
  docker_down
  docker_die "the private dockerd did not answer (log: $DOCKER_DIR/dockerd.log)"
}

docker_down() {
  local i
  [[ -n $DOCKER_STARTED ]] || return 0
  kill -TERM "$DOCKER_STARTED" 2>/dev/null || true
  for ((i = 0; i < 300; i++)); do kill -0 "$DOCKER_STARTED" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$DOCKER_STARTED" 2>/dev/null && kill -KILL "$DOCKER_STARTED" 2>/dev/null || true
  wait "$DOCKER_STARTED" 2>/dev/null || true
  echo "$SERVICE: stopped the private dockerd"
  DOCKER_STARTED=
}

# The Debian mirror (and security mirror) that apt uses on this machine, from
# its one-line or deb822 sources; deb.debian.org where none is found.
apt_mirror() { # SUITE-REGEX
  local uri
  uri=$( { grep -hsE "^deb\s" /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
             | awk -v re="$1" '$3 ~ re {print $2; exit}';
           awk -v re="$1" 'BEGIN{RS=""} /Suites:/ { u=""; s="";
               n=split($0, l, "\n"); for (i=1;i<=n;i++) { if (l[i] ~ /^URIs:/) { split(l[i], a, " "); u=a[2] }
                                                         if (l[i] ~ /^Suites:/) s=l[i] }
               split(s, w, " "); for (j=2;j in w;j++) if (w[j] ~ re) { print u; exit } }' \
             /etc/apt/sources.list.d/*.sources 2>/dev/null; } | head -n 1)
  echo "${uri:-}"
}

# debootstrap SUITE into $BASE_ROOT, once per docker_bases call (which
# removes it at the end), made as Debian's images are: deb822 sources with
# updates and security on the mirror apt uses here, no package lists or
# downloaded packages kept, and apt told not to keep any.
BASE_ROOT= BASE_SUITE=
debootstrap_root() { # SUITE
  local suite=$1 mirror security root t0=$SECONDS
  [[ $BASE_SUITE == "$suite" && -d $BASE_ROOT ]] && return 0
  base_root_remove
  command -v debootstrap >/dev/null || docker_die "no debootstrap: run scripts/setup.sh --docker"
  mirror=$(apt_mirror "^$suite\$"); mirror=${mirror:-http://deb.debian.org/debian}
  security=$(apt_mirror "^$suite-security\$"); security=${security:-http://deb.debian.org/debian-security}
  root=$DOCKER_DIR/rootfs-$suite.$$
  BASE_ROOT=$root BASE_SUITE=$suite
  rm -rf "$root"
  echo "$SERVICE: debootstrap --variant=minbase $suite from $mirror"
  debootstrap --variant=minbase "$suite" "$root" "$mirror" >"$DOCKER_DIR/debootstrap.log" 2>&1 \
    || { base_root_remove; docker_die "debootstrap failed, see $DOCKER_DIR/debootstrap.log"; }
  # Every path below is inside the new root, never the host's.
  [[ -d $root/etc/apt && -f $root/etc/debian_version ]] || docker_die "debootstrap left no root at $root"
  rm -f "$root/etc/apt/sources.list"
  printf '%s\n' "Types: deb" "URIs: $mirror" "Suites: $suite $suite-updates" "Components: main" \
      "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg" "" \
      "Types: deb" "URIs: $security" "Suites: $suite-security" "Components: main" \
      "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg" \
    >"$root/etc/apt/sources.list.d/debian.sources"
  local clean='"rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true";'
  printf '%s\n' "DPkg::Post-Invoke { $clean };" "APT::Update::Post-Invoke { $clean };" \
      'Dir::Cache::pkgcache "";' 'Dir::Cache::srcpkgcache "";' >"$root/etc/apt/apt.conf.d/docker-clean"
  echo 'Acquire::Languages "none";' >"$root/etc/apt/apt.conf.d/docker-no-languages"
  echo 'force-unsafe-io' >"$root/etc/dpkg/dpkg.cfg.d/docker-apt-speedup"
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/cache/apt/*.bin "$root"/var/lib/apt/lists/* \
    "$root"/var/log/apt/* "$root"/tmp/*
  echo "$SERVICE: debootstrapped $suite (Debian $(cat "$root/etc/debian_version")) in $((SECONDS - t0)) s"
}

base_root_remove() {
  if [[ -n $BASE_ROOT ]]; then
    [[ $BASE_ROOT == "$DOCKER_DIR"/rootfs-* ]] || docker_die "internal: refusing to remove $BASE_ROOT"
    rm -rf "$BASE_ROOT"
  fi
  BASE_ROOT= BASE_SUITE=
}

# Slim $BASE_ROOT as Debian's -slim images are: no docs but the copyrights,
# no man pages, info or locales, and dpkg told to leave them out from now on.
slim_root() {
  local root=$BASE_ROOT
  [[ $root == "$DOCKER_DIR"/rootfs-* && -f $root/etc/debian_version ]] || docker_die "internal: no root to slim"
  [[ -f $root/etc/dpkg/dpkg.cfg.d/docker ]] && return 0
  printf '%s\n' 'path-exclude /usr/share/doc/*' 'path-include /usr/share/doc/*/copyright' \
      'path-exclude /usr/share/man/*' 'path-exclude /usr/share/groff/*' 'path-exclude /usr/share/info/*' \
      'path-exclude /usr/share/locale/*' 'path-include /usr/share/locale/locale.alias' \
      'path-exclude /usr/share/lintian/*' 'path-exclude /usr/share/linda/*' \
    >"$root/etc/dpkg/dpkg.cfg.d/docker"
  find "$root/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  find "$root/usr/share/doc" -mindepth 1 -type d -empty -delete
  rm -rf "$root"/usr/share/man/* "$root"/usr/share/groff/* "$root"/usr/share/info/* \
    "$root"/usr/share/lintian/* "$root"/usr/share/linda/*
  find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} +
}

# Make debian:TAG from debootstrap when it cannot be pulled; a -slim tag
# slims the root of the full one made before it (docker_bases sorts them so).
import_debian() {
  local tag=$1 ref=debian:$1 suite version
  case $tag in
    12*|bookworm*) suite=bookworm ;;
    13*|trixie*) suite=trixie ;;
    11*|bullseye*) suite=bullseye ;;
    *) docker_die "cannot pull $ref, and cannot tell which Debian release to debootstrap for it" ;;
  esac
  echo "$SERVICE: $ref cannot be pulled: making it with debootstrap"
  debootstrap_root "$suite"
  if [[ $tag == *slim* ]]; then
    slim_root
  elif [[ -f $BASE_ROOT/etc/dpkg/dpkg.cfg.d/docker ]]; then
    base_root_remove; debootstrap_root "$suite"   # a full tag after a slim one
  fi
  version=$(cat "$BASE_ROOT/etc/debian_version")
  tar --numeric-owner -C "$BASE_ROOT" -c . | docker import \
      --change 'CMD ["bash"]' \
      --change "LABEL org.opencontainers.image.description=\"debootstrap --variant=minbase $suite (Debian $version), imported locally as $ref\"" \
      - "$ref" >/dev/null || docker_die "docker import of $ref failed"
  echo "$SERVICE: imported $ref (Debian $version, $(docker image inspect -f '{{.Size}}' "$ref" | awk '{printf "%.0f MB", $1/1e6}'))"
}

docker_bases() { # DOCKERFILE...
  local ref name tag
  # sort: a full tag comes before its -slim one, which slims the same root.
  for ref in $(awk 'toupper($1) == "FROM" { print $2 }' "$@" | sort -u); do
    [[ $ref == *:* ]] || continue             # a stage name, not an image
    docker image inspect "$ref" >/dev/null 2>&1 && continue
    if timeout 300 docker pull -q "$ref" >/dev/null 2>&1; then
      echo "$SERVICE: pulled $ref"; continue
    fi
    name=${ref%%:*} tag=${ref#*:}
    [[ $name == debian || $name == docker.io/library/debian ]] \
      || docker_die "cannot pull $ref, and only Debian bases can be made locally"
    import_debian "$tag"
  done
  base_root_remove
}
