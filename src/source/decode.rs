//! Text encodings other than UTF-8. Windows tools (PowerShell redirection, regedit exports, .NET
//! config dumps) write UTF-16, whose ASCII characters each carry a NUL byte, so the binary test
//! would skip such files and lose their secrets. [`sniff_utf16`] recognises UTF-16 by its byte-order
//! mark or, without one, by NULs in every other byte; [`transcode`] and [`Utf16Reader`] turn it into
//! UTF-8 before scanning. Newlines survive transcoding one for one, and columns are already counted
//! in UTF-16 code units, so reported positions match what an editor shows for the original file.

use std::io::Read;

/// Byte order of UTF-16 text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Utf16 {
    /// Little endian (`FF FE` mark; what Windows writes).
    Le,
    /// Big endian (`FE FF` mark).
    Be,
}

/// Fewest code units looked at before text without a byte-order mark is taken for UTF-16.
const MIN_UNITS: usize = 8;

/// Recognises UTF-16 from the first bytes of an input (up to [`super::BINARY_SNIFF`] are used).
///
/// Only inputs holding a NUL byte qualify: anything else is scanned as it is, as before (and a
/// Latin-1 file that happens to start with `ÿþ` stays readable). With a byte-order mark the answer
/// is the mark's (except `FF FE 00 00`, the UTF-32 mark). Without one, the input must look like
/// mostly-ASCII UTF-16: at least 70% of the units have a NUL in their high byte, and at most 5%
/// (besides the NUL character itself, a whole `00 00` unit) have one in their low byte. Binary data
/// with NUL runs fails the second test.
pub fn sniff_utf16(head: &[u8]) -> Option<Utf16> {
    let head = &head[..head.len().min(super::BINARY_SNIFF)];
    memchr::memchr(0, head)?;
    match head {
        [0xFF, 0xFE, 0, 0, ..] => return None,
        [0xFF, 0xFE, ..] => return Some(Utf16::Le),
        [0xFE, 0xFF, ..] => return Some(Utf16::Be),
        _ => {}
    }
    let units = head.len() / 2;
    if units < MIN_UNITS {
        return None;
    }
    let (mut even_nul, mut odd_nul, mut both_nul) = (0usize, 0usize, 0usize);
    for pair in head.chunks_exact(2) {
        match (pair[0] == 0, pair[1] == 0) {
            (true, true) => both_nul += 1,
            (true, false) => even_nul += 1,
            (false, true) => odd_nul += 1,
            (false, false) => {}
        }
    }
    // A real NUL character is rare in text; many of them means binary.
    if both_nul * 50 > units {
        return None;
    }
    let looks = |high: usize, low: usize| high * 10 >= units * 7 && low * 20 <= units;
    if looks(odd_nul, even_nul) {
        Some(Utf16::Le)
    } else if looks(even_nul, odd_nul) {
        Some(Utf16::Be)
    } else {
        None
    }
}

/// Decodes UTF-16 `input` (byte-order mark, if any, included) to UTF-8 appended to `out`.
/// Unpaired surrogates and a dangling odd byte become U+FFFD; the mark is dropped.
pub fn transcode(input: &[u8], order: Utf16, out: &mut Vec<u8>) {
    let input = strip_bom(input, order);
    let used = decode_units(input, order, true, out);
    debug_assert_eq!(used, input.len());
}

fn strip_bom(input: &[u8], order: Utf16) -> &[u8] {
    let bom: &[u8] = match order {
        Utf16::Le => &[0xFF, 0xFE],
        Utf16::Be => &[0xFE, 0xFF],
    };
    input.strip_prefix(bom).unwrap_or(input)
}

/// Decodes whole units of `input` into `out` and returns the bytes consumed. Unless `last`, a
/// trailing odd byte or high surrogate is left for the next call, since its partner may follow.
fn decode_units(input: &[u8], order: Utf16, last: bool, out: &mut Vec<u8>) -> usize {
    let unit = |p: &[u8]| match order {
        Utf16::Le => u16::from_le_bytes([p[0], p[1]]),
        Utf16::Be => u16::from_be_bytes([p[0], p[1]]),
    };
    let mut n = input.len() / 2;
    if !last && n > 0 && (0xD800..0xDC00).contains(&unit(&input[2 * n - 2..])) {
        n -= 1;
    }
    out.reserve(n + n / 2);
    let units = input[..2 * n].chunks_exact(2).map(unit);
    let mut tmp = [0u8; 4];
    for c in char::decode_utf16(units) {
        match c {
            Ok(c) if c.is_ascii() => out.push(c as u8),
            Ok(c) => out.extend_from_slice(c.encode_utf8(&mut tmp).as_bytes()),
            Err(_) => out.extend_from_slice("\u{FFFD}".as_bytes()),
        }
    }
    if last && input.len() % 2 == 1 {
        out.extend_from_slice("\u{FFFD}".as_bytes());
        return input.len();
    }
    2 * n
}

/// A reader that yields UTF-8 from a UTF-16 stream in bounded memory.
pub struct Utf16Reader<R> {
    inner: R,
    order: Utf16,
    /// Raw bytes read; `raw[..have]` are not decoded yet (at most a partial unit or a high
    /// surrogate between refills).
    raw: Box<[u8]>,
    have: usize,
    out: Vec<u8>,
    pos: usize,
    started: bool,
    eof: bool,
}

impl<R: Read> Utf16Reader<R> {
    /// Wraps `inner`, whose first bytes may be a byte-order mark.
    pub fn new(inner: R, order: Utf16) -> Utf16Reader<R> {
        Utf16Reader {
            inner,
            order,
            raw: vec![0; 64 << 10].into_boxed_slice(),
            have: 0,
            out: Vec::with_capacity(96 << 10),
            pos: 0,
            started: false,
            eof: false,
        }
    }

    /// The wrapped reader.
    pub fn into_inner(self) -> R {
        self.inner
    }
}

impl<R: Read> Read for Utf16Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            if self.pos < self.out.len() {
                let n = buf.len().min(self.out.len() - self.pos);
                buf[..n].copy_from_slice(&self.out[self.pos..self.pos + n]);
                self.pos += n;
                return Ok(n);
            }
            if self.eof {
                return Ok(0);
            }
            self.out.clear();
            self.pos = 0;
            let got = match self.inner.read(&mut self.raw[self.have..]) {
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            self.have += got;
            self.eof = got == 0;
            let mut from = 0;
            if !self.started {
                if self.have < 2 && !self.eof {
                    continue;
                }
                self.started = true;
                from = self.have - strip_bom(&self.raw[..self.have], self.order).len();
            }
            let used = from + decode_units(&self.raw[from..self.have], self.order, self.eof, &mut self.out);
            self.raw.copy_within(used..self.have, 0);
            self.have -= used;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(s: &str, order: Utf16, bom: bool) -> Vec<u8> {
        let mut v = Vec::new();
        let units = if bom { vec![0xFEFF] } else { vec![] };
        for u in units.into_iter().chain(s.encode_utf16()) {
            v.extend_from_slice(&match order {
                Utf16::Le => u.to_le_bytes(),
                Utf16::Be => u.to_be_bytes(),
            });
        }
        v
    }

    #[test]
    fn both_byte_orders_are_found_with_and_without_a_mark_and_binary_is_not() {
        let text = "key = value\r\nname = \u{e9}t\u{e9} \u{1f600}\n";
        for order in [Utf16::Le, Utf16::Be] {
            for bom in [true, false] {
                let bytes = utf16(text, order, bom);
                assert_eq!(sniff_utf16(&bytes), Some(order), "{order:?} bom {bom}");
                let mut out = Vec::new();
                transcode(&bytes, order, &mut out);
                assert_eq!(out, text.as_bytes());
            }
        }
        assert_eq!(sniff_utf16(b"plain ascii text, long enough"), None);
        assert_eq!(sniff_utf16(&[0u8; 4096]), None);
        assert_eq!(sniff_utf16(&[1, 0, 0, 0].repeat(100)), None);
        assert_eq!(sniff_utf16(&[0xFF, 0xFE, 0, 0, 0x41, 0, 0, 0]), None, "UTF-32");
        assert_eq!(sniff_utf16(b"a\0b\0"), None, "too short to tell");
        assert_eq!(sniff_utf16(b"\xff\xfe Latin-1 text, no NUL"), None);
    }

    #[test]
    fn the_reader_matches_whole_transcoding_whatever_the_read_sizes() {
        let text: String = (0..3000).map(|i| format!("line {i} \u{1f511} caf\u{e9}\n")).collect();
        for order in [Utf16::Le, Utf16::Be] {
            let mut bytes = utf16(&text, order, true);
            bytes.push(0x41); // dangling odd byte
            let mut want = Vec::new();
            transcode(&bytes, order, &mut want);
            for step in [1usize, 3, 4096, 1 << 20] {
                struct Trickle<'a>(&'a [u8], usize);
                impl Read for Trickle<'_> {
                    fn read(&mut self, b: &mut [u8]) -> std::io::Result<usize> {
                        let n = b.len().min(self.1).min(self.0.len());
                        b[..n].copy_from_slice(&self.0[..n]);
                        self.0 = &self.0[n..];
                        Ok(n)
                    }
                }
                let mut got = Vec::new();
                Utf16Reader::new(Trickle(&bytes, step), order)
                    .read_to_end(&mut got)
                    .unwrap();
                assert_eq!(got, want, "{order:?} step {step}");
            }
            assert!(want.ends_with("\u{FFFD}".as_bytes()));
        }
    }

    #[test]
    fn unpaired_surrogates_become_replacement_characters() {
        let bytes = [0x00, 0xD8, 0x41, 0x00, 0x00, 0xDC];
        let mut out = Vec::new();
        transcode(&bytes, Utf16::Le, &mut out);
        assert_eq!(String::from_utf8(out).unwrap(), "\u{FFFD}A\u{FFFD}");
    }
}
