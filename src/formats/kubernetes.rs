//! Kubernetes Secret manifests in YAML: a document with `kind: Secret` whose `data:` map holds
//! base64 values and whose `stringData:` map holds plain ones. Base64 is an encoding, not
//! encryption: each value is decoded and reported at its own line, except keys that name a
//! non-secret setting (`username`, `host`, `port`, certificates).
//! Format: <https://kubernetes.io/docs/concepts/configuration/secret/>.

use super::{base64_decode, label, printable, Hit};

/// The rule `format` this parser reports.
pub const FORMAT: &str = "kubernetes-secret";

/// Keys whose values configure a connection rather than authenticate it.
const NOT_SECRET: &[&str] = &[
    "username",
    "user",
    "login",
    "host",
    "hostname",
    "port",
    "database",
    "db",
    "dbname",
    "namespace",
    "email",
    "ca.crt",
    "tls.crt",
    "service.name",
    "region",
    "endpoint",
];

/// One line: its start offset and bytes without the line break.
fn lines(bytes: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    let mut pos = 0;
    std::iter::from_fn(move || {
        if pos >= bytes.len() {
            return None;
        }
        let end = memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |p| pos + p);
        let start = pos;
        pos = end + 1;
        let line = &bytes[start..end];
        Some((start, line.strip_suffix(b"\r").unwrap_or(line)))
    })
}

fn indent(line: &[u8]) -> usize {
    line.iter().take_while(|&&b| b == b' ' || b == b'\t').count()
}

fn unquote(v: &[u8]) -> (usize, &[u8]) {
    let t = v.trim_ascii();
    let lead = v.len() - v.trim_ascii_start().len();
    match t {
        [q @ (b'"' | b'\''), inner @ .., e] if q == e => (lead + 1, inner),
        _ => (lead, t),
    }
}

/// Appends the values of every Secret document's `data` and `stringData`.
pub fn parse(bytes: &[u8], out: &mut Vec<Hit>) {
    // Per document: whether it is a Secret, its name, and its values (offset, key, value, plain).
    let mut doc: Vec<(usize, &[u8], &[u8], bool)> = Vec::new();
    let (mut is_secret, mut name): (bool, &[u8]) = (false, b"");
    let mut section: Option<(bool, Option<usize>)> = None; // (plain, key indent)
    let mut in_metadata = false;
    let mut flush = |doc: &mut Vec<(usize, &[u8], &[u8], bool)>, is_secret: bool, name: &[u8]| {
        if is_secret {
            for &(start, key, value, plain) in doc.iter() {
                let secret = if plain {
                    value.to_vec()
                } else {
                    match base64_decode(value) {
                        Some(d) if printable(&d) => d,
                        _ => continue,
                    }
                };
                if secret.trim_ascii().is_empty() {
                    continue;
                }
                out.push(Hit {
                    format: FORMAT,
                    start,
                    end: start + value.len(),
                    secret,
                    detail: format!("Kubernetes Secret {} key {}", label(name), label(key)),
                });
            }
        }
        doc.clear();
    };
    for (start, line) in lines(bytes) {
        if line.starts_with(b"---") {
            flush(&mut doc, is_secret, name);
            (is_secret, name, section, in_metadata) = (false, b"", None, false);
            continue;
        }
        let t = line.trim_ascii();
        if t.is_empty() || t.starts_with(b"#") {
            continue;
        }
        let ind = indent(line);
        if ind == 0 {
            section = None;
            in_metadata = t == b"metadata:";
            if let Some(v) = t.strip_prefix(b"kind:") {
                is_secret = unquote(v).1 == b"Secret";
            } else if t == b"data:" || t == b"stringData:" {
                section = Some((t == b"stringData:", None));
            }
            continue;
        }
        if in_metadata && name.is_empty() {
            if let Some(v) = t.strip_prefix(b"name:") {
                name = unquote(v).1;
            }
            continue;
        }
        let Some((plain, key_indent)) = &mut section else {
            continue;
        };
        if key_indent.is_some_and(|k| ind > k) {
            continue; // inside a block scalar or nested map
        }
        *key_indent = Some(ind);
        let Some(colon) = memchr::memchr(b':', &line[ind..]).map(|c| ind + c) else {
            continue;
        };
        let key = unquote(&line[ind..colon]).1;
        let raw = &line[colon + 1..];
        let (off, value) = unquote(raw);
        let lower = key.to_ascii_lowercase();
        if value.is_empty()
            || value.starts_with(b"|")
            || value.starts_with(b">")
            || value.starts_with(b"#")
            || NOT_SECRET.iter().any(|n| n.as_bytes() == lower.as_slice())
        {
            continue;
        }
        doc.push((start + colon + 1 + off, key, value, *plain));
    }
    flush(&mut doc, is_secret, name);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_data_and_reads_string_data() {
        // Values assembled at run time: the source itself must not read as a leaked secret.
        let pw = ["czNjcjN0", "UGFzcw=="].concat();
        let plain = ["plainKey", "123"].concat();
        let text = format!(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  username: YWRtaW4=\n  password: {pw}\n  # token: b2xk\nstringData:\n  api-key: \"{plain}\"\n---\nkind: ConfigMap\ndata:\n  password: {pw}\n"
        );
        let mut out = Vec::new();
        parse(text.as_bytes(), &mut out);
        assert_eq!(out.len(), 2, "{out:?}");
        assert_eq!(out[0].secret, b"s3cr3tPass");
        assert_eq!(out[0].detail, "Kubernetes Secret db key password");
        assert_eq!(&text.as_bytes()[out[0].start..out[0].end], pw.as_bytes());
        assert_eq!(out[1].secret, plain.as_bytes());
        assert_eq!(&text.as_bytes()[out[1].start..out[1].end], plain.as_bytes());
    }
}
