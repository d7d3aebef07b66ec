#!/usr/bin/env bash
# Peak memory and wall time of an organisation audit, per shard (issue 18).
#
#   benches/org.sh LIST [SHARDS] [JOBS]
#
# Runs `leakhound scan-list LIST --shard I/SHARDS --jobs JOBS` for every shard one after another
# under GNU time (Debian package `time`), prints each shard's wall time and peak resident memory
# (the largest of the scan-list process and the per-target children it waited for), then merges
# the shards. Uses $LEAKHOUND, else builds the release binary. Outputs go to a temporary directory.
set -euo pipefail
list=${1:?usage: benches/org.sh LIST [SHARDS] [JOBS]}
shards=${2:-4}
jobs=${3:-1}
cd "$(dirname "$0")/.."
if [ -z "${LEAKHOUND:-}" ]; then
    cargo build --release --locked --quiet
    LEAKHOUND=$PWD/target/release/leakhound
fi
[ -x /usr/bin/time ] || { echo "benches/org.sh: needs GNU time (apt-get install time)" >&2; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "| shard | targets | wall | peak RSS |"
echo "|---|---|---|---|"
for ((i = 0; i < shards; i++)); do
    rc=0
    /usr/bin/time -f '%e %M' -o "$out/time.$i" "$LEAKHOUND" scan-list "$list" --shard "$i/$shards" \
        --jobs "$jobs" -q -o "$out/shard-$i.jsonl" || rc=$?
    [ "$rc" -le 2 ] || { echo "shard $i failed with exit code $rc" >&2; exit "$rc"; }
    read -r wall rss < <(tail -n 1 "$out/time.$i")
    targets=$(grep -c '"type":"target"' "$out/shard-$i.jsonl" || true)
    echo "| $i/$shards | $targets | ${wall} s | $((rss / 1024)) MiB |"
done
rc=0
/usr/bin/time -f '%e %M' -o "$out/time.merge" "$LEAKHOUND" merge "$out"/shard-*.jsonl --list "$list" \
    -f json -o "$out/merged.json" || rc=$?
read -r wall rss < <(tail -n 1 "$out/time.merge")
echo "| merge | | ${wall} s | $((rss / 1024)) MiB |"
