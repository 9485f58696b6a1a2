#!/usr/bin/env bash
# Create (or replace) the Secrets the manifests read, in the overlay's namespace:
#   deploy/kubernetes/secrets.sh demo          every value generated, PostgreSQL in the cluster
#   AUDIT_DB_URL=postgresql+psycopg://... DASHBOARD_API_KEY=... MONITOR_API_KEY=... \
#     deploy/kubernetes/secrets.sh production
# API_TOKEN (the bootstrap admin key) is generated unless given. In production the dashboard
# and the monitor use named keys (python -m training keys create: docs/deployment-kubernetes.md);
# in the demo they use API_TOKEN, as `make demo` does. DRY_RUN=1 prints the Secrets instead.
set -euo pipefail

overlay=${1:-}
case "$overlay" in
  demo) namespace=credit-scoring-demo ;;
  production) namespace=credit-scoring ;;
  *) echo "usage: $0 demo|production" >&2; exit 2 ;;
esac

generated() { head -c 32 /dev/urandom | base64 | tr -d '\n/+='; }

api_token=${API_TOKEN:-$(generated)}
cookie_secret=${DASHBOARD_COOKIE_SECRET:-$(generated)}
if [ "$overlay" = demo ]; then
  postgres_password=${POSTGRES_PASSWORD:-$(generated)}
  audit_db_url="postgresql+psycopg://credit:${postgres_password}@credit-scoring-postgres:5432/credit_audit"
  dashboard_key=${DASHBOARD_API_KEY:-$api_token}
  monitor_key=${MONITOR_API_KEY:-$api_token}
else
  : "${AUDIT_DB_URL:?set AUDIT_DB_URL to the records database (postgresql+psycopg://user:password@host/db)}"
  : "${DASHBOARD_API_KEY:?set DASHBOARD_API_KEY: a key with scopes score, clients, decide, audit, delegate}"
  : "${MONITOR_API_KEY:?set MONITOR_API_KEY: a key with scope audit}"
  audit_db_url=$AUDIT_DB_URL
  dashboard_key=$DASHBOARD_API_KEY
  monitor_key=$MONITOR_API_KEY
fi

secret() {  # NAME KEY=VALUE...: the Secret's manifest, applied or printed
  local name=$1; shift
  local args=()
  for pair in "$@"; do args+=("--from-literal=$pair"); done
  kubectl create secret generic "$name" --namespace "$namespace" "${args[@]}" \
    --dry-run=client -o yaml
}

{
  secret credit-scoring-api "api-token=$api_token" "audit-db-url=$audit_db_url"
  echo "---"
  secret credit-scoring-dashboard "api-token=$dashboard_key" "cookie-secret=$cookie_secret"
  echo "---"
  secret credit-scoring-monitor "api-token=$monitor_key"
  if [ "$overlay" = demo ]; then
    echo "---"
    secret credit-scoring-postgres "password=$postgres_password"
  fi
} | if [ -n "${DRY_RUN:-}" ]; then cat; else kubectl apply -f -; fi
