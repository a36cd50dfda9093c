#!/usr/bin/env bash
# Install the Debian packages Marquee needs, when running as root (otherwise list them and go on).
#   scripts/system-packages.sh app     what the desktop app needs (Qt's runtime libraries)
#   scripts/system-packages.sh test    plus what the tests use (PostgreSQL, ffmpeg, Chromium for the web players)
set -euo pipefail
app_packages=(libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libpulse0
              libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 fonts-dejavu-core)
test_packages=(postgresql ffmpeg chromium)
packages=("${app_packages[@]}")
[ "${1:-app}" = "test" ] && packages+=("${test_packages[@]}")
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "note: not root, so not installing: ${missing[*]} (see README)" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 update -q >/dev/null
apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}" >/dev/null
