//! The one place that writes warnings and errors to stderr, so output stays in `report/` and
//! every message has the same shape: `leakhound: error: …`. Control characters from file names and
//! content are escaped so nothing printed can drive the terminal.

use std::io::Write;

/// Prints an error line.
pub fn error(msg: &str) {
    let _ = writeln!(std::io::stderr().lock(), "leakhound: error: {}", escape(msg));
}

/// Prints a warning line.
pub fn warn(msg: &str) {
    let _ = writeln!(std::io::stderr().lock(), "leakhound: warning: {}", escape(msg));
}

/// True for characters that must never reach a terminal raw: C0 and C1 controls (ESC, BEL, CSI,
/// OSC, ...), DEL, and the bidirectional formatting characters that make text display in another
/// order than it is stored ("Trojan Source", CVE-2021-42574).
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Replaces control characters (including ESC and C1 controls) and bidirectional overrides with
/// visible escapes; newlines are kept.
pub fn escape(s: &str) -> std::borrow::Cow<'_, str> {
    escape_with(s, false)
}

/// Like [`escape`] but also escapes newlines, for values printed on one line.
pub fn escape_line(s: &str) -> std::borrow::Cow<'_, str> {
    escape_with(s, true)
}

fn escape_with(s: &str, newline: bool) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(|c| is_unsafe(c) && (newline || c != '\n')) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' if !newline => out.push('\n'),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if is_unsafe(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::escape_line;

    #[test]
    fn terminal_escapes_are_neutralised() {
        assert_eq!(escape_line("a\x1b]0;pwned\x07b\nc"), "a\\u{1b}]0;pwned\\u{7}b\\nc");
        assert_eq!(escape_line("plain/path.rs"), "plain/path.rs");
        // C1 CSI, DEL and a right-to-left override.
        assert_eq!(escape_line("a\u{9b}2Jb\u{7f}\u{202e}c"), "a\\u{9b}2Jb\\u{7f}\\u{202e}c");
        assert_eq!(super::escape("one\ntwo\x1b[31m"), "one\ntwo\\u{1b}[31m");
    }
}
