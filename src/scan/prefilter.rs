//! Keyword prefilter: every ASCII-case-insensitive occurrence of every rule keyword, in one pass.
//!
//! This is the hottest loop of leakhound: every byte of every input goes through it, and nothing
//! else looks at a byte that it did not flag. It replaces an Aho-Corasick DFA, whose cost on
//! thousands of keywords is one dependent table load per byte (a latency chain through a table too
//! large for L1 cache). Here the only value carried from one byte to the next is a 32-bit shift
//! register, so the processor overlaps the work of consecutive bytes:
//!
//! 1. each byte is folded to lower case and shifted into a register holding the last four bytes;
//! 2. the last three bytes are hashed to pick a 64-bit word of a table (128 KiB, in L2 cache), and
//!    the fourth-last byte picks a bit in it: the bit is set for one four-byte *piece* of every
//!    keyword of four bytes or more, and a three-byte keyword sets its whole word;
//! 3. only where a bit is set are the keywords filed under that hash checked: the piece against
//!    the register, then the whole keyword against the input around it.
//!
//! Which piece: the one least frequent in source code. A keyword's last four bytes are often as
//! common as English (`tion`, `lock`, `data`, `----`): filed under its suffix, a catalogue of
//! thousands of provider names sent four positions in a hundred to the check. The pieces to avoid
//! are listed in `common_grams.txt`, counted once over a corpus of source code; among the pieces
//! not listed, the one whose three-byte halves begin or end the fewest listed pieces is taken.
//!
//! A keyword is found when its piece has been read, before its end; hits are held back in a small
//! buffer and handed over in order of their end (then keyword index), the order the window builder
//! in [`super::Scanner::scan`] relies on. Keywords must be at least three bytes long (the rule
//! loader enforces it); the tests check the hits against Aho-Corasick.

/// ASCII lower-casing, as a table so that the fold is a single load.
const FOLD: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = (i as u8).to_ascii_lowercase();
        i += 1;
    }
    t
};

/// The table: 2^14 words of 64 bits (128 KiB, in L2 cache). A piece `abcd` is filed at bit
/// `a & 63` of the word that the hash of `bcd` picks, so that one load answers for both kinds of
/// keyword: a three-byte keyword `bcd` sets every bit of its word (it matches whatever byte came
/// before it). The built-in rules set about 2,700 bits and 50 whole words.
const WORD_BITS: u32 = 14;
const K3: u32 = 0x9E37_79B1;
/// Candidate buckets: the top bits of the word index, so a bucket holds about one entry.
const BUCKET_BITS: u32 = 12;

/// The pieces of source code to avoid, most frequent first (hex, whitespace-separated).
const COMMON_GRAMS: &str = include_str!("common_grams.txt");

/// The word of the register's last three bytes.
#[inline(always)]
fn word_of(reg: u32) -> usize {
    ((reg & 0x00FF_FFFF).wrapping_mul(K3) >> (32 - WORD_BITS)) as usize
}

/// The bit, within its word, of the register's fourth-last byte.
#[inline(always)]
fn bit_of(reg: u32) -> u32 {
    (reg >> 24) & 63
}

/// Four folded bytes as the register holds them (the last byte in the low eight bits).
fn gram_of(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0u32, |g, &b| (g << 8) | u32::from(FOLD[b as usize]))
}

/// The listed common pieces, most frequent first.
fn common_grams() -> impl Iterator<Item = u32> {
    COMMON_GRAMS
        .lines()
        .filter(|l| !l.starts_with('#'))
        .flat_map(str::split_ascii_whitespace)
        .filter_map(|g| u32::from_str_radix(g, 16).ok())
}

/// What the listed common pieces tell about a piece; built once per process.
struct Common {
    /// Rank of each listed piece (0 = most frequent).
    rank: std::collections::HashMap<u32, usize>,
    /// How many listed pieces begin or end with each three bytes: an unlisted piece whose halves
    /// start or end many listed ones (`itch`: `witc`, `tch `) is still a common one.
    halves: std::collections::HashMap<u32, u32>,
    /// The table bits the listed pieces fall on.
    hot: Vec<u64>,
}

impl Common {
    fn get() -> &'static Common {
        static COMMON: std::sync::OnceLock<Common> = std::sync::OnceLock::new();
        COMMON.get_or_init(|| {
            let mut c = Common {
                rank: std::collections::HashMap::with_capacity(8192),
                halves: std::collections::HashMap::with_capacity(16384),
                hot: vec![0u64; 1 << WORD_BITS],
            };
            for (i, g) in common_grams().enumerate() {
                c.rank.entry(g).or_insert(i);
                c.hot[word_of(g)] |= 1 << bit_of(g);
                *c.halves.entry(g >> 8).or_default() += 1;
                *c.halves.entry(g & 0x00FF_FFFF).or_default() += 1;
            }
            c
        })
    }
}

/// A keyword filed under the hash of one of its pieces.
#[derive(Debug, Clone, Copy)]
struct Entry {
    /// The folded piece (three-byte keywords: the whole keyword), as in the register.
    gram: u32,
    /// The register bits the piece occupies (the low 24 for a three-byte keyword).
    mask: u32,
    keyword: u32,
    /// Offset, from the keyword's first byte, of the byte after its piece.
    back: u32,
}

/// Keywords grouped by the top [`BUCKET_BITS`] of their hash (a compressed sparse layout).
#[derive(Debug, Clone)]
struct Buckets {
    start: Vec<u32>,
    entries: Vec<Entry>,
}

impl Buckets {
    fn new(mut items: Vec<(usize, Entry)>) -> Buckets {
        let shift = WORD_BITS - BUCKET_BITS;
        items.sort_unstable_by_key(|(h, e)| (h >> shift, e.keyword));
        let mut start = vec![0u32; (1 << BUCKET_BITS) + 1];
        for (h, _) in &items {
            start[(h >> shift) + 1] += 1;
        }
        for i in 1..start.len() {
            start[i] += start[i - 1];
        }
        Buckets {
            start,
            entries: items.into_iter().map(|(_, e)| e).collect(),
        }
    }

    #[inline(always)]
    fn get(&self, word: usize) -> &[Entry] {
        let b = word >> (WORD_BITS - BUCKET_BITS);
        &self.entries[self.start[b] as usize..self.start[b + 1] as usize]
    }
}

/// Finds keyword occurrences. Built once per scan, shared read-only by all threads.
#[derive(Debug, Clone)]
pub struct KeywordFinder {
    /// Lower-cased keywords; a hit's pattern id is an index into this.
    keywords: Vec<Box<[u8]>>,
    table: Box<[u64; 1 << WORD_BITS]>,
    /// Keywords by the word of their piece (three-byte keywords: of their bytes).
    buckets: Buckets,
}

/// One keyword occurrence: `hay[start..end]` equals keyword `pattern` up to ASCII case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hit {
    /// Index of the keyword, in the order given to [`KeywordFinder::new`].
    pub pattern: usize,
    /// Offset of the keyword's first byte.
    pub start: usize,
    /// Offset one past its last byte.
    pub end: usize,
}

impl KeywordFinder {
    /// Indexes `keywords` (each at least three bytes; compared ASCII-case-insensitively).
    pub fn new<K: AsRef<[u8]>>(keywords: &[K]) -> anyhow::Result<KeywordFinder> {
        let mut table: Box<[u64; 1 << WORD_BITS]> = vec![0u64; 1 << WORD_BITS]
            .into_boxed_slice()
            .try_into()
            .expect("table size");
        let common = Common::get();
        let mut items = Vec::new();
        let mut lowered = Vec::with_capacity(keywords.len());
        for (i, kw) in keywords.iter().enumerate() {
            let kw = kw.as_ref();
            anyhow::ensure!(
                kw.len() >= 3,
                "keyword {:?} is shorter than 3 bytes",
                String::from_utf8_lossy(kw)
            );
            let lower: Box<[u8]> = kw.iter().map(|&b| FOLD[b as usize]).collect();
            let (back, gram, mask) = if lower.len() == 3 {
                let gram = gram_of(&lower);
                table[word_of(gram)] = u64::MAX;
                (3, gram, 0x00FF_FFFF)
            } else {
                // The rarest piece: unlisted before listed, then the less frequent listed one;
                // among unlisted ones, the one whose halves are rarest, then one on a bit no
                // listed piece falls on; ties go to the piece nearest the end (its hits are held
                // back for less time).
                let (back, gram) = (4..=lower.len())
                    .map(|end| (end, gram_of(&lower[end - 4..end])))
                    .min_by_key(|&(end, g)| {
                        let listed = common.rank.get(&g).copied().unwrap_or(usize::MAX);
                        let half = |h: u32| common.halves.get(&h).copied().unwrap_or(0);
                        let shared = (common.hot[word_of(g)] >> bit_of(g)) & 1;
                        (
                            std::cmp::Reverse(listed),
                            half(g >> 8) + half(g & 0x00FF_FFFF),
                            shared,
                            std::cmp::Reverse(end),
                        )
                    })
                    .expect("a keyword of four bytes or more has a piece");
                table[word_of(gram)] |= 1 << bit_of(gram);
                (back, gram, u32::MAX)
            };
            items.push((
                word_of(gram),
                Entry {
                    gram,
                    mask,
                    keyword: i as u32,
                    back: back as u32,
                },
            ));
            lowered.push(lower);
        }
        Ok(KeywordFinder {
            keywords: lowered,
            table,
            buckets: Buckets::new(items),
        })
    }

    /// Calls `on_hit` for every occurrence of every keyword in `hay` (overlapping ones included),
    /// in order of their end offset, then of their keyword index.
    #[inline]
    pub fn for_each_hit(&self, hay: &[u8], mut on_hit: impl FnMut(Hit)) {
        let table = &*self.table;
        let mut held = Vec::new();
        let mut reg = 0u32;
        for (i, &b) in hay.iter().enumerate() {
            reg = (reg << 8) | u32::from(FOLD[b as usize]);
            if (table[word_of(reg)] >> bit_of(reg)) & 1 != 0 {
                self.confirm(hay, i + 1, reg, &mut held, &mut on_hit);
            }
        }
        held.sort_unstable_by_key(|h: &Hit| (h.end, h.pattern));
        held.into_iter().for_each(on_hit);
    }

    /// Checks the keywords filed under the register's word, the piece read ending at `pos`.
    /// Hits ending before `pos` are handed over first: none found from here on can end before it.
    #[cold]
    #[inline(never)]
    fn confirm(&self, hay: &[u8], pos: usize, reg: u32, held: &mut Vec<Hit>, on_hit: &mut impl FnMut(Hit)) {
        if !held.is_empty() {
            held.sort_unstable_by_key(|h| (h.end, h.pattern));
            let ready = held.iter().take_while(|h| h.end < pos).count();
            held.drain(..ready).for_each(&mut *on_hit);
        }
        for e in self.buckets.get(word_of(reg)) {
            if reg & e.mask != e.gram {
                continue;
            }
            let back = e.back as usize;
            let kw = &self.keywords[e.keyword as usize];
            let Some(start) = pos.checked_sub(back) else { continue };
            let end = start + kw.len();
            // The register vouches for the piece; the rest is compared with the input.
            let piece = if back == 3 { 3 } else { 4 };
            if end <= hay.len()
                && hay[start..pos - piece].eq_ignore_ascii_case(&kw[..back - piece])
                && hay[pos..end].eq_ignore_ascii_case(&kw[back..])
            {
                held.push(Hit {
                    pattern: e.keyword as usize,
                    start,
                    end,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aho_corasick::AhoCorasickBuilder;

    fn hits(f: &KeywordFinder, hay: &[u8]) -> Vec<Hit> {
        let mut out = Vec::new();
        f.for_each_hit(hay, |h| out.push(h));
        out
    }

    /// The reference: Aho-Corasick's overlapping, ASCII-case-insensitive search.
    fn oracle(keywords: &[&[u8]], hay: &[u8]) -> Vec<Hit> {
        let ac = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .build(keywords)
            .unwrap();
        let mut out: Vec<Hit> = ac
            .find_overlapping_iter(hay)
            .map(|m| Hit {
                pattern: m.pattern().as_usize(),
                start: m.start(),
                end: m.end(),
            })
            .collect();
        out.sort_unstable_by_key(|h| (h.end, h.pattern));
        out
    }

    fn sorted(mut v: Vec<Hit>) -> Vec<Hit> {
        v.sort_unstable_by_key(|h| (h.end, h.pattern));
        v
    }

    #[test]
    fn finds_overlapping_and_nested_keywords_in_any_case() {
        let kws: [&[u8]; 5] = [b"eaa", b"eaaa", b"token", b"://", b"ghp_"];
        let f = KeywordFinder::new(&kws).unwrap();
        let hay = b"EAAAA x GHP_abc https://h Token tok";
        assert_eq!(sorted(hits(&f, hay)), oracle(&kws, hay));
        assert_eq!(hits(&f, hay).len(), 5, "eaa and eaaa (nested), ghp_, ://, token");
    }

    #[test]
    fn hits_come_in_order_of_their_end() {
        let kws: [&[u8]; 3] = [b"secret", b"cret", b"ret"];
        let f = KeywordFinder::new(&kws).unwrap();
        let h = hits(&f, b"a secret, a SECRET");
        assert!(h.windows(2).all(|w| w[0].end <= w[1].end));
        assert_eq!(h.len(), 6);
    }

    #[test]
    fn keyword_at_the_very_start_and_end_and_not_before_the_start() {
        let kws: [&[u8]; 2] = [b"akia", b"xyz"];
        let f = KeywordFinder::new(&kws).unwrap();
        assert_eq!(sorted(hits(&f, b"AKIAxyz")), oracle(&kws, b"AKIAxyz"));
        // A zeroed register must not fake a keyword made of NUL-folded bytes at offset 0.
        assert!(hits(&f, b"yz").is_empty());
        assert!(hits(&f, b"").is_empty());
    }

    #[test]
    fn rejects_short_keywords() {
        assert!(KeywordFinder::new(&[b"ab".as_slice()]).is_err());
    }

    #[test]
    fn agrees_with_aho_corasick_on_the_builtin_keywords_and_random_text() {
        let rules = crate::config::builtin_rules().unwrap();
        let mut kws: Vec<Vec<u8>> = rules
            .rules
            .iter()
            .flat_map(|r| r.spec.keywords.iter().map(|k| k.to_ascii_lowercase().into_bytes()))
            .collect();
        kws.sort();
        kws.dedup();
        let refs: Vec<&[u8]> = kws.iter().map(|k| k.as_slice()).collect();
        let f = KeywordFinder::new(&refs).unwrap();
        // Text built from keyword pieces, case flips and noise, so that hits are dense and overlap.
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut hay = Vec::new();
        while hay.len() < 1 << 20 {
            let r = next();
            match r % 4 {
                0 => {
                    let kw = &kws[(r >> 8) as usize % kws.len()];
                    let cut = (r >> 40) as usize % (kw.len() + 1);
                    hay.extend(
                        kw[..cut]
                            .iter()
                            .map(|&b| if r >> 60 & 1 == 1 { b.to_ascii_uppercase() } else { b }),
                    );
                }
                1 => hay.extend_from_slice(&kws[(r >> 8) as usize % kws.len()]),
                2 => hay.push((r >> 16) as u8),
                _ => hay.extend_from_slice(b" = \"x\"\n"),
            }
        }
        // Unsorted: the hits must also come in the oracle's order (end, then keyword index).
        let got = hits(&f, &hay);
        assert!(
            got.len() > 10_000,
            "the text must exercise the keywords, got {} hits",
            got.len()
        );
        assert_eq!(got, oracle(&refs, &hay));
    }

    #[test]
    fn a_keyword_found_by_a_piece_in_its_middle_is_bounded_by_the_input() {
        // `tion`, `data` and `lock` are listed as common, so these keywords are filed under a
        // piece before their end, and `xq_z` under one after their start.
        let kws: [&[u8]; 4] = [b"zqxjdata", b"zqxjtion", b"lockzqxj", b"xq_zlock"];
        let f = KeywordFinder::new(&kws).unwrap();
        for hay in [
            &b"ZQXJDATA"[..],
            b"qxjdata zqxjtio",
            b"lockzqx",
            b"ockzqxj xq_zloc zqxjdata",
            b"xq_zlockzqxjtionLOCKZQXJ",
        ] {
            assert_eq!(hits(&f, hay), oracle(&kws, hay), "{:?}", String::from_utf8_lossy(hay));
        }
    }

    #[test]
    fn common_suffixes_are_not_what_keywords_are_filed_under() {
        let listed: std::collections::HashSet<u32> = common_grams().collect();
        assert_eq!(listed.len(), 8192, "common_grams.txt holds 8,192 distinct pieces");
        for common in [&b"tion"[..], b"data", b"lock", b"able", b"----", b"oken"] {
            assert!(
                listed.contains(&gram_of(common)),
                "{:?}",
                String::from_utf8_lossy(common)
            );
        }
        let f = KeywordFinder::new(&[b"xyzzy_token".as_slice()]).unwrap();
        assert!(f.buckets.entries.iter().all(|e| e.gram != gram_of(b"oken")));
        assert_eq!(f.buckets.entries.len(), 1);
    }

    #[test]
    fn hits_at_one_end_come_in_keyword_order_whatever_piece_found_them() {
        // Both end at the same byte; the longer one's piece is read first.
        let kws: [&[u8]; 3] = [b"qjtion", b"zzqjtion", b"ion"];
        let f = KeywordFinder::new(&kws).unwrap();
        let hay = b"a zzqjtion b";
        assert_eq!(hits(&f, hay), oracle(&kws, hay));
        assert_eq!(
            hits(&f, hay).iter().map(|h| h.pattern).collect::<Vec<_>>(),
            vec![0, 1, 2]
        );
    }
}
