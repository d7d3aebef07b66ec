//! Standard input as one stream, scanned in bounded chunks so multi-gigabyte logs use constant
//! memory. A stream that starts like an archive (`tar cz . | leakhound stdin`) is read into memory,
//! up to the archive byte limit, and opened like any archive. A UTF-16 stream (recognised from its
//! first bytes) is transcoded to UTF-8 on the way.

use std::io::Read;

use super::decode;
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
        pipeline.error(format!("{}: read failed: {e}", crate::messages::escape_line(label)));
    };
    let sniff = archive::SNIFF_LEN.max(super::BINARY_SNIFF);
    let mut head = Vec::with_capacity(sniff);
    if let Err(e) = reader.take(sniff as u64).read_to_end(&mut head) {
        return fail(e);
    }
    if archives.depth > 0 && archive::sniff(&head).is_archive() {
        if let Err(e) = reader.take(archives.max_bytes).read_to_end(&mut head) {
            return fail(e);
        }
        crate::source::scan_maybe_archive(pipeline, label, &head, archives, false, &|| {
            crate::finding::Exposure::Untracked
        });
        return;
    }
    let origin = || Origin::path(label);
    let order = decode::sniff_utf16(&head);
    let mut joined = std::io::Cursor::new(head).chain(reader);
    let result = match order {
        Some(order) => pipeline.scan_reader(&mut decode::Utf16Reader::new(joined, order), &origin),
        None => pipeline.scan_reader(&mut joined, &origin),
    };
    if let Err(e) = result {
        fail(e);
    }
}
