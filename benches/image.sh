#!/usr/bin/env bash
# End-to-end benchmark of `leakhound image` (issue #5): builds an OCI image archive with gzip layers
# from three real trees on this machine (shared libraries, /usr/share, the cargo registry sources;
# a few hundred MB compressed), then times the floor (decompressing and listing each layer with
# zcat | tar -t) against `leakhound image`, with peak RSS.
#
# Usage: benches/image.sh PATH/TO/leakhound [WORKDIR]
set -euo pipefail
bin=$(realpath "${1:?usage: $0 PATH/TO/leakhound [WORKDIR]}")
work=${2:-$(mktemp -d)}
mkdir -p "$work/oci/blobs/sha256"
cd "$work"
if [ ! -f bench.tar ]; then
    layers=()
    for src in usr/lib/x86_64-linux-gnu usr/share root/.cargo/registry/src; do
        [ -e "/$src" ] || continue
        tar -C / -cf - "$src" 2>/dev/null | gzip -6 > layer.tmp || true
        h=$(sha256sum layer.tmp | cut -d' ' -f1)
        mv layer.tmp "oci/blobs/sha256/$h"
        layers+=("$h")
    done
    python3 - "${layers[@]}" <<'PY'
import hashlib, json, os, sys
def blob(data):
    h = hashlib.sha256(data).hexdigest()
    open(f"oci/blobs/sha256/{h}", "wb").write(data)
    return "sha256:" + h
cfg = blob(json.dumps({"architecture": "amd64", "os": "linux", "config": {"Env": ["PATH=/usr/bin"]},
    "rootfs": {"type": "layers", "diff_ids": []}, "history": [{"created_by": "ADD x"}]}).encode())
man = blob(json.dumps({"schemaVersion": 2, "config": {"digest": cfg, "size": 1},
    "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": "sha256:" + h,
                "size": os.path.getsize(f"oci/blobs/sha256/{h}")} for h in sys.argv[1:]]}).encode())
open("oci/index.json", "w").write(json.dumps({"schemaVersion": 2, "manifests": [
    {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": man, "size": 1,
     "annotations": {"io.containerd.image.name": "bench:1"}}]}))
open("oci/oci-layout", "w").write('{"imageLayoutVersion":"1.0.0"}')
PY
    tar -C oci -cf bench.tar oci-layout index.json blobs
fi
ls -l bench.tar
echo "floor: zcat | tar -t over every layer"
/usr/bin/time -f "  %e s wall, %M KB peak RSS" sh -c 'for b in oci/blobs/sha256/*; do [ "$(head -c2 "$b" | od -An -tx1 | tr -d " ")" = 1f8b ] && zcat "$b" | tar -t > /dev/null; done; true'
echo "leakhound image"
/usr/bin/time -f "  %e s wall, %M KB peak RSS" "$bin" image --no-progress -f json -o result.json bench.tar || true
python3 -c 'import json; s=json.load(open("result.json"))["scan"]; print("  ", {k: s.get(k) for k in ("layers","layer_files","layer_bytes","duplicate_contents","files_scanned","bytes_scanned","findings","files_skipped")})'
