#!/usr/bin/env bash
# Create or refresh the project's virtual environment (.venv) with the app's dependencies.
#   scripts/bootstrap.sh          app dependencies
#   scripts/bootstrap.sh dev      app + test/dev dependencies
# Re-installs only when pyproject.toml changed since the last successful install.
set -euo pipefail
cd "$(dirname "$0")/.."
extra="${1:-}"
python="${PYTHON:-python3}"
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "Marquee needs Python >= 3.11 (found: $("$python" --version 2>&1))" >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
target=".[${extra}]"; [ -n "$extra" ] || target="."
stamp=".venv/.installed-${extra:-app}"
want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e "$target"
  echo "$want" > "$stamp"
fi
