#!/usr/bin/env bash
# Runs fuzz targets for a bounded time each: `fuzz/run.sh [SECONDS] [TARGET...]` (default 30 s,
# every target). Used briefly by .ci/run and for the long runs reported in issue #9. Each target
# starts from its checked-in seeds (corpus/TARGET/seed-*) plus the repository's own samples (rule
# files, test data); findings land in artifacts/TARGET/ and fail the run.
set -euo pipefail
cd "$(dirname "$0")"
secs="${1:-30}"
[ $# -gt 0 ] && shift
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(cargo +nightly fuzz list)
fi
# Extra read-only seed directories per target.
seeds() {
    case "$1" in
        rules | config) echo ../rules ;;
        scan) echo ../rules ../tests/data ;;
        *) for d in ../fixtures/"$1" ../tests/fixtures/"$1"; do [ -d "$d" ] && echo "$d"; done; true ;;
    esac
}
status=0
for t in "${targets[@]}"; do
    mkdir -p "corpus/$t" "artifacts/$t"
    echo "fuzz: $t for ${secs}s"
    # shellcheck disable=SC2046
    if ! cargo +nightly fuzz run ${FUZZ_TARGET_DIR:+--target-dir "$FUZZ_TARGET_DIR"} "$t" "corpus/$t" $(seeds "$t") -- \
        -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -artifact_prefix="artifacts/$t/" -print_final_stats=1; then
        echo "fuzz: $t FAILED; reproduce with: cargo +nightly fuzz run $t artifacts/$t/<file>" >&2
        status=1
    fi
done
exit "$status"
