#!/usr/bin/env bash
# Build the Docker images casim needs. Idempotent and fast when nothing changed.
#
#   1. NODE_IMAGE, the Node 22 base: $CASIM_NODE_IMAGE if set, else the public
#      node:22-bookworm-slim when it is present or can be pulled, else a local stand-in
#      casim/node:22-bookworm-slim built from Debian's archive (debootstrap) plus the official
#      Node binary from the npm package node-linux-<arch>@22 (no container registry needed).
#   2. casim/instance (images/instance/Dockerfile, context = repo root, needs dist/ built) and
#   3. casim/server (images/server/Dockerfile, the control plane in a container):
#      each rebuilt only when its inputs change (a content hash stored as an image label).
#
# Env: CASIM_NODE_IMAGE (force a base), CASIM_INSTANCE_IMAGE (default casim/instance),
#      CASIM_SERVER_IMAGE (default casim/server),
#      NODE_EXTRA_CA_CERTS (a CA bundle npm must trust inside the build, e.g. a corporate proxy).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

PUBLIC_NODE_IMAGE=node:22-bookworm-slim
STANDIN_NODE_IMAGE=casim/node:22-bookworm-slim
DEBIAN_IMAGE=casim/debian:bookworm
INSTANCE_IMAGE=${CASIM_INSTANCE_IMAGE:-casim/instance}
SERVER_IMAGE=${CASIM_SERVER_IMAGE:-casim/server}
NODE_MAJOR=22
NPM_MAJOR=10
HASH_LABEL=dev.casim.inputs-sha256

say() { echo "casim: $(date +%H:%M:%S) $*"; }
die() { echo "casim: error: $*" >&2; exit 1; }
image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1 \
  || die "no Docker engine answers; run scripts/ensure-docker.sh (make docker) first"

# One build at a time on this machine (tests or make targets may call this concurrently).
exec 9>/tmp/casim-build-images.lock
flock 9

TMP_DIRS=()
cleanup() { for d in "${TMP_DIRS[@]}"; do rm -rf "$d"; done; }
trap cleanup EXIT

# --- 1. Node base image -------------------------------------------------------------------------

build_debian_base() {
  image_exists "$DEBIAN_IMAGE" && return 0
  command -v debootstrap >/dev/null 2>&1 \
    || die "debootstrap is missing (apt-get install debootstrap) and $PUBLIC_NODE_IMAGE cannot be pulled"
  [ "$(id -u)" -eq 0 ] || die "building $DEBIAN_IMAGE with debootstrap needs root"
  local mirror=""
  [ -f /etc/apt/sources.list.d/debian.sources ] \
    && mirror=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources)
  [ -z "$mirror" ] && [ -f /etc/apt/sources.list ] \
    && mirror=$(awk '$1=="deb"{for(i=2;i<=NF;i++) if($i ~ /^[a-z]+:\/\//){print $i; exit}}' /etc/apt/sources.list)
  mirror=${mirror:-http://deb.debian.org/debian}
  local rootfs
  rootfs=$(mktemp -d /tmp/casim-rootfs.XXXXXX); TMP_DIRS+=("$rootfs")
  say "building $DEBIAN_IMAGE: debootstrap --variant=minbase bookworm from $mirror (~30 s)"
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >/tmp/casim-debootstrap.log 2>&1 \
    || { tail -n 20 /tmp/casim-debootstrap.log >&2; die "debootstrap failed (log: /tmp/casim-debootstrap.log)"; }
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/debootstrap
  tar --numeric-owner -C "$rootfs" -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["/bin/bash"]' - "$DEBIAN_IMAGE" >/dev/null
  say "imported $DEBIAN_IMAGE"
}

build_node_standin() {
  image_exists "$STANDIN_NODE_IMAGE" && return 0
  build_debian_base
  local arch
  case "$(uname -m)" in
    x86_64) arch=x64 ;;
    aarch64|arm64) arch=arm64 ;;
    *) die "no node-linux package for $(uname -m); provide a Node image with CASIM_NODE_IMAGE" ;;
  esac
  local ctx
  ctx=$(mktemp -d /tmp/casim-node-ctx.XXXXXX); TMP_DIRS+=("$ctx")
  say "building $STANDIN_NODE_IMAGE from $DEBIAN_IMAGE + npm packages node-linux-$arch@$NODE_MAJOR, npm@$NPM_MAJOR"
  (cd "$ctx" && npm pack --silent "node-linux-$arch@$NODE_MAJOR" "npm@$NPM_MAJOR" >/dev/null 2>npm-pack.log) \
    || { cat "$ctx/npm-pack.log" >&2; die "npm pack node-linux-$arch@$NODE_MAJOR npm@$NPM_MAJOR failed"; }
  mkdir -p "$ctx/node" "$ctx/npm"
  tar -xzf "$ctx"/node-linux-"$arch"-*.tgz -C "$ctx/node" --strip-components=1
  tar -xzf "$ctx"/npm-"$NPM_MAJOR".*.tgz -C "$ctx/npm" --strip-components=1
  rm -f "$ctx"/*.tgz "$ctx/npm-pack.log"
  cp images/node-standin/Dockerfile "$ctx/Dockerfile"
  docker build --network host --build-arg "BASE_IMAGE=$DEBIAN_IMAGE" -t "$STANDIN_NODE_IMAGE" "$ctx" \
    >"$ctx.log" 2>&1 || { tail -n 30 "$ctx.log" >&2; die "docker build of $STANDIN_NODE_IMAGE failed (log: $ctx.log)"; }
  rm -f "$ctx.log"
  say "built $STANDIN_NODE_IMAGE: node $(docker run --rm --network host "$STANDIN_NODE_IMAGE" node -v)," \
    "npm $(docker run --rm --network host "$STANDIN_NODE_IMAGE" npm -v 2>/dev/null)"
}

if [ -n "${CASIM_NODE_IMAGE:-}" ]; then
  NODE_IMAGE=$CASIM_NODE_IMAGE
  image_exists "$NODE_IMAGE" || docker pull "$NODE_IMAGE" >/dev/null || die "CASIM_NODE_IMAGE=$NODE_IMAGE is not available"
elif image_exists "$PUBLIC_NODE_IMAGE"; then
  NODE_IMAGE=$PUBLIC_NODE_IMAGE
elif image_exists "$STANDIN_NODE_IMAGE"; then
  NODE_IMAGE=$STANDIN_NODE_IMAGE
elif timeout 60 docker pull "$PUBLIC_NODE_IMAGE" >/dev/null 2>&1; then
  NODE_IMAGE=$PUBLIC_NODE_IMAGE
  say "pulled $PUBLIC_NODE_IMAGE"
else
  say "$PUBLIC_NODE_IMAGE cannot be pulled (no registry); using a local stand-in"
  build_node_standin
  NODE_IMAGE=$STANDIN_NODE_IMAGE
fi

# --- 2. Instance image --------------------------------------------------------------------------

[ -f dist/cli/casim.js ] || die "dist/cli/casim.js is missing: run 'npm run build' (make build) first"

# Optional CA bundle for npm inside the build (TLS-intercepting proxies). Always present, maybe
# empty, so the Dockerfile's COPY never fails; rewritten only when it changes (keeps the hash).
ca_src=""
if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -s "$NODE_EXTRA_CA_CERTS" ]; then
  ca_src=$NODE_EXTRA_CA_CERTS
else
  npm_cafile=$(npm config get cafile 2>/dev/null || true)
  if [ -n "$npm_cafile" ] && [ "$npm_cafile" != null ] && [ "$npm_cafile" != undefined ] && [ -s "$npm_cafile" ]; then
    ca_src=$npm_cafile
  fi
fi
ca_dst=images/instance/ca-bundle.crt
if [ -n "$ca_src" ]; then
  cmp -s "$ca_src" "$ca_dst" 2>/dev/null || cp "$ca_src" "$ca_dst"
else
  [ -f "$ca_dst" ] && [ ! -s "$ca_dst" ] || : >"$ca_dst"
fi

inputs_hash() { # <image dir>
  {
    echo "base=$NODE_IMAGE@$(docker image inspect --format '{{.Id}}' "$NODE_IMAGE")"
    find dist "$1" images/instance/ca-bundle.crt package.json package-lock.json .dockerignore -type f -print0 2>/dev/null \
      | LC_ALL=C sort -z | xargs -0 sha256sum
  } | sha256sum | cut -d' ' -f1
}

# Builds <image> from <dir>/Dockerfile (context = repo root) unless its inputs are unchanged.
build_casim_image() { # <image> <dir>
  local image=$1 dir=$2 want have start log
  want=$(inputs_hash "$dir")
  have=$(docker image inspect --format "{{ index .Config.Labels \"$HASH_LABEL\" }}" "$image" 2>/dev/null || true)
  if [ "$want" = "$have" ]; then
    say "$image is up to date (base $NODE_IMAGE)"
    return 0
  fi
  say "building $image from $NODE_IMAGE"
  start=$SECONDS
  log=$(mktemp /tmp/casim-build-image.XXXXXX.log)
  if ! docker build --network host --build-arg "NODE_IMAGE=$NODE_IMAGE" --label "$HASH_LABEL=$want" \
      -t "$image" -f "$dir/Dockerfile" . >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    die "docker build of $image failed (full log: $log)"
  fi
  rm -f "$log"
  say "built $image in $((SECONDS - start)) s ($(docker image inspect --format '{{.Size}}' "$image" | awk '{printf "%.0f MB", $1/1e6}'))"
}

build_casim_image "$INSTANCE_IMAGE" images/instance
# --- 3. Server image (the control plane in a container; its fleet starts $INSTANCE_IMAGE) -----
build_casim_image "$SERVER_IMAGE" images/server
# Drop the previous, now untagged builds of these images (never ones a container still uses).
docker image prune -f --filter "label=$HASH_LABEL" >/dev/null 2>&1 || true
