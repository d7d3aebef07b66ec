#!/usr/bin/env bash
# The HTML report at scale (issue 19): a git history holding 10,000 unique fake keys (five
# providers, 100 commits over four years, the first half pushed), reported with `-f html`; prints the
# report's size, the time leakhound took to write it, and in headless Chromium the wall time of
# `--dump-dom` (load, parse, script, layout; minus Chromium's own start on a tiny page) and the
# in-page times the report's `#bench` hook measures (time to ready, a provider filter, a text
# filter, clearing, two sorts and opening a row, each with its layout).
#
#   bash benches/html.sh [target/release/leakhound] [N_KEYS]
#   NO_BROWSER=1 KEEP=/tmp/h bash benches/html.sh ...   # only build the report, keep it in /tmp/h
#
# Keys are assembled at run time from a seeded generator; none is real. Needs git, Python 3 and
# /usr/bin/chromium (apt-get install chromium).
set -euo pipefail
bin=${1:-target/release/leakhound}
keys=${2:-10000}
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
chromium=${CHROMIUM:-/usr/bin/chromium}
# KEEP=DIR keeps the repository and the report in DIR for a look afterwards.
if [ -n "${KEEP:-}" ]; then
    work=$KEEP
    rm -rf "$work/repo"
    mkdir -p "$work"
else
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
fi
repo=$work/repo
git init -q -b main "$repo"

# One fast-import stream: commit i adds services/svc-i/config.yml with keys/100 keys.
python3 - "$keys" >"$work/stream" <<'PY'
import random, string, sys, zlib
n = int(sys.argv[1])
r = random.Random(19)
alnum = string.ascii_letters + string.digits
B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
def pick(a, k): return "".join(r.choice(a) for _ in range(k))
def github():
    body = pick(alnum, 30); c = zlib.crc32(body.encode()); s = ""
    for _ in range(6): s, c = B62[c % 62] + s, c // 62
    return "gh" + "p_" + body + s
makers = [
    github,
    lambda: "xo" + "xb-" + pick(string.digits, 12) + "-" + pick(string.digits, 13) + "-" + pick(alnum, 24),
    lambda: "sk" + "_live_" + pick(alnum, 32),
    lambda: "gl" + "pat-" + pick(alnum, 20),
    lambda: "AK" + "IA" + pick(string.ascii_uppercase + "234567", 16),
]
commits = 100
per = -(-n // commits)
made = 0
out = sys.stdout.buffer
for i in range(commits):
    lines = []
    for j in range(per):
        if made == n: break
        lines.append("key_%d: %s\n" % (j, makers[made % len(makers)]()))
        made += 1
    data = "".join(lines).encode()
    when = 1577880000 + i * 15 * 86400  # from 2020-01-01, every 15 days
    msg = ("service %d: config" % i).encode()
    out.write(b"commit refs/heads/main\nmark :%d\n" % (i + 1))
    out.write(b"author Bench <bench@example.com> %d +0000\ncommitter Bench <bench@example.com> %d +0000\n" % (when, when))
    out.write(b"data %d\n%s\n" % (len(msg), msg))
    if i:
        out.write(b"from :%d\n" % i)
    out.write(b"M 100644 inline services/svc-%03d/config.yml\ndata %d\n%s\n" % (i, len(data), data))
out.write(b"reset refs/remotes/origin/main\nfrom :%d\n\n" % (commits // 2))
PY
git -C "$repo" fast-import --quiet <"$work/stream"
git -C "$repo" checkout -q main

report=$work/report.html
start=$(date +%s.%N)
"$bin" git "$repo" -f html -o "$report" -q --no-progress || [ $? -eq 1 ]
end=$(date +%s.%N)
"$bin" git "$repo" -f json -o "$work/report.json" -q --no-progress || [ $? -eq 1 ]
found=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["findings"]))' "$work/report.json")
size=$(stat -c %s "$report")
gz=$(gzip -c "$report" | wc -c)
printf 'findings            %s unique secrets (asked for %s)\n' "$found" "$keys"
printf 'report size         %s bytes (%.1f MB; gzip %.1f MB)\n' "$size" "$(echo "$size/1000000" | bc -l)" "$(echo "$gz/1000000" | bc -l)"
printf 'leakhound git -f html  %.2f s (scan and report)\n' "$(echo "$end - $start" | bc -l)"

[ -n "${NO_BROWSER:-}" ] && exit 0
chrome() {
    local profile
    profile=$(mktemp -d)
    "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync --disable-extensions \
        --user-data-dir="$profile" --dump-dom "$1" 2>/dev/null
    rm -rf "$profile"
}
# Median wall time of three runs of --dump-dom on URL.
wall() {
    local t=()
    for _ in 1 2 3; do
        local s e
        s=$(date +%s.%N)
        chrome "$1" >/dev/null
        e=$(date +%s.%N)
        t+=("$(echo "$e - $s" | bc -l)")
    done
    printf '%s\n' "${t[@]}" | sort -n | sed -n 2p
}
printf '<!doctype html><title>x</title><p>x</p>\n' >"$work/tiny.html"
base=$(wall "file://$work/tiny.html")
full=$(wall "file://$report")
printf 'chromium --dump-dom  %.2f s median of 3 (a tiny page: %.2f s; the report costs %.2f s)\n' \
    "$full" "$base" "$(echo "$full - $base" | bc -l)"
chrome "file://$report#bench" >"$work/dom.html"
python3 - "$work/dom.html" <<'PY'
import json, re, sys
dom = open(sys.argv[1], encoding="utf-8").read()
body = re.search(r"<body([^>]*)>", dom).group(1)
attr = lambda name: re.search(name + r'="([^"]*)"', body)
if attr("data-error"):
    sys.exit("script error: " + attr("data-error").group(1))
print("in page: parsed at %s ms after navigation start (the script starts)" % attr("data-parsed-ms").group(1))
print("in page: ready at  %s ms (script done and first layout)" % attr("data-ready-ms").group(1))
bench = json.loads(attr("data-bench").group(1).replace("&quot;", '"'))
for k, v in bench.items():
    print("in page: %-16s %s ms" % (k, v))
PY
