#!/usr/bin/env bash
# Makes sure PostgreSQL and nats-server (with JetStream) run on this machine, installing them from
# Debian's packages when they are absent. Idempotent; used by `pnpm start` (when NATS_URL /
# DATABASE_URL are not given) and by CI. Needs root (or sudo) only when something must be installed.
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
apt_updated=0
apt_install() {
  if [ "$apt_updated" -eq 0 ]; then $SUDO apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# PostgreSQL -----------------------------------------------------------------------------------
if ! port_open 5432; then
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    echo "ensure-services: installing PostgreSQL" >&2
    apt_install postgresql
  fi
  ver=$(ls /etc/postgresql | sort -V | tail -n 1)
  # Local trust auth over TCP for the development cluster (a fresh Debian cluster asks for passwords).
  hba="/etc/postgresql/$ver/main/pg_hba.conf"
  if ! $SUDO grep -q "pulse-dev-trust" "$hba"; then
    # Prepend (first match wins) trust for loopback TCP: the development cluster only listens there.
    $SUDO sh -c "{ printf '# pulse-dev-trust\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\n'; cat '$hba'; } > '$hba.new' && mv '$hba.new' '$hba' && chown postgres:postgres '$hba'"
  fi
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$ver" main start || true
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$ver" main reload || true
  for _ in $(seq 1 50); do port_open 5432 && break; sleep 0.2; done
fi
port_open 5432 || { echo "ensure-services: PostgreSQL is not reachable on 127.0.0.1:5432" >&2; exit 1; }

# nats-server with JetStream ---------------------------------------------------------------------
if ! port_open 4222; then
  if ! command -v nats-server >/dev/null 2>&1 && [ ! -x /usr/sbin/nats-server ]; then
    echo "ensure-services: installing nats-server" >&2
    apt_install nats-server
  fi
  bin=$(command -v nats-server || echo /usr/sbin/nats-server)
  $SUDO mkdir -p /var/lib/nats-server
  # Users and permissions of infra/nats/local.conf (the deployment's service users plus `dev`, which
  # the default NATS_URL nats://dev:dev@127.0.0.1:4222 uses). A server already running without
  # authentication accepts those credentials too.
  conf="$(cd "$(dirname "$0")/../nats" && pwd)/local.conf"
  $SUDO start-stop-daemon --start --oknodo --background --exec "$bin" -- \
    -c "$conf" -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log
  for _ in $(seq 1 50); do port_open 4222 && break; sleep 0.2; done
fi
port_open 4222 || { echo "ensure-services: nats-server is not reachable on 127.0.0.1:4222" >&2; exit 1; }
echo "ensure-services: PostgreSQL on 127.0.0.1:5432, NATS on 127.0.0.1:4222" >&2
