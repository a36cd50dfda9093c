#!/usr/bin/env bash
# Install the web players' test harness (hls.js, dash.js, playwright-core) from tests/clients/web's
# package-lock.json with `npm ci`; again only when the lock file changed. Without npm it says so and
# goes on (those tests then skip), except under CI, which must run them: there it installs Debian's
# nodejs and npm when root, or fails.
set -euo pipefail
cd "$(dirname "$0")/../tests/clients/web"
if ! command -v npm >/dev/null 2>&1; then
  if [ -z "${CI:-}" ]; then
    echo "note: npm is missing, so the web player tests (hls.js, dash.js) will skip" >&2
    exit 0
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "CI needs npm for the web player tests, and is not root to install it" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -q >/dev/null
  apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends nodejs npm >/dev/null
fi
stamp="node_modules/.installed-lock"
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi
