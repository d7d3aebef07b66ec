# shellcheck shell=bash
# Shared helpers for the shell end-to-end tests (sourced, not run).
# Tokens are assembled at run time: no credential-shaped literal exists in this repository.

set -euo pipefail

# Pinned, isolated git: no user or system configuration, fixed identity and dates.
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME=Test GIT_AUTHOR_EMAIL=test@example.com GIT_AUTHOR_DATE=2026-01-01T00:00:00Z
export GIT_COMMITTER_NAME=Test GIT_COMMITTER_EMAIL=test@example.com GIT_COMMITTER_DATE=2026-01-01T00:00:00Z
export NO_COLOR=1

# github_pat SEED: a GitHub classic token with a valid CRC32 checksum (so the specific rule fires).
github_pat() {
    python3 - "$1" <<'PY'
import random, sys, zlib
A = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
rnd = random.Random(int(sys.argv[1]))
body = "".join(rnd.choice(A[10:] + A[:10]) for _ in range(30))
n, check = zlib.crc32(body.encode()), ""
for _ in range(6):
    check = A[n % 62] + check
    n //= 62
print("gh" + "p_" + body + check)
PY
}

fail() {
    printf 'FAIL: %s\n' "$*" >&2
    exit 1
}

pass() {
    printf 'ok: %s\n' "$*"
}

# assert_contains FILE TEXT [what]
assert_contains() {
    grep -qF -- "$2" "$1" || { printf -- '--- %s\n' "$1" >&2; cat "$1" >&2; fail "${3:-$1 lacks $2}"; }
}

# assert_not_contains FILE TEXT [what]
assert_not_contains() {
    if grep -qF -- "$2" "$1"; then printf -- '--- %s\n' "$1" >&2; cat "$1" >&2; fail "${3:-$1 has $2}"; fi
}
