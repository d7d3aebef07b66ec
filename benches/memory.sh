#!/usr/bin/env bash
# Peak memory (issue #9): leakhound's RSS must not grow with the input. Measures, with
# /usr/bin/time -v, `stdin` on 4 GB of generated logs (piped from a generator, never stored),
# `dir` on a tree holding a 2 GB file (skipped by the default size limit, then scanned with the limit
# raised), `dir` on 1,000,000 small files (walk time and memory), and `git` on a repository holding
# a 1 GB blob (streamed into a pack of its own by `git add`, loose, and after `git gc`), which the
# default --max-file-size skips from its header without inflating it. Targets: under 256 MB for
# stdin and dir, under 400 MB for git.
#
#   benches/memory.sh [PATH-TO-LEAKHOUND]     (default: target/release/leakhound)
#
# Scratch data goes under $MEMORY_BENCH_DIR (default /work/tmp, else the system temp dir) and is
# deleted at the end. Set SKIP_MANY_FILES=1 to skip the million-file case (it writes ~4 GB of inodes).
set -euo pipefail
cd "$(dirname "$0")/.."
bin="$(realpath "${1:-target/release/leakhound}")"
[ -x "$bin" ] || { echo "no leakhound binary at $bin (cargo build --release)" >&2; exit 2; }
base="${MEMORY_BENCH_DIR:-/work/tmp}"
[ -d "$base" ] || base="${TMPDIR:-/tmp}"
mkdir -p "$base"
work="$(mktemp -d "$base/leakhound-memory.XXXXXX")"
trap 'rm -rf "$work"' EXIT
limit_kb=$((256 * 1024))
status=0

# Runs a command under /usr/bin/time -v, prints a table row, checks the RSS target if given.
measure() {
    local name="$1" target_kb="$2"
    shift 2
    local log="$work/time.log"
    /usr/bin/time -v -o "$log" "$@" >/dev/null 2>"$work/stderr" || true
    local rss wall code
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$log")
    code=$(awk -F': ' '/Exit status/ {print $2}' "$log")
    printf '%-48s %9.1f MB  %10s  exit %s  %s\n' "$name" "$(echo "$rss / 1024" | bc -l)" "$wall" "$code" \
        "$(tail -n1 "$work/stderr" | sed 's/^leakhound: //')"
    if [ -n "$target_kb" ] && [ "$rss" -gt "$target_kb" ]; then
        echo "  over the $((target_kb / 1024)) MB target" >&2
        status=1
    fi
}

line='2026-11-23T16:20:00.123Z INFO  http request method=GET path=/api/v1/orders/8812 status=200 duration_ms=12 user=alice trace=4bf92f3577b34da6a3ce929d0e0e4736'
flags=(-f json --no-progress)

echo "leakhound: $("$bin" --version)   $(nproc) CPUs"
printf '%-48s %12s  %10s\n' "case" "peak RSS" "wall"

# 1. stdin, 4 GB of logs from a generator.
measure "stdin, 4 GiB of logs" "$limit_kb" bash -c "yes '$line' | head -c 4G | '$bin' stdin ${flags[*]}"

# 2. dir, a tree with a 2 GB file.
mkdir -p "$work/tree/src"
{ yes "$line" || true; } | head -c 2G >"$work/tree/big.log"
for i in $(seq 1 200); do echo "fn f$i() {}" >"$work/tree/src/f$i.rs"; done
measure "dir, 2 GiB file (default --max-file-size)" "$limit_kb" "$bin" dir "$work/tree" "${flags[@]}"
measure "dir, 2 GiB file (--max-file-size 3G)" "$limit_kb" "$bin" dir "$work/tree" "${flags[@]}" --max-file-size 3G
rm -rf "$work/tree"

# 3. git, a repository with a 1 GB blob of random bytes (skipped by the default size limit).
git_in() { GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 git -C "$1" -c user.name=bench -c user.email=bench@example.com "${@:2}"; }
git_limit_kb=$((400 * 1024))
for layout in pack loose; do
    repo="$work/git-$layout"
    git init -q -b main "$repo"
    echo "hello" >"$repo/README"
    head -c 1G /dev/urandom >"$repo/big.bin"
    if [ "$layout" = loose ]; then
        git_in "$repo" -c core.bigFileThreshold=2g add README big.bin
    else
        git_in "$repo" add README big.bin # over core.bigFileThreshold: streamed into its own pack
    fi
    git_in "$repo" commit -qm "a large blob"
    rm "$repo/big.bin"
    measure "git, 1 GiB blob ($layout)" "$git_limit_kb" "$bin" git "$repo" "${flags[@]}"
    if [ "$layout" = loose ]; then
        git_in "$repo" gc -q
        measure "git, 1 GiB blob (after git gc)" "$git_limit_kb" "$bin" git "$repo" "${flags[@]}"
    fi
    rm -rf "$repo"
done

# 4. dir, 1,000,000 small files.
if [ "${SKIP_MANY_FILES:-0}" != 1 ]; then
    start=$(date +%s)
    python3 - "$work/many" <<'PY'
import os, sys
root = sys.argv[1]
for d in range(1000):
    p = os.path.join(root, f"d{d:03}")
    os.makedirs(p)
    for f in range(1000):
        with open(os.path.join(p, f"f{f:03}.txt"), "w") as fh:
            fh.write(f"config line {d} {f}\nname = value\n")
PY
    echo "(generated 1,000,000 files in $(($(date +%s) - start)) s)"
    measure "dir, 1,000,000 small files" "$limit_kb" "$bin" dir "$work/many" "${flags[@]}"
    rm -rf "$work/many"
fi
exit "$status"
