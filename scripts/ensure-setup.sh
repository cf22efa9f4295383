#!/usr/bin/env bash
# Makes `npm test` and `npm run demo` work as the first command on a fresh
# machine: installs Debian's Chromium and Firefox ESR when they are not found
# (no browser is ever downloaded by a test tool), and installs the npm
# dependencies when they are missing or older than package-lock.json. Does
# nothing when all is there.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
if [ -z "${CHROMIUM_PATH:-}" ] && ! command -v chromium >/dev/null 2>&1; then
  missing+=(chromium)
fi
if [ -z "${FIREFOX_PATH:-}" ] && ! command -v firefox-esr >/dev/null 2>&1; then
  missing+=(firefox-esr)
fi
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "frostline: installing Debian's ${missing[*]} (once)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" fonts-dejavu-core >/dev/null
  else
    echo "frostline: needed: 'sudo apt-get install ${missing[*]}', or set CHROMIUM_PATH / FIREFOX_PATH" >&2
    exit 1
  fi
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "frostline: installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi
