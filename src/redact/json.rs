//! `--json-lines`: a line that is a JSON document gets its secrets masked inside its string
//! literals and stays valid JSON. Only the literals that held a secret are rewritten; every other
//! byte of the line (key order, spacing, number spelling) is kept. A literal with escape sequences
//! is also decoded and scanned, so `"-----BEGIN…\n…"` or `\u0067hp_…` cannot hide a secret.

use serde::de::IgnoredAny;

use crate::scan::{line_has_allow_comment, Match, Scanner, Scratch};

/// One secret to mask: the rule, the secret bytes, and the byte offset in the line to report.
pub(crate) type MaskFn<'a> = dyn FnMut(usize, &[u8], usize) -> String + 'a;

/// True when the line may be a JSON document (its first non-blank byte opens one).
pub(crate) fn is_candidate(line: &[u8]) -> bool {
    matches!(line.trim_ascii_start().first(), Some(b'{' | b'[' | b'"'))
}

/// Masks the secrets of a JSON line. `raw` are the scanner's matches on the line's bytes
/// (offsets relative to `line`, which excludes the line terminator). Returns `None` when the line
/// is not JSON or a match lies outside every string literal; the caller then masks the raw bytes.
pub(crate) fn redact_line(
    line: &[u8],
    raw: &[Match],
    scanner: &Scanner,
    applies: &[bool],
    scratch: &mut Scratch,
    mask: &mut MaskFn<'_>,
) -> Option<Vec<u8>> {
    // The scanner already dropped raw matches on a line with an allow comment; decoded strings
    // of that line are allowed too.
    let decode = memchr::memchr(b'\\', line).is_some() && !line_has_allow_comment(line, 0);
    if raw.is_empty() && !decode {
        return Some(line.to_vec());
    }
    if serde_json::from_slice::<IgnoredAny>(line).is_err() {
        return None;
    }
    let lits = string_literals(line);
    let mut per_lit: Vec<Vec<Match>> = vec![Vec::new(); lits.len()];
    for m in raw {
        let i = lits.partition_point(|l| l.0 < m.start).checked_sub(1)?;
        let (a, b, _) = lits[i];
        if !(a < m.start && m.end < b) {
            return None;
        }
        per_lit[i].push(*m);
    }
    let mut out = Vec::with_capacity(line.len() + 64);
    let mut prev = 0;
    let mut decoded_found = Vec::new();
    for (i, &(a, b, escaped)) in lits.iter().enumerate() {
        decoded_found.clear();
        let decoded = if escaped && decode {
            serde_json::from_slice::<String>(&line[a..b]).ok()
        } else {
            None
        };
        if let Some(d) = &decoded {
            scanner.scan(d.as_bytes(), scratch, &mut decoded_found);
            decoded_found.retain(|m| applies[m.rule]);
        }
        let mine = &per_lit[i];
        if decoded_found.is_empty() && mine.is_empty() {
            continue;
        }
        let replacement = match (&decoded, decoded_found.is_empty()) {
            (Some(d), false) if mine.is_empty() => {
                let masked = splice(d.as_bytes(), &decoded_found, &mut |m: &Match, secret: &[u8]| {
                    mask(m.rule, secret, a)
                });
                serde_json::to_vec(&String::from_utf8_lossy(&masked)).ok()?
            }
            (Some(d), false) => {
                // Secrets seen both decoded and raw: the literal becomes just their masks.
                let mut text = String::new();
                for m in decoded_found.iter() {
                    text.push_str(&mask(m.rule, &d.as_bytes()[m.start..m.end], a));
                }
                for m in mine {
                    text.push_str(&mask(m.rule, &line[m.start..m.end], m.start));
                }
                serde_json::to_vec(&text).ok()?
            }
            _ if escaped
                && mine
                    .iter()
                    .any(|m| splits_escape(line, a, b, m.start) || splits_escape(line, a, b, m.end)) =>
            {
                let mut text = String::new();
                for m in mine {
                    text.push_str(&mask(m.rule, &line[m.start..m.end], m.start));
                }
                serde_json::to_vec(&text).ok()?
            }
            _ => {
                let local: Vec<Match> = mine
                    .iter()
                    .map(|m| Match {
                        rule: m.rule,
                        start: m.start - a,
                        end: m.end - a,
                        confidence: m.confidence,
                        loose: m.loose,
                    })
                    .collect();
                splice(&line[a..b], &local, &mut |m: &Match, secret: &[u8]| {
                    let s = mask(m.rule, secret, m.start + a);
                    let quoted = serde_json::to_string(&s).expect("strings serialize");
                    quoted[1..quoted.len() - 1].to_string()
                })
            }
        };
        out.extend_from_slice(&line[prev..a]);
        out.extend_from_slice(&replacement);
        prev = b;
    }
    out.extend_from_slice(&line[prev..]);
    Some(out)
}

/// Replaces each match in `hay` with what `mask` returns, followed by the secret's own line
/// breaks (so that a masked multi-line secret keeps the line count).
pub(crate) fn splice(hay: &[u8], matches: &[Match], mask: &mut dyn FnMut(&Match, &[u8]) -> String) -> Vec<u8> {
    let mut out = Vec::with_capacity(hay.len() + 64);
    splice_into(&mut out, hay, matches, mask);
    out
}

/// Like [`splice`], appending to `out`.
pub(crate) fn splice_into(
    out: &mut Vec<u8>,
    hay: &[u8],
    matches: &[Match],
    mask: &mut dyn FnMut(&Match, &[u8]) -> String,
) {
    let mut prev = 0;
    for m in matches {
        if m.end <= prev {
            continue;
        }
        let start = m.start.max(prev);
        out.extend_from_slice(&hay[prev..start]);
        let secret = &hay[m.start..m.end];
        out.extend_from_slice(mask(m, secret).as_bytes());
        out.extend(secret.iter().filter(|&&c| c == b'\r' || c == b'\n'));
        prev = m.end;
    }
    out.extend_from_slice(&hay[prev..]);
}

/// The string literals of a valid JSON text: (offset of the opening quote, offset past the
/// closing quote, whether it holds an escape sequence), in order.
fn string_literals(text: &[u8]) -> Vec<(usize, usize, bool)> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(q) = memchr::memchr(b'"', &text[i..]) {
        let start = i + q;
        let mut j = start + 1;
        let mut escaped = false;
        while j < text.len() {
            match text[j] {
                b'\\' => {
                    escaped = true;
                    j += 2;
                }
                b'"' => break,
                _ => j += 1,
            }
        }
        let end = (j + 1).min(text.len());
        out.push((start, end, escaped));
        i = end;
    }
    out
}

/// True when `at` falls strictly inside an escape sequence of the literal `text[a..b]`.
fn splits_escape(text: &[u8], a: usize, b: usize, at: usize) -> bool {
    let mut j = a + 1;
    while j < b {
        if text[j] == b'\\' {
            let len = if text.get(j + 1) == Some(&b'u') { 6 } else { 2 };
            if at > j && at < j + len {
                return true;
            }
            j += len;
        } else {
            j += 1;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_are_found_with_their_escapes() {
        let t = br#"{"a":"x\"y","b":[1,"z"]}"#;
        let l = string_literals(t);
        assert_eq!(l.len(), 4);
        assert_eq!(&t[l[1].0..l[1].1], br#""x\"y""#);
        assert!(l[1].2 && !l[3].2);
    }

    #[test]
    fn escapes_are_not_split() {
        let t = br#""ab\u0067cd""#;
        assert!(splits_escape(t, 0, t.len(), 5));
        assert!(!splits_escape(t, 0, t.len(), 3));
        assert!(!splits_escape(t, 0, t.len(), 9));
    }
}
