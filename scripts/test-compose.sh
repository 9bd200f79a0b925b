#!/usr/bin/env bash
# compose.yaml as a user runs it: `up` (server + 2 instances), the SDK settings are printed, a
# script runs on every instance, `down` deletes the instances with the rest. Needs the images
# (scripts/build-images.sh) and Docker Compose (the `docker compose` plugin or Debian's
# docker-compose; .ci/run installs the latter).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
say() { echo "casim: compose: $*"; }
die() { echo "casim: compose: error: $*" >&2; exit 1; }

if docker compose version >/dev/null 2>&1; then compose=(docker compose)
elif command -v docker-compose >/dev/null 2>&1; then compose=(docker-compose)
else die "neither 'docker compose' nor 'docker-compose' is installed (apt-get install docker-compose)"; fi

project=casim-compose-test-$$
export CASIM_PORT
CASIM_PORT=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
export CASIM_INSTANCES=2
dc() { "${compose[@]}" -p "$project" -f compose.yaml "$@"; }
cleanup() { dc down -v >/dev/null 2>&1 || true; }
trap cleanup EXIT

say "$(${compose[@]} version 2>/dev/null | head -n 1): up with $CASIM_INSTANCES instances on port $CASIM_PORT"
dc up -d >/dev/null 2>&1 || { dc logs >&2 || true; die "compose up failed"; }
for ((i = 0; i < 120; i++)); do
  dc logs instances 2>/dev/null | grep -q CASIM_READY && break
  dc ps instances 2>/dev/null | grep -qE 'Exit|exited' && { dc logs >&2; die "the instances service exited"; }
  sleep 1
done
logs=$(dc logs --no-color instances)
grep -q CASIM_READY <<<"$logs" || { dc logs >&2; die "the instances service did not print CASIM_READY within 120 s"; }
grep -q "SDK endpoint:    127.0.0.1:$CASIM_PORT" <<<"$logs" || die "no SDK endpoint printed"
ids=$(grep -oE 'i-[a-z0-9]+' <<<"$(grep 'casim is up' <<<"$logs")" | sort -u)
[ "$(wc -l <<<"$ids")" -eq 2 ] || die "expected 2 instance IDs, got: $ids"

out=$(node dist/cli/casim.js run 'echo "compose on $(hostname)"' --server "http://127.0.0.1:$CASIM_PORT")
for id in $ids; do
  grep -qx "$id: Success (exit code 0)" <<<"$out" || { echo "$out" >&2; die "no success on $id"; }
done
say "a script ran on $(echo $ids)"

dc down -v >/dev/null 2>&1 || die "compose down failed"
for id in $ids; do
  [ -z "$(docker ps -aq --filter "label=casim.instance=$id")" ] || die "compose down left the container of $id"
done
say "down removed the server, the instances and the volume: ok"
