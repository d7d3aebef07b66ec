//! `leakhound explain FILE [--line N]`: every candidate the scanner considered in one file, the
//! rule, the value (redacted unless `--no-redact`), its confidence and entropy against the rule's
//! floor, and the verdict: reported, or dropped and why (placeholder, low entropy, looks like code,
//! allowlist entry, baseline, inline allow, below `--min-confidence`, overlapped by a more specific
//! rule, a path rule on a file that is not shared, a path fact folded into a content finding). It
//! runs the scanner in trace mode (see [`crate::scan::Scratch::tracing`]) and applies the same
//! policy as a `dir` scan, so its answer is the scan's answer.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use serde::Serialize;

use crate::baseline::Baseline;
use crate::cli::{ExplainArgs, ExplainFormat};
use crate::config::Settings;
use crate::finding::{fingerprint, redact_secret, PathFact};
use crate::messages::escape_line;
use crate::rules::{Confidence, Rule};
use crate::scan::{shannon_entropy, DropReason, LineCounter, Match, Scanner, Scratch};

/// One candidate and its verdict.
#[derive(Debug, Serialize)]
pub struct Entry {
    /// Rule id.
    pub rule_id: String,
    /// Rule name.
    pub rule_name: String,
    /// 1-based line of the value (absent for path rules, which concern the whole file).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// 1-based column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u64>,
    /// The value, redacted unless `--no-redact` (`(the whole file)` for path rules).
    pub value: String,
    /// The confidence the finding would carry.
    pub confidence: Confidence,
    /// Shannon entropy of the value, bits per character.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entropy: Option<f64>,
    /// The rule's entropy floor, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entropy_min: Option<f64>,
    /// `reported` or `dropped`.
    pub verdict: &'static str,
    /// Why it was dropped (a stable snake_case name), when it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'static str>,
    /// The reason in words.
    pub detail: String,
}

/// The whole answer for one file.
#[derive(Debug, Serialize)]
pub struct Explanation {
    /// The file as given.
    pub path: String,
    /// Notes about the file as a whole (binary, allowlisted path, UTF-16).
    pub notes: Vec<String>,
    /// The lowest confidence reported.
    pub min_confidence: Confidence,
    /// Every candidate, in file order (path rules first).
    pub candidates: Vec<Entry>,
}

/// Runs `leakhound explain`; exit status 0 unless the file cannot be read.
pub fn run(args: ExplainArgs) -> Result<u8> {
    let dir = args
        .file
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let root = if dir.join(crate::config::DEFAULT_CONFIG).is_file() {
        dir
    } else {
        Path::new(".")
    };
    let settings = Settings::load(args.config.as_deref(), Some(root))?;
    let baseline = match args.baseline.as_deref().or(settings.baseline.as_deref()) {
        Some(p) if args.baseline.is_some() || p.exists() => Some(Baseline::load(p)?),
        _ => None,
    };
    let min = settings.min_confidence(args.min_confidence.map(Into::into));
    let scanner = Scanner::new(settings.rules.clone(), settings.secret_allow.clone())?;
    let raw = std::fs::read(&args.file).with_context(|| format!("cannot read {}", args.file.display()))?;
    let shown = args.file.display().to_string();
    let opts = Options {
        redact: !args.no_redact,
        min,
        baseline: baseline.as_ref(),
        exposure: crate::source::fs::path_verdict(&args.file),
    };
    let mut ex = explain_bytes(&scanner, &shown, &raw, &opts);
    if !settings.path_allow.is_empty() && settings.path_allow.is_match(&shown) {
        ex.notes
            .push("the path matches an `allow.paths` glob: scans skip this file".into());
    }
    if let Some(n) = args.line {
        ex.candidates.retain(|c| c.line == Some(n));
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match args.format {
        ExplainFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &ex)?;
            writeln!(out)?;
        }
        ExplainFormat::Text => write_text(&mut out, &ex)?,
    }
    out.flush()?;
    Ok(0)
}

/// What [`explain_bytes`] applies besides the rules.
pub struct Options<'a> {
    /// Redact values.
    pub redact: bool,
    /// Lowest confidence reported.
    pub min: Confidence,
    /// Baseline in use.
    pub baseline: Option<&'a Baseline>,
    /// Where the file sits (for path rules).
    pub exposure: crate::finding::Exposure,
}

/// Every candidate in `raw` (the bytes of the file `path`) with its verdict.
pub fn explain_bytes(scanner: &Scanner, path: &str, raw: &[u8], opts: &Options<'_>) -> Explanation {
    let mut notes = Vec::new();
    let mut utf8 = Vec::new();
    let bytes: &[u8] = match crate::source::decode::sniff_utf16(raw) {
        Some(order) => {
            crate::source::decode::transcode(raw, order, &mut utf8);
            notes.push("UTF-16: scanned as UTF-8".into());
            &utf8
        }
        None if crate::source::looks_binary(raw) => {
            notes.push("binary (a NUL byte in the first 8 KiB): scans skip its content unless --include-binary".into());
            &[]
        }
        None => raw,
    };
    let rules = scanner.rules();
    let value = |b: &[u8]| {
        let text = String::from_utf8_lossy(b);
        if opts.redact {
            redact_secret(&text)
        } else {
            text.into_owned()
        }
    };
    let mut scratch = Scratch::tracing();
    let mut matches: Vec<Match> = Vec::new();
    scanner.scan(bytes, &mut scratch, &mut matches);
    let mut partners = Vec::new();
    scanner.pair_up(&matches, &mut partners);
    let mut content = Vec::new();
    let locate = |off: usize| LineCounter::new().locate(bytes, off);
    let entry = |rule: &Rule, confidence: Confidence, start: usize, end: usize, verdict, reason, detail: String| {
        let (line, column) = locate(start);
        Entry {
            rule_id: rule.spec.id.clone(),
            rule_name: rule.spec.name.clone(),
            line: Some(line),
            column: Some(column),
            value: value(&bytes[start..end]),
            confidence,
            entropy: Some(round2(shannon_entropy(&bytes[start..end]))),
            entropy_min: rule.spec.entropy,
            verdict,
            reason,
            detail,
        }
    };
    let mut reported_lines = Vec::new();
    for (i, m) in matches.iter().enumerate() {
        let rule = &rules.rules[m.rule];
        let secret = &bytes[m.start..m.end];
        // The generic scorer's confidence replaces the rule's, as in a scan.
        let (confidence, lowered) = crate::scan::confidence_at(rule, m.confidence, path);
        let (reason, detail): (Option<&'static str>, String) = if let Some(re) = rule.path_regex() {
            if re.is_match(path.as_bytes()) {
                (None, String::new())
            } else {
                (
                    Some("rule_path_mismatch"),
                    format!("the rule applies only to paths matching `{}`", re.as_str()),
                )
            }
        } else {
            (None, String::new())
        };
        let (reason, detail) = if reason.is_some() {
            (reason, detail)
        } else if let Some(owner) = partners.iter().position(|p| *p == Some(i)) {
            let (l, _) = locate(matches[owner].start);
            (
                Some("paired"),
                format!(
                    "reported as the other half of the {} finding on line {l}",
                    rules.rules[matches[owner].rule].spec.id
                ),
            )
        } else if confidence < opts.min {
            (
                Some("below_min_confidence"),
                format!(
                    "{confidence} confidence{} is below --min-confidence {} (add `--min-confidence {confidence}` to see it)",
                    if lowered { " (lowered: a password hash in test material)" } else { "" },
                    opts.min
                ),
            )
        } else if opts
            .baseline
            .is_some_and(|b| b.suppresses(&fingerprint(&rule.spec.id, secret)))
        {
            (Some("baseline"), "its fingerprint is in the baseline".to_string())
        } else {
            reported_lines.push(locate(m.start).0);
            (None, "reported".to_string())
        };
        let verdict = if reason.is_none() { "reported" } else { "dropped" };
        content.push((
            m.start,
            entry(rule, confidence, m.start, m.end, verdict, reason, detail),
        ));
    }
    for c in scratch.trace.take().unwrap_or_default() {
        let rule = &rules.rules[c.rule];
        let (reason, detail) = match &c.reason {
            DropReason::LowEntropy { entropy, min } => (
                "low_entropy",
                format!("entropy {:.2} bits/char is below the rule's floor {min}", entropy),
            ),
            DropReason::Checksum => ("checksum", "the provider's checksum does not verify".into()),
            DropReason::Placeholder => (
                "placeholder",
                "a placeholder or stand-in value (documented example, template, `changeme`, `xxxx`)".into(),
            ),
            DropReason::LooksLikeCode => (
                "looks_like_code",
                "the value reads like code (a call, member access or identifier), not a secret".into(),
            ),
            DropReason::DigestLabel => ("digest", "a digest after a label such as `sha256:`".into()),
            DropReason::Allowlist(entry) => ("allowlist", format!("allowed by {entry} in the configuration")),
            DropReason::InlineAllow => ("inline_allow", "the line carries a `leakhound:allow` comment".into()),
            DropReason::Score { name, value, why } => (
                "score",
                format!("the generic scorer rejected it: {why} (name strength {name}/3, value {value}/3)"),
            ),
            DropReason::Overlapped { by } => (
                "overlapped",
                format!(
                    "overlapped by a match of the more specific rule {}",
                    rules.rules[*by].spec.id
                ),
            ),
        };
        content.push((
            c.start,
            entry(
                rule,
                rule.spec.confidence,
                c.start,
                c.end,
                "dropped",
                Some(reason),
                detail,
            ),
        ));
    }
    content.sort_by_key(|(start, e)| (*start, e.rule_id.clone()));

    // What the scan pipeline counts as a candidate in the file: any match a content rule made,
    // reported or held back only by the confidence floor or the baseline.
    let any_candidate = content
        .iter()
        .any(|(_, e)| e.verdict == "reported" || matches!(e.reason, Some("below_min_confidence" | "baseline")));
    let mut candidates = Vec::new();
    let mut hits = Vec::new();
    scanner.path_matches(path.as_bytes(), &mut hits);
    for r in hits {
        let rule = &rules.rules[r];
        let fact = PathFact::new(rule, path, opts.exposure);
        let confidence = rule.spec.path_confidence(any_candidate);
        let (reason, detail): (Option<&'static str>, String) = if !reported_lines.is_empty() {
            let lines: Vec<String> = reported_lines.iter().map(u64::to_string).collect();
            (
                Some("path_folded"),
                format!(
                    "folded into the content finding(s) on line {}: \"{}\"",
                    lines.join(", "),
                    fact.note
                ),
            )
        } else if !opts.exposure.exposed() {
            (
                Some("path_untracked"),
                format!(
                    "a path rule alone is reported only for a file git tracks, commits or an image ships; this one is {}",
                    opts.exposure.as_str()
                ),
            )
        } else if confidence < opts.min {
            let detail = if confidence == rule.spec.confidence {
                format!("{confidence} confidence is below --min-confidence {}", opts.min)
            } else {
                format!(
                    "nothing in the file looks like a credential, so the file alone is low confidence, below --min-confidence {}",
                    opts.min
                )
            };
            (Some("below_min_confidence"), detail)
        } else if opts
            .baseline
            .is_some_and(|b| b.suppresses(&fingerprint(&rule.spec.id, path.as_bytes())))
        {
            (Some("baseline"), "its fingerprint is in the baseline".to_string())
        } else {
            (None, format!("reported: {}", fact.note))
        };
        candidates.push(Entry {
            rule_id: rule.spec.id.clone(),
            rule_name: rule.spec.name.clone(),
            line: None,
            column: None,
            value: "(the whole file)".into(),
            confidence,
            entropy: None,
            entropy_min: None,
            verdict: if reason.is_none() { "reported" } else { "dropped" },
            reason,
            detail,
        });
    }
    candidates.extend(content.into_iter().map(|(_, e)| e));
    Explanation {
        path: path.to_string(),
        notes,
        min_confidence: opts.min,
        candidates,
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn write_text(out: &mut dyn Write, ex: &Explanation) -> Result<()> {
    let reported = ex.candidates.iter().filter(|c| c.verdict == "reported").count();
    writeln!(
        out,
        "{}: {} candidate{} ({} reported, {} dropped; --min-confidence {})",
        escape_line(&ex.path),
        ex.candidates.len(),
        if ex.candidates.len() == 1 { "" } else { "s" },
        reported,
        ex.candidates.len() - reported,
        ex.min_confidence
    )?;
    for n in &ex.notes {
        writeln!(out, "  note: {}", escape_line(n))?;
    }
    for c in &ex.candidates {
        let place = match (c.line, c.column) {
            (Some(l), Some(col)) => format!("{l}:{col}"),
            _ => "file".to_string(),
        };
        let mut score = format!("{} confidence", c.confidence);
        if let Some(e) = c.entropy {
            score.push_str(&format!(", entropy {e:.2}"));
            if let Some(m) = c.entropy_min {
                score.push_str(&format!(" (floor {m})"));
            }
        }
        writeln!(out, "  {place:<9} {}  {}  [{score}]", c.rule_id, escape_line(&c.value))?;
        match c.reason {
            None => writeln!(out, "            reported")?,
            Some(r) => writeln!(out, "            dropped ({r}): {}", escape_line(&c.detail))?,
        }
    }
    Ok(())
}
