#!/usr/bin/env sh
# One command: create ./.venv with harmwatch and every test dependency, then
# run the demo (ingest + process the bundled corpus into ./harmwatch-demo.db).
#   ./setup.sh            set up and run the demo
#   ./setup.sh --no-demo  set up only (CI uses this)
set -eu
cd "$(dirname "$0")"
PY="${PYTHON:-python3}"
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "harmwatch needs Python 3.11 or newer; set PYTHON=/path/to/python3.11 and run again." >&2
  exit 1
fi
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip >/dev/null 2>&1 || true
.venv/bin/python -m pip install --quiet -c constraints.txt -e '.[test]'

# The browser the dashboard tests drive: Debian's chromium (Playwright never downloads one here).
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    if ! apt-cache policy chromium 2>/dev/null | grep -q 'Candidate: [0-9]'; then
      apt-get update -qq
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "setup: /usr/bin/chromium is missing, so the browser tests will skip; install it with" >&2
    echo "       sudo apt-get install chromium   (Debian/Ubuntu)" >&2
  fi
fi

# The dashboard's map library (Leaflet + markercluster) from npm, into src/harmwatch/web/node_modules.
if command -v npm >/dev/null 2>&1; then
  (cd src/harmwatch/web && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
else
  echo "setup: npm is missing, so the dashboard has no map; install Node.js and npm, then run" >&2
  echo "       (cd src/harmwatch/web && npm ci)" >&2
fi
if [ "${1:-}" != "--no-demo" ]; then
  .venv/bin/harmwatch demo --db harmwatch-demo.db
fi
