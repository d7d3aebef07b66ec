//! PostgreSQL's password file (`~/.pgpass`, `%APPDATA%\postgresql\pgpass.conf`): one line per
//! connection, `hostname:port:database:username:password`, any of the first four `*`, with `:`
//! and `\` escaped by a backslash; `#` starts a comment line.
//! Format: <https://www.postgresql.org/docs/current/libpq-pgpass.html>.

use super::{label, Hit};

/// The rule `format` this parser reports.
pub const FORMAT: &str = "pgpass";

/// Splits a line at unescaped colons: the byte ranges of its fields.
fn fields(line: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let (mut start, mut i) = (0, 0);
    while i < line.len() {
        match line[i] {
            b'\\' => i += 1,
            b':' if out.len() < 4 => {
                out.push((start, i));
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    out.push((start, line.len()));
    out
}

/// True when a line reads as a `.pgpass` entry: five fields, a port that is `*` or digits, no
/// spaces in the first four.
fn entry(line: &[u8]) -> Option<Vec<(usize, usize)>> {
    if line.starts_with(b"#") || line.len() > 1024 {
        return None;
    }
    let f = fields(line);
    if f.len() != 5
        || f[..4]
            .iter()
            .any(|&(s, e)| s == e || line[s..e].iter().any(u8::is_ascii_whitespace))
    {
        return None;
    }
    let port = &line[f[1].0..f[1].1];
    (port == b"*" || port.iter().all(u8::is_ascii_digit)).then_some(f)
}

/// True when the first line that is not a comment or blank reads as an entry.
pub fn sniff(bytes: &[u8]) -> bool {
    bytes
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .find(|l| !l.trim_ascii().is_empty() && !l.starts_with(b"#"))
        .is_some_and(|l| entry(l).is_some())
}

/// Appends each entry's password, unescaped.
pub fn parse(bytes: &[u8], out: &mut Vec<Hit>) {
    let mut pos = 0;
    for raw in bytes.split(|&b| b == b'\n') {
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        let base = pos;
        pos += raw.len() + 1;
        let Some(f) = entry(line) else { continue };
        let (s, e) = f[4];
        if s == e {
            continue;
        }
        let mut secret = Vec::with_capacity(e - s);
        let mut i = s;
        while i < e {
            if line[i] == b'\\' && i + 1 < e {
                i += 1;
            }
            secret.push(line[i]);
            i += 1;
        }
        let field = |k: usize| label(&line[f[k].0..f[k].1]);
        out.push(Hit {
            format: FORMAT,
            start: base + s,
            end: base + e,
            secret,
            detail: format!(
                "PostgreSQL password file entry for {}@{}:{}/{}",
                field(3),
                field(0),
                field(1),
                field(2)
            ),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_escapes_wildcards_and_skips_comments() {
        let text = b"# comment:1:2:3:4\ndb.example:5432:app:bob:s3cr\\:et\n*:*:*:rep:Pw9x\nbad line\nh:5432:d:u:\n";
        assert!(sniff(text));
        let mut out = Vec::new();
        parse(text, &mut out);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].secret, b"s3cr:et");
        assert_eq!(
            out[0].detail,
            "PostgreSQL password file entry for bob@db.example:5432/app"
        );
        assert_eq!(out[1].secret, b"Pw9x");
        assert!(!sniff(b"root:x:0:0:root:/root:/bin/bash\n"));
    }
}
