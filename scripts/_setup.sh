# Shared setup, sourced by scripts/demo.sh and scripts/test.sh.
# Creates .venv, installs pinned dependencies (only when the requirements changed)
# and compiles translations (the callers migrate). Prints each step.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
REQUIREMENTS="${REQUIREMENTS:-requirements.txt}"
PYTHON="${PYTHON:-python3}"

step() { printf '\n==> %s\n' "$*"; }

if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "Qingfeng needs Python 3.11 or newer (found: $("$PYTHON" --version 2>&1))." >&2
  exit 1
fi

if [ ! -x .venv/bin/python ]; then
  step "Creating the virtual environment in .venv"
  if ! "$PYTHON" -m venv .venv 2>/dev/null; then
    rm -rf .venv
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      step "Installing Debian's python3-venv (needed by 'python3 -m venv')"
      apt-get install -y -q python3-venv >/dev/null || { apt-get update -q && apt-get install -y -q python3-venv; }
      "$PYTHON" -m venv .venv
    else
      echo "Cannot create a virtual environment: install python3-venv (sudo apt-get install python3-venv) and retry." >&2
      exit 1
    fi
  fi
fi

stamp=".venv/.installed-$(cat requirements*.txt | sha256sum | cut -c1-16)-$(basename "$REQUIREMENTS")"
if [ ! -f "$stamp" ]; then
  step "Installing dependencies from $REQUIREMENTS"
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -r "$REQUIREMENTS"
  rm -f .venv/.installed-*
  touch "$stamp"
fi

step "Compiling translations"
.venv/bin/python manage.py compile_translations
