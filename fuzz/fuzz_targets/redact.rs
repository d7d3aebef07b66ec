//! The `redact` stream (`redact::filter`) on arbitrary bytes, fed in reads of a fuzzed size, with
//! and without `--json-lines`: no panic, every byte and newline accounted for, the output equal to
//! the input wherever nothing was masked, and never longer than the input plus one mask per secret.
//! The target plants a built-in rule's own example (taken from the rule set at run time, so no seed
//! holds a token) and, now and then, a line longer than `redact::LONG_LINE`, which is released in
//! chunks.

#![no_main]

use std::io::Read;
use std::sync::{Arc, LazyLock};

use leakhound::pipeline::Pipeline;
use leakhound::redact::{filter, Mask, Options, LONG_LINE};
use leakhound::scan::{Scanner, SecretAllow};
use libfuzzer_sys::fuzz_target;

/// Wraps each mask; the byte 0xEE is removed from inputs, so the marker only comes from a mask.
const MARK: &str = "\u{e000}";

struct Fixture {
    pipeline: Pipeline,
    examples: Vec<String>,
    ids: Vec<String>,
}

static FIX: LazyLock<Fixture> = LazyLock::new(|| {
    let rules = leakhound::config::builtin_rules().expect("built-in rules load");
    let examples = rules.rules.iter().flat_map(|r| r.spec.examples.iter().cloned()).collect();
    let ids = rules.rules.iter().map(|r| r.spec.id.clone()).collect();
    let scanner = Scanner::new(Arc::new(rules), SecretAllow::default()).expect("scanner builds");
    let pipeline = Pipeline::new(scanner, true, None, true).stream_to(Box::new(std::io::sink()), false);
    Fixture { pipeline, examples, ids }
});

/// Hands out at most `step` bytes per read.
struct Trickle<'a>(&'a [u8], usize);

impl Read for Trickle<'_> {
    fn read(&mut self, b: &mut [u8]) -> std::io::Result<usize> {
        let n = b.len().min(self.1).min(self.0.len());
        b[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() {
        return Some(from);
    }
    hay.get(from..)?.windows(needle.len()).position(|w| w == needle).map(|p| p + from)
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 5 {
        return;
    }
    let fix = &*FIX;
    let ctl = data[0];
    let pick = usize::from(u16::from_le_bytes([data[1], data[2]]));
    let at = usize::from(u16::from_le_bytes([data[3], data[4]]));
    let mut input: Vec<u8> = data[5..].iter().copied().filter(|&b| b != 0xEE).collect();
    if ctl & 0x10 != 0 && !fix.examples.is_empty() {
        let ex = &fix.examples[pick % fix.examples.len()];
        let at = at % (input.len() + 1);
        input.splice(at..at, ex.bytes().filter(|&b| b != 0xEE));
    }
    let long = ctl & 0xE0 == 0x60;
    if long {
        let at = (at / 7) % (input.len() + 1);
        input.splice(at..at, std::iter::repeat_n(b'x', LONG_LINE + 4096));
    }
    let json_lines = ctl & 1 != 0;
    let step = [1, 3, 64, 4095, 65536, 1 << 20, usize::MAX, 17][usize::from(ctl >> 1) & 7];
    // A byte at a time through a megabyte line only slows the search down.
    let step = if long { step.max(4095) } else { step };
    let opts = Options {
        mask: Mask::parse(&format!("{MARK}{{rule}}{MARK}")).unwrap(),
        json_lines,
        label: "fuzz.log".into(),
    };
    let mut out = Vec::new();
    let totals = filter(&fix.pipeline, &opts, &mut Trickle(&input, step), &mut out).expect("in-memory I/O");

    let newlines = |b: &[u8]| b.iter().filter(|&&c| c == b'\n').count() as u64;
    assert_eq!(totals.bytes, input.len() as u64);
    assert_eq!(totals.lines, newlines(&input));
    assert_eq!(newlines(&out), newlines(&input), "a line break was added or removed");
    let longest_id = fix.ids.iter().map(String::len).max().unwrap_or(0);
    let bound = input.len() as u64 + totals.masked * (2 * MARK.len() + longest_id) as u64;
    assert!(out.len() as u64 <= bound, "{} bytes out for {} in, {} masks", out.len(), input.len(), totals.masked);
    if totals.masked == 0 {
        assert!(out == input, "nothing masked, yet the output differs from the input");
    }
    if json_lines {
        // A JSON literal holding a secret is re-encoded as a whole; the checks above hold.
        return;
    }
    // Plain mode: out = t0 MARK id MARK t1 MARK id MARK t2 ..., and the input is t0 s1 t1 s2 t2 ...
    // with each s a secret. After a mask come the secret's own line breaks, then the rest.
    let parts: Vec<&[u8]> = split_mark(&out);
    assert_eq!(parts.len() % 2, 1, "unbalanced mask markers");
    let masks = parts.len() as u64 / 2;
    assert_eq!(masks, totals.masked, "masks in the output differ from the secrets counted");
    let mut pos = 0;
    for (i, part) in parts.iter().enumerate() {
        if i % 2 == 1 {
            let id = std::str::from_utf8(part).expect("rule ids are text");
            assert!(fix.ids.iter().any(|r| r == id), "mask holds unknown rule {id:?}");
            continue;
        }
        if i == 0 {
            assert!(input.starts_with(part), "the output's start differs from the input's");
            pos = part.len();
            continue;
        }
        let text: &[u8] = {
            let k = part.iter().take_while(|&&c| c == b'\r' || c == b'\n').count();
            &part[k..]
        };
        let Some(p) = find(&input, text, pos + 1) else {
            panic!("unmasked text {:?} is not in the input after byte {pos}", String::from_utf8_lossy(text));
        };
        if i == parts.len() - 1 {
            assert!(input.ends_with(text), "the output's end differs from the input's");
        }
        pos = p + text.len();
    }
});

/// Splits `out` on [`MARK`].
fn split_mark(out: &[u8]) -> Vec<&[u8]> {
    let m = MARK.as_bytes();
    let mut parts = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i + m.len() <= out.len() {
        if &out[i..i + m.len()] == m {
            parts.push(&out[start..i]);
            i += m.len();
            start = i;
        } else {
            i += 1;
        }
    }
    parts.push(&out[start..]);
    parts
}
