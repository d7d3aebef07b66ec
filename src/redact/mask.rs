//! The text written in place of a secret: a `--mask` format with placeholders, rendered per
//! finding. The rendered mask never holds more of the secret than the core's redaction rule shows.

use anyhow::{bail, Result};

use crate::finding::{fingerprint, redact_secret};
use crate::rules::Rule;

/// The default mask: rule id and the redacted form, e.g. `[REDACTED:github-classic-pat:ghp_…89]`.
pub const DEFAULT_MASK: &str = "[REDACTED:{rule}:{redacted}]";

/// Placeholders a mask may use.
pub const PLACEHOLDERS: &[&str] = &["rule", "provider", "name", "severity", "redacted", "fingerprint"];

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Rule,
    Provider,
    Name,
    Severity,
    Redacted,
    Fingerprint,
}

/// A parsed `--mask` format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mask {
    parts: Vec<Part>,
}

impl Mask {
    /// Parses a format: `{rule}`, `{provider}`, `{name}`, `{severity}`, `{redacted}`,
    /// `{fingerprint}`; `{{` and `}}` stand for literal braces.
    pub fn parse(format: &str) -> Result<Mask> {
        let mut parts = Vec::new();
        let mut text = String::new();
        let mut rest = format;
        while let Some(c) = rest.chars().next() {
            if rest.starts_with("{{") || rest.starts_with("}}") {
                text.push(c);
                rest = &rest[2..];
                continue;
            }
            if c == '}' {
                bail!("--mask {format:?}: unmatched `}}` (write `}}}}` for a literal brace)");
            }
            if c != '{' {
                text.push(c);
                rest = &rest[c.len_utf8()..];
                continue;
            }
            let Some(close) = rest.find('}') else {
                bail!("--mask {format:?}: unclosed `{{` (write `{{{{` for a literal brace)");
            };
            let part = match &rest[1..close] {
                "rule" => Part::Rule,
                "provider" => Part::Provider,
                "name" => Part::Name,
                "severity" => Part::Severity,
                "redacted" => Part::Redacted,
                "fingerprint" => Part::Fingerprint,
                other => bail!(
                    "--mask {format:?}: unknown placeholder `{{{other}}}` (known: {})",
                    PLACEHOLDERS
                        .iter()
                        .map(|p| format!("{{{p}}}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            if !text.is_empty() {
                parts.push(Part::Text(std::mem::take(&mut text)));
            }
            parts.push(part);
            rest = &rest[close + 1..];
        }
        if !text.is_empty() {
            parts.push(Part::Text(text));
        }
        Ok(Mask { parts })
    }

    /// The mask for `secret` found by `rule`.
    pub fn render(&self, rule: &Rule, secret: &[u8]) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Rule => out.push_str(&rule.spec.id),
                Part::Provider => out.push_str(&rule.spec.provider),
                Part::Name => out.push_str(&rule.spec.name),
                Part::Severity => out.push_str(rule.spec.severity.as_str()),
                Part::Redacted => out.push_str(&redacted_form(secret)),
                Part::Fingerprint => out.push_str(&fingerprint(&rule.spec.id, secret)),
            }
        }
        out
    }
}

/// The core's redaction of the secret without surrounding whitespace, on one line: a PEM body
/// shows its first characters, not its leading indentation or trailing newline.
fn redacted_form(secret: &[u8]) -> String {
    let text = String::from_utf8_lossy(secret.trim_ascii());
    let r = redact_secret(&text);
    if r.chars().any(char::is_control) {
        return r.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::builtin_rules;

    #[test]
    fn formats_parse_and_render_every_placeholder() {
        let rules = builtin_rules().unwrap();
        let rule = rules.get("github-classic-pat").unwrap();
        let m = Mask::parse("{{x}} {rule}|{provider}|{severity}|{redacted}|{fingerprint}").unwrap();
        let secret = b"ghp_abcdefghijklmnopqrstuvwxyz0123456789";
        let s = m.render(rule, secret);
        assert!(
            s.starts_with("{x} github-classic-pat|GitHub|critical|ghp_…89|lh1:"),
            "{s}"
        );
        assert_eq!(
            Mask::parse(DEFAULT_MASK).unwrap().render(rule, secret),
            "[REDACTED:github-classic-pat:ghp_…89]"
        );
    }

    #[test]
    fn bad_formats_are_rejected_with_the_known_placeholders() {
        let e = Mask::parse("{secret}").unwrap_err().to_string();
        assert!(
            e.contains("unknown placeholder `{secret}`") && e.contains("{redacted}"),
            "{e}"
        );
        assert!(Mask::parse("{rule").is_err());
        assert!(Mask::parse("rule}").is_err());
    }

    #[test]
    fn a_multi_line_secret_renders_on_one_line() {
        assert_eq!(
            redacted_form(b"  abcdefghijklmnopqrstuvwxyz\nabcdefghijklmnopqrstuvwxyz\n"),
            "abcd…yz"
        );
    }
}
