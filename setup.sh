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
if [ "${1:-}" != "--no-demo" ]; then
  .venv/bin/harmwatch demo --db harmwatch-demo.db
fi
