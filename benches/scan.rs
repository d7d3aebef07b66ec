//! `cargo bench`: throughput of the scanner library on a corpus generated here, at bench time.
//!
//! The corpus is real-shaped source (Rust, Python, JavaScript, YAML and `.env` files built from
//! line templates, with the words secret scanners trip over, such as `token`, `password`, `secret`
//! and `redis`, at natural rates) with a fake credential planted about every 256 KiB. The planted
//! keys are assembled from pieces at run time, so this file holds none. Same seed, same corpus, so
//! runs are comparable across commits.
//!
//! Reported: scanner set-up, single-thread throughput (MB/s per core), the same with every worker
//! thread, planted keys found (a recall check: the benchmark fails if one is missed), and the cost
//! of a rule hit, rule by rule: each rule's own examples planted densely in filler text, minus
//! the cost of the filler. Plain `std::time`: the figures that matter are seconds-scale
//! throughputs, not nanosecond differences, so a statistics crate would add build time and no
//! information.
//!
//! Environment: `LEAKHOUND_BENCH_MB` (corpus size, default 64), `LEAKHOUND_BENCH_SECS` (minimum
//! measuring time per figure, default 2).

// A benchmark's report is its standard output.
#![allow(clippy::print_stdout)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use leakhound::config::builtin_rules;
use leakhound::scan::checksum::{base62_6, crc32};
use leakhound::scan::{Match, Scanner, Scratch, SecretAllow};

/// Deterministic xorshift64* generator: the corpus must not change between runs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
    fn chars(&mut self, alphabet: &[u8], n: usize) -> String {
        (0..n).map(|_| alphabet[self.below(alphabet.len())] as char).collect()
    }
}

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const UPPER_DIGITS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Ordinary identifiers.
const WORDS: &[&str] = &[
    "buffer", "count", "index", "value", "result", "handler", "request", "response", "client", "server", "config",
    "options", "state", "cache", "entry", "items", "node", "parent", "child", "offset", "length", "name", "path",
    "file", "reader", "writer", "stream", "event", "queue", "worker", "thread", "timeout", "retry", "status", "error",
    "message", "payload", "header", "context", "schema", "record", "table", "query", "cursor", "limit", "page", "user",
    "account", "profile", "order", "invoice", "price", "amount",
];
/// Identifiers holding words that make keyword prefilters fire in real code, drawn for one identifier
/// in 400. The benchmark prints how often keywords hit on the corpus; for comparison, the 75-rule
/// catalogue hit once per 6.5 KB of git/git's tree, 5 KB of tokio's and 16 KB of Linux's.
const KEYWORD_WORDS: &[&str] = &[
    "token",
    "secret_name",
    "password_hash",
    "session",
    "redis_url",
    "postgres_pool",
    "mysql_host",
    "access_level",
    "aws_region",
    "tokenizer",
    "precious",
];
const TYPES: &[&str] = &[
    "Config", "Request", "Response", "Client", "Error", "Buffer", "Session", "Entry", "Handle", "Table",
];
const SENTENCES: &[&str] = &[
    "validate the input before it reaches the parser",
    "the cache is flushed when the worker shuts down",
    "retry with exponential backoff, capped at five attempts",
    "TODO: remove once every caller has migrated",
    "offsets are in bytes, not characters",
    "SAFETY: the buffer outlives the reader",
    "the caller holds the lock while this runs",
    "see the module documentation for the wire format",
    "an empty list means no limit",
    "this is hot: keep allocations out of the loop",
    "errors here are logged and the request goes on",
    "the order of these fields is part of the format",
    "fall back to the defaults when the file is missing",
    "this mirrors the upstream behaviour of the client",
    "numbers are little-endian on the wire",
    "the handler may be called from any thread",
    "only the first match is used",
    "a zero timeout disables the check",
    "the returned slice borrows from the input",
    "keep in sync with the schema migration",
    "the first byte is a version tag",
    "this can be removed when the minimum version is raised",
    "used by the integration tests only",
    "the list is sorted, so a binary search works",
    "read the password from the environment, never from this file",
];

fn word(rng: &mut Rng) -> &'static str {
    if rng.below(400) == 0 {
        rng.pick(KEYWORD_WORDS)
    } else {
        rng.pick(WORDS)
    }
}

#[derive(Clone, Copy)]
enum Lang {
    Rust,
    Python,
    Js,
    Yaml,
    Env,
}

fn line(rng: &mut Rng, lang: Lang) -> String {
    let (a, b, c) = (word(rng), word(rng), word(rng));
    let t = rng.pick(TYPES);
    let s = rng.pick(SENTENCES);
    let n = rng.below(10_000);
    match lang {
        Lang::Rust => match rng.below(8) {
            0 => format!("use crate::{a}::{{{t}, {b}}};"),
            1 => format!("pub fn {a}_{b}(&self, {c}: &{t}) -> Result<{t}, Error> {{"),
            2 => format!("    let {a} = self.{b}.{c}({n})?;"),
            3 => format!("    // {s}"),
            4 => format!("    if {a}.len() > {n} {{ return Err(Error::{t}); }}"),
            5 => format!("    tracing::debug!(\"{s}: {{}}\", {a});"),
            6 => "}".to_string(),
            _ => format!("    {a}.{b}.insert({n}, {t}::new(&{c}));"),
        },
        Lang::Python => match rng.below(7) {
            0 => format!("def {a}_{b}(self, {c}, timeout={n}):"),
            1 => format!("    {a} = self.{b}.get(\"{c}\", {n})"),
            2 => format!("    # {s}"),
            3 => format!("    return [{a} for {a} in {b} if {a}.{c}]"),
            4 => format!("import {a}.{b} as {c}"),
            5 => format!("    logger.info(\"{s} %s\", {a})"),
            _ => format!("    {a}_{b} = os.environ.get(\"{}\")", c.to_ascii_uppercase()),
        },
        Lang::Js => match rng.below(7) {
            0 => format!("const {a} = require('./{b}');"),
            1 => format!("function {a}{t}({b}, {c}) {{"),
            2 => format!("  return {a}.map(({b}) => {b}.{c} + {n});"),
            3 => format!("  // {s}"),
            4 => format!("export const {a}_{b} = new {t}({{ {c}: {n} }});"),
            5 => "}".to_string(),
            _ => format!("  await this.{a}.{b}(`{s}`);"),
        },
        Lang::Yaml => match rng.below(5) {
            0 => format!("{a}:"),
            1 => format!("  {b}: {n}"),
            2 => format!("  {c}: \"{s}\""),
            3 => format!("  - name: {a}-{b}"),
            _ => format!("# {s}"),
        },
        Lang::Env => match rng.below(4) {
            0 => format!("{}_{}={n}", a.to_ascii_uppercase(), b.to_ascii_uppercase()),
            1 => format!("# {s}"),
            2 => format!("{}_NAME={c}", a.to_ascii_uppercase()),
            _ => format!("{}_URL=https://{b}.internal/{c}", a.to_ascii_uppercase()),
        },
    }
}

/// A fake credential of one of several providers, assembled from pieces.
fn planted_key(rng: &mut Rng) -> String {
    match rng.below(6) {
        0 => {
            let random = rng.chars(ALNUM, 30);
            let check = base62_6(crc32(random.as_bytes()));
            let check = String::from_utf8_lossy(&check).into_owned();
            format!("GITHUB_TOKEN={}{}{random}{check}", "ghp", "_")
        }
        1 => format!(
            "aws_access_key_id = {}{}",
            "AK",
            "IA".to_string() + &rng.chars(UPPER_DIGITS, 16)
        ),
        2 => format!("aws_secret_access_key = \"{}\"", rng.chars(B64, 40)),
        3 => format!("stripe.api_key = \"{}_{}_{}\"", "sk", "live", rng.chars(ALNUM, 24)),
        4 => format!(
            "SLACK_BOT={}-{}-{}-{}",
            "xoxb",
            10_000_000 + rng.below(89_999_999),
            100_000_000_000u64 + rng.next() % 899_999_999_999,
            rng.chars(ALNUM, 24)
        ),
        _ => format!(
            "DATABASE_URL={}://app:{}@db.internal:5432/app",
            "postgres",
            rng.chars(ALNUM, 20)
        ),
    }
}

/// Files of about `total` bytes with a planted key about every `every` bytes. Returns the files
/// and the number of keys planted.
fn corpus(total: usize, every: usize, seed: u64) -> (Vec<Vec<u8>>, usize) {
    let mut rng = Rng(seed);
    let langs = [Lang::Rust, Lang::Python, Lang::Js, Lang::Yaml, Lang::Env];
    let (mut files, mut size, mut planted, mut next_plant) = (Vec::new(), 0, 0, every / 2);
    while size < total {
        let lang = langs[rng.below(langs.len())];
        let target = match lang {
            Lang::Env => 200 + rng.below(2_000),
            Lang::Yaml => 500 + rng.below(8_000),
            _ => 1_000 + rng.below(40_000),
        };
        let mut text = String::with_capacity(target + 128);
        while text.len() < target {
            if size + text.len() >= next_plant {
                text.push_str(&planted_key(&mut rng));
                planted += 1;
                next_plant += every;
            } else {
                text.push_str(&line(&mut rng, lang));
            }
            text.push('\n');
        }
        size += text.len();
        files.push(text.into_bytes());
    }
    (files, planted)
}

/// Runs `f` until at least `min` has passed; returns seconds per call.
fn time_per_call(min: Duration, mut f: impl FnMut() -> usize) -> (f64, usize) {
    let mut out = f(); // warm: regexes are compiled on first use
    let start = Instant::now();
    let mut calls = 0u32;
    while start.elapsed() < min || calls < 3 {
        out = std::hint::black_box(f());
        calls += 1;
    }
    (start.elapsed().as_secs_f64() / calls as f64, out)
}

fn scan_all(scanner: &Scanner, files: &[Vec<u8>], scratch: &mut Scratch, out: &mut Vec<Match>) -> usize {
    let mut found = 0;
    for f in files {
        out.clear();
        scanner.scan(f, scratch, out);
        found += out.len();
    }
    found
}

fn env_num(name: &str, default: f64) -> f64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn main() {
    let mb = env_num("LEAKHOUND_BENCH_MB", 64.0);
    let min = Duration::from_secs_f64(env_num("LEAKHOUND_BENCH_SECS", 2.0));
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());

    let t = Instant::now();
    let rules = Arc::new(builtin_rules().expect("built-in rules load"));
    let scanner = Scanner::new(rules.clone(), SecretAllow::default()).expect("scanner builds");
    let setup = t.elapsed();

    let (files, planted) = corpus((mb * 1e6) as usize, 256 << 10, 0x1ea4_4017);
    let bytes: usize = files.iter().map(Vec::len).sum();
    println!("leakhound scanner benchmark: {} rules", rules.len());
    println!(
        "corpus: {} files, {:.1} MB of generated Rust/Python/JS/YAML/.env, {planted} planted keys",
        files.len(),
        bytes as f64 / 1e6
    );
    println!(
        "scanner set-up (parse rules, build keyword prefilter): {:.2} ms",
        setup.as_secs_f64() * 1e3
    );
    let keywords: Vec<String> = rules
        .rules
        .iter()
        .flat_map(|r| r.spec.keywords.iter().map(|k| k.to_ascii_lowercase()))
        .collect();
    let finder = leakhound::scan::prefilter::KeywordFinder::new(&keywords).expect("keyword prefilter");
    let mut kw_hits = 0usize;
    for f in &files {
        finder.for_each_hit(f, |_| kw_hits += 1);
    }
    println!(
        "keyword hits (each runs a rule's regex on a window): {kw_hits}, one per {:.1} KB",
        bytes as f64 / 1e3 / kw_hits.max(1) as f64
    );

    // One thread.
    let (mut scratch, mut out) = (Scratch::default(), Vec::new());
    let (secs, found) = time_per_call(min, || scan_all(&scanner, &files, &mut scratch, &mut out));
    println!(
        "1 thread:  {:7.0} MB/s per core ({:.3} s per pass)",
        bytes as f64 / 1e6 / secs,
        secs
    );

    // Every core, files dealt round-robin (the corpus is many similar files, as a tree is).
    let (secs_mt, _) = time_per_call(min, || {
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads)
                .map(|i| {
                    let (scanner, files) = (&scanner, &files);
                    s.spawn(move || {
                        let (mut scratch, mut out) = (Scratch::default(), Vec::new());
                        let mut n = 0;
                        for f in files.iter().skip(i).step_by(threads) {
                            out.clear();
                            scanner.scan(f, &mut scratch, &mut out);
                            n += out.len();
                        }
                        n
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().expect("worker")).sum()
        })
    });
    let agg = bytes as f64 / 1e6 / secs_mt;
    println!(
        "{threads} threads: {agg:7.0} MB/s total, {:.0} MB/s per core",
        agg / threads as f64
    );
    println!("planted keys found: {found} of {planted}");

    // Cost per rule hit: each rule's examples planted every 2 KiB of filler, minus the filler.
    let (filler_files, _) = corpus(2 << 20, usize::MAX, 7);
    let filler: Vec<u8> = filler_files.concat();
    let (filler_secs, _) = time_per_call(min / 8, || {
        scan_all(&scanner, std::slice::from_ref(&filler), &mut scratch, &mut out)
    });
    let filler_ns_per_byte = filler_secs * 1e9 / filler.len() as f64;
    let mut costs = Vec::new();
    for rule in &rules.rules {
        let mut hay = Vec::with_capacity(filler.len() + 1024);
        let mut hits = 0usize;
        for (i, chunk) in filler.chunks(2048).enumerate() {
            hay.extend_from_slice(chunk);
            let example = &rule.spec.examples[i % rule.spec.examples.len()];
            hay.push(b'\n');
            hay.extend_from_slice(example.as_bytes());
            hay.push(b'\n');
            hits += 1;
        }
        let hay = [hay];
        let (secs, found) = time_per_call(min / 32, || scan_all(&scanner, &hay, &mut scratch, &mut out));
        let extra = secs * 1e9 - filler_ns_per_byte * hay[0].len() as f64;
        costs.push((extra.max(0.0) / hits as f64, rule.spec.id.clone(), found, hits));
    }
    costs.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mean = costs.iter().map(|c| c.0).sum::<f64>() / costs.len() as f64;
    println!(
        "cost per rule hit (regex confirmation, filters): mean {:.0} ns over {} rules; costliest:",
        mean,
        costs.len()
    );
    for (ns, id, found, hits) in costs.iter().take(8) {
        println!("  {ns:8.0} ns  {id} ({found} found of {hits} planted examples)");
    }
    assert_eq!(found, planted, "a planted key was not found");
}
