#!/usr/bin/env bash
# The install test of the .deb: install dist/synapse-lab_*_amd64.deb with apt
# into a clean Debian bookworm root (debootstrap, minbase; a chroot) with no
# Recommends, so a run-time library missing from Depends fails here, and run
# the program there from /tmp, with no assets/ anywhere near it:
#   synapse-lab lecture --check
#   synapse-lab run --scenario ketamine_iv --duration 1h --out /tmp/k.csv
#   synapse-lab screenshot --out /tmp/s.png        (offscreen, Mesa lavapipe)
# Prints the install time and the package's sizes; copies the screenshot to
# dist/deb-test-screenshot.png so it can be looked at.
# Usage: packaging/test-deb.sh [DEB]   (default: the newest dist/synapse-lab_*_amd64.deb)
# Needs root (chroot, mounts) and the network to a Debian mirror
# ($DEBIAN_MIRROR, default http://deb.debian.org/debian). The clean root is
# made once by debootstrap and kept as a tarball in ~/.cache; every run
# unpacks a fresh copy of it.
set -euo pipefail
cd "$(dirname "$0")/.."

deb="${1:-$(ls -t dist/synapse-lab_*_amd64.deb 2>/dev/null | head -1)}"
[ -n "$deb" ] && [ -f "$deb" ] || { echo "test-deb: no .deb in dist/: run packaging/build.sh first, or name one" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "test-deb: needs root for the chroot (run it with sudo)" >&2; exit 2; }
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
command -v debootstrap >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap; }

cache="${XDG_CACHE_HOME:-$HOME/.cache}/synapse-lab"
base="$cache/bookworm-minbase.tar"
if [ ! -f "$base" ]; then
  echo "test-deb: making a clean bookworm root with debootstrap (once; ~2-5 min)"
  mkdir -p "$cache"
  fresh=$(mktemp -d /var/tmp/synapse-bookworm.XXXXXX)
  debootstrap --variant=minbase bookworm "$fresh" "$mirror" >/dev/null
  tar -C "$fresh" -cf "$base.part" . && mv "$base.part" "$base"
  rm -rf "$fresh"
fi

root=$(mktemp -d /var/tmp/synapse-deb-test.XXXXXX)
cleanup() {
  for m in dev/pts dev proc sys; do mountpoint -q "$root/$m" && umount -l "$root/$m"; done
  rm -rf --one-file-system "$root"
}
trap cleanup EXIT
tar -C "$root" -xf "$base"
mount -t proc proc "$root/proc"
mount --rbind /sys "$root/sys"
mount --rbind /dev "$root/dev"
cp /etc/resolv.conf "$root/etc/resolv.conf"
cp "$deb" "$root/tmp/"
inside() { chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 bash -c "set -eo pipefail; $1"; }

echo "test-deb: apt-get install ./$(basename "$deb") into the clean root (no Recommends)"
start=$(date +%s)
inside "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends /tmp/$(basename "$deb") >/tmp/apt.log 2>&1 || { tail -20 /tmp/apt.log; exit 1; }"
echo "test-deb: installed in $(( $(date +%s) - start )) s (download and unpack of the package and its dependencies)"
inside "dpkg-query -W -f='installed: \${Package} \${Version}, \${Installed-Size} KiB installed\n' synapse-lab"
echo "test-deb: the .deb is $(du -h "$deb" | cut -f1)"

# What the package put in place: the menu entry, the icon, man pages, completions, the guide.
for f in /usr/bin/synapse-lab /usr/share/applications/synapse-lab.desktop /usr/share/icons/hicolor/48x48/apps/synapse-lab.png \
         /usr/share/man/man1/synapse-lab.1.gz /usr/share/man/man1/synapse-lab-lecture.1.gz /usr/share/bash-completion/completions/synapse-lab /usr/share/doc/synapse-lab/guide/index.html; do
  [ -e "$root$f" ] || { echo "test-deb: FAILED: the package did not install $f" >&2; exit 1; }
done

echo "test-deb: running it from /tmp (no assets/ folder there)"
inside 'cd /tmp && test ! -e assets && synapse-lab --version && synapse-lab lecture --check | tail -3'
inside 'cd /tmp && synapse-lab run --scenario ketamine_iv --duration 1h --out /tmp/k.csv && test "$(wc -l < /tmp/k.csv)" -gt 10 && head -c 200 /tmp/k.csv && echo'
inside 'cd /tmp && synapse-lab screenshot --out /tmp/s.png && test -s /tmp/s.png'
cp "$root/tmp/s.png" dist/deb-test-screenshot.png
echo "test-deb: passed (screenshot: dist/deb-test-screenshot.png)"
