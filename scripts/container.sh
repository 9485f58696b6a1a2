#!/usr/bin/env bash
# Build, export and smoke-test the OCI image of the credit-scoring Bento.
#
# With a Docker daemon this is plain `bentoml containerize`. Without one (CI runners,
# locked-down VMs) it builds with buildah, chroot isolation and no registry: the
# `python:3.11-slim` base image the Bento's Dockerfile starts from is then created locally
# with debootstrap from the Debian mirror configured in APT. See README, "Container".
set -euo pipefail
shopt -s inherit_errexit # command substitutions fail like the commands they run

usage() {
  cat <<'EOF'
Usage: scripts/container.sh COMMAND [ARG]

Commands:
  build [BENTO_TAG]   Build the OCI image credit-scoring:<bento version> and :latest.
                      Default Bento: credit_scoring_service:latest (built first if the
                      store has none). Uses Docker when a daemon answers, else buildah.
  export FILE         Write the image to a docker-archive tarball (`docker load -i FILE`).
  smoke [IMAGE]       Run the image on 127.0.0.1, wait for /readyz, score one application
                      with a random bearer token and check that a call without it is 401.
  base                Daemonless path only: create the local python:3.11-slim base image
                      (done by build when missing).
  help                Show this help.

Environment (all optional):
  IMAGE_NAME=credit-scoring   image repository name
  BENTOML=.venv/bin/bentoml   bentoml executable (BENTOML_HOME selects the store)
  EXTRA_CA_DIR=/usr/local/share/ca-certificates
                              corporate proxy CA certificates (*.crt) copied into the
                              locally built base image; set to an empty value to skip
  DEBIAN_MIRROR=URL           Debian mirror for debootstrap (default: read from APT's sources)
  STORAGE_DRIVER=overlay|vfs  buildah storage driver (default: overlay if it works, else vfs)
  CONTAINER_ENGINE=docker|podman|buildah
                              force an engine instead of detecting one
  SMOKE_PORT=N SMOKE_TIMEOUT=120
                              host port of the smoke test (default: a free one) and how long
                              to wait for /readyz, in seconds
EOF
}

# --- Settings -------------------------------------------------------------------------------

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENTOML="${BENTOML:-$ROOT/.venv/bin/bentoml}"
BENTO_NAME="credit_scoring_service"
IMAGE_NAME="${IMAGE_NAME:-credit-scoring}"
# The Bento's Dockerfile starts FROM python:3.11-slim (bentofile.yaml: docker.python_version,
# distro debian); the daemonless path provides an image of that name locally.
BASE_IMAGE="docker.io/library/python:3.11-slim"
DEBIAN_SUITE="bookworm" # the Debian release of python:3.11-slim
EXTRA_CA_DIR="${EXTRA_CA_DIR-/usr/local/share/ca-certificates}"
SMOKE_TIMEOUT="${SMOKE_TIMEOUT:-120}"
CA_BUNDLE="/etc/ssl/certs/ca-certificates.crt"

# Filled in by setup_buildah.
BUILDAH_POLICY_ARGS=()

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

# Seconds since the epoch with milliseconds, and a duration "12.3 s" since such a stamp.
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f s", b - a }'; }

# Bytes as docker and buildah print sizes (decimal units): 2068433408 -> 2.07GB.
human_size() { numfmt --to=si --suffix=B --format='%.2f' "$1"; }

# --- Engine detection -----------------------------------------------------------------------

docker_works() { command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; }
podman_works() { command -v podman >/dev/null 2>&1 && podman info >/dev/null 2>&1; }

# The engine that builds: docker when a daemon answers, else buildah.
build_engine() {
  case "${CONTAINER_ENGINE:-}" in
  docker | buildah) echo "$CONTAINER_ENGINE" ;;
  podman) echo buildah ;; # podman builds with buildah's library; same storage
  "") if docker_works; then echo docker; else echo buildah; fi ;;
  *) die "CONTAINER_ENGINE must be docker, podman or buildah, not '$CONTAINER_ENGINE'" ;;
  esac
}

# The engine that runs the smoke test: docker, else podman if it works, else buildah run.
run_engine() {
  if [[ -n "${CONTAINER_ENGINE:-}" ]]; then
    echo "$CONTAINER_ENGINE"
  elif docker_works; then
    echo docker
  elif podman_works; then
    echo podman
  else
    echo buildah
  fi
}

# --- Daemonless tooling (buildah) -----------------------------------------------------------

# Install the Debian packages providing the given commands when they are missing.
ensure_packages() {
  local missing=() pair command package
  for pair in "$@"; do
    command="${pair%%:*}" package="${pair##*:}"
    command -v "$command" >/dev/null 2>&1 || missing+=("$package")
  done
  ((${#missing[@]} == 0)) && return 0
  [[ $EUID -eq 0 ]] || die "missing ${missing[*]}: install them (apt-get install ${missing[*]}) or run as root"
  command -v apt-get >/dev/null 2>&1 || die "missing ${missing[*]} and no apt-get to install them"
  log "Installing ${missing[*]} with apt-get"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Choose the storage driver once per run and export it: containers/storage reads
# STORAGE_DRIVER, so buildah, podman and the buildah that bentoml spawns all agree.
# overlay is preferred; it fails inside some VMs and containers (no overlay mounts), and
# on a store already initialised with vfs, so probing it keeps later runs consistent.
choose_storage_driver() {
  if [[ -z "${STORAGE_DRIVER:-}" ]]; then
    local probe="credit-scoring-storage-probe-$$"
    if STORAGE_DRIVER=overlay buildah from --name "$probe" scratch >/dev/null 2>&1 &&
      STORAGE_DRIVER=overlay buildah mount "$probe" >/dev/null 2>&1; then
      STORAGE_DRIVER=overlay
    else
      STORAGE_DRIVER=vfs
    fi
    STORAGE_DRIVER=overlay buildah rm "$probe" >/dev/null 2>&1 || true
  fi
  export STORAGE_DRIVER
  log "buildah storage driver: $STORAGE_DRIVER"
}

# Without /etc/containers/policy.json buildah refuses to copy images: use a permissive
# policy (we only ever use images built on this machine).
choose_signature_policy() {
  [[ -f /etc/containers/policy.json ]] && return 0
  local policy="${TMPDIR:-/tmp}/credit-scoring-policy.json"
  echo '{"default": [{"type": "insecureAcceptAnything"}]}' >"$policy"
  BUILDAH_POLICY_ARGS=(--signature-policy "$policy")
  log "no /etc/containers/policy.json: using the permissive $policy"
}

setup_buildah() {
  ensure_packages buildah:buildah
  export BUILDAH_ISOLATION=chroot # no runtime (runc/crun) or cgroups needed
  choose_storage_driver
  choose_signature_policy
}

image_exists() { buildah inspect --type image "$1" >/dev/null 2>&1; }

# The first enabled APT source (one-line .list or deb822 .sources) that serves the given
# suite, e.g. `debian_mirror bookworm`. Nothing is hard-coded: it is the host's mirror.
debian_mirror() {
  local suite="$1" file
  if [[ -n "${DEBIAN_MIRROR:-}" && "$suite" == "$DEBIAN_SUITE" ]]; then
    echo "$DEBIAN_MIRROR"
    return
  fi
  for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f "$file" ]] || continue
    # deb [options] URI SUITE COMPONENTS...
    awk -v suite="$suite" '$1 == "deb" {
        i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
        if ($(i + 1) == suite) { print $i; exit }
      }' "$file"
  done
  for file in /etc/apt/sources.list.d/*.sources; do
    [[ -f "$file" ]] || continue
    # Stanzas separated by blank lines, with URIs:, Suites: and optionally Enabled:.
    awk -v suite="$suite" '
      function flush() {
        if (uri != "" && enabled != "no" && (" " suites " ") ~ (" " suite " ")) { print uri; found = 1 }
        uri = ""; suites = ""; enabled = ""
      }
      /^[ \t]*#/ { next }
      /^[ \t]*$/ { flush(); if (found) exit; next }
      tolower($1) == "uris:" { uri = $2 }
      tolower($1) == "suites:" { $1 = ""; suites = $0 }
      tolower($1) == "enabled:" { enabled = tolower($2) }
      END { if (!found) flush() }' "$file"
  done
}

# Create docker.io/library/python:3.11-slim in buildah's storage: Debian minbase with the
# distribution's Python 3.11, pip and venv, plus the corporate proxy CA if there is one.
create_base_image() {
  local mirror security rootfs started ctr
  started=$(now)
  mirror=$(debian_mirror "$DEBIAN_SUITE" | awk 'NR == 1')
  [[ -n "$mirror" ]] || die "no Debian $DEBIAN_SUITE mirror in APT's sources: set DEBIAN_MIRROR"
  security=$(debian_mirror "$DEBIAN_SUITE-security" | awk 'NR == 1')
  log "Creating the base image $BASE_IMAGE with debootstrap ($DEBIAN_SUITE)"
  ensure_packages debootstrap:debootstrap

  ctr=$(buildah from "${BUILDAH_POLICY_ARGS[@]}" scratch)
  BASE_CTR="$ctr"
  # Remove the half-built container if anything below fails.
  trap 'buildah rm "$BASE_CTR" >/dev/null 2>&1 || true' EXIT
  rootfs=$(buildah mount "$ctr")
  local debootstrap_log="${TMPDIR:-/tmp}/credit-scoring-debootstrap.log"
  debootstrap --variant=minbase \
    --include=python3,python3-pip,python3-venv,python-is-python3,ca-certificates \
    "$DEBIAN_SUITE" "$rootfs" "$mirror" >"$debootstrap_log" 2>&1 ||
    die "debootstrap failed; see $debootstrap_log"
  rm -f "$debootstrap_log"

  # APT inside the image: the same mirror, with the updates and security suites.
  rm -f "$rootfs/etc/apt/sources.list"
  {
    printf 'Types: deb\nURIs: %s\nSuites: %s %s-updates\nComponents: main\n' \
      "$mirror" "$DEBIAN_SUITE" "$DEBIAN_SUITE"
    printf 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n'
    if [[ -n "$security" ]]; then
      printf '\nTypes: deb\nURIs: %s\nSuites: %s-security\nComponents: main\n' \
        "$security" "$DEBIAN_SUITE"
      printf 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n'
    fi
  } >"$rootfs/etc/apt/sources.list.d/debian.sources"

  # Corporate proxy CA: where HTTPS is intercepted, pip/uv inside the build need it.
  local ca_env=() certs=()
  if [[ -n "$EXTRA_CA_DIR" && -d "$EXTRA_CA_DIR" ]]; then
    mapfile -t certs < <(find "$EXTRA_CA_DIR" -type f -name '*.crt' | sort)
  fi
  if ((${#certs[@]} > 0)); then
    log "Adding ${#certs[@]} CA certificate(s) from $EXTRA_CA_DIR"
    mkdir -p "$rootfs/usr/local/share/ca-certificates/extra"
    cp "${certs[@]}" "$rootfs/usr/local/share/ca-certificates/extra/"
    # Python's ssl, pip, requests and uv read these (uv otherwise uses its own roots).
    ca_env=(--env "SSL_CERT_FILE=$CA_BUNDLE" --env "PIP_CERT=$CA_BUNDLE"
      --env "REQUESTS_CA_BUNDLE=$CA_BUNDLE")
  fi

  # Security updates and the CA bundle, then a small image: no APT lists or caches.
  # The image is a build base, as python:3.11-slim is: pip may install into its Python, so
  # the PEP 668 marker goes (after the upgrade, which may reinstall it).
  buildah run "$ctr" -- sh -euc '
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get upgrade -y -qq >/dev/null 2>&1
    update-ca-certificates >/dev/null
    rm -f /usr/lib/python3.*/EXTERNALLY-MANAGED
    apt-get clean
    rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /tmp/* /root/.cache'

  buildah config \
    --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --env LANG=C.UTF-8 "${ca_env[@]}" \
    --label org.opencontainers.image.description="Debian $DEBIAN_SUITE minbase with Python 3.11 (local stand-in for python:3.11-slim)" \
    --cmd python3 "$ctr"
  buildah unmount "$ctr" >/dev/null
  buildah commit "${BUILDAH_POLICY_ARGS[@]}" --rm --quiet "$ctr" "$BASE_IMAGE" >/dev/null
  trap - EXIT
  log "Base image $BASE_IMAGE created in $(since "$started") ($(image_size_buildah "$BASE_IMAGE"))"
}

ensure_base_image() {
  if image_exists "$BASE_IMAGE"; then
    log "Base image $BASE_IMAGE found in buildah's storage"
  else
    create_base_image
  fi
}

# Size of a local image in buildah's storage, as buildah prints it (e.g. "1.6 GB").
image_size_buildah() { buildah images --format '{{.Size}}' "$1" 2>/dev/null | awk 'NR == 1'; }

# --- build ----------------------------------------------------------------------------------

# The concrete tag (name:version) of a Bento, e.g. `bento_tag credit_scoring_service:latest`.
bento_tag() {
  "$BENTOML" get "$1" -o json 2>/dev/null |
    python3 -c 'import json, sys; b = json.load(sys.stdin); print(b["name"] + ":" + b["version"])' 2>/dev/null
}

# The Bento to containerize: the one given, else the latest (built first if there is none).
resolve_bento() {
  local tag
  if [[ -n "${1:-}" ]]; then
    tag=$(bento_tag "$1") || die "no Bento $1 in the store (BENTOML_HOME=${BENTOML_HOME:-~/bentoml})"
  elif ! tag=$(bento_tag "$BENTO_NAME:latest"); then
    log "No $BENTO_NAME Bento yet: running bentoml build"
    (cd "$ROOT" && "$BENTOML" build >&2)
    tag=$(bento_tag "$BENTO_NAME:latest")
  fi
  echo "$tag"
}

cmd_build() {
  local bento version engine started elapsed size
  bento=$(resolve_bento "${1:-}")
  version="${bento##*:}"
  engine=$(build_engine)
  local tags=(-t "$IMAGE_NAME:$version" -t "$IMAGE_NAME:latest")
  log "Containerizing $bento into $IMAGE_NAME:$version (and :latest) with $engine"

  if [[ "$engine" == docker ]]; then
    started=$(now)
    "$BENTOML" containerize "$bento" --backend docker "${tags[@]}"
    elapsed=$(since "$started")
    size=$(human_size "$(docker image inspect --format '{{.Size}}' "$IMAGE_NAME:$version")")
  else
    ensure_packages buildah:buildah debootstrap:debootstrap
    setup_buildah
    ensure_base_image
    local opts=(--opt isolation=chroot --opt "storage-driver=$STORAGE_DRIVER")
    ((${#BUILDAH_POLICY_ARGS[@]} == 0)) || opts+=(--opt "signature-policy=${BUILDAH_POLICY_ARGS[1]}")
    started=$(now)
    "$BENTOML" containerize "$bento" --backend buildah "${tags[@]}" "${opts[@]}"
    elapsed=$(since "$started")
    size=$(image_size_buildah "localhost/$IMAGE_NAME:$version")
  fi
  log "Built $IMAGE_NAME:$version in $elapsed; image size $size"
}

# --- export ---------------------------------------------------------------------------------

cmd_export() {
  local file="${1:-}" image="${IMAGE:-$IMAGE_NAME:latest}" started
  [[ -n "$file" ]] || die "export needs a FILE (e.g. credit-scoring.tar)"
  started=$(now)
  if [[ "$(build_engine)" == docker ]]; then
    docker save -o "$file" "$image"
  else
    setup_buildah
    image_exists "$image" || die "no image $image in buildah's storage: run '$0 build' first"
    # The reference after the path is the name `docker load` gives the image.
    buildah push "${BUILDAH_POLICY_ARGS[@]}" --quiet "$image" "docker-archive:$file:${image#localhost/}"
  fi
  log "Exported $image to $file ($(human_size "$(stat -c %s "$file")")) in $(since "$started"); load it with: docker load -i $file"
}

# --- smoke ----------------------------------------------------------------------------------

# Where the image's bentofile envs put the audit and portfolio databases.
CONTAINER_DATA_DIR="/home/bentoml/data"
# State of the running smoke test, for the cleanup trap.
SMOKE_ENGINE="" SMOKE_CTR="" SMOKE_PID="" SMOKE_DIR="" SMOKE_NS=""

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# curl to the container on the loopback interface only, never through a proxy.
local_curl() { curl --silent --show-error --noproxy '*' --max-time 30 "$@"; }

# Start IMAGE serving on 127.0.0.1:PORT with the token in the environment.
smoke_start() {
  local image="$1" port="$2"
  case "$SMOKE_ENGINE" in
  docker | podman)
    SMOKE_CTR="credit-scoring-smoke-$$"
    # -e NAME passes the value from our environment, keeping the token off the command line.
    "$SMOKE_ENGINE" run --detach --name "$SMOKE_CTR" -p "127.0.0.1:$port:3000" \
      -e CREDIT_API_TOKEN -e CREDIT_AUDIT_DB_URL \
      -v "$SMOKE_DIR/data:$CONTAINER_DATA_DIR" "$image" >/dev/null
    ;;
  buildah)
    image_exists "$image" || die "no image $image in buildah's storage: run '$0 build' first"
    local entrypoint
    # buildah run does not apply the image's ENTRYPOINT: read it and call it ourselves.
    entrypoint=$(buildah inspect --type image "$image" |
      python3 -c 'import json, sys; print(" ".join(json.load(sys.stdin)["OCIv1"]["config"].get("Entrypoint") or []))')
    [[ -n "$entrypoint" ]] || die "image $image has no entrypoint"
    SMOKE_CTR=$(buildah from "${BUILDAH_POLICY_ARGS[@]}" --name "credit-scoring-smoke-$$" "$image")
    # Per-container settings; they stay in root-only storage, not on a command line.
    buildah config --env "CREDIT_API_TOKEN=$CREDIT_API_TOKEN" \
      --env "CREDIT_AUDIT_DB_URL=$CREDIT_AUDIT_DB_URL" "$SMOKE_CTR"
    # chroot isolation shares the host network: bind the loopback interface only. setsid
    # makes the run its own process group, so the cleanup can stop all of it.
    # shellcheck disable=SC2086 # the entrypoint is one path, without spaces
    setsid buildah run --isolation chroot -v "$SMOKE_DIR/data:$CONTAINER_DATA_DIR" "$SMOKE_CTR" -- \
      $entrypoint --host 127.0.0.1 --port "$port" >"$SMOKE_DIR/server.log" 2>&1 &
    SMOKE_PID=$!
    ;;
  esac
}

smoke_alive() {
  case "$SMOKE_ENGINE" in
  docker | podman) [[ "$("$SMOKE_ENGINE" inspect --format '{{.State.Running}}' "$SMOKE_CTR" 2>/dev/null)" == true ]] ;;
  buildah) kill -0 "$SMOKE_PID" 2>/dev/null ;;
  esac
}

smoke_logs() {
  case "$SMOKE_ENGINE" in
  docker | podman) "$SMOKE_ENGINE" logs "$SMOKE_CTR" 2>&1 | tail -n 40 ;;
  buildah) tail -n 40 "$SMOKE_DIR/server.log" 2>/dev/null ;;
  esac
}

# buildah's chroot isolation runs the server in mount namespaces of its own (one for its
# runtime, one for the container), and the server's workers start sessions of their own:
# the namespaces, not the process group, tell the container's processes apart. They are
# the namespaces of the descendants of `buildah run` other than ours.
container_namespaces() {
  local own pid ns queue=("$SMOKE_PID") found=()
  own=$(readlink /proc/self/ns/mnt)
  while ((${#queue[@]} > 0)); do
    pid="${queue[0]}" queue=("${queue[@]:1}")
    ns=$(readlink "/proc/$pid/ns/mnt" 2>/dev/null) || continue
    [[ "$ns" == "$own" || " ${found[*]} " == *" $ns "* ]] || found+=("$ns")
    mapfile -t -O "${#queue[@]}" queue < <(ps -o pid= --ppid "$pid" | tr -d ' ')
  done
  echo "${found[*]}"
}

# The ids of the processes in any of the given mount namespaces ("mnt:[N] mnt:[M]").
namespace_pids() {
  local proc ns
  for proc in /proc/[0-9]*; do
    ns=$(readlink "$proc/ns/mnt" 2>/dev/null) || continue
    [[ " $1 " != *" $ns "* ]] || echo "${proc#/proc/}"
  done
}

# Stop the buildah-run server: SIGTERM to each of its processes (a graceful shutdown), up
# to 10 s, then SIGKILL to whatever is left; and the `buildah run` process group itself.
stop_buildah_server() {
  local namespaces pids=()
  namespaces="$(container_namespaces) ${SMOKE_NS:-}"
  if [[ -n "${namespaces// /}" ]]; then
    mapfile -t pids < <(namespace_pids "$namespaces")
    ((${#pids[@]} == 0)) || kill -TERM "${pids[@]}" 2>/dev/null || true
    for _ in {1..20}; do
      mapfile -t pids < <(namespace_pids "$namespaces")
      ((${#pids[@]} > 0)) || break
      sleep 0.5
    done
    ((${#pids[@]} == 0)) || kill -KILL "${pids[@]}" 2>/dev/null || true
  fi
  if kill -0 "$SMOKE_PID" 2>/dev/null; then
    kill -TERM -- "-$SMOKE_PID" 2>/dev/null || true
    for _ in {1..10}; do
      kill -0 "$SMOKE_PID" 2>/dev/null || break
      sleep 0.5
    done
    kill -KILL -- "-$SMOKE_PID" 2>/dev/null || true
  fi
  wait "$SMOKE_PID" 2>/dev/null || true
}

# Always run on exit: stop the server and its processes, remove the container and files.
smoke_cleanup() {
  local status=$?
  trap - EXIT INT TERM
  [[ -z "$SMOKE_PID" ]] || stop_buildah_server
  if [[ -n "$SMOKE_CTR" ]]; then
    case "$SMOKE_ENGINE" in
    docker | podman) "$SMOKE_ENGINE" rm --force "$SMOKE_CTR" >/dev/null 2>&1 || true ;;
    buildah) buildah rm "$SMOKE_CTR" >/dev/null 2>&1 || true ;;
    esac
  fi
  [[ -z "$SMOKE_DIR" ]] || rm -rf "$SMOKE_DIR"
  exit "$status"
}

# A /predict request body: the example of the service's own OpenAPI document if it has
# one, else a small hand-made application with the required fields.
predict_body() {
  local port="$1"
  local_curl "http://127.0.0.1:$port/docs.json" 2>/dev/null | python3 -c "$PREDICT_BODY_PY" || true
}
PREDICT_BODY_PY='
import json, sys

FALLBACK = {"NAME_CONTRACT_TYPE": "Cash loans", "CODE_GENDER": "F",
            "AMT_INCOME_TOTAL": 135000, "AMT_CREDIT": 500000, "DAYS_BIRTH": -12000}

try:
    doc = json.load(sys.stdin)
except ValueError:
    doc = {}
schemas = doc.get("components", {}).get("schemas", {})

def resolve(schema):
    while isinstance(schema, dict) and "$ref" in schema:
        schema = schemas.get(schema["$ref"].rsplit("/", 1)[-1], {})
    for key in ("allOf", "anyOf", "oneOf"):
        if isinstance(schema, dict) and schema.get(key) and "properties" not in schema:
            options = [s for s in schema[key] if resolve(s).get("type") != "null"]
            if options:
                return resolve(options[0])
    return schema if isinstance(schema, dict) else {}

def example(schema):
    """The schema example, or one assembled from its properties examples, or None."""
    schema = resolve(schema)
    if "example" in schema:
        return schema["example"]
    examples = schema.get("examples")
    if isinstance(examples, list) and examples:
        return examples[0]
    if isinstance(examples, dict) and examples:
        first = next(iter(examples.values()))
        return first.get("value") if isinstance(first, dict) else first
    if "properties" in schema:
        body = {}
        for name, prop in schema["properties"].items():
            value = example(prop)
            if value is not None:
                body[name] = value
        return body or None
    return None

def body_schema():
    post = doc.get("paths", {}).get("/predict", {}).get("post", {})
    return post.get("requestBody", {}).get("content", {}).get("application/json", {})

content = body_schema()
body = example(content) if ("example" in content or "examples" in content) else None
if body is None and content.get("schema"):
    body = example(content["schema"])
source = "the example of the service OpenAPI document (/docs.json)"
if not body:
    # The API takes one pydantic model (ScoringRequest): BentoML reads it as the whole body.
    source = "a hand-made application"
    body = {"application": FALLBACK}
print(source)
print(json.dumps(body))
'

cmd_smoke() {
  local image="${1:-$IMAGE_NAME:latest}" port started t_ready t_predict body response code
  SMOKE_ENGINE=$(run_engine)
  port="${SMOKE_PORT:-$(free_port)}"
  SMOKE_DIR=$(mktemp -d -t credit-scoring-smoke.XXXXXX)
  trap smoke_cleanup EXIT
  trap 'exit 130' INT TERM
  # The service user in the image is not root: the audit database directory must be writable.
  mkdir -m 0777 "$SMOKE_DIR/data"
  CREDIT_API_TOKEN=$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
  CREDIT_AUDIT_DB_URL="sqlite:///$CONTAINER_DATA_DIR/audit.sqlite"
  export CREDIT_API_TOKEN CREDIT_AUDIT_DB_URL

  # podman and buildah share containers/storage: agree on its driver first.
  [[ "$SMOKE_ENGINE" == docker ]] || setup_buildah
  # `podman info` can succeed where podman cannot start a container (a VM without cgroup
  # or rlimit permissions): try a no-op run of the image before relying on it.
  if [[ "$SMOKE_ENGINE" == podman && -z "${CONTAINER_ENGINE:-}" ]] &&
    ! podman run --rm --network none --entrypoint /bin/true "$image" >/dev/null 2>&1; then
    log "podman cannot run containers here; using buildah run instead"
    SMOKE_ENGINE=buildah
  fi
  log "Smoke test of $image with $SMOKE_ENGINE on 127.0.0.1:$port"
  started=$(now)
  smoke_start "$image" "$port"

  # 1. Ready within SMOKE_TIMEOUT seconds (the model is loaded and self-checked).
  local deadline=$((SECONDS + SMOKE_TIMEOUT))
  until [[ "$(local_curl -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/readyz" 2>/dev/null || true)" == 200 ]]; do
    smoke_alive || smoke_fail "the server exited before it was ready"
    ((SECONDS < deadline)) || smoke_fail "/readyz not 200 after ${SMOKE_TIMEOUT} s"
    sleep 0.5
  done
  t_ready=$(since "$started")
  log "/readyz 200 after $t_ready"
  # Remembered now, while the whole process tree is up, for the cleanup.
  [[ "$SMOKE_ENGINE" != buildah ]] || SMOKE_NS=$(container_namespaces)

  # 2. A scored application with the token: 200 and a probability in [0, 1].
  local body_source
  { read -r body_source && read -r body; } < <(predict_body "$port")
  [[ -n "$body" ]] || smoke_fail "could not make a /predict request body"
  log "Request body: $body_source"
  response=$(local_curl -w '\n%{http_code} %{time_total}' -X POST "http://127.0.0.1:$port/predict" \
    -H 'Content-Type: application/json' -H @<(printf 'Authorization: Bearer %s\n' "$CREDIT_API_TOKEN") \
    --data "$body") || smoke_fail "POST /predict failed"
  read -r code t_predict <<<"$(tail -n 1 <<<"$response")"
  response=$(sed '$d' <<<"$response")
  [[ "$code" == 200 ]] || smoke_fail "POST /predict answered $code: $response"
  python3 -c '
import json, sys
p = json.loads(sys.argv[1]).get("probability")
sys.exit(0 if isinstance(p, (int, float)) and 0 <= p <= 1 else 1)' "$response" ||
    smoke_fail "POST /predict: no probability in [0, 1] in $response"
  log "POST /predict 200 in ${t_predict} s: $response"

  # 3. The same call without the token is refused.
  code=$(local_curl -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$port/predict" \
    -H 'Content-Type: application/json' --data "$body")
  [[ "$code" == 401 ]] || smoke_fail "POST /predict without a token answered $code, not 401"
  log "POST /predict without a token: 401"

  # 4. The decision was logged in the audit database on the mounted volume.
  [[ -s "$SMOKE_DIR/data/audit.sqlite" ]] || smoke_fail "no audit database written in the data volume"

  printf '\033[1;32mPASS\033[0m %s: ready in %s, /predict in %s s, total %s (%s)\n' \
    "$image" "$t_ready" "$t_predict" "$(since "$started")" "$SMOKE_ENGINE"
}

smoke_fail() {
  printf '\033[1;31mFAIL\033[0m %s\n' "$*" >&2
  echo "--- last server output ---" >&2
  smoke_logs >&2 || true
  exit 1
}

# --- main -----------------------------------------------------------------------------------

main() {
  local command="${1:-help}"
  shift || true
  case "$command" in
  build) cmd_build "$@" ;;
  base)
    # Create (or check) only the local base image of the daemonless path.
    setup_buildah
    ensure_base_image
    ;;
  export) cmd_export "$@" ;;
  smoke) cmd_smoke "$@" ;;
  help | -h | --help) usage ;;
  *)
    usage >&2
    exit 2
    ;;
  esac
}

main "$@"
