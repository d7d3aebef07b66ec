//! The two ways validation runs: after a scan (`--validate`, findings still holding raw secrets,
//! redacted again before any report is written) and `leakhound validate -i REPORT` (secrets read
//! again from their places, since reports are redacted).

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::reread::{self, Place, Sources};
use super::{Candidate, Options, Tally};
use crate::cli::ValidateArgs;
use crate::config::Settings;
use crate::finding::{redact_secret, Finding, Validation, ValidationStatus};

/// Whether a finding is a value a validator could check at all.
fn checkable(f: &Finding) -> bool {
    f.kind.is_secret() && !(f.path_fact.is_some() && f.secret == "(the whole file)")
}

/// Validates the findings of a scan that ran without redaction, then redacts them when `redact`
/// (always, even when validation could not start). A failure to validate is a warning: the
/// findings are still reported.
pub fn after_scan(
    findings: &mut [Finding],
    settings: &Settings,
    max_requests: Option<usize>,
    redact: bool,
    src: &Sources,
    quiet: bool,
) {
    let result = (|| -> Result<Tally> {
        let dir = settings.config_path.as_deref().and_then(Path::parent);
        let opts = Options::new(&settings.validate, dir, max_requests)?;
        let cands: Vec<Candidate> = findings
            .iter()
            .filter(|f| checkable(f) && super::providers::for_rule(&f.rule_id).is_some())
            .map(|f| Candidate {
                rule_id: f.rule_id.clone(),
                fingerprint: f.fingerprint.clone(),
                secret: f.secret.clone(),
                pair: f.pair.as_ref().map(|p| p.secret.clone()),
                context: super::needs_context(&f.rule_id)
                    .then(|| reread::place_of(f, src).and_then(|p| reread::read(&p))),
            })
            .collect();
        let (verdicts, tally) = super::check_all(cands, &opts)?;
        super::apply(findings, &verdicts);
        Ok(tally)
    })();
    if redact {
        for f in findings.iter_mut() {
            f.secret = redact_secret(&f.secret);
            if let Some(p) = &mut f.pair {
                p.secret = redact_secret(&p.secret);
            }
        }
    }
    match result {
        Ok(t) if !quiet => summary_line(&t),
        Ok(_) => {}
        Err(e) => crate::messages::warn(&format!(
            "validation did not run: {e:#}; findings are reported unchecked"
        )),
    }
}

fn summary_line(t: &Tally) {
    let _ = writeln!(
        std::io::stderr().lock(),
        "leakhound: validate: {} live, {} revoked, {} unknown, {} error ({} request{}){}",
        t.live,
        t.revoked,
        t.unknown,
        t.error,
        t.requests,
        if t.requests == 1 { "" } else { "s" },
        if t.live > 0 { "; revoke the live keys first" } else { "" }
    );
}

/// A report read back: its findings, and where they came from when it says (JSON documents).
struct Report {
    findings: Vec<Finding>,
    source: String,
    roots: Vec<String>,
}

fn load_report(path: &Path) -> Result<Report> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read report {}", path.display()))?;
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') {
        if let Ok(doc) = serde_json::from_str::<serde_json::Value>(&text) {
            if let Some(list) = doc.get("findings") {
                let findings: Vec<Finding> = serde_json::from_value(list.clone())
                    .with_context(|| format!("{}: `findings` is not a list of leakhound findings", path.display()))?;
                let scan = doc.get("scan");
                let source = scan
                    .and_then(|s| s.get("source"))
                    .and_then(|s| s.as_str())
                    .unwrap_or("")
                    .to_string();
                let roots = scan
                    .and_then(|s| s.get("roots"))
                    .and_then(|r| r.as_array())
                    .map(|a| a.iter().filter_map(|v| v.as_str().map(String::from)).collect())
                    .unwrap_or_default();
                return Ok(Report {
                    findings,
                    source,
                    roots,
                });
            }
        }
    }
    let mut findings = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let f: Finding = serde_json::from_str(line).with_context(|| {
            format!(
                "{} line {}: not a leakhound finding (expected a `-f json` report or `-f jsonl` lines)",
                path.display(),
                i + 1
            )
        })?;
        findings.push(f);
    }
    Ok(Report {
        findings,
        source: String::new(),
        roots: Vec::new(),
    })
}

/// `leakhound validate -i REPORT`: exit 0 when no key is live, 1 when one is, 2 when a check
/// failed.
pub fn run(args: ValidateArgs) -> Result<u8> {
    let report = load_report(&args.input)?;
    let roots: Vec<PathBuf> = if !args.root.is_empty() {
        args.root.clone()
    } else if !report.roots.is_empty() {
        report.roots.iter().map(PathBuf::from).collect()
    } else {
        vec![PathBuf::from(".")]
    };
    let first_dir = roots.iter().find(|r| r.is_dir()).cloned();
    let settings = Settings::load(args.config.as_deref(), first_dir.as_deref())?;
    let src = Sources {
        source: report.source.clone(),
        roots: roots.clone(),
    };
    let mut findings = report.findings;

    // Read every place once, then find each finding's value there again by its fingerprint.
    let mut places: Vec<(Place, Vec<u8>)> = Vec::new();
    let mut index: HashMap<Place, usize> = HashMap::new();
    let mut unread: HashMap<usize, String> = HashMap::new();
    for (i, f) in findings.iter().enumerate() {
        if !checkable(f) {
            continue;
        }
        match reread::place_of(f, &src) {
            Ok(p) => {
                if index.contains_key(&p) {
                    continue;
                }
                match reread::read(&p) {
                    Ok(bytes) => {
                        index.insert(p.clone(), places.len());
                        places.push((p, bytes));
                    }
                    Err(e) => {
                        unread.insert(i, e);
                    }
                }
            }
            Err(e) => {
                unread.insert(i, e);
            }
        }
    }
    let scanner = crate::scan::Scanner::new(settings.rules.clone(), settings.secret_allow.clone())?;
    let found = reread::rescan(crate::pipeline::Pipeline::new(scanner, false, None, true), &places);

    let dir = settings.config_path.as_deref().and_then(Path::parent);
    let opts = Options::new(&settings.validate, dir, args.validate_max_requests)?;
    let mut cands = Vec::new();
    let mut raw: HashMap<usize, (String, Option<String>)> = HashMap::new();
    let mut notes: HashMap<usize, (ValidationStatus, String)> = HashMap::new();
    for (i, f) in findings.iter().enumerate() {
        if !checkable(f) {
            notes.insert(i, (ValidationStatus::Unknown, "holds no secret value to check".into()));
            continue;
        }
        if super::providers::for_rule(&f.rule_id).is_none() {
            notes.insert(
                i,
                (
                    ValidationStatus::Unknown,
                    format!("no validator for rule {}", f.rule_id),
                ),
            );
            continue;
        }
        if let Some(why) = unread.get(&i) {
            notes.insert(i, (ValidationStatus::Unknown, format!("not re-read: {why}")));
            continue;
        }
        let Some((secret, pair)) = found.get(&(f.path.clone(), f.fingerprint.clone())) else {
            notes.insert(
                i,
                (
                    ValidationStatus::Unknown,
                    format!(
                        "the value is no longer at {}:{} (changed or removed); if it was committed, its blob is still in history: `leakhound git --validate`",
                        f.path, f.line
                    ),
                ),
            );
            continue;
        };
        let context =
            super::needs_context(&f.rule_id).then(|| reread::place_of(f, &src).and_then(|p| reread::read(&p)));
        cands.push(Candidate {
            rule_id: f.rule_id.clone(),
            fingerprint: f.fingerprint.clone(),
            secret: secret.clone(),
            pair: pair.clone(),
            context,
        });
        raw.insert(i, (secret.clone(), pair.clone()));
    }
    let (verdicts, mut tally) = super::check_all(cands, &opts)?;
    let now = super::now_rfc3339();
    for (i, f) in findings.iter_mut().enumerate() {
        f.validation = None;
        if let Some((status, detail)) = notes.remove(&i) {
            tally.unknown += usize::from(status == ValidationStatus::Unknown);
            f.validation = Some(Validation {
                status,
                checked_at: now.clone(),
                detail,
            });
        } else if let Some((secret, pair)) = raw.get(&i) {
            let key = format!("{}\0{}", f.fingerprint, pair.as_deref().unwrap_or(""));
            let _ = secret;
            f.validation = verdicts.get(&key).cloned();
        }
    }
    crate::triage::annotate(&mut findings);

    let summary = crate::report::Summary {
        source: if report.source.is_empty() {
            "report".into()
        } else {
            report.source.clone()
        },
        roots: roots.iter().map(|r| r.display().to_string()).collect(),
        files_scanned: places.len() as u64,
        bytes_scanned: places.iter().map(|(_, b)| b.len() as u64).sum(),
        findings: findings.len() as u64,
        rules_loaded: settings.rules.len(),
        ..crate::report::Summary::default()
    };
    let mut buf: Vec<u8> = Vec::new();
    if args.format == crate::cli::Format::Jsonl {
        crate::report::json::write_lines(&mut buf, &findings)?;
    } else {
        crate::report::write(args.format, &mut buf, &findings, &summary, &settings.rules, false)?;
    }
    match &args.output {
        Some(p) => crate::app::write_atomically(p, &buf)?,
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(&buf)?;
            out.flush()?;
        }
    }
    let live = findings.iter().any(|f| {
        f.validation
            .as_ref()
            .is_some_and(|v| v.status == ValidationStatus::Live)
    });
    let failed = findings.iter().any(|f| {
        f.validation
            .as_ref()
            .is_some_and(|v| v.status == ValidationStatus::Error)
    });
    if !args.quiet {
        summary_line(&tally);
    }
    Ok(if live {
        1
    } else if failed {
        2
    } else {
        0
    })
}
