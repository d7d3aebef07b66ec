#!/usr/bin/env bash
# The logic of leakhound's GitHub Action (action.yml), kept in a file so that tests can run it
# (tests/action.sh). It decides what to scan from the event, refuses a shallow checkout that lacks
# the commits it needs, runs leakhound once (JSON + SARIF), writes the job summary and `::error`
# annotations, and sets the exit status.
#
# Inputs arrive ONLY as environment variables (action.yml maps `inputs.*` to them with `env:`);
# nothing here is ever expanded by the workflow engine, so a branch name or a payload field cannot
# inject shell code.
#   INPUT_MODE              pr | push | full | worktree  (default: from GITHUB_EVENT_NAME)
#   INPUT_BASE, INPUT_HEAD  range ends (default: from the event payload)
#   INPUT_PATH              repository to scan (default: .)
#   INPUT_SARIF_FILE        SARIF output (default: $RUNNER_TEMP/leakhound.sarif)
#   INPUT_FAIL_ON_FINDINGS  true | false (default true)
#   INPUT_CONFIG            .leakhound.toml to use (default: the repository's, if any)
#   INPUT_BASELINE          baseline file (default: the configuration's `baseline`, if any)
#   LEAKHOUND               the binary (default: leakhound on PATH)
#   LEAKHOUND_DEFER_EXIT    1 = on findings, exit 0 and leave the status in the `exit-code`
#                           output (action.yml fails in a later step, after the SARIF upload)
# GitHub's own: GITHUB_EVENT_NAME, GITHUB_EVENT_PATH, GITHUB_STEP_SUMMARY, GITHUB_OUTPUT,
# GITHUB_WORKSPACE, GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_SHA, RUNNER_TEMP.
set -euo pipefail

LEAKHOUND=${LEAKHOUND:-leakhound}
ZERO=0000000000000000000000000000000000000000
MAX_ROWS=${LEAKHOUND_MAX_ROWS:-200}        # job summaries are capped at 1 MiB per step
MAX_ANNOTATIONS=${LEAKHOUND_MAX_ANNOTATIONS:-50}  # GitHub shows at most 50 per job anyway

die() {
    # A workflow-command error (shown on the run page) plus the same text on stderr.
    local msg=$1
    printf '::error title=leakhound::%s\n' "$(escape_data "$msg")"
    printf 'leakhound action: %s\n' "$msg" >&2
    summary "### leakhound: not run" "" "$msg"
    exit 2
}

# GitHub workflow-command escaping: message data escapes %, CR and LF (property values also
# escape : and ,; the annotations below do that in jq). Rules as in
# https://github.com/actions/toolkit: packages/core/src/command.ts.
escape_data() {
    local s=${1//'%'/%25}
    s=${s//$'\r'/%0D}
    s=${s//$'\n'/%0A}
    printf '%s' "$s"
}

summary() {
    [ -n "${GITHUB_STEP_SUMMARY:-}" ] || return 0
    printf '%s\n' "$@" >>"$GITHUB_STEP_SUMMARY"
}

output() {
    [ -n "${GITHUB_OUTPUT:-}" ] || return 0
    printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"
}

# Reads a field of the event payload (jq, else python3); empty when absent or null.
event() {
    local path=${GITHUB_EVENT_PATH:-}
    [ -n "$path" ] && [ -f "$path" ] || return 0
    if command -v jq >/dev/null 2>&1; then
        jq -r "$1 // empty" "$path"
    else
        python3 - "$1" "$path" <<'PY'
import json, sys
v = json.load(open(sys.argv[2]))
for k in sys.argv[1].lstrip('.').split('.'):
    v = v.get(k) if isinstance(v, dict) else None
print('' if v is None else v)
PY
    fi
}

is_true() {
    case "${1,,}" in
        true | yes | 1 | on) return 0 ;;
        false | no | 0 | off | '') return 1 ;;
        *) die "expected true or false, got '$1'" ;;
    esac
}

has_commit() {
    git -C "$repo" cat-file -e "$1^{commit}" 2>/dev/null
}

fetch_depth_hint="set \`fetch-depth: 0\` on actions/checkout (with: fetch-depth: 0) so the commits to scan are present"

# --- where and what ---------------------------------------------------------------------------
repo=${INPUT_PATH:-.}
[ -n "$repo" ] || repo=.
git -C "$repo" rev-parse --git-dir >/dev/null 2>&1 ||
    die "$repo is not a git repository: run actions/checkout first (with fetch-depth: 0)"
toplevel=$(git -C "$repo" rev-parse --show-toplevel 2>/dev/null || (cd "$repo" && pwd))
output repository "$toplevel"

event_name=${GITHUB_EVENT_NAME:-}
mode=${INPUT_MODE:-}
if [ -z "$mode" ]; then
    case "$event_name" in
        pull_request | pull_request_target | merge_group) mode="pr" ;;
        push) mode="push" ;;
        *) mode="full" ;;
    esac
fi

shallow=$(git -C "$repo" rev-parse --is-shallow-repository 2>/dev/null || echo false)
base=${INPUT_BASE:-}
head=${INPUT_HEAD:-}
range=""
note=""
case "$mode" in
    pr)
        [ -n "$base" ] || base=$(event .pull_request.base.sha)
        [ -n "$base" ] || base=$(event .merge_group.base_sha)
        [ -n "$head" ] || head=$(event .pull_request.head.sha)
        [ -n "$head" ] || head=$(event .merge_group.head_sha)
        [ -n "$base" ] && [ -n "$head" ] ||
            die "mode 'pr' needs a base and a head: run on a pull_request event or set the 'base' and 'head' inputs"
        ;;
    push)
        [ -n "$base" ] || base=$(event .before)
        [ -n "$head" ] || head=$(event .after)
        [ -n "$head" ] || head=${GITHUB_SHA:-}
        [ -n "$head" ] || die "mode 'push' needs a head: run on a push event or set the 'head' input"
        if [ "$head" = "$ZERO" ]; then
            summary "### leakhound: nothing to scan" "" "The push deleted a branch or tag."
            output findings 0
            output exit-code 0
            exit 0
        fi
        if [ -z "$base" ] || [ "$base" = "$ZERO" ] || ! has_commit "$base"; then
            # A new branch (before = zeros) or a force push (before no longer exists): scan the
            # commits that are not on the default branch, or everything when that is unknown.
            default_branch=$(event .repository.default_branch)
            pushed_ref=$(event .ref)
            mb=""
            # Creating the default branch itself (a first push): origin/<default> IS the push.
            if [ "$shallow" != true ] && [ -n "$default_branch" ] &&
                [ "$pushed_ref" != "refs/heads/$default_branch" ] &&
                git -C "$repo" rev-parse --verify --quiet "refs/remotes/origin/$default_branch" >/dev/null; then
                mb=$(git -C "$repo" merge-base "refs/remotes/origin/$default_branch" "$head" 2>/dev/null || true)
            fi
            if [ -n "$mb" ] && [ "$mb" != "$(git -C "$repo" rev-parse "$head^{commit}" 2>/dev/null)" ]; then
                base=$mb
                note="new branch: scanning the commits not on $default_branch"
            elif [ -n "$mb" ]; then
                summary "### leakhound: nothing to scan" "" "The pushed commits are all on $default_branch already."
                output findings 0
                output exit-code 0
                exit 0
            else
                mode=full
                base=""
                note="new branch or rewritten history without a known base: scanning the full history"
            fi
        fi
        ;;
    full | worktree) ;;
    *) die "unknown mode '$mode' (expected pr, push, full or worktree)" ;;
esac

# --- the checkout must hold what we scan --------------------------------------------------------
if [ "$mode" = pr ] || [ "$mode" = push ]; then
    for c in "$base" "$head"; do
        if ! has_commit "$c"; then
            if [ "$shallow" = true ]; then
                die "shallow checkout: commit $c is not in the clone, so the range $base..$head cannot be scanned; $fetch_depth_hint"
            fi
            die "commit $c is not in the checkout (was it force-pushed away?); fetch it, or $fetch_depth_hint"
        fi
    done
    if [ "$shallow" = true ] && ! git -C "$repo" merge-base "$base" "$head" >/dev/null 2>&1; then
        die "shallow checkout: $base and $head have no common history in the clone, so the commits between them are missing; $fetch_depth_hint"
    fi
    range="$base..$head"
elif [ "$mode" = full ] && [ "$shallow" = true ]; then
    die "shallow checkout: a full-history audit would miss every commit that was not fetched; $fetch_depth_hint"
fi
output mode "$mode"
output range "$range"

# --- scan ----------------------------------------------------------------------------------------
tmp=${RUNNER_TEMP:-${TMPDIR:-/tmp}}
json=$(mktemp "$tmp/leakhound-XXXXXX.json")
sarif=${INPUT_SARIF_FILE:-$tmp/leakhound.sarif}
args=()
case "$mode" in
    pr | push) args=(git "$toplevel" --range "$range") ;;
    full) args=(git "$toplevel") ;;
    worktree) args=(dir "$toplevel") ;;
esac
args+=(-f json -o "$json" --also-report "sarif=$sarif" --no-progress)
[ -n "${INPUT_CONFIG:-}" ] && args+=(--config "$INPUT_CONFIG")
[ -n "${INPUT_BASELINE:-}" ] && args+=(--baseline "$INPUT_BASELINE")

printf 'leakhound action: mode %s%s\n' "$mode" "${range:+, range $range}" >&2
[ -n "$note" ] && printf 'leakhound action: %s\n' "$note" >&2
set +e
"$LEAKHOUND" "${args[@]}"
code=$?
set -e
if [ "$code" -ge 2 ] || [ ! -s "$json" ]; then
    die "leakhound failed (exit $code); see the log above"
fi
output sarif-file "$sarif"
output json-file "$json"

# --- report --------------------------------------------------------------------------------------
count=$(jq '.findings | length' "$json")
output findings "$count"

server=${GITHUB_SERVER_URL:-https://github.com}
repo_url=""
[ -n "${GITHUB_REPOSITORY:-}" ] && repo_url="$server/$GITHUB_REPOSITORY"
# Paths in findings are relative to the repository; annotations want them relative to the
# workspace (they differ when actions/checkout used `path:`).
prefix=""
workspace=${GITHUB_WORKSPACE:-}
if [ -n "$workspace" ]; then
    ws=$(cd "$workspace" 2>/dev/null && pwd -P || true)
    top=$(cd "$toplevel" && pwd -P)
    case "$top" in "$ws"/*) prefix="${top#"$ws"/}/" ;; esac
fi

what="full history"
[ -n "$range" ] && what="commits \`$range\`"
[ "$mode" = worktree ] && what="working tree"
if [ "$count" -eq 0 ]; then
    summary "### leakhound: no secrets found" "" "Scanned the $what ($(jq -r '"\(.scan.files_scanned) inputs, \(.scan.bytes_scanned) bytes"' "$json"))."
else
    summary "### leakhound: $count secret$([ "$count" = 1 ] || echo s) found" "" \
        "Scanned the $what. Revoke each key with its runbook first: deleting it from the code does not un-leak it." ""
    # Markdown table; every cell from the scan is HTML-escaped (and |, \`, markdown punctuation
    # neutralised) so file names and redacted secrets cannot inject links or markup.
    jq -r --arg repo_url "$repo_url" --arg head "${head:-${GITHUB_SHA:-}}" --argjson max "$MAX_ROWS" '
        def esc: tostring | gsub("&"; "&amp;") | gsub("<"; "&lt;") | gsub(">"; "&gt;")
            | gsub("\\|"; "&#124;") | gsub("`"; "&#96;") | gsub("\\\\"; "&#92;") | gsub("\\*"; "&#42;")
            | gsub("_"; "&#95;") | gsub("\\["; "&#91;") | gsub("\\]"; "&#93;") | gsub("~"; "&#126;")
            | gsub("[\r\n]"; " ");
        def url_ok: test("^https?://[A-Za-z0-9._~:/?#@!$&*+,;=%-]+$");
        def loc: "\(.path):\(.line)";
        def rev: (.commit // $head);
        "| Provider | Where | Secret | Rule | Revoke |",
        "|---|---|---|---|---|",
        (.findings[:$max][] |
            "| \(.provider | esc) | " +
            (if $repo_url != "" and rev != "" and (.path | test("^[^<>]+$"))
             then "<a href=\"\($repo_url)/blob/\(rev | esc)/\(.path | @uri | gsub("%2F"; "/"))#L\(.line)\"><code>\(loc | esc)</code></a>"
             else "<code>\(loc | esc)</code>" end) +
            (if .commit then " in \(.commit[:12] | esc)" else "" end) +
            " | <code>\(.secret | esc)</code> | \(.rule_id | esc) | " +
            (if (.runbook.url // "") | url_ok then "[runbook](\(.runbook.url))" else (.runbook.url // "" | esc) end) +
            " |"),
        (if (.findings | length) > $max then "", "… and \((.findings | length) - $max) more: see the SARIF or JSON report." else empty end)
    ' "$json" >>"${GITHUB_STEP_SUMMARY:-/dev/null}"
    summary "" "A false positive? Add a comment containing \`leakhound:allow\` on its line, or accept it in a baseline (\`leakhound git --write-baseline .leakhound-baseline.json\`, then \`baseline = \".leakhound-baseline.json\"\` in \`.leakhound.toml\`)."

    # One annotation per finding (capped), on the file and line, escaped as workflow commands
    # require: data escapes %, CR, LF; property values also : and ,.
    jq -r --arg prefix "$prefix" --argjson max "$MAX_ANNOTATIONS" '
        def data: tostring | gsub("%"; "%25") | gsub("\r"; "%0D") | gsub("\n"; "%0A");
        def prop: data | gsub(":"; "%3A") | gsub(","; "%2C");
        .findings[:$max][] |
        "::error file=\($prefix + .path | prop),line=\(.line),col=\(.column)," +
        (if .end_line == .line then "endColumn=\(.end_column)," else "" end) +
        "title=\("leakhound: " + .rule_name | prop)::" +
        ("\(.provider) secret \(.secret) (rule \(.rule_id))" +
         (if .commit then ", added in commit \(.commit[:12])" else "" end) +
         ". Revoke and rotate it: \(.runbook.url // "leakhound rules show \(.rule_id)")" | data)
    ' "$json"
fi

if [ "$count" -gt 0 ] && is_true "${INPUT_FAIL_ON_FINDINGS:-true}"; then
    output exit-code 1
    if [ "${LEAKHOUND_DEFER_EXIT:-}" = 1 ]; then
        exit 0
    fi
    exit 1
fi
output exit-code 0
exit 0
