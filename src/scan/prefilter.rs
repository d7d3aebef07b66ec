//! Keyword prefilter: every ASCII-case-insensitive occurrence of every rule keyword, in one pass.
//!
//! This is the hottest loop of leakhound: every byte of every input goes through it, and nothing
//! else looks at a byte that it did not flag. It replaces an Aho-Corasick DFA, whose cost on ~400
//! keywords is one dependent table load per byte (a latency chain through a table too large for L1
//! cache). Here the only value carried from one byte to the next is a 32-bit shift register, so the
//! processor overlaps the work of consecutive bytes:
//!
//! 1. each byte is folded to lower case and shifted into a register holding the last eight bytes;
//! 2. the last four bytes are hashed into a bit table (128 KiB, in L2 cache) holding the hash of
//!    every keyword's four-byte *suffix*; a three-byte keyword is filed once per possible byte before
//!    it, so one lookup per byte serves every keyword;
//! 3. only where a bit is set (about one position in a hundred on source code) are the few keywords
//!    in that hash bucket checked: first their last eight bytes against the register (a mask and a
//!    compare), then, for longer keywords, the rest against the input.
//!
//! Because keywords are indexed by their suffix, hits are produced in order of their end, the order
//! the window builder in [`super::Scanner::scan`] relies on. Keywords must be at least three bytes
//! long (the rule loader enforces it); the tests check the hits against Aho-Corasick.

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

/// Bits of the suffix table (2^20 bits = 128 KiB). The built-in rules set about 9,000 bits (each
/// three-byte keyword takes ~230), so about one position in a hundred is a false candidate.
const BITS4: u32 = 20;
const K4: u32 = 0x9E37_79B1;
/// Candidate buckets: the top bits of the same hash, so a bucket holds a few entries.
const BUCKET_BITS: u32 = 12;

#[inline(always)]
fn hash4(reg: u64) -> usize {
    ((reg as u32).wrapping_mul(K4) >> (32 - BITS4)) as usize
}

/// The folded last (up to) eight bytes of `bytes` as the shift register holds them (the last byte in
/// the low eight bits), and the mask of the bits they occupy.
fn suffix_of(bytes: &[u8]) -> (u64, u64) {
    let tail = &bytes[bytes.len().saturating_sub(8)..];
    let gram = tail.iter().fold(0u64, |g, &b| (g << 8) | u64::from(FOLD[b as usize]));
    let mask = if tail.len() == 8 {
        u64::MAX
    } else {
        (1u64 << (8 * tail.len())) - 1
    };
    (gram, mask)
}

/// A keyword filed under its suffix hash.
#[derive(Debug, Clone, Copy)]
struct Entry {
    /// Folded last eight bytes (fewer for shorter keywords), as in the register.
    suffix: u64,
    mask: u64,
    keyword: u32,
}

/// Keywords grouped by the top [`BUCKET_BITS`] of their suffix hash (a compressed sparse layout).
#[derive(Debug, Clone)]
struct Buckets {
    start: Vec<u32>,
    entries: Vec<Entry>,
}

impl Buckets {
    fn new(mut items: Vec<(usize, Entry)>, hash_bits: u32) -> Buckets {
        let shift = hash_bits - BUCKET_BITS;
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
    fn get(&self, hash: usize, hash_bits: u32) -> &[Entry] {
        let b = hash >> (hash_bits - BUCKET_BITS);
        &self.entries[self.start[b] as usize..self.start[b + 1] as usize]
    }
}

/// Finds keyword occurrences. Built once per scan, shared read-only by all threads.
#[derive(Debug, Clone)]
pub struct KeywordFinder {
    /// Lower-cased keywords; a hit's pattern id is an index into this.
    keywords: Vec<Box<[u8]>>,
    table: Box<[u64; 1 << (BITS4 - 6)]>,
    /// Keywords by the hash of their last four bytes (three-byte keywords once per byte before them).
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
        let mut table: Box<[u64; 1 << (BITS4 - 6)]> = vec![0u64; 1 << (BITS4 - 6)]
            .into_boxed_slice()
            .try_into()
            .expect("table size");
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
            let (suffix, mask) = suffix_of(&lower);
            let mut file = |suffix: u64, mask: u64| {
                let h = hash4(suffix);
                table[h >> 6] |= 1 << (h & 63);
                items.push((
                    h,
                    Entry {
                        suffix,
                        mask,
                        keyword: i as u32,
                    },
                ));
            };
            if lower.len() >= 4 {
                file(suffix, mask);
            } else {
                // Every folded byte that can precede it (0 stands for "start of input" too); the
                // entry's mask covers that byte, so exactly one of the expansions can match.
                for before in (0..=255u8).filter(|&b| FOLD[b as usize] == b) {
                    file(u64::from(before) << 24 | suffix, 0xFFFF_FFFF);
                }
            }
            lowered.push(lower);
        }
        Ok(KeywordFinder {
            keywords: lowered,
            table,
            buckets: Buckets::new(items, BITS4),
        })
    }

    /// Calls `on_hit` for every occurrence of every keyword in `hay` (overlapping ones included),
    /// in order of their end offset.
    #[inline]
    pub fn for_each_hit(&self, hay: &[u8], mut on_hit: impl FnMut(Hit)) {
        let table = &*self.table;
        let mut reg = 0u64;
        for (i, &b) in hay.iter().enumerate() {
            reg = (reg << 8) | u64::from(FOLD[b as usize]);
            let h = hash4(reg);
            if (table[h >> 6] >> (h & 63)) & 1 != 0 {
                self.confirm(hay, i + 1, reg, h, &mut on_hit);
            }
        }
    }

    /// Checks the keywords filed under the register's hash against the bytes ending at `end`.
    #[cold]
    #[inline(never)]
    fn confirm(&self, hay: &[u8], end: usize, reg: u64, h: usize, on_hit: &mut impl FnMut(Hit)) {
        for e in self.buckets.get(h, BITS4) {
            if reg & e.mask != e.suffix {
                continue;
            }
            let kw = &self.keywords[e.keyword as usize];
            // The register vouches for the last eight bytes; longer keywords compare the rest.
            if end >= kw.len()
                && (kw.len() <= 8 || hay[end - kw.len()..end - 8].eq_ignore_ascii_case(&kw[..kw.len() - 8]))
            {
                on_hit(Hit {
                    pattern: e.keyword as usize,
                    start: end - kw.len(),
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
        let got = sorted(hits(&f, &hay));
        assert!(
            got.len() > 10_000,
            "the text must exercise the keywords, got {} hits",
            got.len()
        );
        assert_eq!(got, oracle(&refs, &hay));
    }
}
