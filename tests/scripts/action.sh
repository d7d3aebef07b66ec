#!/usr/bin/env bash
# End-to-end test of the GitHub Action's logic (scripts/github-action.sh), run locally as the
# runner would: a real repository built here, a synthetic pull_request / push event payload, a
# job-summary file and an outputs file. Asserts the range scanned, the summary table, the
# `::error` annotations (with workflow-command escaping), the SARIF file and the exit codes, and
# that a shallow checkout missing the base fails with the fetch-depth advice.
#
# Usage: tests/scripts/action.sh PATH/TO/leakhound
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source-path=SCRIPTDIR
. "$here/lib.sh"

LEAKHOUND=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
export LEAKHOUND
script="$root/scripts/github-action.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

old=$(github_pat 101)
new=$(github_pat 102)
odd=$(github_pat 103)

# --- a repository: main has an old leak; the feature branch adds a new one --------------------
origin="$work/origin"
git init -q -b main "$origin"
cd "$origin"
echo hello >README
git add README && git commit -qm initial
printf 'LEGACY = "%s"\n' "$old" >legacy.py
git add legacy.py && git commit -qm "legacy key (already on main)"
base=$(git rev-parse HEAD)
git checkout -qb feature
printf 'import os\nTOKEN = "%s"\n' "$new" >settings.py
git add settings.py && git commit -qm "add settings"
mkdir -p docs && echo "just words" >docs/notes.md
git add docs && git commit -qm "docs"
head=$(git rev-parse HEAD)
git checkout -q main
echo more >>README && git commit -qam "main moves on"
git checkout -q feature
cd "$work"

# A CI checkout: a full clone (fetch-depth: 0) on the pull request's head.
git clone -q "file://$origin" checkout
git -C checkout checkout -q "$head"

payload="$work/pull_request.json"
cat >"$payload" <<EOF
{"action": "synchronize", "number": 7,
 "pull_request": {"base": {"sha": "$base", "ref": "main"}, "head": {"sha": "$head", "ref": "feature"}},
 "repository": {"default_branch": "main", "full_name": "acme/app"}}
EOF

# run_action NAME [VAR=VALUE...]: runs the script in the checkout with a fresh summary and
# outputs file; leaves $work/NAME.{stdout,stderr,summary,outputs} and sets $code.
run_action() {
    local name=$1
    shift
    : >"$work/$name.summary"
    : >"$work/$name.outputs"
    set +e
    (
        cd "${CHECKOUT:-$work/checkout}"
        env -u INPUT_MODE GITHUB_EVENT_NAME=pull_request GITHUB_EVENT_PATH="$payload" \
            GITHUB_STEP_SUMMARY="$work/$name.summary" GITHUB_OUTPUT="$work/$name.outputs" \
            GITHUB_WORKSPACE="${CHECKOUT:-$work/checkout}" GITHUB_REPOSITORY=acme/app \
            GITHUB_SERVER_URL=https://github.com RUNNER_TEMP="$work" \
            INPUT_SARIF_FILE="$work/$name.sarif" "$@" \
            bash "$script" >"$work/$name.stdout" 2>"$work/$name.stderr"
    )
    code=$?
    set -e
}

has_git_scan=true
"$LEAKHOUND" git --help >/dev/null 2>&1 || has_git_scan=false

# --- 1. pull request: the range, the findings, the reports ---------------------------------------
run_action pr
assert_contains "$work/pr.outputs" "range=$base..$head" "pull request range from the payload"
assert_contains "$work/pr.outputs" "mode=pr"
if $has_git_scan; then
    [ "$code" = 1 ] || { cat "$work/pr.stderr" >&2; fail "pr: exit $code, expected 1 (findings, fail-on-findings)"; }
    assert_contains "$work/pr.outputs" "findings=1"
    assert_contains "$work/pr.outputs" "exit-code=1"
    # The summary: a table row with provider, path:line, redacted secret and the runbook link.
    assert_contains "$work/pr.summary" "### leakhound: 1 secret found"
    assert_contains "$work/pr.summary" "| Provider | Where | Secret | Rule | Revoke |"
    assert_contains "$work/pr.summary" "<code>settings.py:2</code>"
    assert_contains "$work/pr.summary" "<code>ghp&#95;…"
    assert_contains "$work/pr.summary" "[runbook](https://docs.github.com/"
    assert_contains "$work/pr.summary" "https://github.com/acme/app/blob/"
    assert_not_contains "$work/pr.summary" "legacy.py" "the base's old leak is not part of the pull request"
    # The annotation.
    grep -q '^::error file=settings.py,line=2,col=10,endColumn=50,title=leakhound%3A GitHub classic personal access token::GitHub secret ghp_…' "$work/pr.stdout" ||
        { cat "$work/pr.stdout" >&2; fail "annotation for settings.py:2"; }
    # The SARIF file: valid JSON, one result at settings.py:2, our fingerprint, no secret.
    [ "$(jq '.runs[0].results | length' "$work/pr.sarif")" = 1 ] || fail "SARIF result count"
    [ "$(jq -r '.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri' "$work/pr.sarif")" = settings.py ] ||
        fail "SARIF location"
    jq -e '.runs[0].results[0].partialFingerprints["secretFingerprint/v1"] | startswith("lh1:")' "$work/pr.sarif" >/dev/null ||
        fail "SARIF fingerprint"
    for f in pr.stdout pr.stderr pr.summary pr.sarif; do
        assert_not_contains "$work/$f" "$new" "$f holds the secret in full"
        assert_not_contains "$work/$f" "${new:4:30}" "$f holds the secret's body"
    done
    pass "pull request: range $base..$head, summary, annotation, SARIF, exit 1"

    # fail-on-findings: false reports the same but exits 0.
    run_action pr-nofail INPUT_FAIL_ON_FINDINGS=false
    [ "$code" = 0 ] || fail "fail-on-findings=false: exit $code"
    assert_contains "$work/pr-nofail.summary" "<code>settings.py:2</code>"
    # Deferred exit (how action.yml runs it, so the SARIF upload happens before failing).
    run_action pr-defer LEAKHOUND_DEFER_EXIT=1
    [ "$code" = 0 ] || fail "deferred exit: exit $code"
    assert_contains "$work/pr-defer.outputs" "exit-code=1"
    pass "fail-on-findings=false and deferred exit"

    # A clean pull request (only the docs commit).
    docs_base=$(git -C "$origin" rev-parse "$head^")
    run_action clean INPUT_BASE="$docs_base"
    [ "$code" = 0 ] || { cat "$work/clean.stderr" >&2; fail "clean range: exit $code"; }
    assert_contains "$work/clean.outputs" "range=$docs_base..$head"
    assert_contains "$work/clean.summary" "### leakhound: no secrets found"
    assert_contains "$work/clean.outputs" "findings=0"
    [ ! -s "$work/clean.stdout" ] || fail "clean run printed annotations"
    pass "clean pull request passes"

    # Push of a new branch (before = zeros): the commits not on the default branch.
    push_payload="$work/push.json"
    printf '{"ref":"refs/heads/feature","before":"%s","after":"%s","created":true,"repository":{"default_branch":"main"}}\n' \
        0000000000000000000000000000000000000000 "$head" >"$push_payload"
    run_action push GITHUB_EVENT_NAME=push GITHUB_EVENT_PATH="$push_payload"
    assert_contains "$work/push.outputs" "mode=push"
    assert_contains "$work/push.outputs" "range=$base..$head" "new branch scanned from where it leaves main"
    [ "$code" = 1 ] || fail "push: exit $code"
    pass "push of a new branch scans $base..$head"

    # The first push of the default branch itself: everything is new, so the full history.
    printf '{"ref":"refs/heads/main","before":"%s","after":"%s","created":true,"repository":{"default_branch":"main"}}\n' \
        0000000000000000000000000000000000000000 "$(git -C "$origin" rev-parse main)" >"$work/first.json"
    run_action first GITHUB_EVENT_NAME=push GITHUB_EVENT_PATH="$work/first.json"
    assert_contains "$work/first.outputs" "mode=full" "first push of the default branch"
    assert_contains "$work/first.summary" "legacy.py"
    pass "first push of the default branch scans everything"

    # A schedule event: the full history, where the old leak is found too.
    run_action full GITHUB_EVENT_NAME=schedule
    assert_contains "$work/full.outputs" "mode=full"
    assert_contains "$work/full.summary" "legacy.py"
    assert_contains "$work/full.summary" "settings.py"
    pass "scheduled run audits the full history"
else
    echo "SKIPPED (this build has no 'leakhound git'): scanning the pull-request/push ranges"
fi

# --- 2. annotations and the summary escape what the repository controls -------------------------
odd_repo="$work/odd"
git init -q -b main "$odd_repo"
weird='we,ird:na%me|<b>x.py'
printf 'K = "%s"\n' "$odd" >"$odd_repo/$weird"
git -C "$odd_repo" add . && git -C "$odd_repo" commit -qm odd
CHECKOUT=$odd_repo run_action odd INPUT_MODE=worktree
[ "$code" = 1 ] || { cat "$work/odd.stderr" >&2; fail "worktree mode: exit $code"; }
assert_contains "$work/odd.stdout" '::error file=we%2Cird%3Ana%25me|<b>x.py,line=1,' "property escaping (%, :, ,)"
assert_contains "$work/odd.summary" 'we,ird:na%me&#124;&lt;b&gt;x.py:1' "summary escaping"
assert_not_contains "$work/odd.summary" '<b>' "raw HTML from a file name"
[ "$(jq '.runs[0].results | length' "$work/odd.sarif")" = 1 ] || fail "worktree SARIF"
pass "workflow-command and markdown escaping"

# --- 3. a shallow checkout without the base fails loudly ----------------------------------------
git clone -q --depth 1 --branch feature "file://$origin" "$work/shallow"
CHECKOUT=$work/shallow run_action shallow
[ "$code" = 2 ] || { cat "$work/shallow.stderr" >&2; fail "shallow: exit $code, expected 2"; }
assert_contains "$work/shallow.stdout" "::error title=leakhound::shallow checkout"
assert_contains "$work/shallow.stderr" "fetch-depth: 0"
assert_contains "$work/shallow.summary" "fetch-depth: 0"
assert_not_contains "$work/shallow.outputs" "findings=" "a shallow run must not report a result"
CHECKOUT=$work/shallow run_action shallow-full GITHUB_EVENT_NAME=schedule
[ "$code" = 2 ] || fail "shallow full history: exit $code, expected 2"
assert_contains "$work/shallow-full.stderr" "fetch-depth: 0"
pass "shallow checkout: exit 2 with the fetch-depth: 0 advice"

# --- 4. bad input values are errors, not silent passes -------------------------------------------
run_action badmode INPUT_MODE=everything
[ "$code" = 2 ] || fail "unknown mode: exit $code"
assert_contains "$work/badmode.stderr" "unknown mode"
run_action nopr GITHUB_EVENT_NAME=workflow_dispatch INPUT_MODE=pr GITHUB_EVENT_PATH=/nonexistent
[ "$code" = 2 ] || fail "pr without a payload: exit $code"
assert_contains "$work/nopr.stderr" "needs a base and a head"
pass "bad inputs fail with a message"

echo "action.sh: all passed"
