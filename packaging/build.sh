#!/usr/bin/env bash
# Builds every package of Synapse Lab into dist/:
#   dist/synapse-lab_VERSION_amd64.deb               (cargo-deb: binary, menu entry, icon, man pages, completions)
#   dist/synapse-lab-VERSION-windows-x86_64.zip      (cross-compiled with MinGW-w64: synapse-lab.exe, README, CHANGELOG, the guide)
#   dist/SHA256SUMS                                  (of the files above)
# Usage: packaging/build.sh [--no-windows]
# Needs: Rust 1.95 with the x86_64-pc-windows-gnu target, cargo-deb, mdbook, and the
# Debian packages gcc-mingw-w64-x86-64 and zip; it installs what is missing
# (apt-get, rustup, cargo install). VERSION is the one in Cargo.toml.
# Uses $CARGO_TARGET_DIR when set (else target/). Every artefact is written
# whole or not at all: built under a temporary name, renamed when complete.
set -euo pipefail
cd "$(dirname "$0")/.."

windows=1
for arg in "$@"; do
  case "$arg" in
    --no-windows) windows=0 ;;
    *) echo "packaging/build.sh: unknown option $arg (use --no-windows, or nothing)" >&2; exit 2 ;;
  esac
done

target_dir="${CARGO_TARGET_DIR:-$PWD/target}"
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
need_deb() { # Debian packages, installed where missing
  local missing=()
  for p in "$@"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p"); done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "packaging: installing ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
}
need_deb dpkg-dev zip
command -v cargo-deb >/dev/null || cargo install --locked cargo-deb@3.8.0
command -v mdbook >/dev/null || cargo install --locked mdbook@0.5.4

version=$(cargo metadata --no-deps --format-version 1 --locked | python3 -c 'import json,sys; print(next(p["version"] for p in json.load(sys.stdin)["packages"] if p["name"]=="synapse-lab"))')
echo "packaging: synapse-lab $version"
mkdir -p dist

# --- Linux: the binary, then what is generated from its clap definitions.
cargo build --release --locked
bin="$target_dir/release/synapse-lab"
gen=packaging/generated
rm -rf "$gen" && mkdir -p "$gen/man" "$gen/completions"
"$bin" manpages "$gen/man" >/dev/null
gzip -9n "$gen"/man/*.1
"$bin" completions bash > "$gen/completions/synapse-lab.bash"
"$bin" completions zsh > "$gen/completions/_synapse-lab"
"$bin" completions fish > "$gen/completions/synapse-lab.fish"
# The user's guide, shipped in both packages (book/book/: index.html and the rest).
mdbook build book >/dev/null
deb="dist/synapse-lab_${version}_amd64.deb"
cargo deb --no-build --strip --locked --output "dist/.deb.part-$$"
mv "dist/.deb.part-$$" "$deb"
echo "packaging: $deb ($(du -h "$deb" | cut -f1))"
artefacts=("$(basename "$deb")")

# --- Windows: cross-compiled, stripped, zipped with its README.
if [ "$windows" -eq 1 ]; then
  need_deb gcc-mingw-w64-x86-64
  rustup target list --installed | grep -qx x86_64-pc-windows-gnu || rustup target add x86_64-pc-windows-gnu
  cargo build --release --locked --target x86_64-pc-windows-gnu
  stage=$(mktemp -d)
  trap 'rm -rf "$stage"' EXIT
  name="synapse-lab-$version-windows-x86_64"
  mkdir "$stage/$name"
  x86_64-w64-mingw32-strip -o "$stage/$name/synapse-lab.exe" "$target_dir/x86_64-pc-windows-gnu/release/synapse-lab.exe"
  # Windows users read CRLF text; the version goes into the README's title.
  sed "s/VERSION/$version/; s/\$/\r/" packaging/README-windows.txt > "$stage/$name/README.txt"
  sed 's/$/\r/' CHANGELOG.md > "$stage/$name/CHANGELOG.md"
  cp -r book/book "$stage/$name/guide"
  # The same bytes from the same inputs: fixed timestamps, sorted entries, no extra fields.
  find "$stage/$name" -exec touch -d "@${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}" {} +
  zip_part="$PWD/dist/.zip.part-$$"
  (cd "$stage" && rm -f "$zip_part" && find "$name" | LC_ALL=C sort | zip -q -X -9 "$zip_part" -@)
  mv "$zip_part" "dist/$name.zip"
  echo "packaging: dist/$name.zip ($(du -h "dist/$name.zip" | cut -f1))"
  artefacts+=("$name.zip")
fi

(cd dist && sha256sum "${artefacts[@]}" > .SHA256SUMS.part && mv .SHA256SUMS.part SHA256SUMS)
echo "packaging: dist/SHA256SUMS"
cat dist/SHA256SUMS
