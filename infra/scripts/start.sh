#!/usr/bin/env bash
# README command 1: from a fresh clone to the running stack on this machine.
# Installs pnpm and the dependencies, makes sure PostgreSQL and NATS run (unless NATS_URL and
# DATABASE_URL point elsewhere) and that Chromium is there for the browser tests of `pnpm test`, then
# runs `pnpm start`, which feeds the fixtures and prints a report.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v pnpm >/dev/null 2>&1; then npm install -g pnpm@10 >/dev/null; fi
pnpm install --frozen-lockfile
bash infra/scripts/ensure-browser.sh
bash infra/scripts/ensure-promtool.sh
exec pnpm start "$@"
