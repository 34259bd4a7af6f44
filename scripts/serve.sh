#!/usr/bin/env bash
# Run Qingfeng for real: gunicorn, QINGFENG_DEBUG=0, static files by whitenoise.
# Sets up like scripts/demo.sh (virtualenv and pinned dependencies, translations), applies
# the migrations, collects the static files, then replaces itself with gunicorn, so that a
# service manager (systemd, see docs/deploy.md) signals gunicorn directly.
#
# Environment (besides the settings' own, see the README's Configuration table):
#   QINGFENG_ADDRESS         where to listen (default 127.0.0.1:8000; a unix socket as unix:PATH)
#   QINGFENG_WORKERS         worker processes (default 2 x cores + 1)
#   QINGFENG_WORKER_TIMEOUT  seconds a request may run before its worker is restarted (300)
#   QINGFENG_SKIP_INSTALL=1  use the existing .venv as it is (no pip; tests and CI)
# Extra arguments go to gunicorn.
#
# The background worker (report batches: manage.py run_huey) is a service of its own,
# qingfeng-worker.service in docs/deploy.md; scripts/demo.sh starts one beside runserver.
set -euo pipefail

# Production unless told otherwise; the same yes/no words as qingfeng/settings.py.
export QINGFENG_DEBUG="${QINGFENG_DEBUG:-0}"
case "$(printf '%s' "$QINGFENG_DEBUG" | tr '[:upper:]' '[:lower:]')" in
  1 | true | yes | on) debug=1 ;;
  *) debug=0 ;;
esac
if [ "$debug" = 0 ]; then
  # The settings refuse the development key with a traceback; say plainly what is missing.
  missing=""
  case "${QINGFENG_SECRET_KEY:-}" in
    "" | django-insecure-*) missing="$missing QINGFENG_SECRET_KEY" ;;
  esac
  # With DEBUG off and no allowed host, Django answers every request 400.
  [ -n "${QINGFENG_ALLOWED_HOSTS:-}" ] || missing="$missing QINGFENG_ALLOWED_HOSTS"
  if [ -n "$missing" ]; then
    {
      echo "Refusing to start in production (QINGFENG_DEBUG=0): set$missing."
      echo "For example:"
      echo "  export QINGFENG_SECRET_KEY=\"\$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')\""
      echo "  export QINGFENG_ALLOWED_HOSTS=qingfeng.example.gov"
      echo "and see the Configuration table in README.md and docs/deploy.md."
    } >&2
    exit 2
  fi
fi

if [ "${QINGFENG_SKIP_INSTALL:-0}" = 1 ]; then
  cd "$(dirname "${BASH_SOURCE[0]}")/.."
  step() { printf '\n==> %s\n' "$*"; }
  step "Compiling translations"
  .venv/bin/python manage.py compile_translations
else
  source "$(dirname "${BASH_SOURCE[0]}")/_setup.sh"
fi

step "Applying database migrations"
.venv/bin/python manage.py migrate --noinput

step "Collecting static files (served by whitenoise)"
.venv/bin/python manage.py collectstatic --noinput --verbosity 0

cores="$(nproc 2>/dev/null || .venv/bin/python -c 'import os; print(os.cpu_count() or 1)')"
workers="${QINGFENG_WORKERS:-$((2 * cores + 1))}"
address="${QINGFENG_ADDRESS:-127.0.0.1:8000}"

step "Serving Qingfeng on $address with $workers gunicorn workers (Ctrl+C or SIGTERM stops)"
# --timeout: a 100,000-row upload takes 30-50 s on two cores, a province's whole-period
#   workbook about 7 s; 300 s leaves room and still recycles a worker that really hangs
#   (nginx's proxy_read_timeout in docs/deploy.md matches it).
# --max-requests: recycle workers now and then, so that memory taken by a large import or
#   export goes back to the system.
# --no-control-socket: gunicorn opens a control socket under ~/.gunicorn by default, shared by every
#   instance of the user; nothing here uses it.
exec .venv/bin/gunicorn qingfeng.wsgi \
  --bind "$address" \
  --workers "$workers" \
  --timeout "${QINGFENG_WORKER_TIMEOUT:-300}" \
  --graceful-timeout 30 \
  --keep-alive 5 \
  --max-requests 2000 \
  --max-requests-jitter 200 \
  --access-logfile - \
  --error-logfile - \
  --no-control-socket \
  "$@"
