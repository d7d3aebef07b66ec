#!/usr/bin/env bash
# Benchmark of `leakhound redact` (issue #8), end to end on the release binary:
#   1. throughput in MB/s on a large log with sparse secrets, against `leakhound stdin` on the same
#      bytes (target: redact >= 80% of stdin), from a file and through a pipe;
#   2. latency added per line when lines arrive slowly (target: < 1 ms), measured as the time from
#      writing a line to reading it back, minus the same round trip through `cat`.
# Usage: benches/redact.sh [SIZE_MB] [LINES]      (defaults: 256 MB, 300 lines)
# BIN=path/to/leakhound skips the release build.
# Needs python3. Tokens are assembled at run time (valid GitHub checksums), never stored.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE_MB=${1:-256}
LINES=${2:-300}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
if [ -z "${BIN:-}" ]; then
  nice cargo build --release --quiet
  # A private copy: a shared target directory may be rebuilt by someone else meanwhile.
  cp "$CARGO_TARGET_DIR/release/leakhound" "$WORK/leakhound"
  BIN=$WORK/leakhound
fi
LOG=$WORK/ci.log

python3 - "$LOG" "$SIZE_MB" <<'EOF'
import random, sys, zlib
path, size = sys.argv[1], int(sys.argv[2]) << 20
A = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
rng = random.Random(8)
def pat():
    r = "".join(rng.choice(A) for _ in range(30)); n = zlib.crc32(r.encode()); c = ""
    for _ in range(6): c = B62[n % 62] + c; n //= 62
    return "ghp" + "_" + r + c
lines = [
    "2026-11-23T10:00:%02d.123Z INFO  http: GET /api/v1/items?page=%d 200 in 12ms user=%d\n",
    "2026-11-23T10:00:%02d.456Z DEBUG worker %d: processed batch of %d records, token bucket refilled\n",
    "   Compiling serde v1.0.%d (registry+https://github.com/rust-lang/crates.io-index) step %d/%d\n",
    "%02d: test suite::module_%d::case_%d ... ok (password policy checks included)\n",
]
with open(path, "w") as f:
    block = "".join(lines[i % 4] % (i % 60, i, i * 7) for i in range(20000))
    written = 0
    while written < size:
        f.write(block); written += len(block)
        # Sparse secrets: one token and one AWS key id per ~1.5 MB block.
        f.write("export GITHUB_TOKEN=%s\n" % pat())
        f.write("aws_access_key_id = AKIA%s\n" % "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16)))
        written += 80
EOF
BYTES=$(stat -c %s "$LOG")
echo "input: $((BYTES >> 20)) MB, $(wc -l < "$LOG") lines, $(nproc) CPUs"

best() { # best wall time in seconds of 3 runs of "$@"
  local b=999 t
  for _ in 1 2 3; do
    /usr/bin/time -f %e -o "$WORK/time" "$@" > /dev/null 2>&1
    t=$(tail -1 "$WORK/time")
    b=$(python3 -c "print(min($b, $t))")
  done
  echo "$b"
}
mbps() { python3 -c "print(f'{$BYTES / 1048576 / $1:.0f}')"; }

S_FILE=$(best sh -c "$BIN stdin -q -f jsonl -j 1 < $LOG")
R_FILE=$(best sh -c "$BIN redact -q < $LOG")
S_PIPE=$(best sh -c "cat $LOG | $BIN stdin -q -f jsonl -j 1")
R_PIPE=$(best sh -c "cat $LOG | $BIN redact -q")
R_JSON=$(best sh -c "$BIN redact -q --json-lines < $LOG")
printf 'throughput (file on stdin): stdin %s MB/s, redact %s MB/s (%s%%), redact --json-lines %s MB/s\n' \
  "$(mbps "$S_FILE")" "$(mbps "$R_FILE")" "$(python3 -c "print(round(100*$S_FILE/$R_FILE))")" "$(mbps "$R_JSON")"
printf 'throughput (through a pipe):  stdin %s MB/s, redact %s MB/s (%s%%)\n' \
  "$(mbps "$S_PIPE")" "$(mbps "$R_PIPE")" "$(python3 -c "print(round(100*$S_PIPE/$R_PIPE))")"
python3 - "$LOG" "$BIN" <<'EOF'
import subprocess, sys
out = subprocess.run([sys.argv[2], "redact", "-q"], stdin=open(sys.argv[1], "rb"), capture_output=True).stdout
print("masks written:", out.count(b"[REDACTED:"), "; peak RSS of redact: ", end="")
EOF
/usr/bin/time -f '%M kB' "$BIN" redact -q < "$LOG" 2>&1 >/dev/null | tail -1

python3 - "$BIN" "$LINES" <<'EOF'
import os, select, subprocess, sys, time
BIN, N = sys.argv[1], int(sys.argv[2])
def roundtrips(cmd):
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
    out = p.stdout.fileno(); times = []
    for i in range(N):
        line = b"2026-11-23T10:00:00Z INFO agent step %d: calling tool read_file path=src/main.rs\n" % i
        t0 = time.perf_counter(); p.stdin.write(line); got = b""
        while not got.endswith(b"\n"):
            select.select([out], [], [], 5); got += os.read(out, 65536)
        times.append(time.perf_counter() - t0)
        time.sleep(0.01)
    p.stdin.close(); p.wait()
    times.sort(); return times[len(times) // 2], times[int(len(times) * 0.99)]
cat = roundtrips(["cat"])
red = roundtrips([BIN, "redact", "-q"])
print("per-line latency (slow writer, %d lines): cat median %.3f ms p99 %.3f ms; redact median %.3f ms p99 %.3f ms; added median %.3f ms"
      % (N, cat[0] * 1e3, cat[1] * 1e3, red[0] * 1e3, red[1] * 1e3, (red[0] - cat[0]) * 1e3))
EOF
