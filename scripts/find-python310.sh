#!/usr/bin/env bash
# Prints the path of a Python 3.10 interpreter (Rasa 3.6 needs 3.10), or explains how to get one.
set -u
is310() { "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' >/dev/null 2>&1; }
for candidate in "${PYTHON310:-}" python3.10; do
  if [ -n "$candidate" ] && command -v "$candidate" >/dev/null 2>&1 && is310 "$candidate"; then
    command -v "$candidate"; exit 0
  fi
done
if command -v pyenv >/dev/null 2>&1; then
  for candidate in "$(pyenv root)"/versions/3.10*/bin/python3.10; do
    if [ -x "$candidate" ] && is310 "$candidate"; then echo "$candidate"; exit 0; fi
  done
fi
if command -v uv >/dev/null 2>&1; then
  candidate=$(uv python find 3.10 2>/dev/null) && is310 "$candidate" && { echo "$candidate"; exit 0; }
fi
cat >&2 <<'MSG'
Wijkwijzer needs Python 3.10 (Rasa 3.6 does not run on newer versions), and none was found.
Get one in any of these ways, then run the command again:
  - uv:      curl -LsSf https://astral.sh/uv/install.sh | sh && uv python install 3.10
  - pyenv:   pyenv install 3.10.13
  - Debian/Ubuntu: sudo apt-get install python3.10 python3.10-venv (Ubuntu 22.04 has it; others: the deadsnakes PPA)
Or point PYTHON310 at an interpreter: make run PYTHON310=/path/to/python3.10
MSG
exit 1
