#!/usr/bin/env bash
# Serve the API and the advisor dashboard together (the end of `make demo`).
# The API runs in the background in its own process group, which is killed when the
# dashboard stops (Ctrl-C), so nothing is left running.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${PORT:-3000}
export CREDIT_API_URL=${CREDIT_API_URL:-http://localhost:$PORT}
# The service and the dashboard read .env themselves; a variable set here wins over it.
token=$(.venv/bin/python -c 'from scoring.settings import load_settings; print(load_settings().api_token.get_secret_value())')

setsid .venv/bin/bentoml serve service:CreditScoring --port "$PORT" > data/api.log 2>&1 &
api=$!
trap 'kill -TERM -- -"$api" 2>/dev/null || true' EXIT INT TERM

echo "Starting the API on $CREDIT_API_URL (log: data/api.log) ..."
for _ in $(seq 1 120); do
  if curl -fsS "$CREDIT_API_URL/readyz" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$api" 2>/dev/null; then echo "The API stopped; see data/api.log" >&2; exit 1; fi
  sleep 1
done
curl -fsS "$CREDIT_API_URL/readyz" >/dev/null || { echo "The API is not ready; see data/api.log" >&2; exit 1; }
echo "API ready — token for client systems: $token"
.venv/bin/python -m dashboard
