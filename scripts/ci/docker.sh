#!/usr/bin/env bash
# Starts a Docker engine if none answers (Debian's docker.io; no registry is reachable here) and
# builds the local PostgreSQL test image once. Idempotent.
set -euo pipefail
STATE=${PREFLIGHT_STATE_DIR:-/var/tmp/openwebui-preflight}
mkdir -p "$STATE"
if ! docker info >/dev/null 2>&1; then
  command -v dockerd >/dev/null || { echo "dockerd is not installed (apt-get install docker.io)" >&2; exit 1; }
  # No iptables in this sandbox; published ports still reach localhost through docker-proxy.
  nohup dockerd --iptables=false --ip6tables=false >"$STATE/dockerd.log" 2>&1 &
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || { echo "dockerd did not start; see $STATE/dockerd.log" >&2; tail -20 "$STATE/dockerd.log" >&2; exit 1; }
fi
bash "$(dirname "$0")/postgres-image.sh"
