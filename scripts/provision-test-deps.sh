#!/usr/bin/env bash
# Makes sure the system packages the tests need are installed (npm cannot install them):
# redis-server and redis-cli. Installs them with apt-get when running as root; otherwise
# stops with the exact command to run.
set -euo pipefail

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v redis-cli >/dev/null 2>&1 || missing+=(redis-tools)
[ ${#missing[@]} -eq 0 ] && exit 0

packages="redis-server"
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "provision: installing ${packages} (needed by the tests)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq ${packages} >/dev/null
  # The tests start their own servers on free ports; the packaged service is not used.
  (service redis-server stop >/dev/null 2>&1 || true)
else
  echo "The tests need ${packages}. Install it with:" >&2
  echo "  sudo apt-get install -y ${packages}" >&2
  exit 1
fi
