#!/usr/bin/env bash
# The browser job: build the web page and test it in a real browser
# (web/test.mjs: headless Chromium, WebGL2 on SwiftShader, driven by
# Playwright), against the native binary's replay and bench.
#   web/ci.sh          tests the quick build (web/build.sh --quick: no LTO,
#                      no wasm-opt), what .ci/run runs
#   web/ci.sh --full   tests the page as shipped (web/build.sh: fat LTO and
#                      wasm-opt -Oz; about an hour more on a cold 2-core machine)
# Installs what a fresh Debian/Ubuntu machine lacks: chromium, node and npm
# (apt), playwright-core (npm, web/package-lock.json), wasm-bindgen-cli (cargo).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${SYNAPSE_CI_TARGET_DIR:-$HOME/.cache/synapse-lab-ci-target}"
build_args=(--quick)
case "${1:-}" in
  "") ;;
  --full) build_args=() ;;
  *) echo "web/ci.sh: unknown option '$1' (use no option, or --full)" >&2; exit 2 ;;
esac

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
[ -d web/node_modules/playwright-core ] || (cd web && npm ci --no-audit --no-fund --silent)

native="$CARGO_TARGET_DIR/release/synapse-lab"
[ -x "$native" ] || cargo build --release --locked
web/build.sh "${build_args[@]}"
node web/test.mjs dist/web "$native"
