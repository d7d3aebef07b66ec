//! Standard input as one stream, scanned in bounded chunks so multi-gigabyte logs use constant
//! memory.

use std::io::Read;

use crate::finding::Origin;
use crate::pipeline::Pipeline;

/// Scans standard input; findings are named `label`.
pub fn scan_stdin(pipeline: &Pipeline, label: &str) {
    let stdin = std::io::stdin();
    let mut lock = stdin.lock();
    scan_stream(pipeline, &mut lock, label);
}

/// Scans any reader as one stream named `label`.
pub fn scan_stream(pipeline: &Pipeline, reader: &mut dyn Read, label: &str) {
    if let Err(e) = pipeline.scan_reader(reader, &|| Origin::path(label)) {
        pipeline.stats.skip(crate::pipeline::SkipReason::Unreadable);
        pipeline.error(format!("{}: read failed: {e}", crate::messages::escape_line(label)));
    }
}
