#!/usr/bin/env bash
# Make sure a Docker engine answers. Idempotent: does nothing when `docker info` already works.
# Otherwise installs docker.io (apt) if needed and starts dockerd in the background without
# bridge networking or iptables (containers always run with --network host).
set -euo pipefail

LOG=${CASIM_DOCKERD_LOG:-/var/log/casim-dockerd.log}
WAIT_SECONDS=${CASIM_DOCKERD_WAIT:-60}
PIDFILE=/var/run/docker.pid
CONTAINERD_PIDFILE=/var/run/docker/containerd/containerd.pid

say() { echo "casim: $*"; }
die() { echo "casim: error: $*" >&2; exit 1; }

docker_answers() { command -v docker >/dev/null 2>&1 && timeout 10 docker info >/dev/null 2>&1; }

if docker_answers; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  die "no Docker engine answers and starting one needs root; start Docker yourself (or add your user to the docker group) and retry"
fi

if ! command -v dockerd >/dev/null 2>&1 || ! command -v docker >/dev/null 2>&1; then
  say "installing docker.io and debootstrap with apt-get (dockerd not found)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || die "apt-get update failed"
  apt-get install -y -qq docker.io debootstrap >/dev/null || die "apt-get install docker.io debootstrap failed"
fi

# A live dockerd (zombies left by a killed session do not count).
dockerd_runs() { ps -eo stat=,comm= | awk '$2 == "dockerd" && $1 !~ /^Z/ {found=1} END {exit !found}'; }

started=""
if dockerd_runs; then
  say "a dockerd process runs but does not answer yet; waiting for it"
else
  if [ -e "$PIDFILE" ]; then
    say "removing stale $PIDFILE (no dockerd process runs)"
    rm -f "$PIDFILE"
  fi
  # dockerd waits (and then gives up) on a containerd pid file whose process is dead or a zombie.
  cpid=$(cat "$CONTAINERD_PIDFILE" 2>/dev/null || true)
  if [ -n "$cpid" ] && ! ps -o stat=,comm= -p "$cpid" 2>/dev/null | awk '$1 !~ /^Z/ && $2 == "containerd" {ok=1} END {exit !ok}'; then
    say "removing stale $CONTAINERD_PIDFILE (containerd $cpid is gone)"
    rm -f "$CONTAINERD_PIDFILE"
  fi
  say "starting a Docker engine (dockerd) because none answered; log: $LOG"
  mkdir -p "$(dirname "$LOG")"
  # setsid + nohup: the daemon gets its own session and survives the shell that started it.
  setsid nohup dockerd --bridge=none --iptables=false >>"$LOG" 2>&1 </dev/null &
  started=yes
fi

for ((i = 0; i < WAIT_SECONDS; i++)); do
  if docker_answers; then
    say "Docker engine is up ($(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?'))"
    exit 0
  fi
  if [ -n "$started" ] && [ "$i" -ge 2 ] && ! dockerd_runs; then
    echo "casim: error: dockerd exited right after start. Last lines of $LOG:" >&2
    tail -n 20 "$LOG" >&2 2>/dev/null || true
    exit 1
  fi
  sleep 1
done

echo "casim: error: dockerd did not answer 'docker info' within ${WAIT_SECONDS}s. Last lines of $LOG:" >&2
tail -n 20 "$LOG" >&2 2>/dev/null || true
exit 1
