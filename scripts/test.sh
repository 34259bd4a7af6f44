#!/usr/bin/env bash
# Run the whole test suite (unit, integration, browser). Extra arguments go to pytest.
set -euo pipefail
REQUIREMENTS=requirements-dev.txt
source "$(dirname "$0")/_setup.sh"

if [ -x /usr/bin/chromium ]; then
  step "Browser tests will drive /usr/bin/chromium"
else
  step "No /usr/bin/chromium: browser tests are skipped (apt-get install chromium fonts-noto-cjk to run them)"
fi

if [ -n "${DATABASE_URL:-}" ]; then where="the database in DATABASE_URL"; else where="SQLite"; fi
step "Running the test suite on $where"
exec .venv/bin/python -m pytest -n "${QINGFENG_TEST_WORKERS:-2}" "$@"
