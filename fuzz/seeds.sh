#!/usr/bin/env bash
# Builds the small seed inputs of the `image`, `archive` and `redact` fuzz targets into
# corpus/TARGET/seed-* (checked in; rerun to rebuild them, output is reproducible): a legacy
# `docker save` tar, a Docker 25 / OCI layout tar, gzip and zstd outer tars, and zip, tar, tar.gz,
# gz and zst archives with one nested level. Contents are plain words only: the repository's
# self-scan (`leakhound dir .`) opens these archives and must find nothing.
set -euo pipefail
cd "$(dirname "$0")"
need() { command -v "$1" >/dev/null || { echo "seeds.sh: needs $1" >&2; exit 1; }; }
for t in tar gzip zstd zip sha256sum; do need "$t"; done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export TZ=UTC LC_ALL=C
# Reproducible tars: fixed order, owner and dates.
rtar() { tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --format=gnu "$@"; }
sha() { sha256sum "$1" | cut -d' ' -f1; }

# One layer with a config file, a log, a nested tar.gz and a whiteout of a lower file.
mkdir -p "$work/rootfs/etc/app" "$work/rootfs/var/log" "$work/rootfs/opt"
printf 'name = demo\nport = 8080\n' >"$work/rootfs/etc/app/app.conf"
printf 'started\nlistening on 8080\n' >"$work/rootfs/var/log/app.log"
printf 'inner file\n' >"$work/inner.txt"
rtar -C "$work" -czf "$work/rootfs/opt/bundle.tar.gz" inner.txt
: >"$work/rootfs/etc/.wh.old.conf"
touch -d @0 "$work/rootfs" "$work/rootfs"/* "$work/rootfs"/*/* "$work/rootfs"/*/*/* 2>/dev/null || true
rtar -C "$work/rootfs" -cf "$work/layer.tar" .
layer_hex=$(sha "$work/layer.tar")
config='{"architecture":"amd64","os":"linux","config":{"Env":["PATH=/usr/bin","MODE=demo"],"Cmd":["/bin/app"],"Labels":{"team":"demo"}},"rootfs":{"type":"layers","diff_ids":["sha256:'$layer_hex'"]},"history":[{"created_by":"COPY rootfs /"}]}'
printf '%s' "$config" >"$work/config.json"
config_hex=$(sha "$work/config.json")

# Legacy `docker save`: manifest.json, <id>.json, <id>/layer.tar.
mkdir -p "$work/legacy/abc123"
cp "$work/layer.tar" "$work/legacy/abc123/layer.tar"
cp "$work/config.json" "$work/legacy/$config_hex.json"
printf '[{"Config":"%s.json","RepoTags":["demo:1"],"Layers":["abc123/layer.tar"]}]' "$config_hex" \
    >"$work/legacy/manifest.json"
touch -d @0 "$work/legacy"/* "$work/legacy"/*/*
mkdir -p corpus/image corpus/archive corpus/redact
rtar -C "$work/legacy" -cf corpus/image/seed-docker-save.tar .

# OCI layout (what Docker 25+ and `skopeo copy oci-archive:` write), with a gzip layer.
mkdir -p "$work/oci/blobs/sha256"
gzip -n -c "$work/layer.tar" >"$work/layer.tar.gz"
gz_hex=$(sha "$work/layer.tar.gz")
cp "$work/layer.tar.gz" "$work/oci/blobs/sha256/$gz_hex"
cp "$work/config.json" "$work/oci/blobs/sha256/$config_hex"
manifest='{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:'$config_hex'","size":1},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:'$gz_hex'","size":1}]}'
printf '%s' "$manifest" >"$work/manifest.json"
man_hex=$(sha "$work/manifest.json")
cp "$work/manifest.json" "$work/oci/blobs/sha256/$man_hex"
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":1,"annotations":{"org.opencontainers.image.ref.name":"1"}}]}' \
    "$man_hex" >"$work/oci/index.json"
printf '{"imageLayoutVersion":"1.0.0"}' >"$work/oci/oci-layout"
touch -d @0 "$work/oci"/* "$work/oci"/*/* "$work/oci"/*/*/*
rtar -C "$work/oci" -cf corpus/image/seed-oci.tar .
gzip -n -c corpus/image/seed-oci.tar >corpus/image/seed-oci.tar.gz
zstd -q -f -c corpus/image/seed-docker-save.tar >corpus/image/seed-docker-save.tar.zst

# Archives: zip (with a nested zip), tar, tar.gz, single-file gz and zst.
mkdir -p "$work/arc/conf"
printf 'key = value\nhost = example.org\n' >"$work/arc/conf/app.properties"
printf 'hello\n' >"$work/arc/readme.txt"
touch -d '1980-01-01 00:00:00' "$work/arc" "$work/arc/conf" "$work/arc"/*/* "$work/arc"/*.txt
(cd "$work/arc" && zip -X -q -r ../inner.jar conf)
touch -d '1980-01-01 00:00:00' "$work/inner.jar"
cp "$work/inner.jar" "$work/arc/lib.jar"
touch -d '1980-01-01 00:00:00' "$work/arc/lib.jar"
rm -f corpus/archive/seed-nested.zip
(cd "$work/arc" && zip -X -q -r "$OLDPWD/corpus/archive/seed-nested.zip" lib.jar readme.txt)
rtar -C "$work/arc" -cf corpus/archive/seed.tar conf readme.txt
gzip -n -c corpus/archive/seed.tar >corpus/archive/seed.tar.gz
zstd -q -f -c corpus/archive/seed.tar >corpus/archive/seed.tar.zst
gzip -n -c "$work/arc/readme.txt" >corpus/archive/seed-single.gz
zstd -q -f -c "$work/arc/readme.txt" >corpus/archive/seed-single.zst

# redact: log-like text, a JSON line with an escape, a PEM-like fence with a plain body, CRLF. The
# target plants rule examples itself (assembled at run time), so no seed holds a token.
printf 'INFO start\nuser=demo\n{"msg":"ok","note":"a\\u0041"}\r\n-----BEGIN NOTHING-----\nplain\n-----END NOTHING-----\nno newline at end' \
    >corpus/redact/seed-log.txt
echo "seeds.sh: wrote $(ls corpus/image corpus/archive corpus/redact | grep -c seed) seeds"
