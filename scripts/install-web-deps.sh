#!/usr/bin/env bash
# Installs what the chat widget's build and browser tests need, and builds the widget:
#   - Debian's chromium (/usr/bin/chromium), only when it is missing;
#   - the npm packages of web/ exactly as web/package-lock.json pins them;
#   - Python's playwright in the project venv (it drives /usr/bin/chromium; no browser
#     download: Playwright's own browser builds cannot be fetched here and are not needed).
# Idempotent: a second run changes nothing. Run from anywhere; needs .venv (make install).
set -euo pipefail
cd "$(dirname "$0")/.."

PLAYWRIGHT_VERSION=1.65.2
PYTHON=${PYTHON:-.venv/bin/python}
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

if [ ! -x /usr/bin/chromium ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium
fi

# npm ci wipes node_modules; only when the lock file changed since the last install.
if [ ! -f web/node_modules/.package-lock.json ] \
  || [ web/package-lock.json -nt web/node_modules/.package-lock.json ]; then
  npm ci --prefix web --no-audit --no-fund --loglevel=error
fi
npm run --prefix web --silent build

if [ ! -x "$PYTHON" ]; then
  echo "install-web-deps: $PYTHON not found; run 'make install' first" >&2
  exit 1
fi
if ! "$PYTHON" -c "import importlib.metadata as m, sys; \
sys.exit(m.version('playwright') != '$PLAYWRIGHT_VERSION')" 2>/dev/null; then
  "$PYTHON" -m pip install --quiet -c constraints.txt "playwright==$PLAYWRIGHT_VERSION"
fi
"$PYTHON" -m pip check >/dev/null
