//! UTF-16 detection and transcoding: always valid UTF-8 out, one newline out per newline in (so line
//! numbers hold), and the streaming reader equal to whole-input transcoding whatever the read sizes.

#![no_main]

use std::io::Read;

use leakhound::source::decode::{sniff_utf16, transcode, Utf16, Utf16Reader};
use libfuzzer_sys::fuzz_target;

struct Trickle<'a>(&'a [u8], usize);

impl Read for Trickle<'_> {
    fn read(&mut self, b: &mut [u8]) -> std::io::Result<usize> {
        let n = b.len().min(self.1).min(self.0.len());
        b[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&ctl, body)) = data.split_first() else { return };
    let _ = sniff_utf16(body);
    let order = if ctl & 1 == 0 { Utf16::Le } else { Utf16::Be };
    let mut whole = Vec::new();
    transcode(body, order, &mut whole);
    assert!(std::str::from_utf8(&whole).is_ok());
    let unit = |p: &[u8]| match order {
        Utf16::Le => u16::from_le_bytes([p[0], p[1]]),
        Utf16::Be => u16::from_be_bytes([p[0], p[1]]),
    };
    let newlines_in = body.chunks_exact(2).filter(|p| unit(p) == 0x0A).count();
    assert_eq!(whole.iter().filter(|&&b| b == b'\n').count(), newlines_in);
    let step = usize::from(ctl >> 1).max(1);
    let mut streamed = Vec::new();
    Utf16Reader::new(Trickle(body, step), order)
        .read_to_end(&mut streamed)
        .expect("in-memory reads do not fail");
    assert_eq!(streamed, whole);
});
