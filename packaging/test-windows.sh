#!/usr/bin/env bash
# The Windows build's smoke test, under Wine: unzip the newest
# dist/synapse-lab-*-windows-x86_64.zip into a fresh folder and run there
#   synapse-lab.exe lecture --check
#   synapse-lab.exe run --scenario ketamine_iv --duration 2h --out x.csv   (byte-identical to Linux's)
#   synapse-lab.exe clinic                                                  (the same text as Linux's)
#   synapse-lab.exe replay web/fixtures/session.log.ron                     (the same state hash)
# and, if Wine's Vulkan reaches Mesa's lavapipe, `screenshot` (reported, not
# required: Wine's graphics stack is not Windows'). Wine 8 lacks a DLL that
# Rust's standard library imports; packaging/wine/ has the stand-in it gets.
# Usage: packaging/test-windows.sh [ZIP]
# Needs: wine (Debian package), unzip, and the Linux binary for the
# comparison ($SYNAPSE_LAB, else $CARGO_TARGET_DIR/release/synapse-lab, else
# target/release/synapse-lab).
set -euo pipefail
cd "$(dirname "$0")/.."

zip="${1:-$(ls -t dist/synapse-lab-*-windows-x86_64.zip 2>/dev/null | head -1)}"
[ -n "$zip" ] && [ -f "$zip" ] || { echo "test-windows: no Windows zip in dist/: run packaging/build.sh first, or name one" >&2; exit 2; }
linux="${SYNAPSE_LAB:-${CARGO_TARGET_DIR:-target}/release/synapse-lab}"
[ -x "$linux" ] || { echo "test-windows: no Linux binary at $linux to compare with (cargo build --release, or set SYNAPSE_LAB)" >&2; exit 2; }
if ! command -v wine >/dev/null; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wine wine64 unzip
fi

work=$(mktemp -d)
trap 'wineserver -k >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
export WINEPREFIX="$work/prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" DISPLAY=
unzip -q "$zip" -d "$work/unzipped"
exe=$(ls "$work"/unzipped/*/synapse-lab.exe)
echo "test-windows: $(basename "$zip"): $(du -h "$zip" | cut -f1) zipped, synapse-lab.exe $(du -h "$exe" | cut -f1)"
start=$(date +%s)
wineboot -i >/dev/null 2>&1 || true
echo "test-windows: Wine prefix ready in $(( $(date +%s) - start )) s"
# Wine 8 lacks bcryptprimitives.dll, which Rust's std imports (ProcessPrng);
# a stand-in goes beside the exe in this test folder (packaging/wine/).
if [ ! -e "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" ]; then
  command -v x86_64-w64-mingw32-gcc >/dev/null || { echo "test-windows: needs gcc-mingw-w64-x86-64 for the Wine stand-in DLL" >&2; exit 2; }
  x86_64-w64-mingw32-gcc -O2 -shared -o "$(dirname "$exe")/bcryptprimitives.dll" packaging/wine/bcryptprimitives.c packaging/wine/bcryptprimitives.def -ladvapi32
fi
win() { (cd "$work" && wine "$exe" "$@"); }

fail=0
echo "test-windows: --version: $(win --version | tr -d '\r')"
win lecture --check > "$work/lecture.txt" 2>&1 || { echo "test-windows: FAILED: lecture --check" >&2; tail -5 "$work/lecture.txt" >&2; fail=1; }
tail -1 "$work/lecture.txt" | tr -d '\r'

win run --scenario ketamine_iv --duration 2h --out x.csv > /dev/null
"$linux" run --scenario ketamine_iv --duration 2h --out "$work/linux.csv" > /dev/null
if cmp -s "$work/x.csv" "$work/linux.csv"; then
  echo "test-windows: run ketamine_iv 2h: the CSV is byte-identical to Linux's ($(wc -l < "$work/x.csv") lines, sha256 $(sha256sum < "$work/x.csv" | cut -c1-16))"
else
  echo "test-windows: FAILED: run ketamine_iv 2h differs from Linux's" >&2; diff <(head -c 2000 "$work/x.csv") <(head -c 2000 "$work/linux.csv") | head -10 >&2; fail=1
fi

win run --scenario single_spike --duration 3ms --out fast.csv > /dev/null
"$linux" run --scenario single_spike --duration 3ms --out "$work/fast-linux.csv" > /dev/null
if cmp -s "$work/fast.csv" "$work/fast-linux.csv"; then
  echo "test-windows: run single_spike 3 ms (the particle synapse): byte-identical to Linux's ($(wc -l < "$work/fast.csv") lines)"
else
  echo "test-windows: FAILED: the particle run differs from Linux's" >&2; fail=1
fi

win clinic | tr -d '\r' > "$work/clinic-win.txt"
"$linux" clinic > "$work/clinic-linux.txt"
if cmp -s "$work/clinic-win.txt" "$work/clinic-linux.txt"; then echo "test-windows: clinic: the same text as Linux's"; else echo "test-windows: FAILED: clinic differs from Linux's" >&2; diff "$work/clinic-win.txt" "$work/clinic-linux.txt" | head -10 >&2; fail=1; fi

cp web/fixtures/session.log.ron "$work/session.log.ron"
hw=$(win replay session.log.ron | tr -d '\r' | tail -1)
hl=$("$linux" replay web/fixtures/session.log.ron | tail -1)
if [ "$hw" = "$hl" ]; then echo "test-windows: replay: $hw (= Linux)"; else echo "test-windows: FAILED: replay gives '$hw' under Wine, '$hl' on Linux" >&2; fail=1; fi

# The screenshot needs a GPU API. Under Wine that is winevulkan over the
# host's Vulkan (lavapipe here), which goes through Wine's X11 driver, so it
# runs under Xvfb; Vulkan is named because Wine's Direct3D 12 (vkd3d) lacks
# the shader compiler wgpu needs there. Reported, not required.
shot=(wine "$exe" screenshot --out s.png --size 640x360)
# A Wine server started without a display keeps none: end it first.
wineserver -k >/dev/null 2>&1 || true
wineserver -w >/dev/null 2>&1 || true
command -v xvfb-run >/dev/null && shot=(xvfb-run -a -s "-screen 0 1280x720x24" "${shot[@]}")
if (cd "$work" && WGPU_BACKEND=vulkan "${shot[@]}") > "$work/shot.txt" 2>&1 && [ -s "$work/s.png" ]; then
  cp "$work/s.png" dist/windows-test-screenshot.png
  echo "test-windows: screenshot under Wine (Vulkan, lavapipe): dist/windows-test-screenshot.png; $(tr -d '\r' < "$work/shot.txt" | grep -o 'median frame time.*' | tail -1)"
else
  echo "test-windows: screenshot under Wine did not run (reported, not required): $(tr -d '\r' < "$work/shot.txt" | grep -v '^\s*$' | tail -1)"
fi
[ "$fail" -eq 0 ] && echo "test-windows: passed" || echo "test-windows: FAILED" >&2
exit "$fail"
