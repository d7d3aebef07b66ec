//! The nested archive reader (zip, tar, gzip, zstd; `source::archive`) on arbitrary bytes: no
//! panic, no hang, bounded memory (tight limits), and every reported span inside the member it
//! names. A custom rule that matches plain words stands in for secrets, so seeds need no
//! real-looking token and findings still come out of every member.

#![no_main]

use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, LazyLock, Mutex};

use leakhound::config::Settings;
use leakhound::pipeline::Pipeline;
use leakhound::scan::{Match, Scanner, Scratch};
use leakhound::source::archive::{self, Limits};
use libfuzzer_sys::fuzz_target;

const RULES: &str = r#"
builtin_rules = false
[[rules]]
id = "fuzz-word"
name = "A plain word"
provider = "Fuzz"
description = "Matches common words of the seeds, as a stand-in for a secret."
regex = '''(?P<secret>(?:key|host|hello|inner|name|value)[a-z0-9 =.]{0,24})'''
keywords = ["key", "host", "hello", "inner", "name", "value"]
severity = "low"
confidence = "low"
examples = ["hello world"]
[rules.runbook]
url = "https://example.org/"
steps = "1. None."
"#;

/// Findings streamed by the shared pipeline, as JSON lines.
#[derive(Clone, Default)]
struct Shared(Arc<Mutex<Vec<u8>>>);

impl Write for Shared {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

struct Fixture {
    scanner: Scanner,
    pipeline: Pipeline,
    sink: Shared,
}

static FIX: LazyLock<Fixture> = LazyLock::new(|| {
    let settings = Settings::parse(RULES, "fuzz.toml".into()).expect("fuzz rules load");
    let scanner = Scanner::new(Arc::clone(&settings.rules), settings.secret_allow.clone()).unwrap();
    let again = Scanner::new(Arc::clone(&settings.rules), settings.secret_allow.clone()).unwrap();
    let sink = Shared::default();
    let pipeline = Pipeline::new(again, false, None, true).stream_to(Box::new(sink.clone()), false);
    Fixture { scanner, pipeline, sink }
});

fn limits() -> Limits {
    Limits {
        depth: 4,
        max_bytes: 8 << 20,
        max_entries: 2_000,
        max_ratio: 100,
        ratio_grace: 1 << 20,
        max_member_bytes: 2 << 20,
    }
}

fuzz_target!(|data: &[u8]| {
    let fix = &*FIX;
    let limits = limits();
    let name = "in.bin";
    // Every member, as the walker hands it out, with the scanner's matches checked on it.
    // Names may repeat (a tar may hold one path twice): keep every copy.
    let mut members: HashMap<String, Vec<Vec<u8>>> = HashMap::new();
    let mut scratch = Scratch::default();
    let mut found: Vec<Match> = Vec::new();
    let mut total = 0u64;
    let out = archive::walk(name, data, &limits, &mut |path, bytes| {
        assert!(path == name || path.starts_with("in.bin!/"), "member path {path:?}");
        total += bytes.len() as u64;
        found.clear();
        fix.scanner.scan(bytes, &mut scratch, &mut found);
        for m in &found {
            assert!(m.start < m.end && m.end <= bytes.len(), "span {}..{} outside {path} ({} bytes)", m.start, m.end, bytes.len());
        }
        members.entry(path.to_string()).or_default().push(bytes.to_vec());
    });
    assert!(total <= limits.max_bytes + data.len() as u64, "walk handed out {total} bytes");
    assert!(out.bytes <= limits.max_bytes);

    // The same input through the pipeline: each finding names a member and lies inside it.
    fix.sink.0.lock().unwrap().clear();
    leakhound::source::scan_maybe_archive(&fix.pipeline, name, data, &limits, true, &|| leakhound::finding::Exposure::Committed);
    let lines = std::mem::take(&mut *fix.sink.0.lock().unwrap());
    for line in lines.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        let f: serde_json::Value = serde_json::from_slice(line).expect("findings are JSON");
        let path = f["path"].as_str().unwrap();
        let copies = members
            .get(path)
            .unwrap_or_else(|| panic!("finding in {path:?}, which the walk never handed out"));
        let (l0, l1) = (f["line"].as_u64().unwrap(), f["end_line"].as_u64().unwrap());
        let secret = f["secret"].as_str().unwrap();
        let inside = |member: &Vec<u8>| {
            let last_line = 1 + member.iter().filter(|&&b| b == b'\n').count() as u64;
            1 <= l0
                && l0 <= l1
                && l1 <= last_line
                && (secret.contains('\u{fffd}') || member.windows(secret.len()).any(|w| w == secret.as_bytes()))
        };
        assert!(copies.iter().any(inside), "finding {secret:?} at lines {l0}..{l1} is not inside {path}");
    }
});
