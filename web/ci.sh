#!/usr/bin/env bash
# The browser job: build the web page (web/build.sh) and test it in a real
# browser (web/test.mjs: headless Chromium, WebGL2 on SwiftShader, driven by
# Playwright), against the native binary's replay and bench.
#
# It runs beside .ci/run rather than inside it: on a fresh 2-core machine
# the wasm32 build of Bevy (~25-35 min), wasm-bindgen-cli (~6 min) and
# wasm-opt in Node (~15-35 min) would take .ci/run past its 90-minute limit.
# Run it after .ci/run (which builds the native binary): web/ci.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${SYNAPSE_CI_TARGET_DIR:-$HOME/.cache/synapse-lab-ci-target}"

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v npm >/dev/null || missing+=(nodejs npm)
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
native="$CARGO_TARGET_DIR/release/synapse-lab"
[ -x "$native" ] || cargo build --release --locked
web/build.sh
node web/test.mjs dist/web "$native"
