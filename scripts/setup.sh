#!/usr/bin/env bash
# Set up a fresh machine (Debian, Python 3.11, root) and build the site into site/.
#   apt: Debian's Chromium, for the browser tests (never `playwright install`)
#   pip: a virtual environment in .venv with gdbook and its test tools, pinned by requirements.lock
#   npm: KaTeX and mermaid, pinned by package-lock.json
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
  echo "setup: installing Debian's chromium" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

PY=$(command -v python3.11 || command -v python3)
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $PY" >&2
  "$PY" -m venv .venv
fi
echo "setup: installing Python packages" >&2
.venv/bin/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[test]'

echo "setup: installing front-end packages" >&2
npm ci --no-audit --no-fund --loglevel=error

echo "setup: building the site" >&2
.venv/bin/gdbook build
