//! Filters that drop candidates which are not leaks: documented example credentials and obvious
//! placeholders (built in), the user's allowlist of secret patterns and stopwords (configuration),
//! and inline allow comments on the line of the match.

use memchr::memmem;
use regex::bytes::Regex;

/// Markers that, anywhere in a line, allow every match on it. `gitleaks:allow` and the
/// detect-secrets pragma are honoured so that teams migrating keep their annotations.
const ALLOW_MARKERS: &[&[u8]] = &[b"leakhound:allow", b"gitleaks:allow", b"pragma: allowlist secret"];

/// Case-insensitive fragments that mark a value as a stand-in, not a credential.
const PLACEHOLDER_WORDS: &[&str] = &[
    "example",
    "changeme",
    "change_me",
    "change-me",
    "replace_me",
    "replaceme",
    "replace-me",
    "placeholder",
    "your_",
    "your-",
    "yourkey",
    "yourtoken",
    "yoursecret",
    "yourpassword",
    "dummy",
    "redacted",
    "xxxxxx",
    "******",
    "......",
    "<your",
    "insert_",
    "insert-",
    "fake_",
    "notasecret",
    "not-a-secret",
    "not_a_secret",
    "secret_here",
    "password_here",
    "token_here",
    "key_here",
];

/// Credentials published as examples in specifications and copied into countless code bases and
/// docstrings: RFC 6749 (OAuth 2.0) and RFC 5849 (OAuth 1.0) sample tokens. Never live.
const DOCUMENTED_EXAMPLES: &[&str] = &[
    "2YotnFZFEjr1zCsicMWpAA",
    "tGzv3JOkF0XG5Qx2TlKWIA",
    "SplxlOBeZQQYbYS6WxSbIA",
    "ad180jjd733klru7",
    "hh5s93j4hdidpola",
    "nnch734d00sl2jdk",
    "kllo9940pd9333jh",
    "pfkkdhi9sl3r4s00",
    "dh893hdasih9",
    "j49sk3j29djd",
    "lsdajfh923874",
    // RFC 7009 (token revocation) sample token.
    "45ghiukldjahdnhzdauz",
    // RFC 6749 §2.3.1 client credentials `s6BhdRkqt3:gX1fBat3bV` as an HTTP Basic header.
    "czZCaGRSa3F0MzpnWDFmQmF0M2JW",
];

/// Well-known runs that no generator emits as a real secret.
const SEQUENCES: &[&str] = &["0123456789", "1234567890", "abcdefghij", "abcdef0123", "qwertyuiop"];

/// True when `secret` is a documented example, a template reference or an obvious stand-in, or
/// holds a well-known run (`1234567890`, `abcdef0123`) that no generator emits.
pub fn is_placeholder(secret: &[u8]) -> bool {
    is_stand_in(secret) || {
        let lower = secret.to_ascii_lowercase();
        SEQUENCES.iter().any(|w| memmem::find(&lower, w.as_bytes()).is_some())
    }
}

/// [`is_placeholder`] without the well-known runs: for provider rules, whose format already
/// vouches for the value. A value shaped exactly like a provider's key, next to the provider's
/// name, is reported even when it reads `abcdef1234567890…`: a reviewer dismisses a sample in
/// seconds, while a missed key stays live.
pub fn is_stand_in(secret: &[u8]) -> bool {
    let s = secret;
    // Template and variable references: ${VAR}, {{ var }}, $VAR, %VAR%, <value>, os.environ[...].
    if s.starts_with(b"${") || s.starts_with(b"{{") || s.starts_with(b"$(") || s.starts_with(b"<") {
        return true;
    }
    if s.len() > 1
        && s[0] == b'$'
        && s[1..]
            .iter()
            .all(|b| b.is_ascii_uppercase() || *b == b'_' || b.is_ascii_digit())
    {
        return true;
    }
    if s.len() > 2 && s[0] == b'%' && s[s.len() - 1] == b'%' {
        return true;
    }
    if DOCUMENTED_EXAMPLES.iter().any(|e| e.as_bytes() == s) {
        return true;
    }
    let lower = s.to_ascii_lowercase();
    if PLACEHOLDER_WORDS
        .iter()
        .any(|w| memmem::find(&lower, w.as_bytes()).is_some())
    {
        return true;
    }
    // A long run of one character in a token-sized value: "sk_live_00000000…". (Long blobs such as
    // PEM bodies legitimately hold runs of `A`.)
    if s.len() <= 100 && longest_run(s) >= 8 {
        return true;
    }
    // Few distinct bytes in a long value: "aaaaaaaa", "abababab", "00000000-0000".
    if s.len() >= 8 {
        let mut seen = [false; 256];
        let mut distinct = 0;
        for &b in s {
            if !seen[b as usize] {
                seen[b as usize] = true;
                distinct += 1;
            }
        }
        if distinct <= 3 {
            return true;
        }
    }
    false
}

/// True when a value caught by a generic rule reads like code rather than a credential: an
/// identifier (`V1ServiceAccountTokenProjection`, `subject_token_0`), an expression or index path
/// (`Shards[-1].ShardId`), or a resource path (`projects/123/secrets/db/versions/1`). Random
/// credentials have short runs of lowercase letters (about 1.7 on average for base62); words
/// have long ones.
pub fn looks_like_code(s: &[u8]) -> bool {
    if s.iter()
        .any(|b| matches!(b, b'[' | b']' | b'(' | b')' | b'{' | b'}' | b',' | b';' | b' '))
    {
        return true;
    }
    let slashes = s.iter().filter(|&&b| b == b'/').count();
    if slashes >= 2 && !s.iter().any(|&b| b == b'+' || b == b'=') {
        return true;
    }
    if !s
        .iter()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
    {
        return false;
    }
    if is_snake_identifier(s) || is_camel_identifier(s) {
        return true;
    }
    // Mean length of maximal runs of lowercase letters.
    let (mut runs, mut total, mut cur) = (0usize, 0usize, 0usize);
    for &b in s.iter().chain(std::iter::once(&b' ')) {
        if b.is_ascii_lowercase() {
            cur += 1;
        } else if cur > 0 {
            runs += 1;
            total += cur;
            cur = 0;
        }
    }
    runs > 0 && total * 10 >= runs * 45 && total * 10 >= s.len() * 6
}

/// `pyxis_mask_and_ack_irq`, `ebsa285_host_io_desc`, `azure-storage-account-key`: three or more
/// lower-case words joined by underscores or by hyphens, two of them words of three letters or
/// more. A random key with such separators has upper-case letters or a long random part.
pub fn is_snake_identifier(s: &[u8]) -> bool {
    // Underscores, hyphens, or both (`nf-timezoneapi-dynamic_time_zone_information`).
    let seps: [&dyn Fn(&u8) -> bool; 3] = [&|b| *b == b'_', &|b| *b == b'-', &|b| matches!(b, b'_' | b'-')];
    seps.iter().any(|sep| {
        let mut parts = 0;
        let mut words = 0;
        for part in s.split(|b| sep(b)) {
            if part.is_empty() || !part.iter().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()) {
                return false;
            }
            // A long part with digits is a key's random tail (`sk_test_9f3c0a…`).
            if part.len() > 12 && part.iter().any(u8::is_ascii_digit) {
                return false;
            }
            parts += 1;
            words += usize::from(part.len() >= 3 && part.iter().all(u8::is_ascii_lowercase));
        }
        parts >= 3 && words >= 2
    })
}

/// `systemtimetotzspecificlocaltime`, `DEFAULTCONNECTIONSTRING`: a long run of letters of one case
/// with no digit is a word or a run of words (a function name in a URL, a constant), never a
/// generated key; the chance that 16 random base62 characters are all lower-case letters is below
/// one in a million.
pub fn is_one_case_word(s: &[u8]) -> bool {
    s.len() >= 16
        && (s.iter().all(|b| b.is_ascii_lowercase() || *b == b'-')
            || s.iter().all(|b| b.is_ascii_uppercase() || *b == b'_'))
}

/// `getUserAuthTokenFromCache`, `SessionTokenProvider`: letters only, each capital followed by at
/// least two lower-case letters. Random base62 of key length is practically never spelled so.
pub fn is_camel_identifier(s: &[u8]) -> bool {
    if s.len() < 12 || !s.iter().all(u8::is_ascii_alphabetic) {
        return false;
    }
    let mut humps = 0;
    for (i, &b) in s.iter().enumerate() {
        if b.is_ascii_uppercase() {
            if !s
                .get(i + 1..i + 3)
                .is_some_and(|n| n.iter().all(u8::is_ascii_lowercase))
            {
                return false;
            }
            humps += 1;
        }
    }
    humps >= 2
}

/// Labels that announce a digest, not a credential: `--hash=sha256:<hex>` (pip), `sha512-<base64>`
/// (npm's `integrity`), `md5:<hex>`. A value right after one is a checksum of a package or file,
/// whatever provider name sits on the line (`pinata==1.0 --hash=sha256:...`).
const DIGEST_LABELS: &[&[u8]] = &[
    b"sha1:", b"sha224:", b"sha256:", b"sha384:", b"sha512:", b"md5:", b"sha1-", b"sha256-", b"sha384-", b"sha512-",
    b"sha256=", b"sha1=", b"md5=",
];

/// True when the bytes just before `offset` are a digest label (see [`DIGEST_LABELS`]).
pub fn after_digest_label(hay: &[u8], offset: usize) -> bool {
    let before = &hay[offset.saturating_sub(8)..offset];
    DIGEST_LABELS
        .iter()
        .any(|l| before.len() >= l.len() && before[before.len() - l.len()..].eq_ignore_ascii_case(l))
}

/// True when the value at `offset` is the name inside a template or variable reference:
/// `${SENDGRID_API_KEY}`, `{{ api_token }}`, `$(cat key)`, `%(password)s`, `#{secret}`,
/// `<%= key %>`. A contextual rule's value may open after `{`, so the name of the variable would
/// otherwise be taken for the key it stands for.
pub fn in_template(hay: &[u8], offset: usize) -> bool {
    let before = &hay[offset.saturating_sub(4)..offset];
    let before = before.strip_suffix(b" ").unwrap_or(before);
    TEMPLATE_OPENERS.iter().any(|o| before.ends_with(o))
}

const TEMPLATE_OPENERS: &[&[u8]] = &[b"${", b"{{", b"$(", b"%(", b"#{", b"<%=", b"<%"];

/// True when the name starting at `at` continues a word instead of starting one: `blob_key` for the
/// name `lob_key`, `inbox` for `box`. `myAcmeKey` (lower-case then capital) starts a new word.
pub fn name_inside_word(hay: &[u8], at: usize) -> bool {
    let (Some(&prev), Some(&first)) = (at.checked_sub(1).and_then(|p| hay.get(p)), hay.get(at)) else {
        return false;
    };
    // `-Dsonar.login=` sets a Java system property: the name starts after the `-D`.
    let java_property = prev == b'D' && at >= 2 && hay[at - 2] == b'-';
    prev.is_ascii_alphanumeric()
        && first.is_ascii_alphanumeric()
        && !((prev.is_ascii_lowercase() || prev.is_ascii_digit()) && first.is_ascii_uppercase())
        && !java_property
}

/// True when a value is spelled like an environment variable's name (`STRIPE_SECRET_KEY`,
/// `API_TOKEN_2`): upper-case words joined by underscores. Provider keys are not written that way;
/// `KEY=$OTHER_KEY` and `key: OTHER_KEY` references are.
pub fn is_env_name(s: &[u8]) -> bool {
    s.first().is_some_and(u8::is_ascii_uppercase)
        && s.contains(&b'_')
        && s.iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_')
        && s.split(|b| *b == b'_')
            .filter(|w| w.len() >= 2 && w.iter().all(u8::is_ascii_uppercase))
            .count()
            >= 2
}

fn longest_run(s: &[u8]) -> usize {
    let (mut best, mut cur) = (0, 0);
    for (i, &b) in s.iter().enumerate() {
        cur = if i > 0 && s[i - 1] == b { cur + 1 } else { 1 };
        best = best.max(cur);
    }
    best
}

/// True when the line holding byte `offset` is commented out: it starts (after indentation) with
/// `#`, `;`, `//`, `--`, `/*`, `* ` or `<!--`. A generic value there is an old or example entry
/// (`# password = ...` in a `.my.cnf`), reported only at low confidence.
pub fn line_is_comment(hay: &[u8], offset: usize) -> bool {
    let line = super::line_of(hay, offset);
    let t = line.trim_ascii_start();
    [&b"#"[..], b";", b"//", b"--", b"/*", b"* ", b"<!--"]
        .iter()
        .any(|m| t.starts_with(m))
}

/// True when `path` is test material: a directory named `t`, `test(s)`, `testdata`, `fixtures`,
/// `spec(s)`, `__tests__` or `__mocks__`, or a file named like a test (`x_test.go`, `test_x.py`,
/// `x.test.js`, `x.spec.ts`). Password hashes there are the test's own logins and are reported at
/// low confidence (see `scan::confidence_at`).
pub fn is_test_path(path: &str) -> bool {
    const DIRS: &[&str] = &[
        "t",
        "test",
        "tests",
        "testing",
        "testdata",
        "test-data",
        "test_data",
        "fixture",
        "fixtures",
        "__fixtures__",
        "spec",
        "specs",
        "__tests__",
        "__mocks__",
    ];
    let mut parts = path.split(['/', '\\']).filter(|p| !p.is_empty()).peekable();
    while let Some(part) = parts.next() {
        if parts.peek().is_some() {
            if DIRS.iter().any(|d| part.eq_ignore_ascii_case(d)) {
                return true;
            }
            continue;
        }
        let name = part.to_ascii_lowercase();
        let stem = name.rsplit_once('.').map_or(name.as_str(), |(s, _)| s);
        return stem.starts_with("test_")
            || stem.ends_with("_test")
            || stem.ends_with("_tests")
            || stem.ends_with(".test")
            || stem.ends_with(".spec")
            || stem.ends_with("_spec");
    }
    false
}

/// True when the line holding byte `offset` is a run of base64 and nothing else (after
/// indentation, at least 40 characters, no `=` but as padding at its end): a line of a PEM body or
/// of an encoded blob, where no name is followed by a value.
pub fn in_base64_line(hay: &[u8], offset: usize) -> bool {
    let line = super::line_of(hay, offset).trim_ascii();
    let body = line
        .strip_suffix(b"==")
        .or_else(|| line.strip_suffix(b"="))
        .unwrap_or(line);
    body.len() >= 40
        && body
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/'))
}

/// True when the line holding byte `offset` carries an allow marker.
pub fn line_has_allow_comment(hay: &[u8], offset: usize) -> bool {
    let line = super::line_of(hay, offset);
    ALLOW_MARKERS.iter().any(|m| memmem::find(line, m).is_some())
}

/// The user's allowlist for secret values: regexes over the secret and case-insensitive stopwords.
#[derive(Debug, Default, Clone)]
pub struct SecretAllow {
    /// A secret matching any of these is allowed.
    pub regexes: Vec<Regex>,
    /// A secret containing any of these (lowercase) is allowed.
    pub stopwords: Vec<String>,
}

impl SecretAllow {
    /// True when the user allowed this secret.
    pub fn allows(&self, secret: &[u8]) -> bool {
        if self.regexes.iter().any(|r| r.is_match(secret)) {
            return true;
        }
        if self.stopwords.is_empty() {
            return false;
        }
        let lower = secret.to_ascii_lowercase();
        self.stopwords
            .iter()
            .any(|w| memmem::find(&lower, w.as_bytes()).is_some())
    }

    /// Which entry allows this secret, for `leakhound explain`: `allow.secrets` and the regex, or
    /// `allow.stopwords` and the word.
    pub fn allowed_by(&self, secret: &[u8]) -> Option<String> {
        if let Some(r) = self.regexes.iter().find(|r| r.is_match(secret)) {
            return Some(format!("allow.secrets {:?}", r.as_str()));
        }
        let lower = secret.to_ascii_lowercase();
        self.stopwords
            .iter()
            .find(|w| memmem::find(&lower, w.as_bytes()).is_some())
            .map(|w| format!("allow.stopwords {w:?}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_one_case_words_are_names_and_random_keys_are_not() {
        assert!(is_one_case_word(b"systemtimetotzspecificlocaltime"));
        assert!(is_one_case_word(b"DEFAULTCONNECTIONSTRING"));
        assert!(is_one_case_word(b"get-dynamic-time-zone-information"));
        assert!(is_snake_identifier(b"timezoneapi-dynamic_time_zone_information"));
        assert!(!is_one_case_word(b"shortword"), "too short to judge");
        assert!(!is_one_case_word(b"k9l8m7n6o5p4q3r2s1t0"), "digits make it a key");
        assert!(!is_one_case_word(b"Qm7vXpLkRtWnYcBdFhJsAeG"), "mixed case is random");
    }

    #[test]
    fn a_pem_body_line_is_base64_and_an_assignment_is_not() {
        let body: String = "QmFzZTY0IGJvZHkgbGluZSBvZiBhIGNlcnRpZmljYXRl".repeat(2);
        let hay = format!("-----BEGIN CERTIFICATE-----\n{body}\n{}==\n", &body[..40]);
        assert!(in_base64_line(hay.as_bytes(), 30) && in_base64_line(hay.as_bytes(), hay.len() - 5));
        let assign = format!("ACME_KEY={body}");
        assert!(!in_base64_line(assign.as_bytes(), 0), "`=` and `_` are not base64");
        assert!(!in_base64_line(
            b"acme key: QmFzZTY0IGJvZHkgbGluZSBvZiBhIGNlcnRpZmljYXRl",
            0
        ));
    }

    #[test]
    fn test_material_is_told_by_its_directories_and_file_names() {
        for p in [
            "t/lib-httpd/passwd",
            "src/tests/conf.yml",
            "pkg/testdata/creds.json",
            "web/__tests__/login.js",
            "app/spec/fixtures/users.yml",
            "api/client_test.go",
            "tests.d/../test_login.py",
            "ui/login.spec.ts",
            "C:\\repo\\Tests\\app.config",
        ] {
            assert!(is_test_path(p), "{p} is test material");
        }
        for p in [
            "src/config.py",
            "t",
            "tests.py",
            "latest/app.env",
            "contest/x.yml",
            "attestation.json",
            "spectrum/a.env",
        ] {
            assert!(!is_test_path(p), "{p} is not test material");
        }
    }

    #[test]
    fn documented_examples_and_templates_are_placeholders() {
        for p in [
            "AKIAIOSFODNN7EXAMPLE",
            "${GITHUB_TOKEN}",
            "{{ .Values.password }}",
            "$DB_PASSWORD",
            "%API_KEY%",
            "<your-api-key>",
            "xxxxxxxxxxxxxxxx",
            "changeme",
            "REPLACE_ME",
            "sk_live_000000000000000000000000",
        ] {
            assert!(is_placeholder(p.as_bytes()), "{p} should be a placeholder");
        }
    }

    #[test]
    fn random_looking_values_are_not_placeholders() {
        for s in ["Zq8vN3kLp0Wm2Rt7Yx4b", "hunter2hunter3zz", "s3cr3t-Pa55w0rd!"] {
            assert!(!is_placeholder(s.as_bytes()), "{s} should not be a placeholder");
        }
    }

    #[test]
    fn identifiers_expressions_and_resource_paths_read_like_code() {
        for c in [
            "V1ServiceAccountTokenProjection",
            "subject_token_0",
            "StreamDescription.Shards[-1].ShardId",
            "projects/123/secrets/my-secret/versions/1",
            "get_password(user)",
        ] {
            assert!(looks_like_code(c.as_bytes()), "{c} should read like code");
        }
        for s in [
            "ZmssLNjJy2998hD4CTg2ejr2",
            "kQ9vX2mLw8ZpR4tN7bY1",
            "aB3/dE5+fG7/hI9=",
            "g4UsPJdfzNkGW2jwmKDGDilKGKYtpF2X",
        ] {
            assert!(!looks_like_code(s.as_bytes()), "{s} should read like a credential");
        }
    }

    #[test]
    fn values_after_digest_labels_are_checksums() {
        let hay = b"pinata==1.0 --hash=sha256:0f3c and \"integrity\": \"sha512-Zm9v\" token=Zm9v";
        let at = |needle: &[u8]| memmem::find(hay, needle).unwrap();
        assert!(after_digest_label(hay, at(b"0f3c")));
        assert!(after_digest_label(hay, at(b"Zm9v\"")));
        assert!(!after_digest_label(hay, hay.len() - 4));
        assert!(!after_digest_label(hay, 0));
    }

    #[test]
    fn commented_lines_are_recognised_by_their_first_bytes() {
        let hay = b"a=1\n  # password = x\n; pw=y\n// token: z\nreal = w # note\n";
        let at = |needle: &[u8]| memmem::find(hay, needle).unwrap();
        assert!(line_is_comment(hay, at(b"x")) && line_is_comment(hay, at(b"y")) && line_is_comment(hay, at(b"z")));
        assert!(!line_is_comment(hay, at(b"real")) && !line_is_comment(hay, 0));
    }

    #[test]
    fn names_inside_template_references_are_not_values() {
        let hay = b"a=${ACME_KEY} b={{ acme_token }} c=$(cat f) d=%(pw)s e=#{k} f=<%= k %> g=Zx9q";
        let at = |needle: &[u8]| memmem::find(hay, needle).unwrap();
        for n in [&b"ACME_KEY"[..], b"acme_token", b"cat f", b"pw)", b"k}", b"k %"] {
            assert!(in_template(hay, at(n)), "{}", String::from_utf8_lossy(n));
        }
        assert!(!in_template(hay, at(b"Zx9q")));
        assert!(!in_template(hay, 0));
        assert!(is_env_name(b"STRIPE_SECRET_KEY") && is_env_name(b"API_TOKEN_2"));
        let words = b"blob_key INBOX myAcmeKey REACT_APP_ACME -Dsonar.login x";
        let at = |needle: &[u8]| memmem::find(words, needle).unwrap();
        assert!(name_inside_word(words, at(b"lob_key")) && name_inside_word(words, at(b"BOX")));
        assert!(!name_inside_word(words, at(b"Acme")) && !name_inside_word(words, at(b"ACME")));
        assert!(!name_inside_word(words, at(b"sonar")) && !name_inside_word(words, 0));
        for code in [
            &b"pyxis_mask_and_ack_irq"[..],
            b"ebsa285_host_io_desc",
            b"getUserAuthTokenFromCache",
        ] {
            assert!(looks_like_code(code), "{}", String::from_utf8_lossy(code));
        }
        for key in [
            &b"Zk3_qP9x_Lm2VbN8"[..],
            b"aB3dE5gH7jK9mN1pQ3sT",
            b"tLFy6awKZRnqM_4EEX5Hn",
        ] {
            assert!(!looks_like_code(key), "{}", String::from_utf8_lossy(key));
        }
        for v in [&b"AKIAIOSFODNN7EXAMPLE"[..], b"Q7_Xk2mP", b"ABCD_1234", b"acme_key"] {
            assert!(!is_env_name(v), "{}", String::from_utf8_lossy(v));
        }
    }

    #[test]
    fn allow_comment_applies_to_its_own_line_only() {
        let hay = b"a = 1 # leakhound:allow\nb = 2\n";
        assert!(line_has_allow_comment(hay, 2));
        assert!(!line_has_allow_comment(hay, hay.len() - 3));
    }
}
