#!/usr/bin/env bash
# Install the system parts the test suite needs, only when missing. Runs as root in CI.
# PostgreSQL comes from PyPI (pgserver, a dev dependency) and is started by the tests themselves.
set -euo pipefail
need=()
# Debian's Chromium drives the end-to-end browser tests (Playwright with executablePath).
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing system packages: ${need[*]} (run as root or install them)" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
