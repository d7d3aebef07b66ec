//! JSON: one document with the tool version, the scan summary and the sorted findings. (JSON Lines
//! are streamed by the pipeline, one finding per line, as they are found.)

use std::io::Write;

use anyhow::Result;
use serde::Serialize;

use super::Summary;
use crate::finding::Finding;

#[derive(Serialize)]
struct Document<'a> {
    version: &'static str,
    scan: &'a Summary,
    findings: &'a [Finding],
}

/// Writes the JSON document.
pub fn write(out: &mut dyn Write, findings: &[Finding], summary: &Summary) -> Result<()> {
    let doc = Document {
        version: env!("CARGO_PKG_VERSION"),
        scan: summary,
        findings,
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)?;
    Ok(())
}

/// Writes findings as JSON Lines at once (when they could not be streamed: `--validate` checks
/// them after the scan, `leakhound validate` rewrites a report).
pub fn write_lines(out: &mut dyn Write, findings: &[Finding]) -> Result<()> {
    for f in findings {
        serde_json::to_writer(&mut *out, f)?;
        writeln!(out)?;
    }
    Ok(())
}
