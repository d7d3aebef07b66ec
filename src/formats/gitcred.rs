//! Git's credential store (`~/.git-credentials`, written by `git credential-store`): one URL per
//! line, `https://user:password@host`, with the user and password percent-encoded.
//! Format: <https://git-scm.com/docs/git-credential-store#_storage_format>.

use std::sync::OnceLock;

use regex::bytes::Regex;

use super::{label, percent_decode, Hit};

/// The rule `format` this parser reports.
pub const FORMAT: &str = "git-credentials";

fn entry() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?m)^[ \t]*[A-Za-z][A-Za-z0-9+.\-]*://([^\s:/@]*):([^\s/@]*)@([^\s/:?#]+)[^\s]*[ \t]*\r?$")
            .expect("static pattern")
    })
}

/// True when the file starts like a credential store: its first line is such a URL. Costs a look
/// at the first line only.
pub fn sniff(bytes: &[u8]) -> bool {
    let first = bytes.trim_ascii_start();
    let line = &first[..memchr::memchr(b'\n', first).unwrap_or(first.len())];
    line.len() < 2048 && (line.starts_with(b"http") || line.starts_with(b"ssh")) && entry().is_match(line)
}

/// Appends each stored URL's password, decoded.
pub fn parse(bytes: &[u8], out: &mut Vec<Hit>) {
    for caps in entry().captures_iter(bytes) {
        let (user, pass, host) = (&caps[1], caps.get(2).expect("group 2"), &caps[3]);
        if pass.is_empty() {
            continue;
        }
        out.push(Hit {
            format: FORMAT,
            start: pass.start(),
            end: pass.end(),
            secret: percent_decode(pass.as_bytes()),
            detail: format!(
                "Git credential-store password for {} (user {})",
                label(host),
                label(&percent_decode(user))
            ),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_each_line() {
        // Assembled at run time, so that scanning this repository finds no credential here.
        let text = format!(
            "https://bob:{}@git.example.com\nhttps://alice:{}@example.org/path\n",
            "p%40ss%2Fword1", "tok3n"
        );
        let text = text.as_bytes();
        assert!(sniff(text));
        let mut out = Vec::new();
        parse(text, &mut out);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].secret, b"p@ss/word1");
        assert_eq!(
            out[0].detail,
            "Git credential-store password for git.example.com (user bob)"
        );
        assert!(!sniff(b"fn main() {}\n"));
    }
}
