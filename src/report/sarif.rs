//! SARIF 2.1.0 as GitHub code scanning accepts and renders it: one run whose driver lists the rules
//! actually loaded (custom ones too) with the runbook as help text and markdown; one result per
//! finding with a repository-relative location, a full region, our fingerprint under a versioned
//! `partialFingerprints` key, and no secret anywhere (not even redacted: the file is shown to
//! everyone with read access). The invocation carries success and the coverage counts.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;

use anyhow::Result;
use serde_json::{json, Value};
use serde_sarif::sarif::{
    ArtifactLocation, Invocation, Location, Message, MultiformatMessageString, PhysicalLocation, PropertyBag, Region,
    ReportingConfiguration, ReportingDescriptor, Result as SarifResult, ResultLevel, Run, Sarif, Tool, ToolComponent,
};

use super::Summary;
use crate::finding::Finding;
use crate::rules::{Confidence, Rule, RuleSet, Severity};

/// Key under which our fingerprint goes in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "secretFingerprint/v1";
/// The SARIF schema URI written in `$schema`.
pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/leakhound/leakhound";

fn level(s: Severity) -> ResultLevel {
    match s {
        Severity::Critical | Severity::High => ResultLevel::Error,
        Severity::Medium => ResultLevel::Warning,
        Severity::Low => ResultLevel::Note,
    }
}

fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
    }
}

/// A result's level, from how sure we are that it is a secret: high → error, medium → warning,
/// low → note. (A rule's default level stays by its severity.)
fn confidence_level(c: Confidence) -> ResultLevel {
    match c {
        Confidence::High => ResultLevel::Error,
        Confidence::Medium => ResultLevel::Warning,
        Confidence::Low => ResultLevel::Note,
    }
}

/// A result's `security-severity` (0-10, which GitHub buckets into critical ≥ 9, high ≥ 7,
/// medium ≥ 4, low): the severity's score scaled by confidence (×1 high, ×0.85 medium, ×0.6 low),
/// so a critical kind of key matched weakly ranks below one matched by its prefix.
pub fn combined_security_severity(s: Severity, c: Confidence) -> String {
    let base: f64 = security_severity(s).parse().unwrap_or(0.0);
    let factor = match c {
        Confidence::High => 1.0,
        Confidence::Medium => 0.85,
        Confidence::Low => 0.6,
    };
    format!("{:.1}", base * factor)
}

fn precision(c: Confidence) -> &'static str {
    match c {
        Confidence::High => "high",
        Confidence::Medium => "medium",
        Confidence::Low => "low",
    }
}

fn text(s: impl Into<String>) -> MultiformatMessageString {
    MultiformatMessageString::builder().text(s.into()).build()
}

fn descriptor(rule: &Rule) -> ReportingDescriptor {
    let s = &rule.spec;
    let steps = s.runbook.steps_with_proof();
    let help_text = format!("Revoke and rotate: {}\n\n{}", s.runbook.url, steps.trim());
    let help_md = format!(
        "**{}** ({})\n\n{}\n\n### Revoke and rotate\n\n{}\n\n[Provider documentation]({})",
        s.name,
        s.provider,
        s.description.trim(),
        steps.trim(),
        s.runbook.url
    );
    let mut tags = vec![
        "security".to_string(),
        "secret".to_string(),
        s.provider.to_ascii_lowercase(),
    ];
    for t in &s.tags {
        if !tags.contains(t) {
            tags.push(t.clone());
        }
    }
    let mut extra = BTreeMap::new();
    extra.insert("security-severity".to_string(), json!(security_severity(s.severity)));
    extra.insert("precision".to_string(), json!(precision(s.confidence)));
    extra.insert(
        "problem.severity".to_string(),
        json!(if level(s.severity) == ResultLevel::Error {
            "error"
        } else {
            "warning"
        }),
    );
    ReportingDescriptor::builder()
        .id(s.id.clone())
        .name(pascal(&s.id))
        .short_description(text(s.name.clone()))
        .full_description(text(s.description.trim().to_string()))
        .help(
            MultiformatMessageString::builder()
                .text(help_text)
                .markdown(help_md)
                .build(),
        )
        .help_uri(s.runbook.url.clone())
        .default_configuration(
            ReportingConfiguration::builder()
                .level(json!(level_name(s.severity)))
                .build(),
        )
        .properties(PropertyBag::builder().tags(tags).additional_properties(extra).build())
        .build()
}

fn level_name(s: Severity) -> &'static str {
    match level(s) {
        ResultLevel::Error => "error",
        ResultLevel::Warning => "warning",
        ResultLevel::Note => "note",
        ResultLevel::None => "none",
    }
}

/// `github-classic-pat` → `GithubClassicPat` (SARIF rule names are identifiers).
fn pascal(id: &str) -> String {
    id.split('-')
        .map(|p| {
            let mut c = p.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// Percent-encodes a relative path for an artifact URI, keeping `/` and unreserved characters.
pub fn uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn result(f: &Finding, index: Option<usize>) -> SarifResult {
    let region = Region::builder()
        .start_line(f.line as i64)
        .start_column(f.column as i64)
        .end_line(f.end_line as i64)
        .end_column(f.end_column as i64)
        .build();
    let location = Location::builder()
        .physical_location(
            PhysicalLocation::builder()
                .artifact_location(
                    ArtifactLocation::builder()
                        .uri(uri_path(f.path.trim_start_matches('/')))
                        .build(),
                )
                .region(region)
                .build(),
        )
        .build();
    let mut where_ = String::new();
    if let Some(g) = f.git.as_ref().filter(|g| g.staged) {
        where_.push_str(&format!(" It is staged for the next commit (blob {}).", g.blob));
    } else if let Some(g) = &f.git {
        match (&g.commit, g.message.as_deref()) {
            (_, Some("tag")) => where_.push_str(&format!(
                " It is in the message of annotated tag {}.",
                g.ref_name.as_deref().unwrap_or("")
            )),
            (Some(c), Some(_)) => where_.push_str(&format!(" It is in the message of commit {c}.")),
            (Some(c), None) => where_.push_str(&format!(" It was introduced in commit {c}.")),
            (None, _) => where_.push_str(" It is in a blob reachable from no commit."),
        }
        if !g.in_head && g.message.is_none() {
            where_.push_str(" It was deleted from HEAD but remains in history.");
        }
    }
    if let Some(i) = &f.image {
        match i.layer_index {
            Some(n) => where_.push_str(&format!(" It is in image {} layer {n}.", i.image)),
            None => where_.push_str(&format!(" It is in the configuration of image {}.", i.image)),
        }
        if let Some(d) = i.deleted_in_layer {
            where_.push_str(&format!(" Layer {d} deletes it, but it still ships in the image."));
        }
    }
    if let Some(pair) = &f.pair {
        where_.push_str(&format!(" Its other half ({}) is on line {}.", pair.rule_id, pair.line));
    }
    if let Some(fact) = &f.path_fact {
        where_.push_str(&format!(" It is {}.", fact.note));
    }
    let live = f
        .validation
        .as_ref()
        .is_some_and(|v| v.status == crate::finding::ValidationStatus::Live);
    let checked = match &f.validation {
        Some(v) if live => format!("LIVE: {} accepts this key ({}). ", f.provider, v.detail),
        Some(v) => format!("Validation: {} ({}). ", v.status.as_str(), v.detail),
        None => String::new(),
    };
    let message = format!(
        "{} ({}, {} confidence) found. {checked}Revoke and rotate it: {}.{} Deleting it from the code does not make it safe.",
        f.rule_name, f.provider, f.confidence, f.runbook.url, where_
    );
    let mut fps = BTreeMap::new();
    fps.insert(FINGERPRINT_KEY.to_string(), f.fingerprint.clone());
    let mut extra = BTreeMap::new();
    extra.insert("severity".to_string(), json!(f.severity));
    extra.insert("confidence".to_string(), json!(f.confidence));
    extra.insert(
        "security-severity".to_string(),
        json!(combined_security_severity(f.severity, f.confidence)),
    );
    if let Some(fact) = &f.path_fact {
        extra.insert("path_fact".to_string(), json!(fact));
    }
    if let Some(v) = &f.validation {
        extra.insert("validation".to_string(), json!(v));
    }
    if let Some(g) = &f.git {
        let mut v = serde_json::to_value(g).unwrap_or(Value::Null);
        if let Value::Object(m) = &mut v {
            for (k, val) in std::mem::take(m) {
                extra.insert(k, val);
            }
        }
    }
    if let Some(i) = &f.image {
        if let Value::Object(m) = serde_json::to_value(i).unwrap_or(Value::Null) {
            extra.extend(m);
        }
    }
    let mut b = SarifResult::builder()
        .rule_id(f.rule_id.clone())
        .level(if live {
            ResultLevel::Error
        } else {
            confidence_level(f.confidence)
        })
        .message(Message::builder().text(message).build())
        .locations(vec![location])
        .partial_fingerprints(fps)
        .properties(PropertyBag::builder().additional_properties(extra).build())
        .build();
    b.rule_index = index.map(|i| i as i64);
    b
}

/// Writes the SARIF log.
pub fn write(out: &mut dyn Write, findings: &[Finding], summary: &Summary, rules: &RuleSet) -> Result<()> {
    let descriptors: Vec<ReportingDescriptor> = rules.rules.iter().map(descriptor).collect();
    let index: HashMap<&str, usize> = rules
        .rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.spec.id.as_str(), i))
        .collect();
    let results: Vec<SarifResult> = findings
        .iter()
        .map(|f| result(f, index.get(f.rule_id.as_str()).copied()))
        .collect();
    let mut coverage = BTreeMap::new();
    if let Value::Object(m) = serde_json::to_value(summary)? {
        coverage.extend(m);
    }
    let invocation = Invocation::builder()
        .execution_successful(summary.errors == 0)
        .properties(PropertyBag::builder().additional_properties(coverage).build())
        .build();
    let driver = ToolComponent::builder()
        .name("leakhound".to_string())
        .version(env!("CARGO_PKG_VERSION").to_string())
        .semantic_version(env!("CARGO_PKG_VERSION").to_string())
        .information_uri(INFORMATION_URI.to_string())
        .rules(descriptors)
        .build();
    let run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .results(results)
        .invocations(vec![invocation])
        .column_kind(json!("utf16CodeUnits"))
        .build();
    let log = Sarif::builder()
        .schema(SCHEMA.to_string())
        .version(json!("2.1.0"))
        .runs(vec![run])
        .build();
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{pascal, uri_path};

    #[test]
    fn rule_names_are_identifiers_and_uris_are_encoded() {
        assert_eq!(pascal("github-classic-pat"), "GithubClassicPat");
        assert_eq!(uri_path("src/my file#1.env"), "src/my%20file%231.env");
    }
}
