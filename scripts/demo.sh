#!/usr/bin/env bash
# Set everything up from a fresh clone and serve the demo county on http://127.0.0.1:8000
set -euo pipefail
source "$(dirname "$0")/_setup.sh"

step "Applying database migrations (SQLite under var/ unless DATABASE_URL is set)"
mkdir -p var
.venv/bin/python manage.py migrate --noinput

step "Loading the demo county (skipped if the database already has units)"
.venv/bin/python manage.py seed_demo

step "Starting the background worker (report batches: manage.py run_huey, log in var/worker.log)"
# One worker process beside the server, stopped with it (Ctrl+C, the terminal closing,
# or the server exiting): a batch started on the reports pages runs in it. An idle worker
# looks at the queue at least every second (--max-delay 1; Huey's default is up to 10 s).
.venv/bin/python manage.py run_huey --no-periodic --max-delay 1 >>"${QINGFENG_VAR_DIR:-var}/worker.log" 2>&1 &
worker=$!
stop_worker() { kill "$worker" 2>/dev/null && wait "$worker" 2>/dev/null || true; }
trap stop_worker EXIT
trap 'stop_worker; exit 130' INT
trap 'stop_worker; exit 143' TERM HUP

step "Serving Qingfeng on http://127.0.0.1:8000 (log in as 'commission', password 'qingfeng-demo-2026'; Ctrl+C stops)"
# Not exec: this shell stays to stop the worker when the server stops.
.venv/bin/python manage.py runserver "${QINGFENG_ADDRESS:-127.0.0.1:8000}"
