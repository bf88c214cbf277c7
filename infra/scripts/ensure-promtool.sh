#!/usr/bin/env bash
# Makes sure `promtool` is installed (Debian package `prometheus`): the test suite checks and
# unit-tests the alerting rules in infra/prometheus with it. Idempotent; used by CI (`.ci/run`) and
# README command 1 (`infra/scripts/start.sh`), so that `pnpm test` finds everything it needs.
set -euo pipefail
command -v promtool >/dev/null 2>&1 && exit 0
SUDO=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
echo "ensure-promtool: installing prometheus (Debian package) for promtool" >&2
$SUDO apt-get update -qq
# The package's service is not needed: only the promtool binary is used.
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends prometheus >/dev/null
