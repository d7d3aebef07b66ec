//! Checksums that some providers embed in their tokens. A token that fails its checksum is not a
//! real token of that provider (a typo, a made-up sample), so the rule does not fire.

use crate::rules::Checksum;

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// True when `secret` passes the checksum `kind`.
pub fn verify(kind: Checksum, secret: &[u8]) -> bool {
    match kind {
        Checksum::GithubCrc32 => github_crc32(secret),
    }
}

/// GitHub's prefixed tokens (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`): 4-byte prefix, 30 random
/// characters, then the CRC32 of those 30 characters in base62, zero-padded to 6 characters.
fn github_crc32(secret: &[u8]) -> bool {
    if secret.len() != 40 || secret[3] != b'_' {
        return true;
    }
    let (random, check) = (&secret[4..34], &secret[34..40]);
    base62_6(crc32(random)) == check
}

/// Encodes `n` in base62, left-padded with `0` to 6 characters.
pub fn base62_6(mut n: u32) -> [u8; 6] {
    let mut out = [b'0'; 6];
    for slot in out.iter_mut().rev() {
        *slot = BASE62[(n % 62) as usize];
        n /= 62;
    }
    out
}

/// CRC-32 (IEEE 802.3, reflected, as zlib computes it).
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= b as u32;
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_matches_the_standard_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn github_token_checksum_accepts_its_own_and_rejects_a_flipped_character() {
        let random = "0123456789abcdefghijABCDEFGHIJ";
        let check = base62_6(crc32(random.as_bytes()));
        let good = format!("ghp_{random}{}", std::str::from_utf8(&check).unwrap());
        assert!(verify(Checksum::GithubCrc32, good.as_bytes()));
        let mut bad = good.into_bytes();
        bad[10] = if bad[10] == b'x' { b'y' } else { b'x' };
        assert!(!verify(Checksum::GithubCrc32, &bad));
    }
}
