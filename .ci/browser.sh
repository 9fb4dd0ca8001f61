#!/usr/bin/env bash
# Installs Debian's headless-capable Chromium and its ChromeDriver for the console's browser test
# (collector's ConsoleBrowserTest drives /usr/bin/chromium through /usr/bin/chromedriver).
# Idempotent: a machine that has both is left alone. Run as root (CI is).
set -euo pipefail
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "browser.sh: run as root (it installs the chromium and chromium-driver packages)" >&2
  exit 1
fi
echo "browser.sh: installing Debian's chromium and chromium-driver" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q --no-install-recommends chromium chromium-driver >&2 \
  || { apt-get update -q && apt-get install -y -q --no-install-recommends chromium chromium-driver >&2; }
