//! The scanner with the built-in catalogue on arbitrary bytes: no panic, no hang, every match a
//! non-empty span inside the input, in position order, and every finding buildable from it.

#![no_main]

use std::sync::{Arc, LazyLock};

use leakhound::finding::{Finding, Origin, Span};
use leakhound::scan::{LineCounter, Match, Scanner, Scratch, SecretAllow};
use libfuzzer_sys::fuzz_target;

static SCANNER: LazyLock<Scanner> = LazyLock::new(|| {
    let rules = leakhound::config::builtin_rules().expect("built-in rules load");
    Scanner::new(Arc::new(rules), SecretAllow::default()).expect("scanner builds")
});

fuzz_target!(|data: &[u8]| {
    let scanner = &*SCANNER;
    let mut scratch = Scratch::default();
    let mut found: Vec<Match> = Vec::new();
    scanner.scan(data, &mut scratch, &mut found);
    let mut lines = LineCounter::new();
    let mut last = 0;
    for m in &found {
        assert!(m.start < m.end && m.end <= data.len(), "span {}..{} outside 0..{}", m.start, m.end, data.len());
        assert!(m.start >= last, "matches out of order");
        last = m.start;
        let rule = &scanner.rules().rules[m.rule];
        let (line, column) = lines.locate(data, m.start);
        let (end_line, end_column) = lines.locate(data, m.end);
        assert!((line, column) <= (end_line, end_column));
        let span = Span { line, column, end_line, end_column };
        for redact in [true, false] {
            let f = Finding::new(rule, &data[m.start..m.end], span, Origin::path("fuzz"), redact);
            assert_eq!(f.rule_id, rule.spec.id);
        }
    }
});
