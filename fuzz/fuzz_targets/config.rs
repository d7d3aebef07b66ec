//! `.leakhound.toml` parsing: any text either loads or fails with an error, never a panic; what
//! loads (custom rules only, to keep iterations fast) builds a scanner that scans its own examples
//! and matches paths without panicking.

#![no_main]

use std::sync::Arc;

use leakhound::config::Settings;
use leakhound::scan::{Match, Scanner, Scratch};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(settings) = Settings::parse(text, "fuzz.toml".into()) else { return };
    assert!(!settings.rules.is_empty(), "an empty rule set must be an error");
    if settings.rules.rules.iter().any(|r| r.origin.starts_with("builtin:")) {
        return;
    }
    let scanner = Scanner::new(Arc::clone(&settings.rules), settings.secret_allow.clone())
        .expect("loaded rules build a scanner");
    let mut scratch = Scratch::default();
    let mut found: Vec<Match> = Vec::new();
    for rule in &settings.rules.rules {
        for ex in rule.spec.examples.iter().chain(&rule.spec.negative_examples) {
            found.clear();
            scanner.scan(ex.as_bytes(), &mut scratch, &mut found);
            assert!(found.iter().all(|m| m.start < m.end && m.end <= ex.len()));
        }
    }
    let mut hits = Vec::new();
    for path in ["a/.env", "deploy/prod/id_rsa", "x.key", ""] {
        scanner.path_matches(path.as_bytes(), &mut hits);
        let _ = settings.path_allow.is_match(path);
    }
});
