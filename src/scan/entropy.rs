//! Shannon entropy of a candidate secret, the gate that keeps generic rules from firing on words.

/// Bits of Shannon entropy per byte of `bytes` (0 for empty input).
pub fn shannon_entropy(bytes: &[u8]) -> f64 {
    if bytes.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in bytes {
        counts[b as usize] += 1;
    }
    let n = bytes.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum()
}

/// The most a rule's entropy threshold asks of a hexadecimal secret. Hex has 16 symbols, so even a
/// perfectly random hex string stays under 4 bits and often under the 3.5 generic rules ask for:
/// 19% of random 32-digit hex strings and 55% of 24-digit ones measure below 3.5, while under 3.0
/// there are 0.005% and 0.5%. Text and code in hex-only letters (`deadbeef`, `cafe`) stay far below.
pub const HEX_ENTROPY_CAP: f64 = 3.0;

/// True when `secret` reaches `min` bits of entropy, with the threshold capped at
/// [`HEX_ENTROPY_CAP`] for secrets made only of hex digits (whose ceiling is 4 bits).
pub fn passes_entropy(secret: &[u8], min: f64) -> bool {
    let e = shannon_entropy(secret);
    e >= min || (e >= HEX_ENTROPY_CAP && secret.iter().all(u8::is_ascii_hexdigit))
}

#[cfg(test)]
mod tests {
    use super::{passes_entropy, shannon_entropy};

    /// Found on git/git's history: `$app_secret = 'f64b…b8da'` (32 hex digits, 3.2 bits) was missed
    /// by the generic assignment rule's 3.5-bit gate.
    #[test]
    fn random_hex_passes_a_gate_set_for_mixed_alphabets_and_repetitive_hex_does_not() {
        let hex32 = b"f64b016f6141698bb814d0db0a08b8da";
        assert!(shannon_entropy(hex32) < 3.5);
        assert!(passes_entropy(hex32, 3.5));
        assert!(!passes_entropy(b"deadbeefdeadbeefdeadbeefdeadbeef", 3.5));
        assert!(!passes_entropy(b"00000000111111112222222233333333", 3.5));
        // Not hex: the rule's own threshold stands.
        assert!(!passes_entropy(b"f64b016f6141698bb814d0db0a08b8dz", 3.5));
    }

    #[test]
    fn uniform_bytes_have_zero_entropy_and_distinct_bytes_have_log2_n() {
        assert_eq!(shannon_entropy(b"aaaaaaaa"), 0.0);
        assert!((shannon_entropy(b"abcd") - 2.0).abs() < 1e-9);
        assert!((shannon_entropy(b"0123456789abcdef") - 4.0).abs() < 1e-9);
    }
}
