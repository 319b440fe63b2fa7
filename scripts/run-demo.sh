#!/usr/bin/env bash
# The main job until the daemon lands: evaluate every built-in circuit's nominal design, a PVT
# sweep of the two-stage op-amp, then the simulation benchmark.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-.build/release}
echo "== circuits"
"$bin/sizer" circuits
for c in ota5t two_stage folded_cascode ldo; do
    if [ -f "specs/$c.json" ]; then
        echo; echo "== sizer eval --circuit $c"
        "$bin/sizer" eval --circuit "$c" || true
    fi
done
if [ -f specs/two_stage.json ]; then
    echo; echo "== sizer eval --circuit two_stage --corners all (worst case over the PVT grid)"
    "$bin/sizer" eval --circuit two_stage --corners all || true
    echo; echo "== sizer bench sim --circuit two_stage (pool vs ngspice -b on the same sizings)"
    "$bin/sizer" bench sim --circuit two_stage --evaluations 1000 --subprocess-runs 2
fi
