//! `leakhound redact`: a streaming filter that copies its input to its output with every detected
//! secret replaced by a mask, every other byte unchanged (binary-safe, nothing re-encoded, no line
//! break added or removed).
//!
//! Each `read` is processed at once, up to its last newline: complete lines are scanned, masked,
//! written and flushed, so `agent | leakhound redact | tee log` stays live. What is held back is
//! the incomplete trailing line, plus any lines where a match may still be in progress (a PEM
//! block whose end has not arrived; see [`crate::scan::pending`]); both are bounded, and a line
//! longer than [`LONG_LINE`] is released in chunks that keep an overlap, so memory stays flat on
//! endless input and a secret split across two reads is still masked.

mod json;
pub mod mask;

use std::io::{ErrorKind, Read, Write};

use memchr::{memchr_iter, memrchr};

use crate::finding::{Finding, Origin, Span};
use crate::pipeline::Pipeline;
use crate::scan::pending::{Pending, LOOKBACK};
use crate::scan::{utf16_len, LineCounter, Match, Scratch};
pub use mask::{Mask, DEFAULT_MASK};

/// Bytes asked of each `read`; a pipe returns what it has, which is processed at once.
const READ_SIZE: usize = 256 << 10;
/// An incomplete line longer than this is released in chunks.
pub const LONG_LINE: usize = 1 << 20;
/// Bytes kept back when a long line is released in chunks: more than the farthest a match can
/// start before its keyword, plus the longest keyword.
const CHUNK_TAIL: usize = LOOKBACK + 1024;

/// Checked options of one `redact` run.
#[derive(Debug, Clone)]
pub struct Options {
    /// What replaces each secret.
    pub mask: Mask,
    /// Mask inside the string literals of JSON lines, keeping them valid JSON.
    pub json_lines: bool,
    /// Path given to findings in the report.
    pub label: String,
}

/// What a run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Totals {
    /// Bytes read.
    pub bytes: u64,
    /// Lines read (newlines).
    pub lines: u64,
    /// Secrets masked.
    pub masked: u64,
}

/// The filter's state between reads.
struct Redactor<'a> {
    pipeline: &'a Pipeline,
    opts: &'a Options,
    pending: Pending,
    /// Per rule: whether it applies to this stream (a rule restricted to some paths applies only
    /// when the label matches, as in `leakhound stdin`).
    applies: Vec<bool>,
    scratch: Scratch,
    matches: Vec<Match>,
    /// Bytes read but not yet written.
    buf: Vec<u8>,
    /// Length of the prefix of `buf` that ends with a newline (complete lines).
    complete: usize,
    /// Whether `buf` starts at the start of a line.
    at_line_start: bool,
    /// Newlines written so far (line of `buf[0]` minus one).
    line_base: u64,
    /// UTF-16 columns before `buf[0]` on its line.
    col_base: u64,
    out: Vec<u8>,
    totals: Totals,
}

/// Copies `input` to `output`, masking secrets, until end of input. Findings go to the
/// pipeline (its report sink). A write error ends the run; a read error ends it after the bytes
/// already read have been written.
pub fn filter(
    pipeline: &Pipeline,
    opts: &Options,
    input: &mut dyn Read,
    output: &mut dyn Write,
) -> std::io::Result<Totals> {
    let pending = Pending::new(pipeline.scanner().rules().clone()).map_err(std::io::Error::other)?;
    let applies = pipeline
        .scanner()
        .rules()
        .rules
        .iter()
        .map(|rule| rule.path_regex().is_none_or(|re| re.is_match(opts.label.as_bytes())))
        .collect();
    let mut r = Redactor {
        pipeline,
        opts,
        pending,
        applies,
        scratch: Scratch::default(),
        matches: Vec::new(),
        buf: Vec::with_capacity(READ_SIZE),
        complete: 0,
        at_line_start: true,
        line_base: 0,
        col_base: 0,
        out: Vec::with_capacity(READ_SIZE + 4096),
        totals: Totals::default(),
    };
    pipeline
        .stats
        .files_scanned
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let mut chunk = vec![0u8; READ_SIZE];
    loop {
        let old = r.buf.len();
        let n = loop {
            match input.read(&mut chunk) {
                Ok(n) => break Ok(n),
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => break Err(e),
            }
        };
        let n = match n {
            Ok(n) => n,
            Err(e) => {
                r.step(true);
                r.write(output)?;
                return Err(e);
            }
        };
        r.buf.extend_from_slice(&chunk[..n]);
        r.totals.bytes += n as u64;
        r.totals.lines += memchr_iter(b'\n', &r.buf[old..]).count() as u64;
        if n == 0 {
            r.step(true);
            r.write(output)?;
            return Ok(r.totals);
        }
        let new_line = memrchr(b'\n', &r.buf[old..]);
        if let Some(nl) = new_line {
            r.complete = old + nl + 1;
        }
        if new_line.is_some() || r.buf.len() - r.complete > LONG_LINE {
            r.step(false);
            r.write(output)?;
        }
    }
}

impl Redactor<'_> {
    /// Scans what can be decided now and moves it, masked, from `buf` to `out`.
    fn step(&mut self, eof: bool) {
        let long = self.buf.len() - self.complete > LONG_LINE;
        let (scan_end, mut cut) = if eof {
            (self.buf.len(), self.buf.len())
        } else if long {
            (self.buf.len(), self.buf.len() - CHUNK_TAIL)
        } else {
            (self.complete, self.complete)
        };
        if scan_end == 0 {
            return;
        }
        let hay = &self.buf[..scan_end];
        self.matches.clear();
        self.pipeline.scanner().scan(hay, &mut self.scratch, &mut self.matches);
        let applies = &self.applies;
        self.matches.retain(|m| applies[m.rule]);
        let s = self.scratch.take_suppressed();
        let stats = &self.pipeline.stats;
        for (n, c) in [
            (s.placeholder, &stats.placeholders),
            (s.inline_allow, &stats.inline_allowed),
            (s.allowlisted, &stats.allowlisted),
        ] {
            if n > 0 {
                c.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
            }
        }
        if !eof {
            if let Some(p) = self.pending.earliest(hay) {
                cut = cut.min(hold_from(hay, p));
            }
            for m in &self.matches {
                if m.end >= scan_end {
                    cut = cut.min(hold_from(hay, m.start));
                }
            }
            // A match must be written whole: move the cut before any match it would split.
            while let Some(m) = self.matches.iter().find(|m| m.start < cut && m.end > cut) {
                cut = hold_from(hay, m.start);
            }
        }
        if cut == 0 {
            return;
        }
        self.emit(cut, eof);
        let done = &self.buf[..cut];
        self.line_base += memchr_iter(b'\n', done).count() as u64;
        match memrchr(b'\n', done) {
            Some(p) => self.col_base = utf16_len(&done[p + 1..]),
            None => self.col_base += utf16_len(done),
        }
        self.at_line_start = done.last() == Some(&b'\n');
        self.buf.drain(..cut);
        self.complete = self.complete.saturating_sub(cut);
    }

    /// Appends `buf[..cut]` to `out` with the matches that start before `cut` masked.
    fn emit(&mut self, cut: usize, eof: bool) {
        let n = self.matches.partition_point(|m| m.start < cut);
        let matches = std::mem::take(&mut self.matches);
        let hay = std::mem::take(&mut self.buf);
        let mut lines = LineCounter::new();
        if !self.opts.json_lines {
            let mut out = std::mem::take(&mut self.out);
            json::splice_into(&mut out, &hay[..cut], &matches[..n], &mut |m, secret| {
                let (line, column) = lines.locate(&hay, m.start);
                self.mask(m.rule, secret, self.span(&hay, line, column, m.end))
            });
            self.out = out;
        } else {
            self.emit_json_lines(&hay[..cut], &matches[..n], eof);
        }
        self.matches = matches;
        self.buf = hay;
    }

    /// `--json-lines`: each complete line that is JSON is masked inside its strings.
    fn emit_json_lines(&mut self, hay: &[u8], matches: &[Match], eof: bool) {
        let mut line_start = 0;
        let mut line_no = 0u64;
        let mut mi = 0;
        while line_start < hay.len() {
            let mut end = memchr::memchr(b'\n', &hay[line_start..]).map_or(hay.len(), |p| line_start + p + 1);
            let first = mi;
            loop {
                while mi < matches.len() && matches[mi].start < end {
                    mi += 1;
                }
                // A secret that runs past the line (a raw PEM block) takes the lines it covers
                // with it: they are masked together, as raw text.
                let reach = matches[first..mi]
                    .iter()
                    .map(|m| m.end)
                    .max()
                    .unwrap_or(0)
                    .min(hay.len());
                if reach <= end {
                    break;
                }
                end = memchr::memchr(b'\n', &hay[reach - 1..]).map_or(hay.len(), |p| reach + p);
            }
            let line_matches = &matches[first..mi];
            let line = &hay[line_start..end];
            if line_matches.is_empty() && (!json::is_candidate(line) || memchr::memchr(b'\\', line).is_none()) {
                // Nothing to mask and no escaped string to decode: the line passes as is.
                self.out.extend_from_slice(line);
                line_no += u64::from(line.ends_with(b"\n"));
                line_start = end;
                continue;
            }
            let body_end = if hay[..end].ends_with(b"\r\n") {
                end - 2
            } else if hay[..end].ends_with(b"\n") {
                end - 1
            } else {
                end
            };
            let body = &hay[line_start..body_end];
            let whole = (line_start > 0 || self.at_line_start) && (end > body_end || eof);
            let local: Vec<Match> = line_matches
                .iter()
                .map(|m| Match {
                    rule: m.rule,
                    start: m.start - line_start,
                    end: m.end - line_start,
                    confidence: m.confidence,
                    loose: m.loose,
                })
                .collect();
            let json = if whole && json::is_candidate(body) && local.iter().all(|m| m.end <= body.len()) {
                let scanner = self.pipeline.scanner();
                let mut scratch = std::mem::take(&mut self.scratch);
                let (line, col_base) = (
                    self.line_base + line_no + 1,
                    if line_no == 0 { self.col_base } else { 0 },
                );
                let applies = std::mem::take(&mut self.applies);
                let r = json::redact_line(
                    body,
                    &local,
                    scanner,
                    &applies,
                    &mut scratch,
                    &mut |rule, secret, at| {
                        let column = utf16_len(&body[..at.min(body.len())]) + 1 + col_base;
                        self.mask(
                            rule,
                            secret,
                            Span {
                                line,
                                column,
                                end_line: line,
                                end_column: column + utf16_len(secret),
                            },
                        )
                    },
                );
                self.scratch = scratch;
                self.applies = applies;
                r
            } else {
                None
            };
            match json {
                Some(masked) => {
                    self.out.extend_from_slice(&masked);
                    self.out.extend_from_slice(&hay[body_end..end]);
                }
                None => {
                    let mut lines = LineCounter::new();
                    let line_hay = &hay[line_start..end];
                    let masked = json::splice(line_hay, &local, &mut |m, secret| {
                        let (l, c) = lines.locate(line_hay, m.start);
                        let (l, c) = (l + line_no, if l == 1 && line_no == 0 { c + self.col_base } else { c });
                        let (l1, c1) = {
                            let (a, b) = LineCounter::new().locate(line_hay, m.end);
                            (a + line_no, if a == 1 && line_no == 0 { b + self.col_base } else { b })
                        };
                        self.mask(
                            m.rule,
                            secret,
                            Span {
                                line: l + self.line_base,
                                column: c,
                                end_line: l1 + self.line_base,
                                end_column: c1,
                            },
                        )
                    });
                    self.out.extend_from_slice(&masked);
                }
            }
            line_no += memchr_iter(b'\n', &hay[line_start..end]).count() as u64;
            line_start = end;
        }
    }

    /// The span of a match in the whole stream, from its 1-based place in `buf`.
    fn span(&self, hay: &[u8], line: u64, column: u64, end: usize) -> Span {
        let (end_line, end_column) = LineCounter::new().locate(hay, end);
        let fix = |l: u64, c: u64| (l + self.line_base, if l == 1 { c + self.col_base } else { c });
        let (line, column) = fix(line, column);
        let (end_line, end_column) = fix(end_line, end_column);
        Span {
            line,
            column,
            end_line,
            end_column,
        }
    }

    /// Records the finding and returns its mask.
    fn mask(&mut self, rule: usize, secret: &[u8], span: Span) -> String {
        let pipeline = self.pipeline;
        let rule = &pipeline.scanner().rules().rules[rule];
        self.totals.masked += 1;
        let origin = Origin::path(self.opts.label.clone());
        pipeline.push(Finding::new(rule, secret, span, origin, pipeline.redacts()));
        self.opts.mask.render(rule, secret)
    }

    /// Writes and flushes what `step` produced.
    fn write(&mut self, output: &mut dyn Write) -> std::io::Result<()> {
        if !self.out.is_empty() {
            output.write_all(&self.out)?;
            self.out.clear();
        }
        output.flush()
    }
}

/// Where to hold back from so that a match starting at `at` is rescanned with its line (or, on a
/// very long line, with the scanner's lookback).
fn hold_from(hay: &[u8], at: usize) -> usize {
    let line_start = memrchr(b'\n', &hay[..at]).map_or(0, |p| p + 1);
    line_start.max(at.saturating_sub(LOOKBACK))
}
