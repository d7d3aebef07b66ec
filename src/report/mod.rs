//! How findings leave a scan: the summary of what was covered, and one writer per format. Reports
//! see the findings and the rules that were actually loaded (custom ones too), never the built-in
//! catalogue directly.

pub mod html;
pub mod json;
pub mod markdown;
pub mod sarif;
pub mod text;

use std::collections::BTreeMap;
use std::io::Write;

use anyhow::Result;
use serde::Serialize;

use crate::cli::Format;
use crate::finding::Finding;
use crate::rules::RuleSet;

/// What a scan covered, for every format's summary.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// `dir`, `stdin`, `git` or `image`.
    pub source: String,
    /// The roots as given.
    pub roots: Vec<String>,
    /// Inputs scanned.
    pub files_scanned: u64,
    /// Bytes scanned.
    pub bytes_scanned: u64,
    /// Inputs skipped, by reason.
    pub files_skipped: BTreeMap<String, u64>,
    /// Candidates dropped, by reason (placeholders, allow comments, allowlist, baseline).
    pub suppressed: BTreeMap<String, u64>,
    /// Inputs that could not be read.
    pub errors: u64,
    /// Wall time.
    pub duration_ms: u64,
    /// Rules loaded.
    pub rules_loaded: usize,
    /// Findings reported.
    pub findings: u64,
    /// Source-specific coverage (git commits and blobs, image layers, ...).
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Writes a whole-document report. `Jsonl` findings were already streamed; nothing is written.
pub fn write(
    format: Format,
    out: &mut dyn Write,
    findings: &[Finding],
    summary: &Summary,
    rules: &RuleSet,
    color: bool,
) -> Result<()> {
    match format {
        Format::Text => text::write(out, findings, color)?,
        Format::Json => json::write(out, findings, summary)?,
        Format::Jsonl => {}
        Format::Sarif => sarif::write(out, findings, summary, rules)?,
        Format::Markdown => markdown::write(out, findings, summary)?,
        Format::Html => html::write(out, findings, summary)?,
    }
    out.flush()?;
    Ok(())
}
