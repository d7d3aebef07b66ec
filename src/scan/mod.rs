//! Matching: turns bytes into rule matches. One pass of the keyword prefilter ([`prefilter`]) finds
//! where any rule's keyword occurs; only the rules whose keywords hit run their regex, and only on a
//! bounded window around each hit. Each candidate then passes the rule's entropy and checksum gates, the
//! global placeholder filter, the user's secret allowlist and the inline allow comments. This module
//! does no I/O and prints nothing; it is shared read-only by all threads, each of which brings its
//! own [`Scratch`].

pub mod assign;
pub mod checksum;
mod entropy;
mod filters;
pub mod pending;
pub mod prefilter;

use std::sync::Arc;

use memchr::{memchr, memrchr};

use crate::rules::{Confidence, RuleSet};
use prefilter::KeywordFinder;

pub use entropy::shannon_entropy;
pub use filters::{is_placeholder, is_stand_in, is_test_path, line_has_allow_comment, SecretAllow};

/// Bytes before a keyword hit that a rule's regex may start at.
pub const WINDOW_BEFORE: usize = 256;
/// How far a window edge is pushed outward so that it never cuts a token in half.
const EDGE_EXTEND: usize = 1024;

/// One confirmed secret: which rule, and where the secret (the `secret` group) lies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match {
    /// Index into the scan's [`RuleSet`].
    pub rule: usize,
    /// Byte offset of the secret's first byte.
    pub start: usize,
    /// Byte offset one past the secret's last byte.
    pub end: usize,
    /// The confidence the generic scorer ([`assign`]) gave this match, overriding the rule's own;
    /// `None` for rules that are not scored.
    pub confidence: Option<Confidence>,
    /// Found by the rule's loose form ([`crate::rules::loose_pattern`]): the provider's name and a
    /// credential word before a random value that is not in the provider's documented format.
    pub loose: bool,
}

/// Why a candidate was dropped; counted for the summary.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Suppressed {
    /// Documented examples and obvious placeholders.
    pub placeholder: u64,
    /// Lines carrying an allow comment.
    pub inline_allow: u64,
    /// The user's secret regexes and stopwords.
    pub allowlisted: u64,
}

/// Why the scanner dropped a candidate: recorded only in trace mode ([`Scratch::trace`]), for
/// `leakhound explain`.
#[derive(Debug, Clone, PartialEq)]
pub enum DropReason {
    /// Below the rule's entropy floor (bits per character).
    LowEntropy {
        /// The value's entropy.
        entropy: f64,
        /// The rule's floor.
        min: f64,
    },
    /// The provider's checksum does not verify.
    Checksum,
    /// A documented example, template reference or stand-in (`${VAR}`, `changeme`, `xxxx`).
    Placeholder,
    /// A generic rule's value that reads like code (a call, a member access, an identifier).
    LooksLikeCode,
    /// A hex digest after a label such as `sha256:` or `integrity=`.
    DigestLabel,
    /// The user's secret allowlist: which entry.
    Allowlist(String),
    /// An inline `leakhound:allow` (or a peer's) comment on the line.
    InlineAllow,
    /// The generic assignment scorer ([`assign`]) rejected the name or the value.
    Score {
        /// Strength of the name, 0 (vetoed or absent) to 3.
        name: u8,
        /// Plausibility of the value, 0 to 3.
        value: u8,
        /// The rejection.
        why: &'static str,
    },
    /// Overlapped by a match of a more specific or more confident rule (its index).
    Overlapped {
        /// The rule that reports the secret instead.
        by: usize,
    },
}

/// A candidate the scanner dropped, with why (trace mode only).
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// Index into the scan's [`RuleSet`].
    pub rule: usize,
    /// Byte offset of the value's first byte.
    pub start: usize,
    /// Byte offset one past its last byte.
    pub end: usize,
    /// Why it was dropped.
    pub reason: DropReason,
}

/// Per-thread working memory, reused across inputs so the hot path does not allocate.
#[derive(Debug, Default)]
pub struct Scratch {
    windows: Vec<(usize, usize, usize)>,
    found: Vec<Match>,
    /// Per rule: 1 + index in `windows` of its latest window (0 = none yet), so that a burst of
    /// hits extends one window instead of pushing (and measuring) one window per hit.
    last_window: Vec<u32>,
    touched: Vec<usize>,
    /// Candidates dropped since the last [`Scratch::take_suppressed`].
    pub suppressed: Suppressed,
    /// When `Some`, every dropped candidate is recorded here with its reason (`leakhound explain`);
    /// `None` in scans, where nothing is recorded.
    pub trace: Option<Vec<Candidate>>,
}

impl Scratch {
    /// Scratch that records dropped candidates.
    pub fn tracing() -> Scratch {
        Scratch {
            trace: Some(Vec::new()),
            ..Scratch::default()
        }
    }

    #[inline]
    fn dropped(&mut self, rule: usize, start: usize, end: usize, reason: impl FnOnce() -> DropReason) {
        if let Some(t) = &mut self.trace {
            t.push(Candidate {
                rule,
                start,
                end,
                reason: reason(),
            });
        }
    }

    /// Returns and resets the suppression counters.
    pub fn take_suppressed(&mut self) -> Suppressed {
        std::mem::take(&mut self.suppressed)
    }
}

/// The compiled matcher of one scan.
pub struct Scanner {
    rules: Arc<RuleSet>,
    prefilter: KeywordFinder,
    /// For each keyword (prefilter pattern id), the rules that listed it.
    keyword_rules: Vec<Vec<usize>>,
    allow: SecretAllow,
    /// Rules that match on the path alone.
    path_only: Vec<usize>,
    path_set: std::sync::OnceLock<regex::bytes::RegexSet>,
    /// Per rule: the rules finding the other half of a two-part credential, and the distance.
    pair_targets: Vec<Option<(Vec<usize>, usize)>>,
    /// The rules reported by a format parser (`format = "…"`), by format name.
    format_rules: Vec<(String, usize)>,
    /// Per rule: how the generic scorer reads its captures, for rules tagged `score:*`.
    scored: Vec<Option<assign::Mode>>,
    /// Per rule: its loose form may run. Not for a provider with a checksummed token format
    /// (GitHub, PyPI, npm): a random value after `GITHUB_TOKEN` is none of its documented kinds;
    /// nor for any rule in `rules check`, which proves the documented formats ([`Scanner::strict`]).
    loose_ok: Vec<bool>,
}

impl Scanner {
    /// Builds the keyword prefilter. Regexes are compiled lazily, on a rule's first keyword hit.
    pub fn new(rules: Arc<RuleSet>, allow: SecretAllow) -> anyhow::Result<Scanner> {
        let mut keywords: Vec<String> = Vec::new();
        let mut keyword_rules: Vec<Vec<usize>> = Vec::new();
        let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        for (i, rule) in rules.rules.iter().enumerate() {
            if !rule.matches_content() {
                continue;
            }
            for kw in &rule.spec.keywords {
                let kw = kw.to_ascii_lowercase();
                match index.get(&kw) {
                    Some(&p) => {
                        if !keyword_rules[p].contains(&i) {
                            keyword_rules[p].push(i)
                        }
                    }
                    None => {
                        index.insert(kw.clone(), keywords.len());
                        keywords.push(kw);
                        keyword_rules.push(vec![i]);
                    }
                }
            }
        }
        let prefilter = KeywordFinder::new(&keywords)?;
        let path_only = rules
            .rules
            .iter()
            .enumerate()
            .filter(|(_, r)| r.path_only())
            .map(|(i, _)| i)
            .collect();
        let pair_targets = rules
            .rules
            .iter()
            .map(|r| {
                let p = r.spec.pair.as_ref()?;
                let targets: Vec<usize> = p
                    .rule
                    .as_slice()
                    .iter()
                    .filter_map(|id| rules.rules.iter().position(|t| &t.spec.id == id))
                    .collect();
                (!targets.is_empty()).then_some((targets, p.distance))
            })
            .collect();
        let format_rules = rules
            .rules
            .iter()
            .enumerate()
            .filter_map(|(i, r)| Some((r.spec.format.clone()?, i)))
            .collect();
        let scored = rules
            .rules
            .iter()
            .map(|r| assign::Mode::from_tags(&r.spec.tags))
            .collect();
        let checksummed: std::collections::HashSet<&str> = rules
            .rules
            .iter()
            .filter(|r| r.spec.checksum.is_some())
            .map(|r| r.spec.provider.as_str())
            .collect();
        let loose_ok = rules
            .rules
            .iter()
            .map(|r| !checksummed.contains(r.spec.provider.as_str()))
            .collect();
        Ok(Scanner {
            loose_ok,
            format_rules,
            scored,
            rules,
            prefilter,
            keyword_rules,
            allow,
            path_only,
            path_set: Default::default(),
            pair_targets,
        })
    }

    /// This scanner without the rules' loose forms: only values in each provider's documented
    /// format are found. `rules check` uses it to prove the formats.
    pub fn strict(mut self) -> Scanner {
        self.loose_ok.fill(false);
        self
    }

    /// The rules this scanner matches.
    pub fn rules(&self) -> &Arc<RuleSet> {
        &self.rules
    }

    /// Path-only rules (no content pattern) whose path pattern matches `path`, appended to `out`.
    /// One pass over the path for all of them.
    pub fn path_matches(&self, path: &[u8], out: &mut Vec<usize>) {
        if self.path_only.is_empty() {
            return;
        }
        let set = self.path_set.get_or_init(|| {
            let pats = self
                .path_only
                .iter()
                .map(|&r| self.rules.rules[r].spec.path.clone().unwrap_or_default());
            // Each pattern passed the per-rule limit alone; together they need the sum of limits, or
            // a few large path rules that load fine would fail here.
            regex::bytes::RegexSetBuilder::new(pats)
                .unicode(false)
                .size_limit(crate::rules::REGEX_SIZE_LIMIT.saturating_mul(self.path_only.len()))
                .build()
                .expect("path patterns were validated")
        });
        if set.is_match(path) {
            out.extend(set.matches(path).iter().map(|i| self.path_only[i]));
        }
    }

    /// For each match, the index of the match holding the other half of its two-part credential
    /// (see [`crate::rules::PairSpec`]); each partner is claimed once. `out` is cleared first.
    pub fn pair_up(&self, matches: &[Match], out: &mut Vec<Option<usize>>) {
        out.clear();
        out.resize(matches.len(), None);
        let mut claimed = vec![false; matches.len()];
        for (i, m) in matches.iter().enumerate() {
            let Some((targets, distance)) = &self.pair_targets[m.rule] else {
                continue;
            };
            let best = matches
                .iter()
                .enumerate()
                .filter(|(j, n)| targets.contains(&n.rule) && !claimed[*j] && n.start.abs_diff(m.start) <= *distance)
                .min_by_key(|(_, n)| n.start.abs_diff(m.start))
                .map(|(j, _)| j);
            if let Some(j) = best {
                claimed[j] = true;
                out[i] = Some(j);
            }
        }
    }

    /// True when some loaded rule is reported by a format parser (`src/formats/`).
    pub fn has_formats(&self) -> bool {
        !self.format_rules.is_empty()
    }

    /// The rule a format parser's hits are reported as, if it is loaded.
    pub fn format_rule(&self, format: &str) -> Option<usize> {
        self.format_rules.iter().find(|(f, _)| f == format).map(|&(_, i)| i)
    }

    /// The gates a regex candidate passes, for a secret a format parser decoded from the value at
    /// `start` in `hay`: placeholders, the user's allowlist and inline allow comments (counted in
    /// `scratch` when dropped).
    pub fn keeps_decoded(&self, hay: &[u8], start: usize, secret: &[u8], scratch: &mut Scratch) -> bool {
        // Shorter than any rule's value (`{}`, `x`): a template or a stub, not a stored password.
        if secret.trim_ascii().len() < 4 || filters::is_stand_in(secret) {
            scratch.suppressed.placeholder += 1;
            return false;
        }
        if self.allow.allows(secret) {
            scratch.suppressed.allowlisted += 1;
            return false;
        }
        if filters::line_has_allow_comment(hay, start) {
            scratch.suppressed.inline_allow += 1;
            return false;
        }
        true
    }

    /// True when some rule matches on the path alone.
    pub fn has_path_rules(&self) -> bool {
        !self.path_only.is_empty()
    }

    /// Finds every secret in `hay`, appending matches sorted by position to `out`.
    pub fn scan(&self, hay: &[u8], scratch: &mut Scratch, out: &mut Vec<Match>) {
        scratch.windows.clear();
        scratch.found.clear();
        if hay.is_empty() || self.keyword_rules.is_empty() {
            return;
        }
        if scratch.last_window.len() < self.rules.rules.len() {
            scratch.last_window.resize(self.rules.rules.len(), 0);
        }
        let (windows, last_window, touched) = (&mut scratch.windows, &mut scratch.last_window, &mut scratch.touched);
        self.prefilter.for_each_hit(hay, |hit| {
            for &r in &self.keyword_rules[hit.pattern] {
                let want = hit.end.saturating_add(self.rules.rules[r].window());
                let last = last_window[r] as usize;
                if last != 0 {
                    // Hits arrive in order of their end: one that starts inside the rule's latest
                    // window only stretches it. A run of keyword hits (a megabyte of `aaaa…`)
                    // therefore costs one window, not one per byte.
                    let w = &mut windows[last - 1];
                    if hit.start <= w.2 {
                        if want > w.2 {
                            w.2 = window_end(hay, want);
                        }
                        continue;
                    }
                } else {
                    touched.push(r);
                }
                let start = window_start(hay, hit.start);
                let end = window_end(hay, want);
                windows.push((r, start, end));
                last_window[r] = windows.len() as u32;
            }
        });
        for r in scratch.touched.drain(..) {
            scratch.last_window[r] = 0;
        }
        if scratch.windows.is_empty() {
            return;
        }
        scratch.windows.sort_unstable();
        let mut i = 0;
        while i < scratch.windows.len() {
            let (r, start, mut end) = scratch.windows[i];
            let mut j = i + 1;
            while j < scratch.windows.len() && scratch.windows[j].0 == r && scratch.windows[j].1 <= end {
                end = end.max(scratch.windows[j].2);
                j += 1;
            }
            self.confirm(hay, r, start, end, scratch);
            i = j;
        }
        if scratch.trace.is_some() {
            let before = scratch.found.clone();
            resolve_overlaps(&self.rules, &mut scratch.found, false);
            let lost: Vec<(Match, usize)> = before
                .iter()
                .filter(|m| !scratch.found.contains(m))
                .map(|m| {
                    let by = scratch.found.iter().find(|k| k.start < m.end && m.start < k.end);
                    (*m, by.map_or(m.rule, |k| k.rule))
                })
                .collect();
            for (m, by) in lost {
                scratch.dropped(m.rule, m.start, m.end, || DropReason::Overlapped { by });
            }
        } else {
            resolve_overlaps(&self.rules, &mut scratch.found, false);
        }
        out.extend_from_slice(&scratch.found);
    }

    fn confirm(&self, hay: &[u8], r: usize, start: usize, end: usize, scratch: &mut Scratch) {
        let rule = &self.rules.rules[r];
        let window = &hay[start..end];
        let mut strict_seen = false;
        for caps in rule.regex().captures_iter(window) {
            let Some(secret) = caps.name("secret") else { continue };
            if secret.is_empty() {
                continue;
            }
            strict_seen = true;
            // A contextual rule's name must start a word: `lob_key` is not in `blob_key`, `box` not
            // in `inbox` (a camel-case join, `myAcmeKey`, still counts).
            // Nor may it sit in a line of base64 (a PEM body, a data URI): `MfAx` in a certificate
            // is not the Documo name.
            if !rule.spec.near.is_empty() {
                let at = start + caps.get(0).map_or(0, |m| m.start());
                if filters::name_inside_word(hay, at) || filters::in_base64_line(hay, at) {
                    continue;
                }
            }
            let bytes = secret.as_bytes();
            let (s, e) = (start + secret.start(), start + secret.end());
            let mode = self.scored[r];
            // A provider prefix between dotted words is part of a host or file name
            // (`video_box.ico-<hex>.png`), not the start of a token.
            if rule.spec.near.is_empty()
                && !rule.generic
                && filters::after_dotted_word(hay, s)
                && hay.get(e) == Some(&b'.')
                && hay.get(e + 1).is_some_and(u8::is_ascii_alphabetic)
            {
                scratch.dropped(r, s, e, || DropReason::LooksLikeCode);
                continue;
            }
            if let Some(min) = rule.spec.entropy {
                if !entropy::passes_entropy(bytes, min) {
                    scratch.dropped(r, s, e, || DropReason::LowEntropy {
                        entropy: shannon_entropy(bytes),
                        min,
                    });
                    continue;
                }
            }
            if let Some(kind) = rule.spec.checksum {
                if !checksum::verify(kind, bytes) {
                    scratch.dropped(r, s, e, || DropReason::Checksum);
                    continue;
                }
            }
            // Generic rules also skip values that read like code. (Not provider rules: several
            // providers' token alphabets include parentheses, slashes or long lowercase runs.)
            // Scored rules leave that judgement to the scorer, below.
            let stand_in = mode.is_none()
                && (filters::is_env_name(bytes)
                    || if rule.generic {
                        is_placeholder(bytes) || filters::looks_like_code(bytes)
                    } else {
                        filters::is_stand_in(bytes)
                            || ((rule.shapeless || !rule.spec.near.is_empty())
                                && (filters::is_snake_identifier(bytes)
                                    || filters::is_camel_identifier(bytes)
                                    || filters::is_one_case_word(bytes)))
                    });
            let digest = filters::after_digest_label(hay, s);
            if stand_in || digest || filters::in_template(hay, s) {
                scratch.suppressed.placeholder += 1;
                scratch.dropped(r, s, e, || {
                    if digest && !stand_in {
                        DropReason::DigestLabel
                    } else if stand_in && rule.generic && !is_placeholder(bytes) {
                        DropReason::LooksLikeCode
                    } else {
                        DropReason::Placeholder
                    }
                });
                continue;
            }
            let mut confidence = None;
            if let Some(mode) = mode {
                let key = caps.name("key");
                let gap_from = key.map_or(secret.start(), |k| k.end().min(secret.start()));
                let before = key.map_or(&[][..], |k| {
                    let line = memrchr(b'\n', &window[..k.start()]).map_or(0, |p| p + 1);
                    &window[line..k.start()]
                });
                let verdict = assign::score_at(
                    mode,
                    before,
                    key.map_or(&[][..], |k| k.as_bytes()),
                    &window[gap_from..secret.start()],
                    bytes,
                    window.get(secret.end()).copied(),
                );
                match verdict.confidence {
                    // A commented-out entry is an old or example value more often than a live one.
                    Some(_) if filters::line_is_comment(hay, s) => confidence = Some(Confidence::Low),
                    Some(c) => confidence = Some(c),
                    None => {
                        scratch.suppressed.placeholder += 1;
                        scratch.dropped(r, s, e, || DropReason::Score {
                            name: verdict.name,
                            value: verdict.value,
                            why: verdict.reason,
                        });
                        continue;
                    }
                }
            }
            if self.user_allows(hay, r, s, e, scratch) {
                continue;
            }
            scratch.found.push(Match {
                rule: r,
                start: s,
                end: e,
                confidence,
                loose: false,
            });
        }
        if !strict_seen && self.loose_ok[r] {
            if let Some(loose) = rule.loose_regex() {
                self.confirm_loose(hay, r, loose, start, end, scratch);
            }
        }
    }

    /// True (and counted) when the user allows the candidate `hay[s..e]` of rule `r`: an entry of the
    /// secret allowlist, or an allow comment on its line.
    fn user_allows(&self, hay: &[u8], r: usize, s: usize, e: usize, scratch: &mut Scratch) -> bool {
        let bytes = &hay[s..e];
        if self.allow.allows(bytes) {
            scratch.suppressed.allowlisted += 1;
            scratch.dropped(r, s, e, || {
                DropReason::Allowlist(self.allow.allowed_by(bytes).unwrap_or_default())
            });
            return true;
        }
        if filters::line_has_allow_comment(hay, s) {
            scratch.suppressed.inline_allow += 1;
            scratch.dropped(r, s, e, || DropReason::InlineAllow);
            return true;
        }
        false
    }

    /// The loose form of rule `r` over one window where its own pattern found nothing: a value
    /// next to the provider's name and a credential word, judged as a generic token is (random,
    /// not a word, path, identifier or placeholder), reported at medium confidence.
    fn confirm_loose(
        &self,
        hay: &[u8],
        r: usize,
        loose: &regex::bytes::Regex,
        start: usize,
        end: usize,
        scratch: &mut Scratch,
    ) {
        let window = &hay[start..end];
        for caps in loose.captures_iter(window) {
            let (Some(name), Some(secret), Some(op)) = (caps.name("name"), caps.name("secret"), caps.name("op")) else {
                continue;
            };
            let at = start + name.start();
            if filters::name_inside_word(hay, at) || filters::in_base64_line(hay, at) {
                continue;
            }
            // Without a credential word after it, the name must be assigned: blanks after a bare name
            // are prose or code (`acme 2024`, `import acme`), a hyphen a package (`acme-client-2.0`).
            // A pattern rule's keyword (`segment`) is a common word, where a `near` name is chosen to
            // be distinctive: after a keyword, the credential word is always needed.
            let op = op.as_bytes().trim_ascii();
            let bare = caps.name("words").is_none_or(|w| w.is_empty());
            if bare && (op.is_empty() || op == b"-" || self.rules.rules[r].spec.near.is_empty()) {
                continue;
            }
            let bytes = secret.as_bytes();
            let (s, e) = (start + secret.start(), start + secret.end());
            let has_digit = bytes.iter().any(u8::is_ascii_digit);
            let has_alpha = bytes.iter().any(u8::is_ascii_alphabetic);
            let reason = if !has_digit || !has_alpha || !entropy::passes_entropy(bytes, 3.0) {
                Some(DropReason::LowEntropy {
                    entropy: shannon_entropy(bytes),
                    min: 3.0,
                })
            } else if window.get(secret.end()) == Some(&b'(') || filters::looks_like_code(bytes) || constant_name(bytes)
            {
                Some(DropReason::LooksLikeCode)
            } else if filters::is_stand_in(bytes)
                || is_placeholder(bytes)
                || filters::is_env_name(bytes)
                || filters::is_snake_identifier(bytes)
                || filters::is_camel_identifier(bytes)
                || filters::is_one_case_word(bytes)
                || filters::after_digest_label(hay, s)
                || filters::in_template(hay, s)
            {
                Some(DropReason::Placeholder)
            } else {
                assign::reject_value(assign::Kind::Token, bytes, false).map(|why| DropReason::Score {
                    name: 2,
                    value: 0,
                    why,
                })
            };
            if let Some(reason) = reason {
                scratch.suppressed.placeholder += 1;
                scratch.dropped(r, s, e, || reason);
                continue;
            }
            if self.user_allows(hay, r, s, e, scratch) {
                continue;
            }
            let confidence = if filters::line_is_comment(hay, s) {
                Confidence::Low
            } else {
                Confidence::Medium
            };
            scratch.found.push(Match {
                rule: r,
                start: s,
                end: e,
                confidence: Some(confidence.min(self.rules.rules[r].spec.confidence)),
                loose: true,
            });
        }
    }
}

/// `D3DDDI_SEGMENTPREFERENCE`, `MAX_TOKEN_LEN2`: capitals, digits and underscores, with an
/// underscore: a constant's name, not a value.
fn constant_name(v: &[u8]) -> bool {
    v.contains(&b'_')
        && v.iter()
            .all(|&b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

/// Where a window may start: up to [`WINDOW_BEFORE`] bytes back, not before the line's start, and
/// never inside a token.
fn window_start(hay: &[u8], hit: usize) -> usize {
    let lo = hit.saturating_sub(WINDOW_BEFORE);
    if let Some(nl) = memrchr(b'\n', &hay[lo..hit]) {
        return lo + nl + 1;
    }
    let mut s = lo;
    let floor = lo.saturating_sub(EDGE_EXTEND);
    while s > floor && !hay[s - 1].is_ascii_whitespace() {
        s -= 1;
    }
    s
}

/// Where a window may end: never inside a token, so `\b` at the window's edge cannot fake a match.
fn window_end(hay: &[u8], want: usize) -> usize {
    if want >= hay.len() {
        return hay.len();
    }
    let cap = (want + EDGE_EXTEND).min(hay.len());
    match hay[want..cap].iter().position(|b| b.is_ascii_whitespace()) {
        Some(p) => want + p,
        None => cap,
    }
}

/// Sorts matches and keeps one per secret: where secrets overlap, a generic rule yields to a
/// specific one, and among specific rules the most confident (then most severe) wins. Until the
/// input's path is known (`path_known` false), a rule restricted to some paths (`.pypirc`) neither
/// wins nor loses, since it may not apply; the caller resolves again once it has filtered by path.
pub fn resolve_overlaps(rules: &RuleSet, found: &mut Vec<Match>, path_known: bool) {
    if found.len() < 2 {
        return;
    }
    found.sort_unstable_by_key(|m| (m.start, m.end, m.rule));
    found.dedup();
    let rank = |m: &Match| {
        let s = &rules.rules[m.rule];
        (
            !s.generic,
            m.confidence.unwrap_or(s.spec.confidence),
            s.spec.severity,
            std::cmp::Reverse(m.rule),
        )
    };
    let mut keep = vec![true; found.len()];
    for i in 0..found.len() {
        for j in i + 1..found.len() {
            if !keep[i] || found[j].start >= found[i].end {
                break;
            }
            if !keep[j] {
                continue;
            }
            let (a, b) = (found[i], found[j]);
            // Until the path is known (the pipeline resolves again once it is), a rule that only
            // counts in some paths neither wins nor loses: `password: 'x'` outside a kubeconfig is
            // still reported by the generic rule.
            if !path_known && (rules.rules[a.rule].spec.path.is_some() || rules.rules[b.rule].spec.path.is_some()) {
                continue;
            }
            // Overlapping secrets are one secret: report it once, by the best rule.
            if rank(&a) >= rank(&b) {
                keep[j] = false;
            } else {
                keep[i] = false;
            }
        }
    }
    let mut k = keep.iter();
    found.retain(|_| *k.next().unwrap_or(&true));
}

/// 1-based line and column (in UTF-16 code units, as SARIF and editors count) of a byte offset,
/// computed incrementally for ascending offsets over one haystack.
#[derive(Debug, Default)]
pub struct LineCounter {
    pos: usize,
    line: u64,
}

impl LineCounter {
    /// Starts at byte 0, line 1.
    pub fn new() -> LineCounter {
        LineCounter { pos: 0, line: 1 }
    }

    /// Line and column of `offset`; offsets must not decrease between calls.
    pub fn locate(&mut self, hay: &[u8], offset: usize) -> (u64, u64) {
        if offset < self.pos {
            *self = LineCounter::new();
        }
        self.line += memchr::memchr_iter(b'\n', &hay[self.pos..offset]).count() as u64;
        self.pos = offset;
        let line_start = memrchr(b'\n', &hay[..offset]).map_or(0, |p| p + 1);
        (self.line, utf16_len(&hay[line_start..offset]) + 1)
    }
}

/// Length in UTF-16 code units of bytes decoded as UTF-8, each invalid byte counting as one unit.
pub fn utf16_len(bytes: &[u8]) -> u64 {
    let mut n = 0u64;
    for chunk in bytes.utf8_chunks() {
        let valid = chunk.valid();
        // The common case, and the one that makes a 4 GB line cheap: ASCII is one unit per byte.
        n += if valid.is_ascii() {
            valid.len() as u64
        } else {
            valid.chars().map(|c| c.len_utf16() as u64).sum::<u64>()
        };
        n += chunk.invalid().len() as u64;
    }
    n
}

/// The bytes of the line holding `offset`, without its newline.
pub fn line_of(hay: &[u8], offset: usize) -> &[u8] {
    let start = memrchr(b'\n', &hay[..offset]).map_or(0, |p| p + 1);
    let end = memchr(b'\n', &hay[offset..]).map_or(hay.len(), |p| offset + p);
    &hay[start..end]
}

/// The confidence a match is reported at in the file at `path`: the generic scorer's where it
/// scored the match, else the rule's; low for a password hash in test material (a test's
/// `htpasswd` holds the hash the test logs in with, and a hash needs cracking to be used).
/// Generic values keep their score there: real tokens are pasted into tests as often as made-up
/// ones, and the scorer already tells the two apart. Returns whether the path lowered it.
pub fn confidence_at(rule: &crate::rules::Rule, scored: Option<Confidence>, path: &str) -> (Confidence, bool) {
    let base = scored.unwrap_or(rule.spec.confidence);
    if rule.spec.kind != crate::rules::Kind::PasswordHash || base == Confidence::Low || !is_test_path(path) {
        return (base, false);
    }
    (Confidence::Low, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{Rule, RuleSpec, REGEX_SIZE_LIMIT};

    fn path_rule(id: &str, path: String) -> RuleSpec {
        toml::from_str(&format!(
            "id = {id:?}\nname = \"n\"\nprovider = \"p\"\ndescription = \"d\"\npath = {path:?}\n\
             severity = \"low\"\nconfidence = \"low\"\n[runbook]\nurl = \"https://x.example\"\nsteps = \"s\"\n"
        ))
        .unwrap()
    }

    /// Found by review while writing the `config` fuzz target: path rules that each compile within
    /// the per-rule limit panicked when combined into one set over the default set limit.
    #[test]
    fn several_large_path_rules_that_load_do_not_panic_when_combined() {
        let pattern = |n: usize| format!("^(?:[a-z0-9_]{{{n}}})$");
        let fits = |n: usize| {
            regex::bytes::RegexBuilder::new(&pattern(n))
                .unicode(false)
                .size_limit(REGEX_SIZE_LIMIT)
                .build()
                .is_ok()
        };
        // The largest repetition that still loads as one rule.
        let (mut lo, mut hi) = (1usize, 1 << 20);
        while lo + 1 < hi {
            let mid = (lo + hi) / 2;
            if fits(mid) {
                lo = mid
            } else {
                hi = mid
            }
        }
        let rules: Vec<Rule> = (0..3)
            .map(|i| Rule::new(path_rule(&format!("big-{i}"), pattern(lo)), "t".into(), true).unwrap())
            .collect();
        let scanner = Scanner::new(Arc::new(RuleSet { rules }), SecretAllow::default()).unwrap();
        let mut out = Vec::new();
        scanner.path_matches(b"abc", &mut out);
        assert!(out.is_empty());
    }
}
