#!/bin/sh
# Install what artefact needs on Debian 12 (only what is missing), then
# configure and build it.  Run as root on a fresh machine; safe to run again.
#
#   scripts/bootstrap.sh          build dependencies, then ./configure && make
#   scripts/bootstrap.sh --test   also the tools the test suite uses
#   scripts/bootstrap.sh --bench  also what `make bench` needs (scikit-learn, GNU time)
set -eu

cd "$(dirname "$0")/.."

packages="build-essential autoconf automake libtool pkg-config
          libxml2-dev liblua5.4-dev libsqlite3-dev libcunit1-dev libarchive-dev
          nettle-dev"
if [ "${1:-}" = "--test" ]; then
    # chromium: tests/test_report_html renders the HTML report headless
    # (screenshot, console errors, A4 PDF), with a font to draw its text.
    packages="$packages valgrind chromium fonts-dejavu-core"
fi
# --bench: what `make bench` compares against and measures with (see
# docs/performance.md): scikit-learn for the Python baseline, GNU time for
# peak memory, grep, and valgrind for profiling.
if [ "${1:-}" = "--bench" ]; then
    packages="$packages python3 python3-sklearn time grep valgrind"
fi

missing=""
for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "bootstrap: installing$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing
fi

[ -x configure ] || autoreconf -fi
[ -f Makefile ] || ./configure
make -j"$(nproc)"
