//! Docker client configuration: `~/.docker/config.json` (`auths` → registry → `auth`, base64 of
//! `user:password`, or `identitytoken`) and the legacy `~/.dockercfg` (registry → `auth`, `email`).
//! Format: <https://docs.docker.com/reference/cli/docker/#docker-cli-configuration-file-configjson-properties>.

use std::sync::OnceLock;

use regex::bytes::Regex;

use super::{base64_decode, label, printable, Hit};

/// The rule `format` this parser reports.
pub const FORMAT: &str = "docker-config";

fn patterns() -> &'static (Regex, Regex) {
    static RE: OnceLock<(Regex, Regex)> = OnceLock::new();
    RE.get_or_init(|| {
        (
            Regex::new(r#""(auth|identitytoken)"\s*:\s*"([^"\\\r\n]*)""#).expect("static pattern"),
            Regex::new(r#""([^"\\\r\n]+)"\s*:\s*\{"#).expect("static pattern"),
        )
    })
}

/// Appends each registry's stored password or identity token.
pub fn parse(bytes: &[u8], out: &mut Vec<Hit>) {
    let (value, object) = patterns();
    for caps in value.captures_iter(bytes) {
        let (field, v) = (&caps[1], caps.get(2).expect("group 2"));
        // The registry is the key of the innermost object opened before the value.
        let before = &bytes[..caps.get(0).expect("group 0").start()];
        let host = object
            .captures_iter(&before[before.len().saturating_sub(4096)..])
            .last()
            .map(|c| label(&c[1]))
            .unwrap_or_default();
        if field == b"identitytoken" {
            if v.is_empty() {
                continue;
            }
            out.push(Hit {
                format: FORMAT,
                start: v.start(),
                end: v.end(),
                secret: v.as_bytes().to_vec(),
                detail: format!("Docker registry identity token for {host}"),
            });
            continue;
        }
        let Some(decoded) = base64_decode(v.as_bytes()) else {
            continue;
        };
        let Some(colon) = decoded.iter().position(|&b| b == b':') else {
            continue;
        };
        let password = &decoded[colon + 1..];
        if password.is_empty() || !printable(&decoded) {
            continue;
        }
        out.push(Hit {
            format: FORMAT,
            start: v.start(),
            end: v.end(),
            secret: password.to_vec(),
            detail: format!(
                "Docker registry password for {host} (user {})",
                label(&decoded[..colon])
            ),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_auths_and_names_the_registry() {
        let text = "{\n  \"auths\": {\n    \"registry.example.com\": {\n      \"auth\": \"Y2k6czNjcjN0UGFzcw==\"\n    },\n    \"ghcr.io\": {}\n  }\n}";
        let mut out = Vec::new();
        parse(text.as_bytes(), &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].secret, b"s3cr3tPass");
        assert_eq!(
            out[0].detail,
            "Docker registry password for registry.example.com (user ci)"
        );
        assert_eq!(&text.as_bytes()[out[0].start..out[0].end], b"Y2k6czNjcjN0UGFzcw==");
    }
}
