#!/usr/bin/env bash
# The browser build: the same app as WebAssembly, drawing through WebGL2.
#   web/build.sh           writes dist/web/ (index.html, synapse-lab.js,
#                          synapse-lab_bg.wasm: serve the folder with any
#                          static server) and dist/web/synapse-lab.html
#                          (one file, opens from file:// with no server).
#   web/build.sh --quick   the same page from the `web-quick` profile (no
#                          LTO, no wasm-opt): larger, built in under half the
#                          time on a cold machine; what CI tests.
# Needs: rustup's wasm32-unknown-unknown target, wasm-bindgen-cli at the
# version Cargo.lock pins (installed here with cargo install --locked), and
# node/npm for wasm-opt (npm's binaryen: Debian's is too old for the
# bulk-memory output of current Rust). All three are installed if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"
out=dist/web
profile=web
optimise=1
case "${1:-}" in
  "") ;;
  --quick) profile=web-quick; optimise=0 ;;
  *) echo "web/build.sh: unknown option '$1' (use no option, or --quick)" >&2; exit 2 ;;
esac

if command -v rustup >/dev/null && ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi
# wasm-bindgen's CLI must be the exact version of the crate in Cargo.lock.
wb_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
wb="$HOME/.cargo/bin/wasm-bindgen"
if ! "$wb" --version 2>/dev/null | grep -qx "wasm-bindgen $wb_version"; then
  # Its own lock file first; that lock names a webpki-roots release crates.io
  # has since withdrawn (seen 2026-12), and then cargo resolves afresh.
  cargo install --locked --quiet wasm-bindgen-cli --version "$wb_version" 2>/dev/null ||
    cargo install --quiet wasm-bindgen-cli --version "$wb_version"
fi
command -v node >/dev/null || { echo "web/build.sh: node not found (Debian/Ubuntu: apt-get install nodejs npm)" >&2; exit 1; }
if [ "$optimise" = 1 ] && [ ! -x web/node_modules/.bin/wasm-opt ]; then
  command -v npm >/dev/null || { echo "web/build.sh: npm not found (Debian/Ubuntu: apt-get install npm)" >&2; exit 1; }
  (cd web && npm ci --no-audit --no-fund --silent)
fi

started=$(date +%s)
cargo build --profile "$profile" --target wasm32-unknown-unknown --locked --bin synapse-lab
built="$CARGO_TARGET_DIR/wasm32-unknown-unknown/$profile/synapse-lab.wasm"

# Into a fresh folder beside dist/web, then moved into place: a failed
# build leaves the last good one.
tmp="$out.part"
rm -rf "$tmp" && mkdir -p "$tmp"
"$wb" --target web --no-typescript --remove-name-section --remove-producers-section --out-dir "$tmp" --out-name synapse-lab "$built"
# The name section (function names for stack traces: 17 MB, a third of the
# file) goes; a panic's message still reaches the console.
if [ "$optimise" = 1 ]; then
  # The features current Rust emits for wasm32 (wasm-opt must be told).
  web/node_modules/.bin/wasm-opt -Oz --strip-debug --enable-bulk-memory --enable-mutable-globals --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-reference-types --enable-multivalue \
    "$tmp/synapse-lab_bg.wasm" -o "$tmp/synapse-lab_bg.opt.wasm"
  mv "$tmp/synapse-lab_bg.opt.wasm" "$tmp/synapse-lab_bg.wasm"
fi
cp web/index.html "$tmp/index.html"
node web/bundle.mjs "$tmp" >/dev/null
rm -rf "$out" && mv "$tmp" "$out"

wasm_bytes=$(stat -c %s "$out/synapse-lab_bg.wasm")
gz_bytes=$(gzip -9 -c "$out/synapse-lab_bg.wasm" | wc -c)
html_bytes=$(stat -c %s "$out/synapse-lab.html")
echo "web build ($profile): $out/ ($((wasm_bytes / 1024)) KiB wasm, $((gz_bytes / 1024)) KiB gzip-compressed), $out/synapse-lab.html ($((html_bytes / 1024)) KiB), in $(($(date +%s) - started)) s"
echo "serve it: python3 -m http.server -d $out 8000, then open http://localhost:8000/ (or open $out/synapse-lab.html directly)"
