#!/usr/bin/env python3
"""Times leakhound and its peers on prepared inputs and prints a markdown table.

Normally started by benches/compare.sh, which installs the peers, prepares the corpora and passes
their paths here. Every tool runs once to warm the page cache (that run also gives the number of
findings), then --runs more times; the table shows the median wall time, the median CPU time
(user + system, children included), the peak RSS over the runs (from wait4, as /usr/bin/time -v
reports it), bytes per second, findings and the wall-time ratio to leakhound. A tool that is not
installed, or does not support a mode, is listed as skipped with the reason; a run that fails is
reported, never fatal. Only the Python standard library is used.
"""

import argparse
import datetime
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

# Floor regex for ripgrep: reading the bytes and running one literal-prefiltered regex over them.
RG_FLOOR = r"(AKIA|ghp_|xox[bp]-|sk_live_)[A-Za-z0-9]{10}"

GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None

# Tools in table order; "floor" tools are lower bounds, not scanners.
TOOLS = ["leakhound", "kingfisher", "betterleaks", "gitleaks", "ripsecrets", "detect-secrets", "ripgrep", "git-cat-file"]
SCANNER_PEERS = ["kingfisher", "betterleaks", "gitleaks"]
# Peers that read well under 10 MB/s: measured on small inputs only, unless asked.
SLOW_PEERS = {"detect-secrets": "about 0.4 MB/s", "ripsecrets": "about 1 MB/s"}


def env_bin(var):
    path = os.environ.get(var) or ""
    return path if path and os.path.isfile(path) and os.access(path, os.X_OK) else None


BINS = {
    "leakhound": env_bin("LEAKHOUND"),
    "gitleaks": env_bin("PEER_GITLEAKS"),
    "betterleaks": env_bin("PEER_BETTERLEAKS"),
    "kingfisher": env_bin("PEER_KINGFISHER"),
    "detect-secrets": env_bin("PEER_DETECT_SECRETS"),
    "ripsecrets": env_bin("PEER_RIPSECRETS"),
    "ripgrep": env_bin("PEER_RIPGREP"),
    "git-cat-file": shutil.which("git"),
}


def capture(argv, **kw):
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=60, **kw)
    except (OSError, subprocess.TimeoutExpired):
        return None


def version(tool):
    b = BINS[tool]
    if not b:
        return None
    argv = {
        "gitleaks": [b, "version"],
        "betterleaks": [b, "version"],
        "git-cat-file": [b, "--version"],
    }.get(tool, [b, "--version"])
    r = capture(argv)
    if r is None:
        return "?"
    text = (r.stdout or r.stderr).strip().splitlines()
    return text[0].strip() if text else "?"


def leakhound_has(sub, flag=None):
    b = BINS["leakhound"]
    if not b:
        return False
    r = capture([b, sub, "--help"])
    if r is None or r.returncode != 0:
        return False
    return flag is None or flag in r.stdout


# ---------------------------------------------------------------------------------------------
# Findings parsers: (out_file, stdout_file) -> int


def _load(path):
    with open(path, "rb") as f:
        data = f.read()
    return json.loads(data) if data.strip() else None


def count_findings_key(out, _stdout):
    d = _load(out)
    return len(d["findings"]) if d else 0


def count_list(out, _stdout):
    d = _load(out)
    return len(d) if d else 0


def count_detect_secrets(_out, stdout):
    d = _load(stdout)
    return sum(len(v) for v in d.get("results", {}).values())


def count_lines(_out, stdout):
    with open(stdout, "rb") as f:
        return sum(1 for line in f if line.strip())


def count_rg(_out, stdout):
    n = 0
    with open(stdout, "rb") as f:
        for line in f:
            line = line.strip()
            if line:
                n += int(line.rsplit(b":", 1)[-1])
    return n


# ---------------------------------------------------------------------------------------------
# Commands per mode. Each returns a dict(argv, cwd, stdin, out, count) or a string: why skipped.


def cmd_dir(tool, path, out, args):
    b = BINS[tool]
    if tool == "leakhound":
        return dict(argv=[b, "dir", path, "-f", "json", "-o", out, "-q", "--no-progress"], count=count_findings_key)
    if tool == "gitleaks":
        return dict(argv=[b, "dir", path, "--no-banner", "-l", "error", "-f", "json", "-r", out], count=count_list)
    if tool == "betterleaks":
        return dict(argv=[b, "filesystem", path, "--no-banner", "-l", "error", "-o", out], count=count_findings_key)
    if tool == "kingfisher":
        return dict(
            argv=[b, "--no-update-check", "scan", path, "--no-validate", "-q", "-f", "json", "-o", out],
            count=count_findings_key,
        )
    if tool in SLOW_PEERS and args.dir_bytes > args.slow_peers_max_bytes:
        return f"too slow for an input this size ({SLOW_PEERS[tool]} here); raise --slow-peers-max-bytes"
    if tool == "ripsecrets":
        return dict(argv=[b, path], count=count_lines)
    if tool == "detect-secrets":
        # Given a path outside the working directory, detect-secrets 1.5 scans nothing: run it inside.
        return dict(argv=[b, "scan", "--all-files"], cwd=path, count=count_detect_secrets)
    if tool == "ripgrep":
        return dict(argv=[b, "--hidden", "--no-ignore", "--count-matches", RG_FLOOR, path], count=count_rg)
    return "no directory mode"


def cmd_git(tool, path, out, args):
    b = BINS[tool]
    if tool == "leakhound":
        if not args.lh_git:
            return "`leakhound git` not on this branch yet"
        return dict(argv=[b, "git", path, "-f", "json", "-o", out, "-q", "--no-progress"], count=count_findings_key)
    if tool == "gitleaks":
        return dict(argv=[b, "git", path, "--no-banner", "-l", "error", "-f", "json", "-r", out], count=count_list)
    if tool == "betterleaks":
        return dict(argv=[b, "git", path, "--no-banner", "-l", "error", "-o", out], count=count_findings_key)
    if tool == "kingfisher":
        return dict(
            argv=[b, "--no-update-check", "scan", path, "--no-validate", "-q", "-f", "json", "-o", out],
            count=count_findings_key,
        )
    if tool == "git-cat-file":
        # Every object decompressed once, in pack order, on one thread: the floor for history.
        return dict(argv=[b, "-C", path, "cat-file", "--batch-all-objects", "--unordered", "--batch"], count=None)
    return "no git-history mode"


def cmd_staged(tool, path, out, args):
    b = BINS[tool]
    if tool == "leakhound":
        if not args.lh_staged:
            return "`leakhound git --staged` not on this branch yet"
        return dict(
            argv=[b, "git", "--staged", ".", "-f", "json", "-o", out, "-q", "--no-progress"],
            cwd=path,
            count=count_findings_key,
        )
    if tool == "gitleaks":
        # What gitleaks' own pre-commit hook runs.
        return dict(
            argv=[b, "git", "--pre-commit", "--staged", ".", "--no-banner", "-l", "error", "-f", "json", "-r", out],
            cwd=path,
            count=count_list,
        )
    if tool == "betterleaks":
        return dict(
            argv=[b, "git", "--staged", ".", "--no-banner", "-l", "error", "-o", out], cwd=path, count=count_findings_key
        )
    if tool == "kingfisher":
        return dict(
            argv=[b, "--no-update-check", "scan", ".", "--staged", "--no-validate", "-q", "-f", "json", "-o", out],
            cwd=path,
            count=count_findings_key,
        )
    if tool == "ripsecrets":
        # ripsecrets' pre-commit hook passes the staged file names (and scans the whole files).
        r = capture(["git", "-C", path, "diff", "--cached", "--name-only", "--diff-filter=AM"])
        files = r.stdout.split() if r else []
        return dict(argv=[b, "--strict-ignore", *files], cwd=path, count=count_lines)
    return "no pre-commit mode"


def cmd_stdin(tool, _path, out, args):
    b = BINS[tool]
    if tool == "leakhound":
        return dict(argv=[b, "stdin", "-q", "--no-progress", "-f", "json", "-o", out], stdin=b"hi\n", count=count_findings_key)
    if tool == "gitleaks":
        return dict(argv=[b, "stdin", "--no-banner", "-l", "error", "-f", "json", "-r", out], stdin=b"hi\n", count=count_list)
    if tool == "betterleaks":
        return dict(argv=[b, "stdin", "--no-banner", "-l", "error", "-o", out], stdin=b"hi\n", count=count_findings_key)
    if tool == "kingfisher":
        return dict(
            argv=[b, "--no-update-check", "scan", "-", "--no-validate", "-q", "-f", "json", "-o", out],
            stdin=b"hi\n",
            count=count_findings_key,
        )
    return "no stdin mode"


# ---------------------------------------------------------------------------------------------
# Running and measuring


class Run:
    def __init__(self, wall, cpu, rss_kb, code, timed_out):
        self.wall, self.cpu, self.rss_kb, self.code, self.timed_out = wall, cpu, rss_kb, code, timed_out


def run_once(spec, workdir, timeout):
    """Runs one command. Wall time from perf_counter; CPU (children included) from wait4's rusage;
    peak RSS from GNU time's %M when /usr/bin/time exists: the process Python forks keeps the
    interpreter's high-water RSS across exec, so wait4's ru_maxrss would report Python's size for
    any tool smaller than it."""
    stdout_path = os.path.join(workdir, "stdout")
    rss_path = os.path.join(workdir, "rss")
    argv = spec["argv"]
    if GNU_TIME:
        argv = [GNU_TIME, "-q", "-f", "%M", "-o", rss_path, *argv]
    stderr_path = os.path.join(workdir, "stderr")
    stdin_path = os.path.join(workdir, "stdin")
    with open(stdin_path, "wb") as f:
        f.write(spec.get("stdin") or b"")
    if spec.get("out") and os.path.exists(spec["out"]):
        os.unlink(spec["out"])
    with open(stdin_path, "rb") as fin, open(stdout_path, "wb") as fout, open(stderr_path, "wb") as ferr:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=spec.get("cwd"), stdin=fin, stdout=fout, stderr=ferr, start_new_session=True)
        timed_out = [False]

        def kill():
            timed_out[0] = True
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                pass

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, ru = os.wait4(proc.pid, 0)
        except BaseException:
            # Interrupted (Ctrl-C, SIGTERM): the tool runs in its own session, so end it too.
            timer.cancel()
            kill()
            raise
        wall = time.perf_counter() - start
        timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
    rss_kb = ru.ru_maxrss
    if GNU_TIME:
        try:
            with open(rss_path) as f:
                rss_kb = int(f.read().split()[-1])
        except (OSError, ValueError, IndexError):
            pass
    return Run(wall, ru.ru_utime + ru.ru_stime, rss_kb, proc.returncode, timed_out[0])


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return float(f.read().split()[0])
    except OSError:
        return float("nan")


def wait_quiet(max_load, limit=600):
    if max_load is None:
        return
    deadline = time.time() + limit
    while loadavg() >= max_load and time.time() < deadline:
        time.sleep(5)


def measure(tool, spec, args, workdir):
    """Warm-up run (also counts findings), then args.runs timed runs; slow tools get one run."""
    spec["out"] = os.path.join(workdir, "report.json")
    ok_codes = {0, 1, 2, 200, 205} if tool != "leakhound" else {0, 1}
    for key in ("argv",):
        spec[key] = [spec["out"] if a == "@OUT@" else a for a in spec[key]]
    warm = run_once(spec, workdir, args.timeout)
    result = dict(tool=tool, argv=spec["argv"], cwd=spec.get("cwd"))
    if warm.timed_out:
        result["error"] = f"timed out after {args.timeout} s"
        return result
    if warm.code not in ok_codes and warm.code < 200:
        with open(os.path.join(workdir, "stderr"), "rb") as f:
            tail = f.read()[-300:].decode("utf-8", "replace").strip().replace("\n", " ")
        result["error"] = f"exit {warm.code}: {tail}"
        return result
    findings = None
    if spec.get("count"):
        try:
            findings = spec["count"](spec["out"], os.path.join(workdir, "stdout"))
        except (OSError, ValueError, KeyError, TypeError) as e:
            findings = f"? ({type(e).__name__})"
    runs = [warm] if warm.wall > args.slow else []
    wanted = 1 if runs else args.runs
    while len(runs) < wanted:
        r = run_once(spec, workdir, args.timeout)
        if r.timed_out:
            result["error"] = f"timed out after {args.timeout} s"
            return result
        runs.append(r)
    result.update(
        wall=statistics.median(r.wall for r in runs),
        cpu=statistics.median(r.cpu for r in runs),
        rss_mb=max(r.rss_kb for r in runs) / 1024,
        runs=len(runs),
        walls=[round(r.wall, 4) for r in runs],
        findings=findings,
    )
    return result


def tree_bytes(path):
    total = 0
    for dirpath, dirnames, filenames in os.walk(path):
        if ".git" in dirnames:
            dirnames.remove(".git")
        for name in filenames:
            try:
                st = os.lstat(os.path.join(dirpath, name))
            except OSError:
                continue
            if not os.path.islink(os.path.join(dirpath, name)):
                total += st.st_size
    return total


def blob_bytes(repo):
    """Decompressed size of every blob in the object database, once each."""
    r = subprocess.run(
        ["git", "-C", repo, "cat-file", "--batch-all-objects", "--batch-check=%(objecttype) %(objectsize)"],
        capture_output=True,
        text=True,
    )
    total = blobs = 0
    for line in r.stdout.splitlines():
        kind, size = line.split()
        if kind == "blob":
            total += int(size)
            blobs += 1
    return total, blobs


# ---------------------------------------------------------------------------------------------
# Report


def fmt_time(s):
    if s is None:
        return ""
    if s < 1:
        return f"{s * 1000:.0f} ms" if s >= 0.0095 else f"{s * 1000:.1f} ms"
    return f"{s:.2f} s"


def fmt_rate(nbytes, wall):
    if not nbytes or not wall:
        return ""
    r = nbytes / wall
    return f"{r / 1e9:.2f} GB/s" if r >= 1e9 else f"{r / 1e6:.0f} MB/s"


def table(cases):
    lines = [
        "| input | mode | tool | wall (median) | CPU | peak RSS | throughput | findings | wall vs leakhound |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for case in cases:
        lh = next((r for r in case["results"] if r["tool"] == "leakhound" and "wall" in r), None)
        for r in case["results"]:
            label = f"{case['label']} ({case['size']})" if case.get("size") else case["label"]
            if "skipped" in r:
                lines.append(f"| {label} | {case['mode']} | {r['tool']} | skipped: {r['skipped']} | | | | | |")
                continue
            if "error" in r:
                lines.append(f"| {label} | {case['mode']} | {r['tool']} | failed: {r['error']} | | | | | |")
                continue
            ratio = f"{r['wall'] / lh['wall']:.2f}x" if lh else "–"
            findings = "" if r["findings"] is None else str(r["findings"])
            runs = "" if r["runs"] == args_runs else f" (n={r['runs']})"
            lines.append(
                f"| {label} | {case['mode']} | {r['tool']} | {fmt_time(r['wall'])}{runs} | {fmt_time(r['cpu'])} "
                f"| {r['rss_mb']:.0f} MB | {fmt_rate(case.get('bytes'), r['wall'])} | {findings} | {ratio} |"
            )
    return "\n".join(lines)


def targets(cases):
    """The issue's targets, checked on what was measured."""
    out = []

    def get(case, tool):
        return next((r for r in case["results"] if r["tool"] == tool and "wall" in r), None)

    for case in cases:
        lh = get(case, "leakhound")
        if not lh:
            continue
        name = f"{case['label']} {case['mode']}"
        if case["mode"] == "dir":
            peers = [get(case, t) for t in SCANNER_PEERS]
            peers = [p for p in peers if p]
            if peers:
                best = min(peers, key=lambda p: p["wall"])
                q = lh["wall"] / best["wall"]
                out.append(f"- {name}: {q:.2f}x the fastest peer ({best['tool']}), target ≤ 0.33x: {'met' if q <= 0.33 else 'MISSED'}")
            rg = get(case, "ripgrep")
            if rg:
                q = lh["wall"] / rg["wall"]
                out.append(f"- {name}: {q:.2f}x ripgrep, target ≤ 3x: {'met' if q <= 3 else 'MISSED'}")
        elif case["mode"] == "git":
            floor = get(case, "git-cat-file")
            if floor:
                q = lh["wall"] / floor["wall"]
                out.append(f"- {name}: {q:.2f}x `git cat-file --batch-all-objects --unordered --batch`, target ≤ 1.5x: {'met' if q <= 1.5 else 'MISSED'}")
            kf = get(case, "kingfisher")
            if kf:
                q = lh["wall"] / kf["wall"]
                out.append(f"- {name}: {q:.2f}x Kingfisher, target ≤ 0.33x: {'met' if q <= 0.33 else 'MISSED'}")
            out.append(f"- {name}: peak RSS {lh['rss_mb']:.0f} MB, target < 400 MB: {'met' if lh['rss_mb'] < 400 else 'MISSED'}")
        elif case["mode"] == "staged":
            others = [get(case, t) for t in SCANNER_PEERS + ["ripsecrets"]]
            fastest = all(lh["wall"] <= o["wall"] for o in others if o)
            ok = lh["wall"] < 0.050 and fastest
            out.append(f"- {name}: {fmt_time(lh['wall'])}, target < 50 ms and fastest: {'met' if ok else 'MISSED'}")
        elif case["mode"] == "stdin":
            out.append(f"- stdin start-up: {fmt_time(lh['wall'])}, target < 20 ms: {'met' if lh['wall'] < 0.020 else 'MISSED'}")
    return "\n".join(out)


def machine():
    cores = os.cpu_count()
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            kb = int(f.readline().split()[1])
        mem = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), "")
    except OSError:
        pass
    return f"{cores} cores ({cpu}), {mem} memory, {os.uname().sysname} {os.uname().release}"


args_runs = 3


def main():
    global args_runs
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dir", action="append", default=[], metavar="LABEL=PATH", help="directory corpus")
    ap.add_argument("--git", action="append", default=[], metavar="LABEL=PATH", help="repository for full history")
    ap.add_argument("--staged", action="append", default=[], metavar="LABEL=PATH", help="clone with a staged change")
    ap.add_argument("--runs", type=int, default=3, help="timed runs after the warm-up (median reported)")
    ap.add_argument("--slow", type=float, default=30.0, help="a warm-up slower than this many seconds is the only run")
    ap.add_argument("--timeout", type=float, default=1800.0, help="seconds before a run is killed")
    ap.add_argument("--modes", default="dir,git,staged,stdin")
    ap.add_argument("--tools", default=",".join(TOOLS))
    ap.add_argument("--max-load", type=float, default=None, help="wait for the 1-minute load to fall below this")
    ap.add_argument("--slow-peers-max-bytes", type=int, default=100_000_000, help="largest directory given to " + ", ".join(SLOW_PEERS))
    ap.add_argument("--results", default="target/bench-results")
    args = ap.parse_args()
    args_runs = args.runs
    modes = args.modes.split(",")
    tools = [t for t in TOOLS if t in args.tools.split(",")]
    args.lh_git = leakhound_has("git")
    args.lh_staged = leakhound_has("git", "--staged")

    missing = [t for t in tools if not BINS[t]]
    versions = {t: version(t) for t in tools if BINS[t]}
    started = datetime.datetime.now(datetime.timezone.utc)
    load_start = loadavg()

    inputs = []
    for mode, items, fn in (("dir", args.dir, cmd_dir), ("git", args.git, cmd_git), ("staged", args.staged, cmd_staged)):
        if mode in modes:
            for item in items:
                label, _, path = item.partition("=")
                inputs.append((mode, label, path, fn))
    if "stdin" in modes:
        inputs.append(("stdin", "`echo hi`", None, cmd_stdin))

    cases = []
    work = tempfile.mkdtemp(prefix="leakhound-compare-")
    try:
        for mode, label, path, fn in inputs:
            case = dict(mode=mode, label=label, path=path, results=[])
            if mode == "dir":
                args.dir_bytes = case["bytes"] = tree_bytes(path)
                nfiles = sum(len(f) for _, _, f in os.walk(path))
                case["size"] = f"{case['bytes'] / 1e6:,.0f} MB, {nfiles:,} files"
            elif mode == "git":
                case["bytes"], blobs = blob_bytes(path)
                case["size"] = f"{blobs:,} blobs, {case['bytes'] / 1e9:.2f} GB"
            elif mode == "staged":
                case["size"] = "10 files staged"
            wait_quiet(args.max_load)
            case["load"] = loadavg()
            print(f"compare: {label} {mode} (load {case['load']:.2f})", file=sys.stderr)
            for tool in tools:
                if not BINS[tool]:
                    continue
                spec = fn(tool, path, "@OUT@", args)
                if isinstance(spec, str):
                    if not spec.startswith("no "):
                        case["results"].append(dict(tool=tool, skipped=spec))
                    continue
                d = os.path.join(work, tool)
                os.makedirs(d, exist_ok=True)
                r = measure(tool, spec, args, d)
                shown = fmt_time(r["wall"]) if "wall" in r else r.get("error")
                print(f"compare:   {tool}: {shown} findings={r.get('findings')}", file=sys.stderr)
                case["results"].append(r)
            cases.append(case)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    load_end = loadavg()
    doc = [
        f"Measured {started:%Y-%m-%d %H:%M} UTC on {machine()}; 1-minute load {load_start:.2f} at start, "
        f"{load_end:.2f} at end. Median of {args.runs} runs after a warm-up run (n=1: the warm-up took over "
        f"{args.slow:.0f} s and is the only run). CPU = user + system; RSS = peak resident set.",
        "",
        table(cases),
        "",
        "Versions: " + "; ".join(f"{t}: {v}" for t, v in versions.items()) + ".",
    ]
    if missing:
        doc.append("Skipped (not installed): " + ", ".join(missing) + ".")
    checks = targets(cases)
    if checks:
        doc += ["", "Targets:", checks]
    text = "\n".join(doc)
    print(text)
    os.makedirs(args.results, exist_ok=True)
    stamp = started.strftime("%Y%m%d-%H%M%S")
    with open(os.path.join(args.results, f"compare-{stamp}.md"), "w") as f:
        f.write(text + "\n")
    with open(os.path.join(args.results, f"compare-{stamp}.json"), "w") as f:
        json.dump(dict(started=started.isoformat(), machine=machine(), versions=versions, cases=cases), f, indent=1, default=str)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    main()
