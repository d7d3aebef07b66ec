//! Where bytes come from. Each source walks its inputs and hands each one, with a way to name its
//! origin, to the scan [`Pipeline`](crate::pipeline::Pipeline); sources know nothing of rules or
//! reports.

pub mod archive;
pub mod decode;
pub mod fs;
pub mod git;
pub mod image;
pub mod stdin;

/// How many leading bytes are inspected to decide that an input is binary.
pub const BINARY_SNIFF: usize = 8 << 10;

/// True when the first [`BINARY_SNIFF`] bytes hold a NUL byte.
pub fn looks_binary(bytes: &[u8]) -> bool {
    memchr::memchr(0, &bytes[..bytes.len().min(BINARY_SNIFF)]).is_some()
}

/// Scans one input held in memory that may be an archive: with `limits.depth > 0` an archive is
/// opened and each member scanned under its nested name (`lib/app.jar!/config/app.properties`),
/// members that look binary skipped unless `include_binary`; an archive past a limit is skipped
/// with a warning and counted. Anything else is scanned as it is (the caller has done its own
/// binary test). `exposure` says where the archive itself sits; its members sit there too (a
/// `.env` in a jar is as shared as the jar).
pub fn scan_maybe_archive(
    pipeline: &crate::pipeline::Pipeline,
    name: &str,
    bytes: &[u8],
    limits: &archive::Limits,
    include_binary: bool,
    exposure: &dyn Fn() -> crate::pipeline::PathVerdict,
) {
    use crate::finding::Origin;
    use crate::pipeline::SkipReason;
    if limits.depth == 0 || !archive::sniff(bytes).is_archive() {
        pipeline.scan_bytes(bytes, &|| Origin::path(name));
        return;
    }
    let outcome = archive::walk(name, bytes, limits, &mut |member, data| {
        if pipeline.has_path_rules() {
            // Path rules (a `.env`, a keystore) apply to members too.
            pipeline.scan_path(member.as_bytes(), &|| Origin::path(member), exposure);
        }
        if !include_binary && looks_binary(data) {
            pipeline.stats.skip(SkipReason::Binary);
            return;
        }
        pipeline.scan_bytes(data, &|| Origin::path(member));
    });
    report_archive_outcome(pipeline, &outcome);
}

/// Warns about and counts an archive walk's bombs and unreadable archives.
pub fn report_archive_outcome(pipeline: &crate::pipeline::Pipeline, outcome: &archive::ArchiveOutcome) {
    for bomb in &outcome.bombs {
        pipeline.stats.skip(crate::pipeline::SkipReason::ArchiveLimit);
        pipeline.warn(format!(
            "{}: archive skipped: {} (limits: --archive-depth, archive size and ratio caps)",
            bomb.path, bomb.reason
        ));
    }
    for w in &outcome.warnings {
        pipeline.warn(format!("{w}; scanned what could be read"));
    }
}
