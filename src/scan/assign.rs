//! Generic credential scoring: the second half of generic detection. The generic rules in
//! `rules/generic.toml` are the parser: each one reads one family of assignment syntax (`key = "v"`,
//! `key: v`, `"key": "v"`, `<key>v</key>`, `setKey("v")`, `--key v`, `Authorization: Bearer v`, URL
//! userinfo, ...) and captures the name (`key` group) and the value (`secret` group). This module
//! decides whether the pair is a credential, and how sure that is, from two parts:
//!
//! - the **name**: its words (`DB_PASSWORD` -> `db`, `password`; `setJwtSecretKey` -> `set`, `jwt`,
//!   `secret`, `key`) say what kind of value belongs there (a password, a secret, a token, or only a
//!   weak hint such as `key` or `auth`), and words that turn it into something else veto it
//!   (`password_field`, `token_type`, `secret_name`, `token_url`, `api_key_id`, `is_password`);
//! - the **value**: for passwords its shape, not its entropy (a dictionary word after `password =`
//!   is a real password); for tokens and secrets its randomness. Both reject what is not a literal:
//!   code expressions, identifiers, paths, URLs, versions, template variables and placeholders.
//!
//! The result is a [`Verdict`]: dropped with a reason, or kept with a confidence the finding carries.
//! Everything here works on the borrowed bytes of one candidate and allocates nothing.

use crate::rules::Confidence;

use super::entropy::shannon_entropy;
use super::filters::{is_placeholder, is_stand_in};

/// How a scored rule's capture is to be read, from the rule's `score:*` tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `score:key`: the `key` group holds a name whose words decide the kind of value.
    Key,
    /// `score:password`: the value sits where a password goes (URL userinfo, `curl -u`, `mysql -p`);
    /// a `key` group, if any, holds the user name.
    Password,
    /// `score:token`: the value sits where a token goes (`Authorization: Bearer`).
    Token,
    /// `score:basic`: the value is HTTP Basic credentials, base64 of `user:password`.
    Basic,
}

impl Mode {
    /// The mode a rule's tags ask for, if any.
    pub fn from_tags(tags: &[String]) -> Option<Mode> {
        tags.iter().find_map(|t| match t.as_str() {
            "score:key" => Some(Mode::Key),
            "score:password" => Some(Mode::Password),
            "score:token" => Some(Mode::Token),
            "score:basic" => Some(Mode::Basic),
            _ => None,
        })
    }
}

/// What a name says belongs in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A password or passphrase: judged by shape.
    Password,
    /// A shared secret, client secret or private key: judged by shape and randomness.
    Secret,
    /// A token or API key: judged by randomness.
    Token,
    /// Only a weak hint (`key`, `auth`, `sig`): the value must look random on its own.
    Weak,
}

/// The scorer's decision on one candidate, with its parts (for `explain` and the tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    /// `Some` when the candidate is reported, with how sure it is.
    pub confidence: Option<Confidence>,
    /// What the name says, when it says anything.
    pub kind: Option<Kind>,
    /// Strength of the name, 0 (vetoed or absent) to 3.
    pub name: u8,
    /// Plausibility of the value, 0 (rejected) to 3.
    pub value: u8,
    /// Why: the rejection, or what made it plausible.
    pub reason: &'static str,
}

impl Verdict {
    fn drop(kind: Option<Kind>, name: u8, reason: &'static str) -> Verdict {
        Verdict {
            confidence: None,
            kind,
            name,
            value: 0,
            reason,
        }
    }
}

/// Words that name a password.
const PASSWORD_WORDS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "pass",
    "passphrase",
    "pswd",
    "passw",
    "passcode",
    "pw",
    "passwort",
    "senha",
    "contrasena",
];
/// Words that name a shared secret.
const SECRET_WORDS: &[&str] = &[
    "secret",
    "secrets",
    "credential",
    "credentials",
    "creds",
    "privatekey",
    "secretkey",
];
/// Words that name a token or an API key.
const TOKEN_WORDS: &[&str] = &[
    "token",
    "tokens",
    "apikey",
    "accesskey",
    "authtoken",
    "accesstoken",
    "bearer",
];
/// Words that hint at a credential without naming one.
const WEAK_WORDS: &[&str] = &["key", "auth", "sig", "signature", "nonce", "verifier", "sid", "hmac"];
/// Words before `token` that make it a credential's name (`access_token`, `refreshToken`, `bot
/// token`), where `token` alone is as often a parser's or a paginator's (`next_token`, `csrf_token`).
const TOKEN_QUALIFIERS: &[&str] = &["access", "refresh", "auth", "bearer", "api", "oauth", "personal", "bot"];
/// Pairs of words that together name a secret or token (`api key`, `private key`, `consumer key`).
const KEY_QUALIFIERS: &[(&str, Kind)] = &[
    ("api", Kind::Token),
    ("access", Kind::Token),
    ("auth", Kind::Token),
    ("consumer", Kind::Token),
    ("app", Kind::Token),
    ("private", Kind::Secret),
    ("secret", Kind::Secret),
    ("signing", Kind::Secret),
    ("encryption", Kind::Secret),
    ("master", Kind::Secret),
    ("client", Kind::Secret),
    ("hmac", Kind::Secret),
    ("jwt", Kind::Secret),
];

/// Words after the credential word that make the name about something else: `password_field`,
/// `token_type`, `secret_name`, `token_url`, `password_min_length`.
const NEGATIVE_AFTER: &[&str] = &[
    "field",
    "fields",
    "type",
    "types",
    "name",
    "names",
    "label",
    "url",
    "uri",
    "urls",
    "endpoint",
    "path",
    "paths",
    "file",
    "files",
    "filename",
    "dir",
    "directory",
    "length",
    "len",
    "size",
    "min",
    "max",
    "count",
    "policy",
    "pattern",
    "regex",
    "regexp",
    "prompt",
    "hint",
    "placeholder",
    "input",
    "form",
    "hash",
    "hashed",
    "digest",
    "salt",
    "expiry",
    "expires",
    "expiration",
    "expire",
    "expired",
    "ttl",
    "timeout",
    "lifetime",
    "header",
    "headers",
    "param",
    "params",
    "parameter",
    "prefix",
    "suffix",
    "enabled",
    "enable",
    "required",
    "mode",
    "format",
    "env",
    "var",
    "variable",
    "ref",
    "arn",
    "version",
    "encoding",
    "algorithm",
    "algo",
    "alg",
    "method",
    "store",
    "manager",
    "provider",
    "service",
    "class",
    "validator",
    "strength",
    "error",
    "errors",
    "message",
    "msg",
    "text",
    "title",
    "description",
    "desc",
    "help",
    "template",
    "column",
    "table",
    "attr",
    "attribute",
    "selector",
    "button",
    "link",
    "icon",
    "style",
    "index",
    "idx",
    "kind",
    "limit",
    "location",
    "source",
    "scope",
    "scopes",
    "claim",
    "audience",
    "issuer",
    "reset",
    "request",
    "response",
    "callback",
    "handler",
    "event",
    "listener",
    "cache",
    "state",
    "status",
    "valid",
    "validity",
    "rotation",
    "created",
    "updated",
    "time",
    "date",
    "timestamp",
    "storage",
    "generator",
    "factory",
    "builder",
    "parser",
    "reader",
    "writer",
    "holder",
    "provided",
    "set",
    "exists",
    "missing",
    "changed",
    "policies",
    "rule",
    "rules",
    "chars",
    "bits",
    "bytes",
    "ok",
    "authentication",
    "authenticator",
    "removed",
    "redacted",
    "enc",
    "encrypted",
    "mask",
    "masked",
    "visible",
    "visibility",
    "toggle",
    "show",
    "check",
    "confirm",
    "confirmation",
    "repeat",
    "again",
    "command",
    "cmd",
    "script",
    "id",
    "ids",
    "prop",
    "property",
    "option",
    "options",
    "ui",
    "dialog",
    "widget",
    "view",
    "page",
    "screen",
    "route",
    "list",
    "map",
    "dict",
    "ptr",
    "buf",
    "fn",
    "func",
    "function",
];
/// Words before the credential word that make the name a flag or an action: `is_password`,
/// `show_password`, `forgot_password`, `get_token`.
const NEGATIVE_BEFORE: &[&str] = &[
    "is",
    "has",
    "show",
    "use",
    "uses",
    "enable",
    "enabled",
    "require",
    "requires",
    "required",
    "allow",
    "no",
    "forgot",
    "forget",
    "min",
    "max",
    "check",
    "validate",
    "verify",
    "hide",
    "toggle",
    "generate",
    "get",
    "fetch",
    "load",
    "read",
    "parse",
    "need",
    "needs",
    "want",
    "ask",
    "prompt",
    "input",
    "invalid",
    "wrong",
    "bad",
    "missing",
    "empty",
    "null",
    "num",
    "number",
    "len",
    "length",
    "count",
    "csrf",
    "xsrf",
    "next",
    "page",
    "continuation",
    "non",
    "fake",
    "dummy",
    "mock",
    "sample",
    "example",
    "authenticity",
    "cancel",
    "cancellation",
    "lexer",
    "parser",
    "syntax",
];

/// Values that are names for a value rather than a value: types, keywords and stand-ins.
const STAND_IN_VALUES: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "pass",
    "passphrase",
    "secret",
    "token",
    "key",
    "apikey",
    "api_key",
    "null",
    "nil",
    "none",
    "undefined",
    "true",
    "false",
    "empty",
    "string",
    "str",
    "int",
    "integer",
    "bool",
    "boolean",
    "bytes",
    "byte",
    "object",
    "any",
    "number",
    "char",
    "text",
    "value",
    "default",
    "required",
    "optional",
    "hidden",
    "bearer",
    "basic",
    "yes",
    "no",
    "on",
    "off",
    "test",
    "testing",
    "sample",
    "secretstring",
    "securestring",
    "required",
    "unset",
    "disabled",
    "enabled",
    "auto",
    "void",
    "self",
    "this",
    "new",
    "todo",
    "tbd",
    "fixme",
    "redacted",
    "removed",
    "hidden",
    "masked",
    "blank",
    "user",
    "username",
    "admin_password",
    "foo",
    "bar",
    "baz",
    "foobar",
    "qwerty",
    "abc",
    "abc123",
    "pass123",
    "password1",
    "password123",
    "secret123",
    "letmein",
    "s3cr3t",
    "mypassword",
    "secr3t",
    "s3cret",
    "correct-horse-battery-staple",
    "correcthorsebatterystaple",
    "correct-horse-battery",
    "hunter2",
    "mypass",
    "myuser",
    "mykey",
    "secretkey",
    "mysecret",
    "mytoken",
    "yourpassword",
    "dev",
    "prod",
    "local",
    "localhost",
    "env",
    "environ",
    "config",
    "settings",
    "varchar",
    "text",
    "uuid",
    "ascii",
    "utf8",
    "utf-8",
    "base64",
    "hex",
    "sha256",
    "md5",
    "hmac",
    "rsa",
    "aes",
    "jwt",
    "oauth",
    "oauth2",
    "login",
    "form",
    "field",
    "input",
    "type",
    "name",
    "public",
    "private",
    "protected",
    "static",
    "final",
    "const",
    "let",
    "var",
    "return",
    "function",
    "lambda",
];

/// Scores one candidate: `key` is the captured name (or user name, or auth scheme), `gap` the bytes
/// between the name's end and the value's start, `value` the candidate secret.
pub fn score(mode: Mode, key: &[u8], gap: &[u8], value: &[u8]) -> Verdict {
    score_in(mode, key, gap, value, None)
}

/// [`score`] with the byte that follows the value in the input (`;` after an unquoted value in
/// code marks a statement, not a setting).
pub fn score_in(mode: Mode, key: &[u8], gap: &[u8], value: &[u8], after: Option<u8>) -> Verdict {
    score_at(mode, b"", key, gap, value, after)
}

/// [`score_in`] with `before`, the bytes of the line before the name (`badge.svg?` before
/// `token=` marks a badge's public graph token).
pub fn score_at(mode: Mode, before: &[u8], key: &[u8], gap: &[u8], value: &[u8], after: Option<u8>) -> Verdict {
    match mode {
        Mode::Key => {
            let tail = &before[before.len().saturating_sub(64)..];
            if tail.ends_with(b".svg?") || tail.ends_with(b".png?") || contains_ci(tail, b"badge") {
                return Verdict::drop(None, 0, "a badge URL's graph token, public by design");
            }
            score_named(key, gap, value, after)
        }
        Mode::Password => {
            if !key.is_empty() && key.eq_ignore_ascii_case(value) {
                return Verdict::drop(Some(Kind::Password), 3, "the password repeats the user name");
            }
            finish(Kind::Password, 3, value, true, gap)
        }
        Mode::Token => finish(Kind::Token, 3, value, true, gap),
        Mode::Basic => score_basic(value),
    }
}

fn score_named(key: &[u8], gap: &[u8], value: &[u8], after: Option<u8>) -> Verdict {
    let (kind, name, why) = classify_name(key);
    let Some(kind) = kind else {
        return Verdict::drop(None, 0, why);
    };
    let quoted = gap.last().is_some_and(|b| matches!(b, b'"' | b'\'' | b'`'));
    if !quoted && looks_like_code_binding(key, gap, value) {
        return Verdict::drop(Some(kind), name, "the value is a variable, not a literal");
    }
    // `self.token.eq_ignore_ascii_case(b"x")`: a method called on the credential, not a setter.
    if gap.contains(&b'(') {
        if let Some(dot) = key.iter().rposition(|&b| b == b'.') {
            if classify_name(&key[dot + 1..]).1 == 0 {
                return Verdict::drop(Some(kind), 0, "a method called on the credential");
            }
        }
    }
    if !quoted && value[0] == b'_' {
        return Verdict::drop(Some(kind), name, "an identifier or type name");
    }
    if !quoted && after == Some(b'\\') && value.iter().all(u8::is_ascii_alphabetic) {
        return Verdict::drop(Some(kind), name, "message text in a string, not a setting");
    }
    if !quoted && after == Some(b';') && gap.starts_with(b" ") {
        return Verdict::drop(Some(kind), name, "a statement in code, not a setting");
    }
    if !quoted && (number_literal(value) || constant_name(value) || snake_identifier(value)) {
        return Verdict::drop(Some(kind), name, "a number or a named constant, not a literal secret");
    }
    // The value repeats the name's own word: `token: Token`, `password: PasswordHash`, `secret: "my_secret"`.
    if value_repeats_name(key, value) {
        return Verdict::drop(Some(kind), name, "the value repeats the name");
    }
    finish(kind, name, value, quoted, gap)
}

/// Splits a name into lowercase words at `_ - . space :` and lower-to-upper case changes, calling
/// `f` with each word's bytes (as written; compare case-insensitively).
fn for_each_word<'a>(key: &'a [u8], mut f: impl FnMut(&'a [u8])) {
    let mut start = None::<usize>;
    for i in 0..=key.len() {
        let b = key.get(i).copied();
        let boundary = match b {
            None => true,
            Some(c) if !c.is_ascii_alphanumeric() => true,
            Some(c) => {
                c.is_ascii_uppercase()
                    && i > 0
                    && (key[i - 1].is_ascii_lowercase()
                        || key[i - 1].is_ascii_digit()
                        || (key[i - 1].is_ascii_uppercase() && key.get(i + 1).is_some_and(u8::is_ascii_lowercase)))
            }
        };
        if boundary {
            if let Some(s) = start.take() {
                f(&key[s..i]);
            }
        }
        if b.is_some_and(|c| c.is_ascii_alphanumeric()) && start.is_none() {
            start = Some(i);
        }
    }
}

fn eq_any(word: &[u8], list: &[&str]) -> bool {
    list.iter().any(|w| word.eq_ignore_ascii_case(w.as_bytes()))
}

/// `0x1e`, `42`, `0x3011UL`: a number literal in code.
fn number_literal(v: &[u8]) -> bool {
    let v = v.strip_prefix(b"-").unwrap_or(v);
    let end = v
        .iter()
        .rposition(|b| !matches!(b, b'u' | b'U' | b'l' | b'L'))
        .map_or(0, |p| p + 1);
    let v = &v[..end];
    if let Some(h) = v.strip_prefix(b"0x").or_else(|| v.strip_prefix(b"0X")) {
        return !h.is_empty() && h.iter().all(u8::is_ascii_hexdigit);
    }
    !v.is_empty() && v.iter().all(u8::is_ascii_digit)
}

/// `AVS_TKN_AFMT_SAMPLE_RATE_U32`, `K_SYS_REVISION_A1`: an upper-case constant's name.
fn constant_name(v: &[u8]) -> bool {
    // Words of two or more capitals, a number after them allowed (`IKEEXT_CREDENTIAL0`,
    // `TLS13_CHACHA20_POLY1305_SHA256`).
    let word = |p: &[u8]| {
        let letters = p.iter().take_while(|b| b.is_ascii_uppercase()).count();
        letters >= 2
            && p[letters..]
                .iter()
                .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
    };
    v.contains(&b'_')
        && v.iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_')
        && v.split(|&b| b == b'_').filter(|p| word(p)).count() >= 2
}

/// `curve25519_compute_value`: a snake_case name with at least two word-like parts.
fn snake_identifier(v: &[u8]) -> bool {
    v.contains(&b'_')
        && v.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_')
        && v.split(|&b| b == b'_')
            .filter(|p| p.len() >= 3 && p.iter().all(u8::is_ascii_lowercase))
            .count()
            >= 2
}

/// `8-4-4-4-12` hex with dashes.
fn uuid(v: &[u8]) -> bool {
    v.len() == 36
        && v.iter().enumerate().all(|(i, b)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                *b == b'-'
            } else {
                b.is_ascii_hexdigit()
            }
        })
}

fn contains_ci(hay: &[u8], needle: &[u8]) -> bool {
    needle.len() <= hay.len() && hay.windows(needle.len()).any(|w| w.eq_ignore_ascii_case(needle))
}

/// The kind one word names by itself, with its strength: whole words first, then compounds written
/// without separators (`dbpassword`, `clientsecret`, `accesstoken`).
fn word_kind(w: &[u8]) -> Option<(Kind, u8)> {
    if eq_any(w, PASSWORD_WORDS) {
        // `pass` alone is as often a pass of an algorithm (`XDP_PASS`, `2ND_PASS`) as a password.
        return Some((Kind::Password, if w.eq_ignore_ascii_case(b"pass") { 2 } else { 3 }));
    }
    if eq_any(w, SECRET_WORDS) {
        return Some((Kind::Secret, 3));
    }
    if eq_any(w, TOKEN_WORDS) {
        return Some((Kind::Token, if w.eq_ignore_ascii_case(b"token") { 2 } else { 3 }));
    }
    if w.len() > 6 {
        for (needle, kind) in [
            (&b"password"[..], Kind::Password),
            (b"passwd", Kind::Password),
            (b"secret", Kind::Secret),
            (b"token", Kind::Token),
            (b"apikey", Kind::Token),
        ] {
            if contains_ci(w, needle) {
                return Some((kind, 3));
            }
        }
    }
    if eq_any(w, WEAK_WORDS) {
        return Some((Kind::Weak, 1));
    }
    None
}

/// What a name says belongs in it, how strongly, or why it says nothing.
pub fn classify_name(key: &[u8]) -> (Option<Kind>, u8, &'static str) {
    // Collect up to 16 words without allocating.
    let mut words: [&[u8]; 16] = [&[]; 16];
    let mut n = 0;
    for_each_word(key, |w| {
        if n < words.len() {
            words[n] = w;
            n += 1;
        }
    });
    let words = &words[..n];
    // The last word that names a credential decides; a qualifier before `key` lifts it.
    let mut best: Option<(usize, Kind, u8)> = None;
    for (i, w) in words.iter().enumerate() {
        let mut found = word_kind(w);
        if w.eq_ignore_ascii_case(b"token") && i > 0 && eq_any(words[i - 1], TOKEN_QUALIFIERS) {
            found = Some((Kind::Token, 3));
        }
        if w.eq_ignore_ascii_case(b"key") && i > 0 {
            if let Some((_, k)) = KEY_QUALIFIERS
                .iter()
                .find(|(q, _)| words[i - 1].eq_ignore_ascii_case(q.as_bytes()))
            {
                found = Some((*k, 3));
            }
        }
        if let Some((k, s)) = found {
            // A strong word earlier is not overridden by a weak one later (`secret_key`, `token_sig`).
            match best {
                Some((_, _, bs)) if s < bs => {}
                _ => best = Some((i, k, s)),
            }
        }
    }
    let Some((at, kind, strength)) = best else {
        return (None, 0, "the name does not name a credential");
    };
    // `private key` qualifiers handled; now vetoes after and before the deciding word.
    for w in &words[at + 1..] {
        let id = w.eq_ignore_ascii_case(b"id") || w.eq_ignore_ascii_case(b"ids");
        if id && kind == Kind::Password {
            continue;
        }
        if eq_any(w, NEGATIVE_AFTER) {
            return (Some(kind), 0, "the name describes the credential, not holds it");
        }
    }
    if let Some(first) = words.first() {
        if at > 0 && eq_any(first, NEGATIVE_BEFORE) {
            return (Some(kind), 0, "the name is a flag or an action about the credential");
        }
    }
    // A one-letter prefix word before `pw` or `pass` is too weak a hint on its own (`p.pass`).
    (Some(kind), strength, "the name names a credential")
}

/// True when the value, written without quotes, is a variable or an expression rather than a literal:
/// `password = password_input`, `token: self.token`, `pwd = getpass()`.
fn looks_like_code_binding(key: &[u8], gap: &[u8], value: &[u8]) -> bool {
    let ident = value.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_');
    let dotted = value.contains(&b'.')
        && value
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.'))
        && value
            .split(|&b| b == b'.')
            .all(|p| p.first().is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_'));
    if dotted {
        return true;
    }
    if !ident {
        return false;
    }
    // snake_case or camelCase identifiers are names of variables.
    let underscores = value.contains(&b'_');
    let lower_start = value.first().is_some_and(u8::is_ascii_lowercase);
    let hump = value
        .windows(2)
        .any(|w| w[0].is_ascii_lowercase() && w[1].is_ascii_uppercase());
    let digits = value.iter().any(u8::is_ascii_digit);
    // `OsString`, `SecretKey`: a type name in a field declaration.
    let type_name =
        value.first().is_some_and(u8::is_ascii_uppercase) && hump && value.iter().all(u8::is_ascii_alphabetic);
    if type_name && !case_scrambled(value) {
        return true;
    }
    if (underscores || (lower_start && hump)) && !digits && !case_scrambled(value) {
        return true;
    }
    // `password = pwd` in code: a lowercase name, spaces around `=`, a bare word.
    let spaced_eq = gap.starts_with(b" ") && gap.contains(&b'=') && gap.ends_with(b" ");
    let code_key = key.iter().any(u8::is_ascii_lowercase) && !key.contains(&b'.') && !key.contains(&b'-');
    spaced_eq && code_key && !digits && value.iter().all(u8::is_ascii_alphabetic)
}

/// True when letters change case too often for words (`kQwIOrYvnXmSDkwE…`): in an identifier a
/// capital starts a word of several letters (`getHttpResponse`, `parseURL`), so a value of 16 or
/// more characters with four or more single lowercase letters between capitals is generated, not
/// named (`getUserById` has one).
fn case_scrambled(v: &[u8]) -> bool {
    if v.len() < 16 {
        return false;
    }
    let single = |i: usize| {
        v[i].is_ascii_lowercase()
            && (i == 0 || !v[i - 1].is_ascii_lowercase())
            && v.get(i + 1).is_some_and(u8::is_ascii_uppercase)
    };
    (0..v.len()).filter(|&i| single(i)).count() >= 4
}

/// True when the value holds the word its name is about (`token: TokenKind`, `password: "password1"`).
fn value_repeats_name(key: &[u8], value: &[u8]) -> bool {
    let mut repeats = false;
    for_each_word(key, |w| {
        if w.len() >= 4 && word_kind(w).is_some_and(|(k, _)| k != Kind::Weak) && contains_ci(value, w) {
            repeats = true;
        }
    });
    repeats || value.eq_ignore_ascii_case(key)
}

/// Judges the value for a name of `kind` (strength `name`) and maps the parts to a confidence.
fn finish(kind: Kind, name: u8, value: &[u8], quoted: bool, gap: &[u8]) -> Verdict {
    if name == 0 {
        return Verdict::drop(Some(kind), 0, "the name is vetoed");
    }
    if let Some(reason) = reject_value(kind, value, quoted) {
        return Verdict::drop(Some(kind), name, reason);
    }
    // A value that names what it stands for: `pass1`, `store-pass`, `random-token`, `super_secret`.
    let names_itself = [&b"pass"[..], b"secret", b"token", b"%20"]
        .iter()
        .any(|w| contains_ci(value, w));
    let test_value = kind != Kind::Password && contains_ci(value, b"test");
    if names_itself || test_value {
        return Verdict::drop(Some(kind), name, "a placeholder");
    }
    if kind != Kind::Password && readable_base64(value) {
        return Verdict::drop(Some(kind), name, "base64 of readable text, not a random token");
    }
    let _ = gap;
    let v = match kind {
        Kind::Password => password_shape(value),
        Kind::Secret => token_shape(value).max(if slug(value) { 1 } else { password_shape(value).min(2) }),
        Kind::Token | Kind::Weak => token_shape(value),
    };
    let confidence = match (kind, v) {
        (_, 0) => None,
        (Kind::Weak, 3) => Some(Confidence::Low),
        (Kind::Weak, _) => None,
        (Kind::Token, 1) => None,
        (Kind::Secret, 1) => None,
        (Kind::Password, 1) if name < 3 => None,
        (_, 1) => Some(Confidence::Low),
        (_, 2) => Some(if name >= 3 { Confidence::Medium } else { Confidence::Low }),
        (_, _) => Some(if name >= 3 {
            Confidence::High
        } else {
            Confidence::Medium
        }),
    };
    Verdict {
        confidence,
        kind: Some(kind),
        name,
        value: v,
        reason: match confidence {
            None if v == 1 => "the value is a word, not a token",
            None => "the value is too weak for this name",
            Some(_) if kind == Kind::Password => "a literal where a password goes",
            Some(_) => "a random-looking literal where a secret goes",
        },
    }
}

/// Why a value is not a credential literal, whatever the name: templates, placeholders, code,
/// paths, URLs, versions, hashes and prose.
pub fn reject_value(kind: Kind, v: &[u8], quoted: bool) -> Option<&'static str> {
    let min = match kind {
        Kind::Password => 4,
        Kind::Secret => 6,
        Kind::Token | Kind::Weak => 8,
    };
    if v.len() < min {
        return Some("too short");
    }
    if v.len() > 512 {
        return Some("too long for a password or token");
    }
    if template(v) {
        return Some("a template variable or reference");
    }
    // A redacted value as reports and docs print it: `ghp_…ir`.
    if v.windows(3).any(|w| w == "\u{2026}".as_bytes()) || contains_ci(v, b"tr0ub4dor") {
        return Some("a placeholder");
    }
    let stand_in = if matches!(kind, Kind::Password) {
        is_stand_in(v)
    } else {
        is_placeholder(v)
    };
    if stand_in || eq_any(v, STAND_IN_VALUES) || trivial(v) || keyboard_mash(v) || v.iter().all(|&b| b == v[0]) {
        return Some("a placeholder");
    }
    if v.iter().any(|b| b.is_ascii_whitespace()) {
        return Some("prose, not a literal");
    }
    if paired(v, b'(', b')')
        || paired(v, b'[', b']')
        || paired(v, b'{', b'}')
        || v.iter().any(|b| matches!(b, b'"' | b'\'' | b'`' | b',' | b';'))
        || contains_ci(v, b"->")
        || contains_ci(v, b"::")
        || contains_ci(v, b"&&")
        || contains_ci(v, b"||")
        || v.ends_with(b"()")
    {
        return Some("a code expression");
    }
    for p in [
        "this.",
        "self.",
        "os.",
        "process.",
        "env.",
        "config.",
        "settings.",
        "params.",
        "request.",
        "req.",
        "props.",
    ] {
        if v.len() > p.len() && v[..p.len()].eq_ignore_ascii_case(p.as_bytes()) {
            return Some("a code expression");
        }
    }
    if contains_ci(v, b"://") {
        return Some("a URL");
    }
    if path_like(v) {
        return Some("a path");
    }
    if version_like(v) {
        return Some("a version number");
    }
    if password_hash(v) {
        return Some("a password hash, not a password");
    }
    if mail_address(v) {
        return Some("an e-mail address or user@host");
    }
    if kind != Kind::Password && word_phrase(v) {
        return Some("lowercase words joined, a name rather than a token");
    }
    if !quoted && v.iter().all(u8::is_ascii_digit) && v.len() < 6 {
        return Some("a number");
    }
    if matches!(kind, Kind::Token | Kind::Weak) && v.iter().all(u8::is_ascii_digit) {
        return Some("a number");
    }
    if v[0] == b'-' || v[0] == b'.' || v[0] == b'=' || v[0] == b'#' || v[0] == b'@' || v[0] == b'&' || v[0] == b'*' {
        return Some("a flag or operator, not a value");
    }
    // Mostly punctuation: `****`, `---`, `.....`.
    let alnum = v.iter().filter(|b| b.is_ascii_alphanumeric()).count();
    if alnum * 2 < v.len() {
        return Some("mostly punctuation");
    }
    None
}

/// `user@host`, `apache@localhost`, `ops@example.org`: an address (a sender, a login, an SSH
/// target), not a password. The part after `@` is lowercase letters, dots and hyphens (a password
/// such as `P@ssw0rd` has a digit or capital there), and either the part before has three or more
/// characters or the host has a dot.
fn mail_address(v: &[u8]) -> bool {
    let Some(at) = v.iter().position(|&b| b == b'@') else {
        return false;
    };
    let (local, host) = (&v[..at], &v[at + 1..]);
    let local_ok = !local.is_empty()
        && local
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'+'));
    let host_ok = host.len() >= 4
        && host.first().is_some_and(u8::is_ascii_lowercase)
        && host.last().is_some_and(u8::is_ascii_lowercase)
        && host.iter().all(|b| b.is_ascii_lowercase() || matches!(b, b'.' | b'-'));
    local_ok && host_ok && (local.len() >= 3 || host.contains(&b'.'))
}

/// Three or more lowercase words of two or more letters joined by `-`, `_`, `:` or `.`, no digit
/// (`no-explicit-challenge:also-valid`, `read.only.scope`): a name or a phrase, which no token
/// generator writes.
fn word_phrase(v: &[u8]) -> bool {
    if !v
        .iter()
        .all(|b| b.is_ascii_lowercase() || matches!(b, b'-' | b'_' | b':' | b'.'))
    {
        return false;
    }
    let mut words = 0;
    for w in v.split(|b| matches!(b, b'-' | b'_' | b':' | b'.')) {
        if w.len() < 2 {
            return false;
        }
        words += 1;
    }
    words >= 3
}

/// True when `open` occurs and `close` follows it: `f(x)`, `a[0]` (an unbalanced `]` in a
/// password is just a character).
fn paired(v: &[u8], open: u8, close: u8) -> bool {
    v.iter()
        .position(|&b| b == open)
        .is_some_and(|i| v[i..].contains(&close))
}

/// Test values and keyboard runs: `test1`, `123456`.
fn trivial(v: &[u8]) -> bool {
    let test = v.len() >= 4 && v[..4].eq_ignore_ascii_case(b"test") && v[4..].iter().all(u8::is_ascii_digit);
    let run = v.iter().all(u8::is_ascii_digit) && b"12345678901234567890".starts_with(v);
    let lower = |s: &[u8]| v.len() <= s.len() && v.iter().zip(s).all(|(a, b)| a.to_ascii_lowercase() == *b);
    test || run || lower(b"abcdefghijklmnopqrstuvwxyz") || lower(b"qwertyuiop") || lower(b"asdfghjkl")
}

/// Home-row and top-row runs typed to fill a field in documentation (`sdf`, `lkj`, `qwe`): three or
/// more in a short value mark a keyboard mash, the stand-in docs use for an OAuth token.
fn keyboard_mash(v: &[u8]) -> bool {
    const RUNS: &[&[u8]] = &[
        b"asd", b"sdf", b"dfg", b"fgh", b"hjk", b"jkl", b"lkj", b"kjh", b"jhg", b"fds", b"dsa", b"qwe", b"wer", b"ert",
        b"rty", b"uio", b"iop", b"poi", b"oiu", b"ewq", b"zxc", b"xcv",
    ];
    if v.len() > 32 {
        return false;
    }
    let lower = |w: &[u8], r: &[u8]| w.iter().zip(r).all(|(a, b)| a.to_ascii_lowercase() == *b);
    let hits = v.windows(3).filter(|w| RUNS.iter().any(|r| lower(w, r))).count();
    hits >= 3
}

/// Lowercase letters only, or lowercase words joined by `-`, `_` or `.` (`interactive`,
/// `alternate-value`): a word or a name, not a random value.
fn slug(v: &[u8]) -> bool {
    v.iter()
        .all(|b| b.is_ascii_lowercase() || matches!(b, b'-' | b'_' | b'.'))
}

/// True when the value is base64 (12 or more characters) of printable ASCII: encoded text such as
/// `alice:secret-passwd` or `a-git-token`, which no random token decodes to.
fn readable_base64(v: &[u8]) -> bool {
    if v.len() < 12 || v.len() > 256 || !v.len().is_multiple_of(4) {
        return false;
    }
    let mut buf = [0u8; 192];
    match decode_base64(v, &mut buf) {
        Some(n) => n > 0 && buf[..n].iter().all(|b| (0x20..0x7f).contains(b)),
        None => false,
    }
}

/// Template and variable syntaxes: `${x}`, `{{x}}`, `%(x)s`, `%s`, `#{x}`, `<%= x %>`, `<x>`,
/// `$X`, `@x@`, `__X__`, `{0}`, `[x]`, `:x` (a Ruby symbol).
fn template(v: &[u8]) -> bool {
    let has = |n: &[u8]| v.windows(n.len()).any(|w| w == n);
    if has(b"${") || has(b"{{") || has(b"}}") || has(b"%(") || has(b"#{") || has(b"<%") || has(b"@{") || has(b"$(") {
        return true;
    }
    if v.windows(2).any(|w| {
        w[0] == b'%'
            && matches!(
                w[1],
                b's' | b'd' | b'v' | b'q' | b'x' | b'X' | b'u' | b'i' | b'p' | b'l' | b'z' | b'h'
            )
    }) && v.len() < 40
    {
        return true;
    }
    let (first, last) = (v[0], v[v.len() - 1]);
    if matches!(
        (first, last),
        (b'<', b'>') | (b'{', b'}') | (b'[', b']') | (b'%', b'%') | (b'@', b'@')
    ) {
        return true;
    }
    if first == b'$' || first == b'<' || first == b'{' || first == b'%' || first == b':' || first == b'!' {
        return true;
    }
    if v.starts_with(b"__") && v.ends_with(b"__") {
        return true;
    }
    false
}

fn path_like(v: &[u8]) -> bool {
    if v.starts_with(b"/")
        || v.starts_with(b"./")
        || v.starts_with(b"../")
        || v.starts_with(b"~/")
        || v.starts_with(b"\\")
    {
        return true;
    }
    if v.len() > 2 && v[0].is_ascii_alphabetic() && v[1] == b':' && (v[2] == b'\\' || v[2] == b'/') {
        return true;
    }
    let slashes = v.iter().filter(|&&b| b == b'/').count();
    if slashes >= 2 && !v.iter().any(|&b| b == b'+' || b == b'=') {
        return true;
    }
    const EXT: &[&str] = &[
        ".pem",
        ".key",
        ".crt",
        ".cer",
        ".txt",
        ".json",
        ".yml",
        ".yaml",
        ".xml",
        ".conf",
        ".cfg",
        ".ini",
        ".env",
        ".properties",
        ".p12",
        ".jks",
        ".pfx",
        ".der",
        ".csv",
        ".log",
        ".sh",
        ".py",
        ".js",
        ".html",
        ".php",
        ".rb",
        ".go",
        ".rs",
        ".java",
        ".toml",
        ".lock",
        ".gpg",
        ".asc",
        ".pub",
        ".png",
        ".jpg",
        ".svg",
        ".md",
    ];
    EXT.iter()
        .any(|e| v.len() > e.len() && v[v.len() - e.len()..].eq_ignore_ascii_case(e.as_bytes()))
}

fn version_like(v: &[u8]) -> bool {
    let s = v.strip_prefix(b"v").unwrap_or(v);
    let core = s.split(|&b| b == b'-' || b == b'+').next().unwrap_or(s);
    let parts = core.split(|&b| b == b'.').count();
    parts >= 2 && core.iter().all(|b| b.is_ascii_digit() || *b == b'.') && core.first().is_some_and(u8::is_ascii_digit)
}

fn password_hash(v: &[u8]) -> bool {
    for p in [
        &b"$2a$"[..],
        b"$2b$",
        b"$2y$",
        b"$argon2",
        b"$1$",
        b"$5$",
        b"$6$",
        b"$apr1$",
        b"{SSHA}",
        b"{SHA}",
        b"{bcrypt}",
        b"{noop}",
        b"pbkdf2_",
        b"pbkdf2:",
        b"scrypt:",
    ] {
        if v.len() > p.len() && v[..p.len()].eq_ignore_ascii_case(p) {
            return true;
        }
    }
    false
}

/// Counts of character classes: lowercase, uppercase, digits, other.
fn classes(v: &[u8]) -> (bool, bool, bool, bool) {
    (
        v.iter().any(u8::is_ascii_lowercase),
        v.iter().any(u8::is_ascii_uppercase),
        v.iter().any(u8::is_ascii_digit),
        v.iter()
            .any(|b| !b.is_ascii_alphanumeric() && !matches!(b, b'-' | b'_' | b'.')),
    )
}

/// A password's plausibility from its shape: 3 for a strong mixed value, 2 for letters and digits
/// or a long value, 1 for a word.
fn password_shape(v: &[u8]) -> u8 {
    if slug(v) {
        return 1;
    }
    let (l, u, d, o) = classes(v);
    let n = [l, u, d, o].iter().filter(|&&c| c).count();
    if n >= 3 && v.len() >= 8 {
        3
    } else if n >= 2 || v.len() >= 10 {
        2
    } else {
        1
    }
}

/// A token's plausibility from its randomness: 3 for a long high-entropy value, 2 for a shorter
/// random-looking one, 1 for something word-like, 0 for what reads like code.
fn token_shape(v: &[u8]) -> u8 {
    let e = shannon_entropy(v);
    let hex = v.iter().all(u8::is_ascii_hexdigit);
    let (l, u, d, _) = classes(v);
    if super::filters::looks_like_code(v) && !hex {
        return 1;
    }
    let mixed = d && (l || u);
    // A UUID is a common token format, but as common an identifier: never more than plausible.
    if uuid(v) {
        return 2;
    }
    if (v.len() >= 16 && e >= 3.5) || (hex && v.len() >= 24 && e >= 3.0 && mixed) {
        return 3;
    }
    if v.len() >= 10 && e >= 3.0 && (mixed || (l && u)) {
        return 2;
    }
    if v.len() >= 8 && e >= 2.8 && mixed {
        return 2;
    }
    1
}

/// HTTP Basic: the value must decode to printable `user:password` whose password passes.
fn score_basic(value: &[u8]) -> Verdict {
    let mut buf = [0u8; 192];
    let Some(n) = decode_base64(value, &mut buf) else {
        return Verdict::drop(Some(Kind::Password), 3, "not base64 of user:password");
    };
    let text = &buf[..n];
    if !text.iter().all(|b| (0x20..0x7f).contains(b)) {
        return Verdict::drop(Some(Kind::Password), 3, "not base64 of user:password");
    }
    let Some(colon) = text.iter().position(|&b| b == b':') else {
        return Verdict::drop(Some(Kind::Password), 3, "not base64 of user:password");
    };
    let (user, pass) = (&text[..colon], &text[colon + 1..]);
    if user.is_empty() || pass.is_empty() || user == pass {
        return Verdict::drop(Some(Kind::Password), 3, "an empty or repeated password");
    }
    let mut v = finish(Kind::Password, 3, pass, true, b"");
    if v.confidence.is_some() {
        v.reason = "HTTP Basic credentials";
    }
    v
}

/// Standard or URL-safe base64 into `out`; `None` when it is not base64 or does not fit. Shared
/// with the credential-file parsers (`crate::formats::base64_decode`).
pub(crate) fn decode_base64(s: &[u8], out: &mut [u8]) -> Option<usize> {
    let s = s.strip_suffix(b"==").or_else(|| s.strip_suffix(b"=")).unwrap_or(s);
    let (mut acc, mut bits, mut n) = (0u32, 0u32, 0usize);
    for &c in s {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            *out.get_mut(n)? = (acc >> bits) as u8;
            n += 1;
        }
    }
    Some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(key: &str, gap: &str, value: &str) -> Option<Confidence> {
        score(Mode::Key, key.as_bytes(), gap.as_bytes(), value.as_bytes()).confidence
    }

    #[test]
    fn names_split_into_words_across_cases_and_separators() {
        let mut got = Vec::new();
        for_each_word(b"setJwtSecretKey", |w| {
            got.push(String::from_utf8_lossy(w).into_owned())
        });
        for_each_word(b"DB_PASSWORD", |w| got.push(String::from_utf8_lossy(w).into_owned()));
        for_each_word(b"APIKey", |w| got.push(String::from_utf8_lossy(w).into_owned()));
        assert_eq!(got, ["set", "Jwt", "Secret", "Key", "DB", "PASSWORD", "API", "Key"]);
    }

    #[test]
    fn credential_names_are_classified_and_descriptive_names_vetoed() {
        for (k, kind) in [
            ("DB_PASSWORD", Kind::Password),
            ("spring.datasource.password", Kind::Password),
            ("setPassword", Kind::Password),
            ("client_secret", Kind::Secret),
            ("SecretKeySpec", Kind::Secret),
            ("access_token", Kind::Token),
            ("apiKey", Kind::Token),
            ("X-Api-Key", Kind::Token),
            ("mysqlpassword", Kind::Password),
        ] {
            let (got, strength, _) = classify_name(k.as_bytes());
            assert_eq!(got, Some(kind), "{k}");
            assert!(strength >= 2, "{k}");
        }
        for k in [
            "password_field",
            "token_type",
            "secret_name",
            "token_url",
            "PASSWORD_MIN_LENGTH",
            "api_key_id",
            "is_password",
            "show_password",
            "SECRET_FILE",
        ] {
            assert_eq!(classify_name(k.as_bytes()).1, 0, "{k} should be vetoed");
        }
        assert_eq!(classify_name(b"username").0, None);
    }

    #[test]
    fn a_word_is_a_password_but_not_a_token() {
        assert!(named("password", " = \"", "wombat").is_some());
        assert!(named("access_token", " = \"", "wombat").is_none());
        assert_eq!(
            named("DB_PASSWORD", "=", &["Xk9#", "mQ2vLp"].concat()),
            Some(Confidence::High)
        );
        assert_eq!(
            named("api_key", ": \"", &["kQwIOrYv", "nXmSDkwE", "iFngrKid"].concat()),
            Some(Confidence::High)
        );
    }

    #[test]
    fn templates_placeholders_and_code_are_rejected() {
        for v in [
            "${DB_PASSWORD}",
            "{{ .Values.password }}",
            "%(password)s",
            "<your-key>",
            "changeme",
            "xxxxxxxx",
            "********",
            "$PASSWORD",
            "#{password}",
        ] {
            assert_eq!(named("password", ": \"", v), None, "{v}");
        }
        for v in [
            "self.password",
            "getPassword()",
            "os.environ",
            "password_input",
            "userPassword",
            "/run/secrets/db",
            "https://auth.example.org/token",
            "1.2.3",
            "$2b$12$abcdefghijklmnopqrstuv",
        ] {
            assert_eq!(named("password", " = ", v), None, "{v}");
        }
        assert_eq!(named("password", " = ", "pwd"), None);
        assert_eq!(named("token", ": ", "TokenKind"), None);
        assert_eq!(named("password", ": \"", "password"), None);
    }

    #[test]
    fn a_qualified_token_name_is_strong_and_a_scrambled_value_is_not_an_identifier() {
        assert_eq!(classify_name(b"access_token").1, 3);
        assert_eq!(classify_name(b"refreshToken").1, 3);
        assert!(classify_name(b"page_token").1 < 3 && classify_name(b"csrf_token").1 < 3);
        for id in [
            "getHttpResponseCode",
            "parseURLFromString",
            "getUserByIdAndName",
            "myDBConnectionString",
        ] {
            assert!(!case_scrambled(id.as_bytes()), "{id}");
        }
        let scrambled: String = "kQwIoRtYvNmXzBcD".chars().cycle().take(32).collect();
        assert!(case_scrambled(scrambled.as_bytes()));
        assert!(score(Mode::Key, b"secretkey", b": ", scrambled.as_bytes())
            .confidence
            .is_some());
        assert!(score(Mode::Key, b"secretkey", b": ", b"someVariableName")
            .confidence
            .is_none());
    }

    #[test]
    fn constant_names_with_numbers_are_names() {
        for v in [
            "IKEEXT_CREDENTIAL0",
            "TLS13_CHACHA20_POLY1305_SHA256_INTERNAL",
            "MAX_KEY_LEN",
        ] {
            assert!(constant_name(v.as_bytes()), "{v}");
        }
        assert!(!constant_name(b"A1B2C3D4E5F6") && !constant_name(b"X9_K2"));
    }

    #[test]
    fn addresses_and_word_phrases_are_not_secrets() {
        for v in ["user@host", "apache@localhost", "ops@example.org", "a@mail.example.com"] {
            assert!(named("password", " = \"", v).is_none(), "{v} read as a password");
            assert!(named("token", " = \"", v).is_none(), "{v} read as a token");
        }
        for v in [
            "no-explicit-challenge:also-valid",
            "read.only.scope",
            "alpha_beta_gamma_delta",
        ] {
            assert!(named("token", " = \"", v).is_none(), "{v} read as a token");
        }
        // A password with `@` in it, and a token whose words carry digits, still count.
        assert!(!mail_address(b"P@ssw0rd!x9") && !mail_address(b"mq@h7") && !mail_address(b"Zk4@Mq7Lp"));
        assert!(named("password", " = \"", "Zk4@Mq7Lp!x9").is_some());
        assert!(!word_phrase(b"k7f2-ab93-zz81-q0pd") && !word_phrase(b"two-words"));
    }

    #[test]
    fn password_positions_reject_the_user_name_and_accept_a_word() {
        assert_eq!(score(Mode::Password, b"root", b"", b"root").confidence, None);
        assert!(score(Mode::Password, b"deploy", b"", b"hunter2x").confidence.is_some());
    }

    #[test]
    fn basic_credentials_must_decode_to_user_and_password() {
        // base64 of a user:password pair built here, so no literal credential sits in the source.
        let enc = encode(["svc:", "Kq7vRt", "2mZp#4"].concat().as_bytes());
        assert!(score(Mode::Basic, b"", b"", enc.as_bytes()).confidence.is_some());
        let not_pair = encode(b"just-some-bytes-without-colon");
        assert_eq!(score(Mode::Basic, b"", b"", not_pair.as_bytes()).confidence, None);
        assert_eq!(score(Mode::Basic, b"", b"", b"realm=api").confidence, None);
    }

    #[test]
    fn tokens_need_randomness() {
        assert!(score(
            Mode::Token,
            b"bearer",
            b" ",
            ["9f8e7d6c5b4a3928", "1706f5e4d3c2b1a0"].concat().as_bytes()
        )
        .confidence
        .is_some());
        assert_eq!(score(Mode::Token, b"bearer", b" ", b"authentication").confidence, None);
    }

    fn encode(b: &[u8]) -> String {
        const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut s = String::new();
        for c in b.chunks(3) {
            let n = (u32::from(c[0]) << 16)
                | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
                | u32::from(*c.get(2).unwrap_or(&0));
            for i in 0..4 {
                if i <= c.len() {
                    s.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
                } else {
                    s.push('=');
                }
            }
        }
        s
    }
}
