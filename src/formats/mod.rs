//! Parsers for credential files whose secret a regex cannot report as is: the stored password is
//! base64 of `user:password` (Docker `auths`, FileZilla), URL-encoded (`.git-credentials`) or base64
//! under a YAML key (Kubernetes Secret `data:`). Each parser reports the span of the stored value in
//! the file, the decoded secret and a line saying what it is ("FileZilla saved password for
//! ftp.example.com"); the pipeline turns that into a finding of the rule whose `format` names the
//! parser, through the same filters, redaction, baseline and output as regex matches. One cheap
//! pass over the bytes ([`parse`]) decides which parser, if any, runs; files that no parser
//! concerns cost that pass and nothing else. No I/O here, as in `scan`.

mod docker;
mod filezilla;
mod gitcred;
mod kubernetes;
mod pgpass;

use std::sync::OnceLock;

use regex::bytes::Regex;

/// The `format` names a rule may give, one per parser.
pub const FORMATS: &[&str] = &[
    docker::FORMAT,
    filezilla::FORMAT,
    gitcred::FORMAT,
    kubernetes::FORMAT,
    pgpass::FORMAT,
];

/// One stored credential found by a parser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// The parser's [`FORMATS`] name.
    pub format: &'static str,
    /// Byte offset of the stored (possibly encoded) value's first byte.
    pub start: usize,
    /// Byte offset one past its last byte.
    pub end: usize,
    /// The secret as the tool would use it (decoded).
    pub secret: Vec<u8>,
    /// What the entry is, naming the format and the host or key (never the secret).
    pub detail: String,
}

/// Markers of the formats, found in one pass; each alternative is one parser's sniff.
fn markers() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r#"(?P<docker>"(?:auths|identitytoken|email)"\s*:)|(?P<filezilla><FileZilla3)|(?P<k8s>(?m:^kind:[ \t]*["']?Secret["']?[ \t]*\r?$))"#)
            .expect("static pattern")
    })
}

/// Appends the credentials every applicable parser finds in `bytes`, in no particular order.
pub fn parse(bytes: &[u8], out: &mut Vec<Hit>) {
    if gitcred::sniff(bytes) {
        gitcred::parse(bytes, out);
    }
    if pgpass::sniff(bytes) {
        pgpass::parse(bytes, out);
    }
    let (mut docker, mut filezilla, mut k8s) = (false, false, false);
    for caps in markers().captures_iter(bytes) {
        docker |= caps.name("docker").is_some();
        filezilla |= caps.name("filezilla").is_some();
        k8s |= caps.name("k8s").is_some();
        if docker && filezilla && k8s {
            break;
        }
    }
    if docker {
        docker::parse(bytes, out);
    }
    if filezilla {
        filezilla::parse(bytes, out);
    }
    if k8s {
        kubernetes::parse(bytes, out);
    }
}

/// Decodes standard or URL-safe base64, padded or not, with no whitespace inside. `None` when the
/// input is not base64.
pub fn base64_decode(input: &[u8]) -> Option<Vec<u8>> {
    let trimmed = input
        .strip_suffix(b"==")
        .or_else(|| input.strip_suffix(b"="))
        .unwrap_or(input);
    if trimmed.len() % 4 == 1 {
        return None;
    }
    let mut out = vec![0u8; trimmed.len() * 3 / 4 + 1];
    let n = crate::scan::assign::decode_base64(trimmed, &mut out)?;
    out.truncate(n);
    Some(out)
}

/// Decodes `%XX` escapes (RFC 3986); a `%` not followed by two hex digits stays as is.
pub fn percent_decode(input: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        if input[i] == b'%' && i + 2 < input.len() {
            if let (Some(h), Some(l)) = (hex(input[i + 1]), hex(input[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(input[i]);
        i += 1;
    }
    out
}

/// True when decoded bytes read as a credential a person or tool typed: UTF-8 without control
/// characters (so binary blobs that happen to be valid base64 are not reported as passwords).
pub fn printable(bytes: &[u8]) -> bool {
    std::str::from_utf8(bytes).is_ok_and(|s| !s.chars().any(char::is_control))
}

/// Text of a host or key name for a detail line: lossy, without control characters, at most 100
/// characters.
pub fn label(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .chars()
        .filter(|c| !c.is_control())
        .take(100)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_and_percent_decoding() {
        assert_eq!(base64_decode(b"dXNlcjpwYXNz").unwrap(), b"user:pass");
        assert_eq!(base64_decode(b"dXNlcjpwYXM=").unwrap(), b"user:pas");
        assert_eq!(base64_decode(b"dXNlcjpwYQ").unwrap(), b"user:pa");
        assert!(base64_decode(b"not base64!").is_none());
        assert_eq!(percent_decode(b"p%40ss%2Fw%3Ard%"), b"p@ss/w:rd%");
        assert_eq!(percent_decode(b"%4"), b"%4");
    }
}
