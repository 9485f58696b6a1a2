#!/usr/bin/env bash
# Create docker.io/library/python:3.11-slim in buildah's local storage, for machines that
# cannot pull it (no Docker daemon, no registry): the image the Bento's Dockerfile starts
# FROM. Debian bookworm minbase from the host's APT mirror with Debian's Python 3.11 and its
# venv module (the Dockerfile fetches uv with it), security updates, and no compilers,
# documentation or APT lists. See docs/container.md.
#
# Environment (optional):
#   DEBIAN_MIRROR  the mirror debootstrap uses (default: APT's bookworm source on this host)
#   EXTRA_CA_DIR   corporate proxy CA certificates (*.crt) to trust in the image, for pip and
#                  uv behind a TLS-intercepting proxy (default: /usr/local/share/ca-certificates;
#                  empty: none)
set -euo pipefail

IMAGE=docker.io/library/python:3.11-slim
SUITE=bookworm # the Debian release of python:3.11-slim
EXTRA_CA_DIR=${EXTRA_CA_DIR-/usr/local/share/ca-certificates}
CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt

# The URI of APT's source for a suite, read by APT itself (one-line or deb822 sources).
apt_source() {
  apt-get indextargets --format "\$(REPO_URI)" 'Identifier: Packages' "Release: $1" | head -n 1
}

mirror=${DEBIAN_MIRROR:-$(apt_source "$SUITE")}
security=$(apt_source "$SUITE-security")
if [[ -z $mirror ]]; then
  echo "error: no Debian $SUITE source in APT's configuration: set DEBIAN_MIRROR to a mirror URL" >&2
  exit 1
fi

ctr=$(buildah from scratch)
trap 'buildah rm "$ctr" >/dev/null 2>&1 || true' EXIT
rootfs=$(buildah mount "$ctr")

echo "debootstrap $SUITE from $mirror" >&2
log=$(mktemp)
if ! debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates \
  "$SUITE" "$rootfs" "$mirror" >"$log" 2>&1; then
  tail -n 20 "$log" >&2
  echo "error: debootstrap failed (full log: $log)" >&2
  exit 1
fi
rm -f "$log"

# As Debian's slim images do: dpkg leaves documentation, manuals and translations out of any
# package installed later; those already installed are removed below.
cat >"$rootfs/etc/dpkg/dpkg.cfg.d/slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/lintian/*
EOF
printf 'Types: deb\nURIs: %s\nSuites: %s %s-updates\nComponents: main\n' \
  "$mirror" "$SUITE" "$SUITE" >"$rootfs/etc/apt/sources.list.d/debian.sources"
if [[ -n $security ]]; then
  printf '\nTypes: deb\nURIs: %s\nSuites: %s-security\nComponents: main\n' \
    "$security" "$SUITE" >>"$rootfs/etc/apt/sources.list.d/debian.sources"
fi
rm -f "$rootfs/etc/apt/sources.list"

ca_env=()
if [[ -n $EXTRA_CA_DIR && -d $EXTRA_CA_DIR ]] &&
  find "$EXTRA_CA_DIR" -name '*.crt' -exec cp -t "$rootfs/usr/local/share/ca-certificates/" {} + &&
  compgen -G "$rootfs/usr/local/share/ca-certificates/*.crt" >/dev/null; then
  echo "trusting the CA certificates of $EXTRA_CA_DIR" >&2
  # pip, uv and requests read these rather than (or besides) the system store.
  ca_env=(--env "SSL_CERT_FILE=$CA_BUNDLE" --env "PIP_CERT=$CA_BUNDLE" --env "REQUESTS_CA_BUNDLE=$CA_BUNDLE")
fi

# Security updates, then no APT lists, caches, documentation or logs.
buildah run --isolation chroot "$ctr" -- sh -euc '
  export DEBIAN_FRONTEND=noninteractive
  update-ca-certificates >/dev/null
  apt-get update -qq
  apt-get upgrade -qq -y >/dev/null
  apt-get clean
  find /usr/share/doc -mindepth 1 ! -name copyright ! -type d -delete
  find /usr/share/doc -mindepth 1 -type d -empty -delete
  rm -rf /usr/share/man/* /usr/share/info/* /usr/share/locale/* /usr/share/lintian/* \
    /var/lib/apt/lists/* /var/cache/debconf/*-old /var/log/* /tmp/* /root/.cache'

buildah config --env LANG=C.UTF-8 "${ca_env[@]}" --cmd python3 \
  --label "org.opencontainers.image.description=Debian $SUITE minbase with Python 3.11 (local stand-in for python:3.11-slim)" \
  "$ctr"
buildah unmount "$ctr" >/dev/null
buildah commit --quiet --rm "$ctr" "$IMAGE" >/dev/null
trap - EXIT
buildah images "$IMAGE"
