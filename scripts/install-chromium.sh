#!/bin/sh
# install-chromium.sh: make sure headless Chromium is available at /usr/bin/chromium for
# the report's browser test. Idempotent: does nothing when Chromium is already there.
# Installs the Debian package `chromium` with apt-get (needs root or sudo).
set -eu

if [ -x /usr/bin/chromium ]; then
	exit 0
fi

SUDO=""
if [ "$(id -u)" != "0" ]; then
	if command -v sudo >/dev/null 2>&1; then
		SUDO="sudo"
	else
		echo "install-chromium: not root and no sudo; install the Debian package 'chromium'" >&2
		exit 1
	fi
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null

if [ ! -x /usr/bin/chromium ]; then
	echo "install-chromium: apt-get finished but /usr/bin/chromium is missing" >&2
	exit 1
fi
