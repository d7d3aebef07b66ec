//! Standard input as one stream, scanned in bounded chunks so multi-gigabyte logs use constant
//! memory. A stream that starts like an archive (`tar cz . | leakhound stdin`) is read into memory,
//! up to the archive byte limit, and opened like any archive.

use std::io::Read;

use crate::finding::Origin;
use crate::pipeline::Pipeline;
use crate::source::archive::{self, Limits};

/// Scans standard input; findings are named `label`.
pub fn scan_stdin(pipeline: &Pipeline, label: &str, archives: &Limits) {
    let stdin = std::io::stdin();
    let mut lock = stdin.lock();
    scan_stream(pipeline, &mut lock, label, archives);
}

/// Scans any reader as one stream named `label`.
pub fn scan_stream(pipeline: &Pipeline, reader: &mut dyn Read, label: &str, archives: &Limits) {
    let fail = |e: std::io::Error| {
        pipeline.stats.skip(crate::pipeline::SkipReason::Unreadable);
        pipeline.error(format!("{label}: read failed: {e}"));
    };
    let mut head = Vec::with_capacity(archive::SNIFF_LEN);
    if let Err(e) = reader.take(archive::SNIFF_LEN as u64).read_to_end(&mut head) {
        return fail(e);
    }
    if archives.depth > 0 && archive::sniff(&head).is_archive() {
        if let Err(e) = reader.take(archives.max_bytes).read_to_end(&mut head) {
            return fail(e);
        }
        crate::source::scan_maybe_archive(pipeline, label, &head, archives, false);
        return;
    }
    let mut rest = std::io::Cursor::new(head).chain(reader);
    if let Err(e) = pipeline.scan_reader(&mut rest, &|| Origin::path(label)) {
        fail(e);
    }
}
