#!/usr/bin/env bash
# `rasa interactive` against the project, for writing longer conversation tests by talking
# to the bot: starts the action server on its own port (default 5056, so a running
# `make run` is not disturbed), runs Rasa's interactive learning with the newest model in
# models/, and stops the action server afterwards. See docs/handleiding-medewerkers.md.
#
#   scripts/interactive.sh            (or: make interactive)
set -euo pipefail
cd "$(dirname "$0")/.."
port="${INTERACTIVE_ACTIONS_PORT:-5056}"
mkdir -p build/interactief
SANIC_HOST=127.0.0.1 .venv/bin/python -m rasa_sdk --actions actions --port "$port" > build/interactief/actions.log 2>&1 &
actions=$!
trap 'kill "$actions" 2>/dev/null || true' EXIT
export WIJKWIJZER_ACTIONS_URL="http://127.0.0.1:$port/webhook"
.venv/bin/rasa interactive \
  --model models \
  --domain domain.yml \
  --data data \
  --config config.yml \
  --endpoints configs/endpoints-interactive.yml \
  --skip-visualization \
  "$@"
