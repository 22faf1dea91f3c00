#!/usr/bin/env bash
# Browser tests drive the system Chromium; install it (and CJK fonts for readable screenshots) if missing.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" != "0" ]; then
  echo "Chromium is missing: run 'sudo apt-get install chromium fonts-noto-cjk' (browser tests need /usr/bin/chromium)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
test -x /usr/bin/chromium
