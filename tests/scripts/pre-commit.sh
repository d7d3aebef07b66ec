#!/usr/bin/env bash
# End-to-end test of .pre-commit-hooks.yaml with the real pre-commit framework (from PyPI): a
# fresh repository uses THIS repository (a snapshot of the current work tree, committed) as its
# hook source, so pre-commit builds leakhound with `cargo install` exactly as users get it.
# Asserts: a commit adding a key is blocked with the runbook shown; a clean commit passes; a line
# with `leakhound:allow` passes; a push of a commit with a key is blocked by `leakhound-push`.
#
# Usage: tests/scripts/pre-commit.sh PATH/TO/leakhound   (the binary only tells whether this build
# has `leakhound git`; pre-commit builds its own)
# Environment: PRE_COMMIT_VENV (where to install pre-commit; default target dir), CARGO_TARGET_DIR
# (reused by pre-commit's `cargo install`, so a second run compiles almost nothing).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source-path=SCRIPTDIR
. "$here/lib.sh"

if ! "$1" git --help >/dev/null 2>&1; then
    echo "SKIPPED (this build has no 'leakhound git'): pre-commit end-to-end test"
    exit 0
fi

target=${CARGO_TARGET_DIR:-$root/target}
venv=${PRE_COMMIT_VENV:-$target/pre-commit-venv}
if [ ! -x "$venv/bin/pre-commit" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check pre-commit
fi
pc="$venv/bin/pre-commit"
"$pc" --version

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# pre-commit clones `repo:` at `rev:`, so commit a snapshot of the work tree as it is now
# (uncommitted edits included) instead of testing whatever HEAD happens to be.
src="$work/hook-source"
mkdir -p "$src"
(cd "$root" && git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do
    [ -e "$f" ] && { mkdir -p "$src/$(dirname "$f")"; cp -p "$f" "$src/$f"; }
done)
git -C "$src" init -q -b main
git -C "$src" add -A
git -C "$src" commit -qm snapshot
rev=$(git -C "$src" rev-parse HEAD)

# pre-commit's `language: rust` runs `cargo install --bins --root ENV --path .` from the hook
# repository. Reuse one target directory across runs, and skip fat LTO: this tests the hooks,
# not the release build.
export CARGO_TARGET_DIR="$target/pre-commit-install"
export CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16
export PRE_COMMIT_HOME="$work/pre-commit-home"

proj="$work/project"
git init -q -b main "$proj"
cd "$proj"
cat >.pre-commit-config.yaml <<EOF
repos:
  - repo: $src
    rev: $rev
    hooks:
      - id: leakhound
      - id: leakhound-push
EOF
echo "# project" >README.md
git add -A
"$pc" install --hook-type pre-commit --hook-type pre-push >/dev/null
start=$(date +%s)
"$pc" install-hooks
echo "pre-commit built the hook environment in $(($(date +%s) - start))s"

git commit -qm "initial" || fail "initial clean commit was blocked"
pass "clean initial commit passes"

key=$(github_pat 201)
printf 'import os\nTOKEN = "%s"\n' "$key" >settings.py
git add settings.py
set +e
git commit -m "add settings" >"$work/blocked.out" 2>&1
code=$?
set -e
[ "$code" != 0 ] || { cat "$work/blocked.out" >&2; fail "a commit adding a key went through"; }
assert_contains "$work/blocked.out" "settings.py:2:" "where"
assert_contains "$work/blocked.out" "ghp_…" "redacted secret"
assert_contains "$work/blocked.out" "revoke  https://docs.github.com/" "runbook link"
assert_contains "$work/blocked.out" "commit blocked" "what happened"
assert_contains "$work/blocked.out" "leakhound:allow" "how to allow a false positive"
assert_not_contains "$work/blocked.out" "$key" "the secret in full"
[ "$(git rev-list --count HEAD)" = 1 ] || fail "the blocked commit exists"
echo "--- what a blocked commit shows:"
cat "$work/blocked.out"
echo "---"
pass "a commit adding a key is blocked, with the runbook"

printf 'import os\nTOKEN = "%s"  # leakhound:allow (test fixture)\n' "$key" >settings.py
git add settings.py
git commit -qm "allowed fixture" >"$work/allowed.out" 2>&1 || { cat "$work/allowed.out" >&2; fail "an allowed line was blocked"; }
pass "a line with leakhound:allow passes"

echo "plain text" >notes.txt
git add notes.txt
git commit -qm "notes" >"$work/clean.out" 2>&1 || { cat "$work/clean.out" >&2; fail "a clean commit was blocked"; }
pass "a clean commit passes"

# pre-push: a commit that skipped the pre-commit hook (--no-verify) is caught when pushed.
git init -q --bare "$work/remote.git"
git remote add origin "$work/remote.git"
git push -q origin main >"$work/push1.out" 2>&1 || { cat "$work/push1.out" >&2; fail "clean push blocked"; }
key2=$(github_pat 202)
printf 'KEY = "%s"\n' "$key2" >deploy.env
git add deploy.env
git commit -q --no-verify -m "sneak a key past the commit hook"
set +e
git push origin main >"$work/push2.out" 2>&1
code=$?
set -e
[ "$code" != 0 ] || { cat "$work/push2.out" >&2; fail "a push with a key went through"; }
assert_contains "$work/push2.out" "deploy.env:1:" "pre-push where"
assert_not_contains "$work/push2.out" "settings.py" "pre-push scans only the pushed commits"
pass "a push of a commit with a key is blocked; only the pushed commits are scanned"

echo "pre-commit.sh: all passed"
