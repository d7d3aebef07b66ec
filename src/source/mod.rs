//! Where bytes come from. Each source walks its inputs and hands each one, with a way to name its
//! origin, to the scan [`Pipeline`](crate::pipeline::Pipeline); sources know nothing of rules or
//! reports.

pub mod decode;
pub mod fs;
pub mod git;
pub mod stdin;

/// How many leading bytes are inspected to decide that an input is binary.
pub const BINARY_SNIFF: usize = 8 << 10;

/// True when the first [`BINARY_SNIFF`] bytes hold a NUL byte.
pub fn looks_binary(bytes: &[u8]) -> bool {
    memchr::memchr(0, &bytes[..bytes.len().min(BINARY_SNIFF)]).is_some()
}
