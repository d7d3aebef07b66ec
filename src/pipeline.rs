//! One scan's shared state: the compiled scanner, each worker thread's scratch memory, the coverage
//! counters, the baseline filter and the findings sink. Sources hand it bytes and a way to name
//! their origin; it turns matches into findings. Errors on single inputs are reported here and
//! counted, so the scan goes on and the exit status says so.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex};

use thread_local::ThreadLocal;

use crate::baseline::Baseline;
use crate::finding::{Exposure, Finding, Origin, PathFact, Span};
use crate::rules::Confidence;
use crate::scan::{utf16_len, LineCounter, Match, Scanner, Scratch};

/// Why an input was not scanned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipReason {
    /// Looked binary (NUL in the first 8 KiB).
    Binary,
    /// Larger than `--max-file-size`.
    TooLarge,
    /// A symbolic link, not followed.
    Symlink,
    /// FIFO, socket or device.
    Special,
    /// Matched `--exclude`.
    Excluded,
    /// Matched the config's `allow.paths`.
    Allowlisted,
    /// Could not be read (also counted as an error).
    Unreadable,
    /// An archive past a decompression limit (a zip bomb): skipped with a warning.
    ArchiveLimit,
}

impl SkipReason {
    const ALL: [SkipReason; 8] = [
        SkipReason::Binary,
        SkipReason::TooLarge,
        SkipReason::Symlink,
        SkipReason::Special,
        SkipReason::Excluded,
        SkipReason::Allowlisted,
        SkipReason::Unreadable,
        SkipReason::ArchiveLimit,
    ];

    /// Name used in summaries.
    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::Binary => "binary",
            SkipReason::TooLarge => "too_large",
            SkipReason::Symlink => "symlink",
            SkipReason::Special => "special",
            SkipReason::Excluded => "excluded",
            SkipReason::Allowlisted => "allowlisted",
            SkipReason::Unreadable => "unreadable",
            SkipReason::ArchiveLimit => "archive_limit",
        }
    }
}

/// Coverage and suppression counters, updated by all threads.
#[derive(Debug, Default)]
pub struct Stats {
    /// Inputs scanned.
    pub files_scanned: AtomicU64,
    /// Bytes scanned.
    pub bytes_scanned: AtomicU64,
    skipped: [AtomicU64; 8],
    /// Findings dropped as placeholders or documented examples.
    pub placeholders: AtomicU64,
    /// Findings dropped by an inline allow comment.
    pub inline_allowed: AtomicU64,
    /// Findings dropped by the config's secret allowlist.
    pub allowlisted: AtomicU64,
    /// Findings dropped by the baseline.
    pub baselined: AtomicU64,
    /// Findings below `--min-confidence`.
    pub below_confidence: AtomicU64,
    /// Path rules not reported because the file is not shared (untracked, in a plain directory).
    pub path_unexposed: AtomicU64,
    /// Path rules folded into a content finding in the same file.
    pub path_folded: AtomicU64,
    /// Findings kept.
    pub findings: AtomicU64,
    /// Inputs that could not be read.
    pub errors: AtomicU64,
}

impl Stats {
    /// Counts one skipped input.
    pub fn skip(&self, why: SkipReason) {
        self.skipped[why as usize].fetch_add(1, Relaxed);
    }

    /// Skipped inputs by reason (non-zero only).
    pub fn skipped(&self) -> BTreeMap<String, u64> {
        SkipReason::ALL
            .iter()
            .map(|r| (r.as_str().to_string(), self.skipped[*r as usize].load(Relaxed)))
            .filter(|(_, n)| *n > 0)
            .collect()
    }

    /// Suppressed candidates by reason (non-zero only).
    pub fn suppressed(&self) -> BTreeMap<String, u64> {
        [
            ("placeholder", &self.placeholders),
            ("inline_allow", &self.inline_allowed),
            ("allowlist", &self.allowlisted),
            ("baseline", &self.baselined),
            ("below_min_confidence", &self.below_confidence),
            ("path_untracked", &self.path_unexposed),
            ("path_folded", &self.path_folded),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.load(Relaxed)))
        .filter(|(_, n)| *n > 0)
        .collect()
    }
}

/// Where findings go.
enum Sink {
    /// Kept for a whole-document report.
    Collect,
    /// Written as JSON Lines as they are found (and kept only if a baseline is to be written).
    Stream(Box<dyn Write + Send>),
}

/// Called with a finding and its raw secret before the finding is reported (see [`Placement`]).
pub type SecretHook<'h> = dyn Fn(&[u8], &mut Finding) + Sync + 'h;

/// What a source says about one piece of bytes besides the bytes.
#[derive(Clone, Copy)]
pub struct Placement<'a> {
    /// Line number of the first byte minus one (non-zero for later chunks of a stream).
    pub line_base: u64,
    /// Columns before the first byte on its line (for later chunks of a stream).
    pub col_base: u64,
    /// Only matches whose secret starts at or after this offset are reported.
    pub report_from: usize,
    /// Only matches whose secret starts before this offset are reported.
    pub report_before: usize,
    /// When set, only matches on lines for which this returns true are reported (added lines).
    pub keep_line: Option<&'a (dyn Fn(u64) -> bool + Sync)>,
    /// When set, called with each finding and its raw secret before the finding is reported, so
    /// a source can fill in what depends on the secret itself (whether git's HEAD still holds it).
    pub on_secret: Option<&'a SecretHook<'a>>,
}

impl Placement<'_> {
    /// A whole, self-contained input.
    pub fn whole() -> Placement<'static> {
        Placement {
            line_base: 0,
            col_base: 0,
            report_from: 0,
            report_before: usize::MAX,
            keep_line: None,
            on_secret: None,
        }
    }
}

/// Where a file flagged by a path rule sits, as its source knows it; a path rule on its own is
/// reported only when the file is exposed (see [`Exposure::exposed`]).
pub type PathVerdict = Exposure;

/// Where the file holding a finding sits, from the finding alone (no path entry for it).
fn exposure_of(f: &Finding) -> Exposure {
    match (&f.git, &f.image) {
        (Some(g), _) if g.staged => Exposure::Staged,
        (Some(_), _) => Exposure::Committed,
        (None, Some(_)) => Exposure::Image,
        (None, None) => Exposure::Untracked,
    }
}

/// A file some path rule matched, kept until the end of the scan: its path fact is folded into the
/// content findings in it, and only a file with none that is exposed gets a finding of its own.
struct PathEntry {
    rules: Vec<usize>,
    exposure: Exposure,
    origin: Origin,
    folded: bool,
    /// Some content rule saw a candidate in the file, reported or not (below the confidence floor).
    candidates: bool,
}

#[derive(Default)]
struct Worker {
    scratch: Scratch,
    matches: Vec<Match>,
    /// Credentials the format parsers found (reused, so files no parser concerns cost nothing).
    parsed: Vec<crate::formats::Hit>,
    path_hits: Vec<usize>,
}

/// The state of one scan, shared by every worker thread.
pub struct Pipeline {
    scanner: Scanner,
    redact: bool,
    workers: ThreadLocal<RefCell<Worker>>,
    /// Counters.
    pub stats: Arc<Stats>,
    baseline: Option<Baseline>,
    keep_all: bool,
    findings: Mutex<Vec<Finding>>,
    sink: Mutex<Sink>,
    quiet: bool,
    min_confidence: Confidence,
    /// The config's `allow.paths`: findings whose logical path matches are never reported, whatever
    /// the source (a directory walk also skips such files before reading them).
    allow_paths: globset::GlobSet,
    /// Files matched by path rules, by display path.
    paths: Mutex<std::collections::HashMap<String, PathEntry>>,
}

impl Pipeline {
    /// A pipeline that collects findings for a whole-document report.
    pub fn new(scanner: Scanner, redact: bool, baseline: Option<Baseline>, quiet: bool) -> Pipeline {
        Pipeline {
            scanner,
            redact,
            workers: ThreadLocal::new(),
            stats: Arc::new(Stats::default()),
            baseline,
            keep_all: true,
            findings: Mutex::new(Vec::new()),
            sink: Mutex::new(Sink::Collect),
            quiet,
            min_confidence: Confidence::Low,
            allow_paths: globset::GlobSet::empty(),
            paths: Mutex::new(std::collections::HashMap::new()),
        }
    }

    /// Reports only findings at or above this confidence (the others are counted as suppressed).
    pub fn min_confidence(mut self, min: Confidence) -> Pipeline {
        self.min_confidence = min;
        self
    }

    /// Never reports findings whose path matches `globs` (the config's `allow.paths`).
    pub fn allow_paths(mut self, globs: globset::GlobSet) -> Pipeline {
        self.allow_paths = globs;
        self
    }

    /// Streams each finding to `out` as a JSON line as soon as it is found; findings are still
    /// kept when `keep` is true (to write a baseline).
    pub fn stream_to(mut self, out: Box<dyn Write + Send>, keep: bool) -> Pipeline {
        self.sink = Mutex::new(Sink::Stream(out));
        self.keep_all = keep;
        self
    }

    /// The scanner (and through it, the rules).
    pub fn scanner(&self) -> &Scanner {
        &self.scanner
    }

    /// Whether secrets are redacted.
    pub fn redacts(&self) -> bool {
        self.redact
    }

    /// Reports an input that could not be read; the scan goes on and the exit status will be 2.
    pub fn error(&self, msg: impl std::fmt::Display) {
        self.stats.errors.fetch_add(1, Relaxed);
        crate::messages::error(&msg.to_string());
    }

    /// Prints a warning unless quiet.
    pub fn warn(&self, msg: impl std::fmt::Display) {
        if !self.quiet {
            crate::messages::warn(&msg.to_string());
        }
    }

    /// Notes the rules that flag a file by its path alone (a `.env`, a keystore). `raw_path` is any
    /// spelling of the path that ends with the relative path (absolute is fine). `verdict` is asked
    /// only when a rule matches: where the file sits. Nothing is reported now: the path fact is
    /// folded into the content findings of the same file, and a file with none gets a finding of
    /// its own at [`Pipeline::finish`] only when it is exposed. Call once per file, before its
    /// content (binary files included).
    pub fn scan_path(&self, raw_path: &[u8], origin: &dyn Fn() -> Origin, verdict: &dyn Fn() -> PathVerdict) {
        if !self.scanner.has_path_rules() {
            return;
        }
        let cell = self.workers.get_or_default();
        let mut worker = cell.borrow_mut();
        worker.path_hits.clear();
        self.scanner.path_matches(raw_path, &mut worker.path_hits);
        if worker.path_hits.is_empty() {
            return;
        }
        let rules = worker.path_hits.clone();
        drop(worker);
        let exposure = verdict();
        let origin = origin();
        let mut paths = self.paths.lock().unwrap_or_else(|e| e.into_inner());
        match paths.entry(origin.path.clone()) {
            std::collections::hash_map::Entry::Occupied(mut e) => {
                // The same path from several roots or trees: the most exposed wins.
                let e = e.get_mut();
                if exposure.exposed() && !e.exposure.exposed() {
                    e.exposure = exposure;
                    e.origin = origin;
                }
            }
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(PathEntry {
                    rules,
                    exposure,
                    origin,
                    folded: false,
                    candidates: false,
                });
            }
        }
    }

    /// Notes that a content rule saw a candidate at `path`, though it is not reported.
    fn note_candidate(&self, path: &str) {
        if let Some(e) = self.paths.lock().unwrap_or_else(|e| e.into_inner()).get_mut(path) {
            e.candidates = true;
        }
    }

    /// The path fact for a content finding at `path`, if a path rule matches it; marks the file's
    /// path rules as folded. Without an entry from [`Pipeline::scan_path`] the exposure comes from
    /// the finding itself (git history, an image layer).
    fn fold_path_fact(&self, f: &Finding) -> Option<PathFact> {
        let rules = self.scanner.rules();
        {
            let mut paths = self.paths.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(e) = paths.get_mut(&f.path) {
                if !e.folded {
                    e.folded = true;
                    self.stats.path_folded.fetch_add(e.rules.len() as u64, Relaxed);
                }
                return Some(PathFact::new(&rules.rules[e.rules[0]], &f.path, e.exposure));
            }
        }
        // Not the worker's buffer: findings are pushed while the worker is borrowed by the scan.
        let mut hits = Vec::new();
        self.scanner.path_matches(f.path.as_bytes(), &mut hits);
        let r = *hits.first()?;
        Some(PathFact::new(&rules.rules[r], &f.path, exposure_of(f)))
    }

    /// True when some rule matches on the path alone (so sources should call [`Pipeline::scan_path`]).
    pub fn has_path_rules(&self) -> bool {
        self.scanner.has_path_rules()
    }

    /// Scans one whole input held in memory.
    pub fn scan_bytes(&self, bytes: &[u8], origin: &dyn Fn() -> Origin) -> usize {
        self.stats.files_scanned.fetch_add(1, Relaxed);
        self.scan_part(bytes, origin, Placement::whole())
    }

    /// Scans one whole input held in memory and returns its findings instead of reporting them,
    /// for sources that report one content at several places (identical files in image layers):
    /// they hand each place's copy to [`Pipeline::push`].
    pub fn collect_bytes(&self, bytes: &[u8], origin: &dyn Fn() -> Origin) -> Vec<Finding> {
        self.stats.files_scanned.fetch_add(1, Relaxed);
        let mut out = Vec::new();
        self.scan_into(bytes, origin, Placement::whole(), &mut |f| out.push(f));
        out
    }

    /// Scans part of an input (a chunk of a stream, or lines to filter); does not count a file.
    pub fn scan_part(&self, bytes: &[u8], origin: &dyn Fn() -> Origin, place: Placement<'_>) -> usize {
        let mut kept = 0;
        self.scan_into(bytes, origin, place, &mut |f| {
            if self.push(f) {
                kept += 1;
            }
        });
        kept
    }

    /// The scan behind [`Pipeline::scan_part`] and [`Pipeline::collect_bytes`]: findings go to `found`.
    fn scan_into(
        &self,
        bytes: &[u8],
        origin: &dyn Fn() -> Origin,
        place: Placement<'_>,
        found: &mut dyn FnMut(Finding),
    ) {
        self.stats.bytes_scanned.fetch_add(
            bytes.len().min(place.report_before).saturating_sub(place.report_from) as u64,
            Relaxed,
        );
        self.scan_counted(bytes, origin, place, true, found)
    }

    /// Whether any rule matches `bytes`; reports nothing but counts the input as scanned. For
    /// sources that learn where an input comes from only after reading everything (git history):
    /// they keep the inputs with matches and report them with [`Pipeline::rescan`] once the origin
    /// is known.
    pub fn has_matches(&self, bytes: &[u8]) -> bool {
        self.stats.files_scanned.fetch_add(1, Relaxed);
        self.has_matches_part(bytes)
    }

    /// Like [`Pipeline::has_matches`], for text that is not a file of its own (a commit message):
    /// counts its bytes, not an input.
    pub fn has_matches_part(&self, bytes: &[u8]) -> bool {
        self.stats.bytes_scanned.fetch_add(bytes.len() as u64, Relaxed);
        let cell = self.workers.get_or_default();
        let mut worker = cell.borrow_mut();
        let Worker {
            scratch,
            matches,
            parsed,
            ..
        } = &mut *worker;
        matches.clear();
        self.scanner.scan(bytes, scratch, matches);
        self.parse_formats(bytes, scratch, parsed);
        self.count_suppressed(scratch);
        !matches.is_empty() || !parsed.is_empty()
    }

    /// Reports the findings of an input already counted by [`Pipeline::has_matches`], at one of
    /// its origins (call once per origin); counts nothing again.
    pub fn rescan(&self, bytes: &[u8], origin: &dyn Fn() -> Origin, place: Placement<'_>) -> usize {
        let mut kept = 0;
        self.scan_counted(bytes, origin, place, false, &mut |f| {
            if self.push(f) {
                kept += 1;
            }
        });
        kept
    }

    /// Runs the format parsers (`src/formats/`) over `bytes`, keeping the hits that pass the
    /// scanner's gates and whose format has a loaded rule.
    fn parse_formats(&self, bytes: &[u8], scratch: &mut Scratch, parsed: &mut Vec<crate::formats::Hit>) {
        parsed.clear();
        if !self.scanner.has_formats() {
            return;
        }
        crate::formats::parse(bytes, parsed);
        parsed.retain(|h| {
            self.scanner.format_rule(h.format).is_some()
                && self.scanner.keeps_decoded(bytes, h.start, &h.secret, scratch)
        });
    }

    fn count_suppressed(&self, scratch: &mut Scratch) {
        let s = scratch.take_suppressed();
        for (n, c) in [
            (s.placeholder, &self.stats.placeholders),
            (s.inline_allow, &self.stats.inline_allowed),
            (s.allowlisted, &self.stats.allowlisted),
        ] {
            if n > 0 {
                c.fetch_add(n, Relaxed);
            }
        }
    }

    /// Matches `bytes` and hands each finding to `found`; `count` says whether suppressed
    /// candidates are counted (not again on a rescan).
    fn scan_counted(
        &self,
        bytes: &[u8],
        origin: &dyn Fn() -> Origin,
        place: Placement<'_>,
        count: bool,
        found: &mut dyn FnMut(Finding),
    ) {
        let cell = self.workers.get_or_default();
        let mut worker = cell.borrow_mut();
        let Worker {
            scratch,
            matches,
            parsed,
            ..
        } = &mut *worker;
        matches.clear();
        self.scanner.scan(bytes, scratch, matches);
        self.parse_formats(bytes, scratch, parsed);
        if count {
            self.count_suppressed(scratch);
        } else {
            scratch.take_suppressed();
        }
        let in_place = |start: usize| start >= place.report_from && start < place.report_before;
        let rules = self.scanner.rules();
        let mut origin_value: Option<Origin> = None;
        parsed.retain(|h| in_place(h.start));
        if !parsed.is_empty() {
            // A parser's hit counts only where its rule's path allows (`.pgpass`), before it can
            // hide a regex match on the same value.
            let path = &origin_value.get_or_insert_with(origin).path;
            parsed.retain(|h| {
                self.scanner.format_rule(h.format).is_some_and(|r| {
                    rules.rules[r]
                        .path_regex()
                        .is_none_or(|re| re.is_match(path.as_bytes()))
                })
            });
        }
        // A value a parser decoded is reported once, by the parser, not again by a regex rule.
        matches.retain(|m| in_place(m.start) && !parsed.iter().any(|h| m.start < h.end && h.start < m.end));
        if matches.iter().any(|m| rules.rules[m.rule].spec.path.is_some()) {
            // Rules restricted to a file name (`.pypirc`) count only there; then one match per secret.
            let path = &origin_value.get_or_insert_with(origin).path;
            matches.retain(|m| {
                rules.rules[m.rule]
                    .path_regex()
                    .is_none_or(|re| re.is_match(path.as_bytes()))
            });
            crate::scan::resolve_overlaps(rules, matches, true);
        }
        if matches.is_empty() && parsed.is_empty() {
            return;
        }
        let mut lines = LineCounter::new();
        let mut partners = Vec::new();
        self.scanner.pair_up(matches, &mut partners);
        let mut is_partner = vec![false; matches.len()];
        partners.iter().flatten().for_each(|&j| is_partner[j] = true);
        for (i, m) in matches.iter().enumerate() {
            if is_partner[i] {
                continue;
            }
            let (l0, c0) = lines.locate(bytes, m.start);
            let (l1, c1) = lines.locate(bytes, m.end);
            let fix = |l: u64, c: u64| (l + place.line_base, if l == 1 { c + place.col_base } else { c });
            let (line, column) = fix(l0, c0);
            let (end_line, end_column) = fix(l1, c1);
            if let Some(keep) = place.keep_line {
                if !(line..=end_line).any(keep) {
                    continue;
                }
            }
            let origin = origin_value.get_or_insert_with(origin).clone();
            let span = Span {
                line,
                column,
                end_line,
                end_column,
            };
            let mut finding = Finding::new(&rules.rules[m.rule], &bytes[m.start..m.end], span, origin, self.redact);
            let (c, _) = crate::scan::confidence_at(&rules.rules[m.rule], m.confidence, &finding.path);
            if c != finding.confidence {
                // The generic scorer's confidence replaces the rule's (see `scan::assign`); a
                // password hash in test material is low.
                finding.confidence = c;
                finding.priority = crate::triage::priority(finding.severity, c, finding.git.as_ref());
            }
            if m.loose {
                finding.detail = Some(format!(
                    "the name says {}, but the value is not in its documented format: check it before revoking",
                    finding.provider
                ));
            }
            if let Some(j) = partners[i] {
                let n = matches[j];
                let (pl, pc) = LineCounter::new().locate(bytes, n.start);
                let (line, column) = fix(pl, pc);
                let raw = &bytes[n.start..n.end];
                let text = String::from_utf8_lossy(raw);
                let rule_id = &rules.rules[n.rule].spec.id;
                finding.pair = Some(crate::finding::PairedSecret {
                    rule_id: rule_id.clone(),
                    secret: if self.redact {
                        crate::finding::redact_secret(&text)
                    } else {
                        text.into_owned()
                    },
                    fingerprint: crate::finding::fingerprint(rule_id, raw),
                    line,
                    column,
                });
            }
            if let Some(hook) = place.on_secret {
                hook(&bytes[m.start..m.end], &mut finding);
            }
            found(finding);
        }
        parsed.sort_unstable_by_key(|h| h.start);
        let mut lines = LineCounter::new();
        for h in parsed.iter() {
            let Some(r) = self.scanner.format_rule(h.format) else {
                continue;
            };
            let (l0, c0) = lines.locate(bytes, h.start);
            let (l1, c1) = lines.locate(bytes, h.end);
            let fix = |l: u64, c: u64| (l + place.line_base, if l == 1 { c + place.col_base } else { c });
            let ((line, column), (end_line, end_column)) = (fix(l0, c0), fix(l1, c1));
            if place.keep_line.is_some_and(|keep| !(line..=end_line).any(keep)) {
                continue;
            }
            let origin_ref = origin_value.get_or_insert_with(origin);
            let rule = &rules.rules[r];
            let span = Span {
                line,
                column,
                end_line,
                end_column,
            };
            let mut finding = Finding::new(rule, &h.secret, span, origin_ref.clone(), self.redact);
            finding.detail = Some(h.detail.clone());
            if let Some(hook) = place.on_secret {
                // The source looks for the value as stored (git: whether HEAD still holds it).
                hook(&bytes[h.start..h.end], &mut finding);
            }
            found(finding);
        }
    }

    /// Scans a stream in bounded chunks, overlapping so that no secret is lost at a boundary.
    /// Returns the number of bytes read.
    pub fn scan_reader(&self, reader: &mut dyn Read, origin: &dyn Fn() -> Origin) -> std::io::Result<u64> {
        // The stream's last chunk (at its end, or where a read failed): everything left is final.
        let last_chunk = |line_base, col_base, report_from| Placement {
            line_base,
            col_base,
            report_from,
            report_before: usize::MAX,
            keep_line: None,
            on_secret: None,
        };
        const CHUNK: usize = 4 << 20;
        let overlap = self.max_match_reach();
        let mut buf: Vec<u8> = Vec::with_capacity(CHUNK + overlap);
        let (mut line_base, mut col_base, mut report_from) = (0u64, 0u64, 0usize);
        let mut total = 0u64;
        self.stats.files_scanned.fetch_add(1, Relaxed);
        loop {
            let start_len = buf.len();
            buf.resize(start_len + CHUNK, 0);
            let mut filled = start_len;
            let mut eof = false;
            while filled < buf.len() {
                match reader.read(&mut buf[filled..]) {
                    Ok(0) => {
                        eof = true;
                        break;
                    }
                    Ok(n) => filled += n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => {
                        buf.truncate(filled);
                        self.scan_part(&buf, origin, last_chunk(line_base, col_base, report_from));
                        return Err(e);
                    }
                }
            }
            buf.truncate(filled);
            total += (filled - start_len) as u64;
            if eof {
                self.scan_part(&buf, origin, last_chunk(line_base, col_base, report_from));
                return Ok(total);
            }
            // Everything before `cut` is final after this pass; keep `overlap` bytes for the next
            // chunk plus `WINDOW_BEFORE` of context that is not reported again.
            let cut = buf.len().saturating_sub(overlap).max(report_from);
            self.scan_part(
                &buf,
                origin,
                Placement {
                    line_base,
                    col_base,
                    report_from,
                    report_before: cut,
                    keep_line: None,
                    on_secret: None,
                },
            );
            let keep_from = cut.saturating_sub(crate::scan::WINDOW_BEFORE);
            let dropped = &buf[..keep_from];
            let newlines = memchr::memchr_iter(b'\n', dropped).count() as u64;
            match memchr::memrchr(b'\n', dropped) {
                Some(p) => col_base = utf16_len(&dropped[p + 1..]),
                None => col_base += utf16_len(dropped),
            }
            line_base += newlines;
            buf.drain(..keep_from);
            report_from = cut - keep_from;
        }
    }

    /// The longest distance a match can extend past the start of a chunk's unreported tail.
    fn max_match_reach(&self) -> usize {
        let w = self.scanner.rules().rules.iter().map(|r| r.window()).max().unwrap_or(0);
        w + 2 * crate::scan::WINDOW_BEFORE + 2048
    }

    /// Applies the baseline and hands a finding to the sink. Returns false if it was suppressed.
    pub fn push(&self, mut finding: Finding) -> bool {
        if !self.allow_paths.is_empty() && self.allow_paths.is_match(&finding.path) {
            self.stats.allowlisted.fetch_add(1, Relaxed);
            return false;
        }
        if finding.confidence < self.min_confidence {
            if self.scanner.has_path_rules() {
                self.note_candidate(&finding.path);
            }
            self.stats.below_confidence.fetch_add(1, Relaxed);
            return false;
        }
        if finding.path_fact.is_none() && self.scanner.has_path_rules() {
            finding.path_fact = self.fold_path_fact(&finding);
        }
        if let Some(b) = &self.baseline {
            if b.suppresses(&finding.fingerprint) {
                self.stats.baselined.fetch_add(1, Relaxed);
                return false;
            }
        }
        self.stats.findings.fetch_add(1, Relaxed);
        if let Sink::Stream(out) = &mut *self.sink.lock().unwrap_or_else(|e| e.into_inner()) {
            let line = serde_json::to_string(&finding).expect("findings serialize");
            if let Err(e) = writeln!(out, "{line}").and_then(|_| out.flush()) {
                if e.kind() != std::io::ErrorKind::BrokenPipe {
                    self.error(format!("cannot write output: {e}"));
                }
            }
        }
        if self.keep_all {
            self.findings.lock().unwrap_or_else(|e| e.into_inner()).push(finding);
        }
        true
    }

    /// Ends the scan: the findings kept, sorted (path, line, column, rule), and the baseline.
    pub fn finish(self) -> (Vec<Finding>, Arc<Stats>, Option<Baseline>) {
        let paths = std::mem::take(&mut *self.paths.lock().unwrap_or_else(|e| e.into_inner()));
        let mut entries: Vec<PathEntry> = paths.into_values().filter(|e| !e.folded).collect();
        entries.sort_by(|a, b| a.origin.path.cmp(&b.origin.path));
        for e in entries {
            if !e.exposure.exposed() {
                self.stats.path_unexposed.fetch_add(e.rules.len() as u64, Relaxed);
                continue;
            }
            for &r in &e.rules {
                let rule = &self.scanner.rules().rules[r];
                let f = Finding::for_path(rule, e.origin.clone(), e.exposure, None)
                    .with_confidence(rule.spec.path_confidence(e.candidates));
                self.push(f);
            }
        }
        let mut findings = self.findings.into_inner().unwrap_or_else(|e| e.into_inner());
        findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        (findings, self.stats, self.baseline)
    }
}
