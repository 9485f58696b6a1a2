#!/bin/sh
# Run by BentoML as root while building the image: the audit trail and the portfolio
# live in /home/bentoml/data, which the unprivileged service user must be able to write
# (a volume mounted there inherits these permissions when created by the runtime).
set -eu
mkdir -p /home/bentoml/data
chown bentoml:bentoml /home/bentoml/data
