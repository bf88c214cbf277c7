#!/usr/bin/env bash
# Makes sure Debian's headless Chromium is installed (the browser tests drive it with
# playwright-core). Idempotent; used by README command 1 (`infra/scripts/start.sh`) and by CI, so
# that the second command, `pnpm test`, finds everything it needs.
set -euo pipefail
[ -x /usr/bin/chromium ] && exit 0
SUDO=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
echo "ensure-browser: installing chromium (Debian package) for the browser tests" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
