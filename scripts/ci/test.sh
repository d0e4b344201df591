#!/usr/bin/env bash
# The README's test command (`npm run test:ci`): starts what the tests need, then runs them.
# Services are reused when already up. In CI (CI=true) a service that cannot start fails the tests
# that need it instead of skipping them.
set -euo pipefail
cd "$(dirname "$0")/../.."
STATE=${PREFLIGHT_STATE_DIR:-/var/tmp/openwebui-preflight}
if [ "$(id -u)" -eq 0 ]; then bash scripts/ci/install-os-packages.sh; fi
bash scripts/ci/postgres.sh
if bash scripts/ci/docker.sh; then
  export PREFLIGHT_TEST_POSTGRES_IMAGE=openwebui-preflight/postgres:15
else
  echo "WARNING: no Docker engine; container tests will fail in CI and skip elsewhere." >&2
fi
# shellcheck disable=SC1091
. "$STATE/env.sh"
export TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_HOST_OVERRIDE=localhost
if [ "${CI:-}" = "true" ]; then export PREFLIGHT_REQUIRE_SERVICES=1; fi
exec vitest run "$@"
