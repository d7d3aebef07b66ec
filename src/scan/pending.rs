//! Whether a match may still be in progress at the end of a buffer that a stream will continue.
//! The streaming redactor must not release bytes that the next read could turn into part of a
//! secret (a PEM body whose `-----END` line has not arrived yet, a value on the line after its
//! `password:` key). For every keyword hit whose rule window is cut short by the end of the buffer,
//! the rule's pattern runs as an anchored lazy DFA from each place where a match holding that hit
//! could start; the hit is pending when a run is still alive at the end of the buffer. Windows
//! that are complete need no check: the scanner's answer for them is final. No I/O.

use std::sync::Arc;

use memchr::memrchr;
use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::hybrid::LazyStateID;
use regex_automata::nfa::thompson;
use regex_automata::util::{start, syntax};
use regex_automata::Anchored;

use super::prefilter::KeywordFinder;
use crate::rules::RuleSet;

/// How far before its first keyword a match may start (the scanner's lookback plus its edge
/// extension, rounded up).
pub const LOOKBACK: usize = super::WINDOW_BEFORE + 1024;
/// Extra bytes past a rule's window that the scanner may still read (its edge extension).
const EDGE: usize = 1024;

/// Rules whose window is at most this long share one keyword prefilter that only looks at the
/// last few KiB of a buffer; rules with longer windows (private keys) get their own.
const SHORT_WINDOW: usize = 2048;

/// Finds the earliest possibly unfinished match at the end of a buffer. Holds one lazy DFA and
/// cache per rule, built on the rule's first pending check; used by one thread.
pub struct Pending {
    rules: Arc<RuleSet>,
    groups: Vec<Group>,
    dfas: Vec<Option<Option<(DFA, Cache)>>>,
}

/// Rules whose keyword hits are looked for in the same tail of the buffer.
struct Group {
    prefilter: KeywordFinder,
    keyword_rules: Vec<Vec<usize>>,
    /// Longest reach of these rules past the start of a keyword: keyword, window, edge.
    reach: usize,
}

impl Group {
    fn new(rules: &RuleSet, members: impl Fn(usize) -> bool) -> anyhow::Result<Option<Group>> {
        let mut keywords: Vec<String> = Vec::new();
        let mut keyword_rules: Vec<Vec<usize>> = Vec::new();
        let mut reach = 0;
        for (i, rule) in rules.rules.iter().enumerate().filter(|(i, _)| members(*i)) {
            for kw in &rule.spec.keywords {
                let kw = kw.to_ascii_lowercase();
                reach = reach.max(kw.len() + rule.window() + EDGE);
                match keywords.iter().position(|k| *k == kw) {
                    Some(p) if !keyword_rules[p].contains(&i) => keyword_rules[p].push(i),
                    Some(_) => {}
                    None => {
                        keywords.push(kw);
                        keyword_rules.push(vec![i]);
                    }
                }
            }
        }
        if keywords.is_empty() {
            return Ok(None);
        }
        let prefilter = KeywordFinder::new(&keywords)?;
        Ok(Some(Group {
            prefilter,
            keyword_rules,
            reach,
        }))
    }
}

impl Pending {
    /// Builds the keyword prefilters over the rules' keywords (the same necessary condition the
    /// scanner's prefilter uses).
    pub fn new(rules: Arc<RuleSet>) -> anyhow::Result<Pending> {
        let short = |i: usize| rules.rules[i].window() <= SHORT_WINDOW;
        let groups = [Group::new(&rules, short)?, Group::new(&rules, |i| !short(i))?]
            .into_iter()
            .flatten()
            .collect();
        let dfas = (0..rules.rules.len()).map(|_| None).collect();
        Ok(Pending { rules, groups, dfas })
    }

    /// The earliest offset in `hay` where a match may start that more input could still
    /// complete or extend, or `None` when every match that touches `hay` is already decided.
    pub fn earliest(&mut self, hay: &[u8]) -> Option<usize> {
        (0..self.groups.len()).filter_map(|g| self.earliest_in(g, hay)).min()
    }

    fn earliest_in(&mut self, g: usize, hay: &[u8]) -> Option<usize> {
        let group = &self.groups[g];
        let from = hay.len().saturating_sub(group.reach);
        // Hits are visited in ascending order and their start ranges ascend with them, so the
        // first pending hit gives the group's answer.
        let mut hits: Vec<(usize, usize, usize)> = Vec::new();
        group
            .prefilter
            .for_each_hit(&hay[from..], |h| hits.push((from + h.start, from + h.end, h.pattern)));
        for (start, end, kw) in hits {
            for i in 0..self.groups[g].keyword_rules[kw].len() {
                let r = self.groups[g].keyword_rules[kw][i];
                if end + self.rules.rules[r].window() + EDGE <= hay.len() {
                    continue;
                }
                let line_start = memrchr(b'\n', &hay[..start]).map_or(0, |p| p + 1);
                let lo = line_start.max(start.saturating_sub(LOOKBACK));
                for s in lo..=start {
                    if self.alive_at_end(r, &hay[s..]) {
                        return Some(s);
                    }
                }
            }
        }
        None
    }

    /// Runs rule `r` anchored over `tail`; true when the run could still go on past its end.
    /// Whenever the lazy DFA cannot answer, the answer is yes: holding is the safe side.
    fn alive_at_end(&mut self, r: usize, tail: &[u8]) -> bool {
        let slot = &mut self.dfas[r];
        if slot.is_none() {
            *slot = Some(self.rules.rules[r].spec.regex.as_deref().and_then(build));
        }
        let Some(Some((dfa, cache))) = slot.as_mut() else {
            return true;
        };
        let Ok(mut sid) = dfa.start_state(cache, &start::Config::new().anchored(Anchored::Yes)) else {
            return true;
        };
        for &b in tail {
            sid = match dfa.next_state(cache, sid, b) {
                Ok(s) => s,
                Err(_) => return true,
            };
            if sid.is_dead() {
                return false;
            }
            if sid.is_quit() {
                return true;
            }
        }
        can_continue(dfa, cache, sid).unwrap_or(true)
    }
}

/// True when some next byte leads to a state that is neither dead nor a finished match (a match
/// state from which every byte leads to the dead state).
fn can_continue(dfa: &DFA, cache: &mut Cache, sid: LazyStateID) -> Option<bool> {
    for b in 0..=255u8 {
        let next = dfa.next_state(cache, sid, b).ok()?;
        if next.is_dead() {
            continue;
        }
        if next.is_quit() || !next.is_match() {
            return Some(true);
        }
        for c in 0..=255u8 {
            let after = dfa.next_state(cache, next, c).ok()?;
            if !after.is_dead() {
                return Some(true);
            }
        }
    }
    Some(false)
}

/// The rule's pattern as a lazy DFA with the scanner's syntax (bytes, no Unicode); `None` when it
/// cannot be built, which makes every check answer "pending".
fn build(pattern: &str) -> Option<(DFA, Cache)> {
    let dfa = DFA::builder()
        .configure(DFA::config().match_kind(regex_automata::MatchKind::LeftmostFirst))
        .syntax(syntax::Config::new().unicode(false).utf8(false))
        .thompson(thompson::Config::new().utf8(false))
        .build(pattern)
        .ok()?;
    let cache = dfa.create_cache();
    Some((dfa, cache))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::builtin_rules;

    fn pending() -> Pending {
        Pending::new(Arc::new(builtin_rules().unwrap())).unwrap()
    }

    #[test]
    fn an_unfinished_pem_block_is_pending_and_a_finished_one_is_not() {
        let mut p = pending();
        let head = b"log line\n-----BEGIN RSA PRIVATE KEY-----\n";
        assert_eq!(p.earliest(head), Some(9));
        // A real-looking key body, assembled at run time so this file holds no key.
        let key_body = ["v0aC5qW0ggfD1UV3wZnWr8C5+W02v4Uq", "KvohVIpztctgR9/vx4D6c71X0vEFdqiZ"].concat();
        let body = format!("log line\n-----BEGIN RSA PRIVATE KEY-----\n{key_body}\n");
        assert_eq!(p.earliest(body.as_bytes()), Some(9));
        let done = format!("-----BEGIN RSA PRIVATE KEY-----\n{key_body}\nAAAA\n-----END RSA PRIVATE KEY-----\nnext\n");
        assert_eq!(p.earliest(done.as_bytes()), None);
    }

    #[test]
    fn a_mention_of_a_key_header_is_not_pending() {
        let mut p = pending();
        assert_eq!(p.earliest(b"grep -r 'BEGIN RSA PRIVATE KEY-----' .\n"), None);
        assert_eq!(
            p.earliest(b"if (strstr(buf, \"-----BEGIN RSA PRIVATE KEY-----\"))\n"),
            None
        );
    }

    #[test]
    fn a_finished_single_line_token_is_not_pending_but_a_cut_one_is() {
        let mut p = pending();
        assert_eq!(
            p.earliest(b"export TOKEN=ghp_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ\n"),
            None
        );
        assert!(p.earliest(b"export TOKEN=ghp_abcdefghij").is_some());
        assert_eq!(p.earliest(b"plain text without keywords\n"), None);
    }
}
