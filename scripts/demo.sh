#!/usr/bin/env bash
# Set everything up from a fresh clone and serve the demo county on http://127.0.0.1:8000
set -euo pipefail
source "$(dirname "$0")/_setup.sh"

step "Applying database migrations (SQLite under var/ unless DATABASE_URL is set)"
mkdir -p var
.venv/bin/python manage.py migrate --noinput

step "Loading the demo county (skipped if the database already has units)"
.venv/bin/python manage.py seed_demo

step "Serving Qingfeng on http://127.0.0.1:8000 (log in as 'commission', password 'qingfeng-demo-2026'; Ctrl+C stops)"
exec .venv/bin/python manage.py runserver "${QINGFENG_ADDRESS:-127.0.0.1:8000}"
