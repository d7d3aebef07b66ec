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

/// Replaces control characters (including ESC and C1 controls) with visible escapes.
pub fn escape(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(|c| c.is_control() && c != '\n') {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push('\n'),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Like [`escape`] but also escapes newlines, for values printed on one line.
pub fn escape_line(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(|c| c.is_control()) {
        return std::borrow::Cow::Borrowed(s);
    }
    std::borrow::Cow::Owned(escape(s).replace('\n', "\\n"))
}

#[cfg(test)]
mod tests {
    use super::escape_line;

    #[test]
    fn terminal_escapes_are_neutralised() {
        assert_eq!(escape_line("a\x1b]0;pwned\x07b\nc"), "a\\u{1b}]0;pwned\\u{7}b\\nc");
        assert_eq!(escape_line("plain/path.rs"), "plain/path.rs");
    }
}
