#!/usr/bin/env bash
# Makes sure the system packages the tests need are installed (npm cannot install them):
# redis-server and redis-cli, Chromium for the browser tests, promtool (Debian's prometheus
# package) for the alert rules, nginx for the multi-node front (npm run cluster), and PostgreSQL
# (initdb and postgres, which Debian keeps in /usr/lib/postgresql/<version>/bin) for the
# ledger tests (test/helpers/postgres-server.ts). Installs them with apt-get
# when running as root; otherwise stops with the exact command to run.
set -euo pipefail

packages=""
{ command -v redis-server && command -v redis-cli; } >/dev/null 2>&1 || packages="redis-server"
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || packages="${packages:+$packages }postgresql"
[ -x /usr/bin/chromium ] || packages="${packages:+$packages }chromium"
command -v promtool >/dev/null 2>&1 || packages="${packages:+$packages }prometheus"
{ command -v nginx || [ -x /usr/sbin/nginx ]; } >/dev/null 2>&1 || packages="${packages:+$packages }nginx"
# An emoji font, so screenshots show what phones show.
[ -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || packages="${packages:+$packages }fonts-noto-color-emoji"
# A small Chinese font, for the page's Chinese run (the browser test runs in both languages).
[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || packages="${packages:+$packages }fonts-wqy-microhei"
[ -z "$packages" ] && exit 0

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "provision: installing ${packages} (needed by the tests)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq ${packages} >/dev/null
  # The tests start their own servers on free ports; the packaged service is not used.
  # Same for prometheus, nginx and postgresql: only promtool and the binaries are used.
  for service in redis-server prometheus prometheus-node-exporter nginx postgresql; do
    (service "$service" stop >/dev/null 2>&1 || true)
  done
else
  echo "The tests need ${packages}. Install it with:" >&2
  echo "  sudo apt-get install -y ${packages}" >&2
  exit 1
fi
