#!/usr/bin/env bash
# Build the Bento's OCI image without a Docker daemon: `bentoml containerize` with buildah,
# chroot isolation and no registry. The python:3.11-slim image the Bento's Dockerfile starts
# FROM is made locally by scripts/container-base.sh when buildah's storage has none.
# `make container` runs this when no Docker daemon answers; see docs/container.md.
#
# Usage: scripts/container-buildah.sh [BENTO]    (default: credit_scoring_service:latest)
#
# Needs root, buildah and debootstrap (Debian: apt-get install buildah debootstrap).
# Environment (optional):
#   IMAGE=credit-scoring  image name, tagged with the Bento's version and `latest`
#   UV_VERSION            the uv version the image build installs with (make passes the project's)
#   STORAGE_DRIVER=vfs    for hosts where buildah's default overlay storage cannot mount
#   DEBIAN_MIRROR, EXTRA_CA_DIR   see scripts/container-base.sh
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bento=${1:-credit_scoring_service:latest}
image=${IMAGE:-credit-scoring}
bentoml=$root/.venv/bin/bentoml
base=docker.io/library/python:3.11-slim

missing=()
for tool in buildah debootstrap; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if ((${#missing[@]} > 0)); then
  echo "error: ${missing[*]} not found: install them (Debian: apt-get install ${missing[*]})" >&2
  exit 1
fi
if [[ $EUID -ne 0 ]]; then
  echo "error: the daemonless build runs buildah and debootstrap as root; run it with sudo" >&2
  exit 1
fi

if ! buildah inspect --type image "$base" >/dev/null 2>&1; then
  echo "no $base in buildah's storage: creating it" >&2
  "$root/scripts/container-base.sh"
fi

# From Python: `bentoml get -o path` wraps a long store path over two lines.
version=$("$root/.venv/bin/python" -c 'import sys, bentoml; print(bentoml.get(sys.argv[1]).tag.version)' "$bento")
build_args=()
[[ -z ${UV_VERSION:-} ]] || build_args=(--opt "build-arg=UV_VERSION=$UV_VERSION")
# BentoML >= 1.4.36 refuses, at containerize time, a dockerfile_template outside the working
# directory (bentoml/BentoML#5566): from / its temporary build context is inside it.
cd /
"$bentoml" containerize "$bento" --backend buildah --opt isolation=chroot "${build_args[@]}" \
  -t "$image:$version" -t "$image:latest"
buildah images "localhost/$image:$version"
