//! Organisation-scale audits: `scan-list` reads a work list (streamed, one target a line or JSON
//! Lines), keeps the targets of its shard (FNV-1a of the target id modulo the shard count, so adding
//! a target moves no other), clones git URLs bare into a temporary directory with hardened system
//! git, and scans each target with the existing `dir`, `git` or `image` subcommand in a child
//! process of this same binary: the scanning logic is not duplicated, memory is bounded per target,
//! and a target that crashes or fails stops nothing else. Each target's findings (tagged with its
//! id) and one summary record are written as JSON Lines as soon as it completes. `merge` combines
//! shard outputs into one report through `report::write`.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{mpsc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

use crate::cli::{Format, MergeArgs, ScanListArgs};
use crate::finding::Finding;
use crate::report::{self, Summary};

/// What kind of source a target is scanned with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Git history (a local repository, or a URL cloned bare first).
    Git,
    /// A directory tree.
    Dir,
    /// An image archive.
    Image,
}

/// One entry of the work list.
#[derive(Debug, Clone, Deserialize)]
pub struct Target {
    /// Stable id: findings carry it and shards are chosen by its hash. Defaults to `target`.
    #[serde(default)]
    pub id: String,
    /// A path or a git URL.
    pub target: String,
    /// Inferred from `target` when absent.
    #[serde(default)]
    pub kind: Option<Kind>,
}

/// The summary record a shard writes for each of its targets.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TargetRecord {
    /// Always `"target"`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The target id.
    pub id: String,
    /// Whether everything was scanned (no error, not shallow, not partial).
    pub complete: bool,
    /// Bytes scanned.
    pub bytes: u64,
    /// Blobs (git) or files scanned.
    pub blobs: u64,
    /// Why the target is incomplete, one readable line each.
    pub errors: Vec<String>,
    /// Findings reported for this target.
    pub findings: u64,
    /// The shard (`I/N`) that scanned it.
    pub shard: String,
}

/// Parses one line of the work list; `None` for blank and `#` comment lines.
pub fn parse_line(line: &str) -> Result<Option<Target>> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return Ok(None);
    }
    let mut t = if line.starts_with('{') {
        serde_json::from_str::<Target>(line).with_context(|| format!("bad work-list entry {line:?}"))?
    } else {
        Target {
            id: String::new(),
            target: line.to_string(),
            kind: None,
        }
    };
    if t.id.is_empty() {
        t.id = t.target.clone();
    }
    Ok(Some(t))
}

/// FNV-1a (64 bit): a stable hash, the same on every machine and release.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Parses `I/N` with `I < N`.
pub fn parse_shard(s: &str) -> Result<(u64, u64)> {
    let (i, n) = s
        .split_once('/')
        .with_context(|| format!("--shard expects I/N, got {s:?}"))?;
    let i: u64 = i.trim().parse().with_context(|| format!("bad shard index in {s:?}"))?;
    let n: u64 = n.trim().parse().with_context(|| format!("bad shard count in {s:?}"))?;
    if n == 0 || i >= n {
        bail!("shard {s:?}: the index must be below the count (0-based)");
    }
    Ok((i, n))
}

fn is_url(s: &str) -> bool {
    ["https://", "ssh://", "git://", "file://"]
        .iter()
        .any(|p| s.starts_with(p))
}

fn infer_kind(target: &str) -> Kind {
    if is_url(target) {
        return Kind::Git;
    }
    let p = Path::new(target);
    if p.join(".git").exists() || (p.join("HEAD").is_file() && p.join("objects").is_dir()) {
        Kind::Git
    } else if p.is_dir() {
        Kind::Dir
    } else {
        Kind::Image
    }
}

/// `leakhound scan-list`.
pub fn run_scan_list(args: ScanListArgs) -> Result<u8> {
    let (index, count) = if args.shard_from_env {
        let i = std::env::var("JOB_COMPLETION_INDEX").context("--shard-from-env: JOB_COMPLETION_INDEX is not set")?;
        let n = std::env::var("LEAKHOUND_SHARDS").context("--shard-from-env: LEAKHOUND_SHARDS is not set")?;
        parse_shard(&format!("{i}/{n}"))?
    } else if let Some(s) = &args.shard {
        parse_shard(s)?
    } else {
        (0, 1)
    };
    let shard = format!("{index}/{count}");
    let reader: Box<dyn BufRead + Send> = if args.list == Path::new("-") {
        Box::new(std::io::BufReader::new(std::io::stdin()))
    } else {
        Box::new(std::io::BufReader::new(
            std::fs::File::open(&args.list).with_context(|| format!("cannot open {}", args.list.display()))?,
        ))
    };
    // JSON Lines (the shard output `merge` reads) stream as targets complete; any other format is
    // this shard's own organisation report, written once at the end.
    let stream = args.format == Format::Jsonl;
    let out: Box<dyn Write + Send> = match (&args.output, stream) {
        (_, false) => Box::new(std::io::sink()),
        (Some(p), true) => Box::new(std::io::BufWriter::new(crate::app::create_private(p)?)),
        (None, true) => Box::new(std::io::BufWriter::new(std::io::stdout())),
    };
    let out = Mutex::new(out);
    let collected: Mutex<(Vec<Finding>, Vec<TargetRecord>)> = Mutex::new((Vec::new(), Vec::new()));
    {
        let mut w = out.lock().expect("output lock");
        serde_json::to_writer(&mut *w, &serde_json::json!({"type": "shard", "shard": shard}))?;
        writeln!(w)?;
    }
    let exe = std::env::current_exe().context("cannot find the leakhound executable")?;
    let jobs = args.jobs.max(1);
    let (tx, rx) = mpsc::sync_channel::<Target>(jobs);
    let rx = Mutex::new(rx);
    let totals = Mutex::new((0u64, 0u64)); // (findings, failed targets)
    let mut list_error = None;
    std::thread::scope(|s| -> Result<()> {
        for _ in 0..jobs {
            s.spawn(|| loop {
                let next = rx.lock().expect("queue lock").recv();
                let Ok(t) = next else { break };
                let (findings, record) = scan_target(&exe, &t, &shard, args.clone_timeout);
                if !args.quiet {
                    for e in &record.errors {
                        crate::messages::warn(&format!("{}: {e}", crate::messages::escape_line(&t.id)));
                    }
                }
                {
                    let mut tot = totals.lock().expect("totals lock");
                    tot.0 += record.findings;
                    tot.1 += u64::from(!record.errors.is_empty());
                }
                if !stream {
                    let mut c = collected.lock().expect("collect lock");
                    c.0.extend(findings);
                    c.1.push(record);
                    continue;
                }
                let mut w = out.lock().expect("output lock");
                let r: Result<()> = (|| {
                    for f in &findings {
                        serde_json::to_writer(&mut *w, f)?;
                        writeln!(w)?;
                    }
                    serde_json::to_writer(&mut *w, &record)?;
                    writeln!(w)?;
                    w.flush()?;
                    Ok(())
                })();
                if let Err(e) = r {
                    crate::messages::error(&format!("cannot write output: {e:#}"));
                }
            });
        }
        for line in reader.lines() {
            let line = line.context("cannot read the work list")?;
            match parse_line(&line) {
                Ok(Some(t)) => {
                    if fnv1a(t.id.as_bytes()) % count == index && tx.send(t).is_err() {
                        break;
                    }
                }
                Ok(None) => {}
                Err(e) => {
                    crate::messages::error(&format!("{e:#}"));
                    list_error = Some(());
                }
            }
        }
        drop(tx);
        Ok(())
    })?;
    out.into_inner().expect("output lock").flush()?;
    let (findings, failed) = *totals.lock().expect("totals lock");
    if !stream {
        let (found, records) = collected.into_inner().expect("collect lock");
        let mut merged = Merged::default();
        for f in found {
            merged.add_finding(f);
        }
        for r in records {
            merged.add_record(r);
        }
        let code = org_report(args.format, args.output.as_deref(), merged, Vec::new())?;
        return Ok(if list_error.is_some() { 2 } else { code });
    }
    Ok(if failed > 0 || list_error.is_some() {
        2
    } else if findings > 0 {
        1
    } else {
        0
    })
}

/// Scans one target; never fails: problems become the record's `errors`.
fn scan_target(exe: &Path, t: &Target, shard: &str, clone_timeout: u64) -> (Vec<Finding>, TargetRecord) {
    let mut record = TargetRecord {
        kind: "target".into(),
        id: t.id.clone(),
        shard: shard.into(),
        ..TargetRecord::default()
    };
    let kind = t.kind.unwrap_or_else(|| infer_kind(&t.target));
    let temp;
    let path: PathBuf = if is_url(&t.target) {
        temp = match tempfile::Builder::new().prefix("leakhound-clone-").tempdir() {
            Ok(d) => d,
            Err(e) => {
                record.errors.push(format!("cannot create a temporary directory: {e}"));
                return (Vec::new(), record);
            }
        };
        let dest = temp.path().join("repo.git");
        if let Err(e) = clone(&t.target, &dest, Duration::from_secs(clone_timeout)) {
            record.errors.push(format!("{e:#}"));
            return (Vec::new(), record);
        }
        dest
    } else {
        let p = PathBuf::from(&t.target);
        if !p.exists() {
            record.errors.push(format!("{} does not exist", t.target));
            return (Vec::new(), record);
        }
        p
    };
    let sub = match kind {
        Kind::Git => "git",
        Kind::Dir => "dir",
        Kind::Image => "image",
    };
    let mut cmd = Command::new(exe);
    cmd.arg(sub).arg(&path).args(["-f", "json", "--no-progress"]);
    if kind == Kind::Git {
        cmd.arg("--allow-shallow");
    }
    let output = match cmd.stdin(Stdio::null()).output() {
        Ok(o) => o,
        Err(e) => {
            record.errors.push(format!("cannot run the scan: {e}"));
            return (Vec::new(), record);
        }
    };
    let stderr = String::from_utf8_lossy(&output.stderr);
    for l in stderr.lines() {
        let l = l.trim();
        if let Some(msg) = l
            .strip_prefix("leakhound: error: ")
            .or_else(|| l.strip_prefix("leakhound: warning: "))
        {
            record.errors.push(msg.replace(&*path.to_string_lossy(), &t.target));
        }
    }
    let doc: serde_json::Value = match serde_json::from_slice(&output.stdout) {
        Ok(d) => d,
        Err(_) => {
            if record.errors.is_empty() {
                record.errors.push(format!("the scan failed ({})", output.status));
            }
            return (Vec::new(), record);
        }
    };
    let scan = &doc["scan"];
    record.bytes = scan["bytes_scanned"].as_u64().unwrap_or(0);
    record.blobs = scan["git"]["blobs_scanned"]
        .as_u64()
        .or_else(|| scan["files_scanned"].as_u64())
        .unwrap_or(0);
    let git_complete = scan["git"]["complete"].as_bool().unwrap_or(true);
    let mut findings: Vec<Finding> = doc["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| serde_json::from_value(v.clone()).ok())
                .collect()
        })
        .unwrap_or_default();
    for f in &mut findings {
        f.target = Some(t.id.clone());
        if is_url(&t.target) || f.path.starts_with(&*path.to_string_lossy()) {
            // Paths inside a temporary clone mean nothing to the reader.
            if let Some(rest) = f.path.strip_prefix(&*path.to_string_lossy()) {
                f.path = rest.trim_start_matches('/').to_string();
            }
        }
    }
    record.findings = findings.len() as u64;
    if !git_complete && record.errors.is_empty() {
        record
            .errors
            .push("history incomplete (shallow or partial clone)".into());
    }
    record.complete = record.errors.is_empty() && scan["errors"].as_u64() == Some(0) && git_complete;
    (findings, record)
}

/// `git clone --bare` with hardened configuration, killed after `timeout`.
fn clone(url: &str, dest: &Path, timeout: Duration) -> Result<()> {
    let scheme = url.split("://").next().unwrap_or_default();
    let mut cmd = Command::new("git");
    cmd.args([
        "-c",
        "core.hooksPath=/dev/null",
        "-c",
        "protocol.allow=never",
        "-c",
        "protocol.ext.allow=never",
    ])
    .arg("-c")
    .arg(format!("protocol.{scheme}.allow=always"))
    .args(["clone", "--bare", "--quiet", "--no-local", "--", url])
    .arg(dest)
    .env("GIT_TERMINAL_PROMPT", "0")
    .env("GIT_CONFIG_NOSYSTEM", "1")
    .env("GIT_CONFIG_GLOBAL", "/dev/null")
    .env("GIT_ASKPASS", "/bin/false")
    .stdin(Stdio::null())
    .stdout(Stdio::null())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn().context("cannot run git clone")?;
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait()? {
            if status.success() {
                return Ok(());
            }
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                let _ = std::io::Read::read_to_string(&mut e, &mut err);
            }
            let msg = err
                .lines()
                .rfind(|l| !l.trim().is_empty())
                .unwrap_or("")
                .trim()
                .to_string();
            bail!("clone failed ({status}): {msg}");
        }
        if started.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            bail!("clone timed out after {} s", timeout.as_secs());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// What makes two findings of shard outputs the same: target, fingerprint, path, line, column,
/// commit.
type FindingKey = (Option<String>, String, String, u64, u64, Option<String>);

/// Findings and target records read from shard outputs, duplicates dropped.
#[derive(Default)]
struct Merged {
    seen: BTreeSet<FindingKey>,
    findings: Vec<Finding>,
    targets: BTreeMap<String, TargetRecord>,
}

impl Merged {
    fn add_finding(&mut self, f: Finding) {
        let key = (
            f.target.clone(),
            f.fingerprint.clone(),
            f.path.clone(),
            f.line,
            f.column,
            f.git.as_ref().and_then(|g| g.commit.clone()),
        );
        if self.seen.insert(key) {
            self.findings.push(f);
        }
    }

    /// A complete record of a target wins over an incomplete one from a retried shard.
    fn add_record(&mut self, r: TargetRecord) {
        let keep_old = self.targets.get(&r.id).is_some_and(|o| o.complete && !r.complete);
        if !keep_old {
            self.targets.insert(r.id.clone(), r);
        }
    }
}

/// `leakhound merge`.
pub fn run_merge(args: MergeArgs) -> Result<u8> {
    let mut merged = Merged::default();
    for file in &args.files {
        let f = std::fs::File::open(file).with_context(|| format!("cannot open {}", file.display()))?;
        for (n, line) in std::io::BufReader::new(f).lines().enumerate() {
            let line = line.with_context(|| format!("cannot read {}", file.display()))?;
            if line.trim().is_empty() {
                continue;
            }
            let v: serde_json::Value =
                serde_json::from_str(&line).with_context(|| format!("{}:{}: not JSON", file.display(), n + 1))?;
            match v["type"].as_str() {
                Some("target") => merged.add_record(serde_json::from_value(v)?),
                Some(_) => {}
                None => merged.add_finding(
                    serde_json::from_value(v)
                        .with_context(|| format!("{}:{}: not a finding", file.display(), n + 1))?,
                ),
            }
        }
    }
    let mut missing = Vec::new();
    if let Some(list) = &args.list {
        let text = std::fs::read_to_string(list).with_context(|| format!("cannot read {}", list.display()))?;
        for line in text.lines() {
            if let Some(t) = parse_line(line)? {
                if !merged.targets.contains_key(&t.id) {
                    missing.push(t.id);
                }
            }
        }
    }
    org_report(args.format, args.output.as_deref(), merged, missing)
}

/// Writes the organisation report of `merged` in `format` to `output` (a private file renamed
/// into place, or stdout) and returns the exit status: 2 when a target is incomplete or missing,
/// 1 with findings, else 0.
fn org_report(format: Format, output: Option<&Path>, merged: Merged, missing: Vec<String>) -> Result<u8> {
    let Merged {
        mut findings, targets, ..
    } = merged;
    findings.sort_by(|a, b| {
        (&a.target, &a.path, a.line, a.column, &a.rule_id).cmp(&(&b.target, &b.path, b.line, b.column, &b.rule_id))
    });
    crate::triage::annotate(&mut findings);
    let incomplete: Vec<&TargetRecord> = targets.values().filter(|r| !r.complete).collect();
    let mut extra = serde_json::Map::new();
    extra.insert("targets".into(), serde_json::json!(targets.len()));
    extra.insert(
        "incomplete_targets".into(),
        serde_json::json!(incomplete
            .iter()
            .map(|r| serde_json::json!({"id": r.id, "errors": r.errors}))
            .collect::<Vec<_>>()),
    );
    extra.insert("missing_targets".into(), serde_json::json!(missing));
    let summary = Summary {
        source: "merge".into(),
        roots: targets.keys().cloned().collect(),
        bytes_scanned: targets.values().map(|r| r.bytes).sum(),
        files_scanned: targets.values().map(|r| r.blobs).sum(),
        errors: (incomplete.len() + missing.len()) as u64,
        findings: findings.len() as u64,
        extra,
        ..Summary::default()
    };
    let settings = crate::config::Settings::load(None, Some(Path::new(".")))?;
    // Whole documents are built in memory (they are sorted), then written in one go.
    let mut w: Vec<u8> = Vec::new();
    match format {
        Format::Jsonl => report::json::write_lines(&mut w, &findings)?,
        Format::Html => {
            let mut cov: Vec<report::html::TargetCoverage> = targets
                .values()
                .map(|r| report::html::TargetCoverage {
                    id: r.id.clone(),
                    complete: r.complete,
                    bytes: r.bytes,
                    inputs: r.blobs,
                    findings: r.findings,
                    reasons: r.errors.clone(),
                    shard: r.shard.clone(),
                })
                .collect();
            cov.extend(missing.iter().map(|m| report::html::TargetCoverage {
                id: m.clone(),
                reasons: vec!["missing: no summary record in any shard output".into()],
                ..report::html::TargetCoverage::default()
            }));
            report::html::write_org(&mut w, &findings, &summary, &cov)?;
        }
        _ => report::write(format, &mut w, &findings, &summary, &settings.rules, false)?,
    }
    if format == Format::Text {
        write_org_text(&mut w, &findings, &incomplete, &missing)?;
    }
    match output {
        Some(p) => crate::app::write_atomically(p, &w)?,
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(&w)?;
            out.flush()?;
        }
    }
    Ok(if !incomplete.is_empty() || !missing.is_empty() {
        2
    } else if !findings.is_empty() {
        1
    } else {
        0
    })
}

/// The organisation view of a text report: secrets shared by several targets, then the targets
/// that were not fully scanned.
fn write_org_text(
    w: &mut dyn Write,
    findings: &[Finding],
    incomplete: &[&TargetRecord],
    missing: &[String],
) -> Result<()> {
    let mut by_secret: BTreeMap<&str, (&Finding, BTreeSet<&str>)> = BTreeMap::new();
    for f in findings {
        let e = by_secret.entry(&f.fingerprint).or_insert((f, BTreeSet::new()));
        if let Some(t) = &f.target {
            e.1.insert(t);
        }
    }
    for (f, ts) in by_secret.values().filter(|(_, ts)| ts.len() > 1) {
        let names: Vec<String> = ts
            .iter()
            .map(|t| format!("`{}`", crate::messages::escape_line(t)))
            .collect();
        let (last, rest) = names.split_last().expect("more than one");
        writeln!(
            w,
            "{} ({}): the same key in {} and {}",
            f.rule_id,
            f.secret,
            rest.join(", "),
            last
        )?;
    }
    for r in incomplete {
        writeln!(
            w,
            "incomplete target `{}`: {}",
            crate::messages::escape_line(&r.id),
            crate::messages::escape_line(&r.errors.join("; "))
        )?;
    }
    for m in missing {
        writeln!(
            w,
            "missing target `{}`: no summary record in any shard output",
            crate::messages::escape_line(m)
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_of_an_id_does_not_depend_on_other_targets() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(parse_shard("1/4").unwrap(), (1, 4));
        assert!(parse_shard("4/4").is_err());
    }

    #[test]
    fn list_lines() {
        assert!(parse_line("  # c").unwrap().is_none());
        let t = parse_line(r#"{"id":"api","target":"/x","kind":"dir"}"#)
            .unwrap()
            .unwrap();
        assert_eq!((t.id.as_str(), t.kind), ("api", Some(Kind::Dir)));
        assert_eq!(parse_line("/r").unwrap().unwrap().id, "/r");
    }
}
