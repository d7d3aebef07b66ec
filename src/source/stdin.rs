//! Standard input as one stream, scanned in bounded chunks so multi-gigabyte logs use constant
//! memory. A UTF-16 stream (recognised from its first bytes) is transcoded to UTF-8 on the way.

use std::io::Read;

use super::decode;
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
    let origin = || Origin::path(label);
    let result = peek(reader, super::BINARY_SNIFF).and_then(|head| {
        let order = decode::sniff_utf16(&head);
        let mut joined = std::io::Cursor::new(head).chain(reader);
        match order {
            Some(order) => pipeline.scan_reader(&mut decode::Utf16Reader::new(joined, order), &origin),
            None => pipeline.scan_reader(&mut joined, &origin),
        }
    });
    if let Err(e) = result {
        pipeline.stats.skip(crate::pipeline::SkipReason::Unreadable);
        pipeline.error(format!("{}: read failed: {e}", crate::messages::escape_line(label)));
    }
}

/// Reads up to `n` bytes (fewer only at the end of the stream).
fn peek(reader: &mut dyn Read, n: usize) -> std::io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(n);
    reader.take(n as u64).read_to_end(&mut head)?;
    Ok(head)
}
