//! Opt-in live validation (`--validate`, `leakhound validate`): after a scan, each unique secret is
//! checked once against its provider's documented read-only identity endpoint, and every finding
//! of it gets a [`Validation`]. This is the only network code in leakhound; nothing here runs
//! unless the user asked for it. Requests are bounded (a few at a time, a timeout each, a total
//! budget), follow no redirects, and never put the secret or a response body in any output.

pub mod aws;
pub mod command;
pub mod http;
pub mod providers;
pub mod reread;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use serde::Deserialize;

use crate::finding::{Finding, Validation, ValidationStatus};
use providers::{Auth, Kind, Validator};

/// Requests sent at most in one run unless `--validate-max-requests` or `[validate]
/// max_requests` says otherwise.
pub const DEFAULT_MAX_REQUESTS: usize = 200;
/// Requests in flight at once.
pub const CONCURRENCY: usize = 4;
/// Time allowed for one request, connection to last byte.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// `[validate]` in `.leakhound.toml`.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValidateConfig {
    /// Only these validators (ids of the README table, e.g. `github`, `slack`) may be called.
    #[serde(default)]
    pub providers: Option<Vec<String>>,
    /// GitHub Enterprise Server API root, e.g. `https://ghe.example.com/api/v3`.
    #[serde(default)]
    pub github_url: Option<String>,
    /// GitLab self-managed root, e.g. `https://gitlab.example.com`.
    #[serde(default)]
    pub gitlab_url: Option<String>,
    /// PEM bundle trusted instead of Mozilla's roots (a corporate TLS proxy), relative to the
    /// configuration file.
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    /// Total request budget.
    #[serde(default)]
    pub max_requests: Option<usize>,
}

/// Checked validation settings.
pub struct Options {
    /// Request budget.
    pub max_requests: usize,
    /// Base URL per validator id, replacing the documented one.
    pub bases: HashMap<String, String>,
    /// Validator ids allowed (`None`: all).
    pub enabled: Option<HashSet<String>>,
    /// CA bundle.
    pub ca_file: Option<PathBuf>,
    /// Per-request timeout.
    pub timeout: Duration,
}

impl Options {
    /// Builds the options from the configuration (`config_dir` resolves `ca_file`), the
    /// `--validate-max-requests` flag and the test-only environment overrides
    /// (`LEAKHOUND_VALIDATE_BASE_<ID>`, `LEAKHOUND_VALIDATE_CA_FILE`).
    pub fn new(config: &ValidateConfig, config_dir: Option<&Path>, max_requests: Option<usize>) -> Result<Options> {
        let mut bases = HashMap::new();
        if let Some(u) = &config.github_url {
            bases.insert("github".to_string(), checked_base(u, "[validate] github_url")?);
        }
        if let Some(u) = &config.gitlab_url {
            bases.insert("gitlab".to_string(), checked_base(u, "[validate] gitlab_url")?);
        }
        for v in providers::VALIDATORS {
            let var = format!("LEAKHOUND_VALIDATE_BASE_{}", v.id.to_ascii_uppercase());
            if let Some(u) = std::env::var_os(&var) {
                let u = u.to_string_lossy();
                bases.insert(v.id.to_string(), checked_base(&u, &var)?);
            }
        }
        let enabled = match &config.providers {
            Some(list) => {
                let known: HashSet<&str> = providers::VALIDATORS.iter().map(|v| v.id).collect();
                for p in list {
                    if !known.contains(p.as_str()) {
                        bail!("[validate] providers: unknown validator {p:?} (see the README's provider table)");
                    }
                }
                Some(list.iter().cloned().collect())
            }
            None => None,
        };
        let ca_file = match std::env::var_os("LEAKHOUND_VALIDATE_CA_FILE") {
            Some(p) => Some(PathBuf::from(p)),
            None => config
                .ca_file
                .as_ref()
                .map(|p| config_dir.map_or_else(|| p.clone(), |d| d.join(p))),
        };
        let max_requests = max_requests.or(config.max_requests).unwrap_or(DEFAULT_MAX_REQUESTS);
        Ok(Options {
            max_requests,
            bases,
            enabled,
            ca_file,
            timeout: TIMEOUT,
        })
    }

    /// Hosts the user configured, which may resolve to private addresses.
    fn trusted_hosts(&self) -> HashSet<String> {
        self.bases
            .values()
            .filter_map(|b| host_of(b))
            .map(|h| h.to_ascii_lowercase())
            .collect()
    }
}

/// A base URL must be `https://host[:port][/path]` with nothing after.
fn checked_base(url: &str, what: &str) -> Result<String> {
    let url = url.trim().trim_end_matches('/');
    let Some(rest) = url.strip_prefix("https://") else {
        bail!("{what}: {url:?} must start with https:// (validators speak HTTPS only)");
    };
    if rest.is_empty() || rest.contains(['?', '#', '@', ' ']) {
        bail!("{what}: {url:?} is not a plain https://HOST[/PATH] URL");
    }
    Ok(url.to_string())
}

/// The host (without port) of an `https://` URL.
fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split('/').next()?;
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next()?
    } else {
        authority.rsplit_once(':').map_or(authority, |(h, _)| h)
    };
    Some(host.to_string())
}

/// What a check needs of one unique secret.
pub struct Candidate {
    /// Rule that found it.
    pub rule_id: String,
    /// The finding's fingerprint.
    pub fingerprint: String,
    /// The raw secret.
    pub secret: String,
    /// The raw other half of a pair (the AWS access key ID).
    pub pair: Option<String>,
    /// The bytes the secret was found in, for validators that need a companion value; `Err`
    /// says why they could not be read.
    pub context: Option<std::result::Result<Vec<u8>, String>>,
}

impl Candidate {
    fn key(&self) -> String {
        format!("{}\0{}", self.fingerprint, self.pair.as_deref().unwrap_or(""))
    }
}

/// Whether a finding of this rule needs its file's content to be checked (a companion value).
pub fn needs_context(rule_id: &str) -> bool {
    providers::for_rule(rule_id).is_some_and(|v| v.companion.is_some())
}

/// The key a candidate's verdict is stored under, from a finding.
pub fn finding_key(f: &Finding) -> String {
    format!(
        "{}\0{}",
        f.fingerprint,
        f.pair.as_ref().map(|p| p.secret.as_str()).unwrap_or("")
    )
}

/// Counts of verdicts, for the summary line.
#[derive(Debug, Default, Clone, Copy)]
pub struct Tally {
    /// Unique secrets accepted by their provider.
    pub live: usize,
    /// Rejected.
    pub revoked: usize,
    /// No verdict.
    pub unknown: usize,
    /// Failed checks.
    pub error: usize,
    /// Requests sent.
    pub requests: usize,
}

/// Checks every unique candidate (one verdict per secret) and returns the verdicts by
/// [`finding_key`] (computed with the raw pair value), with the tally.
pub fn check_all(cands: Vec<Candidate>, opts: &Options) -> Result<(HashMap<String, Validation>, Tally)> {
    let client = http::Client::new(opts.timeout, opts.ca_file.as_deref(), opts.trusted_hosts())
        .context("cannot set up validation")?;
    let mut seen = HashSet::new();
    let unique: Vec<Candidate> = cands.into_iter().filter(|c| seen.insert(c.key())).collect();
    let next = AtomicUsize::new(0);
    let budget = AtomicUsize::new(opts.max_requests);
    let sent = AtomicUsize::new(0);
    let results = Mutex::new(HashMap::new());
    std::thread::scope(|s| {
        for _ in 0..CONCURRENCY.min(unique.len()) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(c) = unique.get(i) else { break };
                let (status, detail) = check_one(c, &client, opts, &budget, &sent);
                let v = Validation {
                    status,
                    checked_at: now_rfc3339(),
                    detail: scrub(&detail, &c.secret, c.pair.as_deref()),
                };
                results.lock().unwrap_or_else(|e| e.into_inner()).insert(c.key(), v);
            });
        }
    });
    let results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut tally = Tally {
        requests: sent.load(Ordering::Relaxed),
        ..Tally::default()
    };
    for v in results.values() {
        match v.status {
            ValidationStatus::Live => tally.live += 1,
            ValidationStatus::Revoked => tally.revoked += 1,
            ValidationStatus::Unknown => tally.unknown += 1,
            ValidationStatus::Error => tally.error += 1,
        }
    }
    Ok((results, tally))
}

/// The current time as RFC 3339 UTC.
pub fn now_rfc3339() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    crate::source::git::iso8601(secs)
}

/// Never lets the secret (or its pair) through in a detail, whatever a provider echoed.
fn scrub(detail: &str, secret: &str, pair: Option<&str>) -> String {
    let mut out = detail.to_string();
    for s in std::iter::once(secret).chain(pair) {
        if s.len() >= 4 && out.contains(s) {
            out = out.replace(s, "[secret]");
        }
    }
    out
}

fn take_budget(budget: &AtomicUsize, sent: &AtomicUsize) -> bool {
    let ok = budget
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |b| b.checked_sub(1))
        .is_ok();
    if ok {
        sent.fetch_add(1, Ordering::Relaxed);
    }
    ok
}

fn check_one(
    c: &Candidate,
    client: &http::Client,
    opts: &Options,
    budget: &AtomicUsize,
    sent: &AtomicUsize,
) -> (ValidationStatus, String) {
    use ValidationStatus::*;
    let Some(v) = providers::for_rule(&c.rule_id) else {
        return (Unknown, "no validator for this rule".into());
    };
    if let Kind::NoEndpoint(why) = v.kind {
        return (Unknown, why.into());
    }
    if opts.enabled.as_ref().is_some_and(|e| !e.contains(v.id)) {
        return (
            Unknown,
            format!("validator {:?} is not enabled in [validate] providers", v.id),
        );
    }
    let companion = match v.companion {
        None => None,
        Some(comp) => {
            let found = match &c.context {
                Some(Ok(bytes)) => regex::bytes::Regex::new(comp.regex).ok().and_then(|re| {
                    re.find(bytes)
                        .map(|m| String::from_utf8_lossy(m.as_bytes()).into_owned())
                }),
                Some(Err(why)) => return (Unknown, format!("needs {}, but {why}", comp.what)),
                None => None,
            };
            match found {
                Some(s) => Some(s),
                None => return (Unknown, format!("needs {}, which was not found", comp.what)),
            }
        }
    };
    let overridden = opts.bases.get(v.id);
    let mut bases: Vec<String> = vec![overridden.cloned().unwrap_or_else(|| v.base.to_string())];
    if overridden.is_none() {
        bases.extend(v.fallback_bases.iter().map(|b| b.to_string()));
    }
    let mut last = (Unknown, String::new());
    for (i, base) in bases.iter().enumerate() {
        if !take_budget(budget, sent) {
            return (
                Unknown,
                format!(
                    "not checked: the request budget ({} requests; --validate-max-requests) was used up",
                    opts.max_requests
                ),
            );
        }
        last = match v.kind {
            Kind::Aws => check_aws(c, base, client),
            _ => check_http(c, v, base, companion.as_deref(), client),
        };
        if last.0 != Revoked || i + 1 == bases.len() {
            break;
        }
    }
    if last.0 == Revoked && bases.len() > 1 {
        last.1 = format!("{} in every region tried ({})", last.1, bases.len());
    }
    last
}

/// Whether a secret may be put into a URL as it is.
fn url_safe(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.:~".contains(&b))
}

fn check_http(
    c: &Candidate,
    v: &Validator,
    base: &str,
    companion: Option<&str>,
    client: &http::Client,
) -> (ValidationStatus, String) {
    use ValidationStatus::*;
    let secret = c.secret.trim();
    let mut base = base.to_string();
    if base.contains("{dc}") {
        // Mailchimp keys end in their data centre: `…-us21`.
        let dc = secret.rsplit_once('-').map(|(_, d)| d).unwrap_or("");
        if !(dc.starts_with("us") && dc.len() > 2 && dc[2..].bytes().all(|b| b.is_ascii_digit())) {
            return (Unknown, "the key does not end in its data centre (-usN)".into());
        }
        base = base.replace("{dc}", dc);
    }
    let url = match v.auth {
        Auth::WholeUrl(prefixes) => {
            let bare = secret
                .strip_prefix("https://")
                .or_else(|| secret.strip_prefix("http://"))
                .unwrap_or(secret);
            let Some(prefix) = prefixes.iter().find(|p| bare.starts_with(*p)) else {
                return (
                    Unknown,
                    "the URL is not on the provider's webhook host; not requested".into(),
                );
            };
            let tail = &bare[prefix.len()..];
            if !tail.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_/".contains(&b)) {
                return (
                    Unknown,
                    "the webhook URL has unexpected characters; not requested".into(),
                );
            }
            // The host part is replaced by the configured base only when one was configured.
            let path = &prefix[prefix.find('/').unwrap_or(0)..];
            if base == v.base {
                format!("https://{bare}")
            } else {
                format!("{base}{path}{tail}")
            }
        }
        Auth::InUrl => {
            if !url_safe(secret) {
                return (
                    Unknown,
                    "the secret has characters that cannot go in a URL; not requested".into(),
                );
            }
            format!("{base}{}", v.path.replace("{secret}", secret))
        }
        _ => {
            let path = match companion {
                Some(comp) => v.path.replace("{companion}", comp),
                None => v.path.to_string(),
            };
            format!("{base}{path}")
        }
    };
    let mut headers: Vec<(String, String)> = v.headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    match v.auth {
        Auth::Header(name, prefix) => headers.push((name.into(), format!("{prefix}{secret}"))),
        Auth::BasicPassword(user) => headers.push(("Authorization".into(), basic(user, secret))),
        Auth::BasicCompanion => headers.push(("Authorization".into(), basic(companion.unwrap_or(""), secret))),
        Auth::InUrl | Auth::WholeUrl(_) => {}
    }
    if headers.iter().any(|(_, val)| val.contains(['\r', '\n'])) {
        return (Unknown, "the secret spans lines; not sent".into());
    }
    let req = http::Request {
        method: v.method,
        url,
        headers,
        body: v.body.map(|(ct, b)| (ct, b.as_bytes().to_vec())),
    };
    let resp = match client.send(req) {
        Ok(r) => r,
        Err(e) => return (Error, format!("{}: {e}", v.provider)),
    };
    judge(v, &resp)
}

/// The verdict from an answer.
fn judge(v: &Validator, resp: &http::Response) -> (ValidationStatus, String) {
    use ValidationStatus::*;
    let status = resp.status;
    if status == 429 {
        let after = resp
            .retry_after
            .as_deref()
            .map(|s| {
                format!(
                    ", Retry-After {}",
                    s.chars()
                        .filter(char::is_ascii_alphanumeric)
                        .take(12)
                        .collect::<String>()
                )
            })
            .unwrap_or_default();
        return (
            Unknown,
            format!("rate limited by {} (HTTP 429{after}); check again later", v.provider),
        );
    }
    let text = String::from_utf8_lossy(&resp.body).to_ascii_lowercase();
    let json: Option<serde_json::Value> = serde_json::from_slice(&resp.body).ok();
    let has = |words: &'static [&'static str]| words.iter().find(|w| text.contains(&w.to_ascii_lowercase())).copied();
    let ok_passes = match v.ok_field {
        None => true,
        Some(p) => json
            .as_ref()
            .and_then(|j| j.pointer(p))
            .is_some_and(|x| !matches!(x, serde_json::Value::Null | serde_json::Value::Bool(false))),
    };
    if v.live.contains(&status) && ok_passes && (v.live_body.is_empty() || has(v.live_body).is_some()) {
        let detail = details(v, json.as_ref(), resp);
        let detail = if !detail.is_empty() {
            detail
        } else if status == 200 || v.live_body.is_empty() && status < 300 {
            format!("accepted by {}", v.provider)
        } else if !v.live_body.is_empty() {
            format!(
                "accepted by {} (the test request was refused as intended; nothing was posted)",
                v.provider
            )
        } else {
            format!(
                "accepted by {} (HTTP {status}: authenticated, but not allowed to read this endpoint)",
                v.provider
            )
        };
        return (Live, detail);
    }
    if v.revoked.contains(&status) {
        if v.revoked_body.is_empty() {
            return (Revoked, format!("rejected by {} (HTTP {status})", v.provider));
        }
        if let Some(code) = has(v.revoked_body) {
            return (Revoked, format!("rejected by {} (HTTP {status}, {code})", v.provider));
        }
    }
    if status >= 500 {
        return (Error, format!("{} answered HTTP {status}", v.provider));
    }
    (
        Unknown,
        format!(
            "{} answered HTTP {status}, which says neither live nor revoked",
            v.provider
        ),
    )
}

/// `label value, label value` from the answer's detail fields.
fn details(v: &Validator, json: Option<&serde_json::Value>, resp: &http::Response) -> String {
    let mut parts = Vec::new();
    for (label, pointer) in v.detail {
        let value = if *pointer == "header:scopes" {
            resp.scopes.clone().filter(|s| !s.trim().is_empty())
        } else {
            json.and_then(|j| j.pointer(pointer)).and_then(show)
        };
        if let Some(value) = value {
            parts.push(format!("{label} {}", clean(&value)));
        }
    }
    parts.join(", ")
}

/// A JSON value as a short string: arrays show their first items and their length.
fn show(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) if !s.is_empty() => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        serde_json::Value::Array(a) if !a.is_empty() => {
            let items: Vec<String> = a.iter().take(6).filter_map(show).collect();
            let more = if a.len() > 6 {
                format!(" … ({} in all)", a.len())
            } else {
                String::new()
            };
            Some(format!("{}{more}", items.join(", ")))
        }
        _ => None,
    }
}

/// Printable characters only, at most 120.
fn clean(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).take(120).collect()
}

/// `Basic base64(user:password)`.
fn basic(user: &str, password: &str) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let input = format!("{user}:{password}");
    let bytes = input.as_bytes();
    let mut out = String::from("Basic ");
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn check_aws(c: &Candidate, base: &str, client: &http::Client) -> (ValidationStatus, String) {
    use ValidationStatus::*;
    let Some(key_id) = c.pair.as_deref().map(str::trim) else {
        return (
            Unknown,
            "needs the access key ID next to the secret key, which was not found".into(),
        );
    };
    if key_id.starts_with("ASIA") {
        return (
            Unknown,
            "temporary credentials (ASIA…) also need their session token; not checked".into(),
        );
    }
    let secret = c.secret.trim();
    let host = base
        .strip_prefix("https://")
        .unwrap_or(base)
        .split('/')
        .next()
        .unwrap_or("");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let date = aws::amz_date(now);
    let input = aws::SignInput {
        method: "POST",
        path: "/",
        query: "",
        headers: &[
            ("content-type", aws::CONTENT_TYPE),
            ("host", host),
            ("x-amz-date", &date),
        ],
        payload: aws::BODY.as_bytes(),
        amz_date: &date,
        region: "us-east-1",
        service: "sts",
    };
    let (_, authorization) = aws::sign(&input, key_id, secret);
    let req = http::Request {
        method: "POST",
        url: format!("{}/", base.trim_end_matches('/')),
        headers: vec![
            ("X-Amz-Date".into(), date.clone()),
            ("Authorization".into(), authorization),
        ],
        body: Some((aws::CONTENT_TYPE, aws::BODY.as_bytes().to_vec())),
    };
    let resp = match client.send(req) {
        Ok(r) => r,
        Err(e) => return (Error, format!("AWS STS: {e}")),
    };
    let xml = String::from_utf8_lossy(&resp.body);
    match resp.status {
        200 => {
            let mut parts = Vec::new();
            for (label, tag) in [("arn", "Arn"), ("account", "Account")] {
                if let Some(v) = aws::xml_field(&xml, tag) {
                    parts.push(format!("{label} {}", clean(v)));
                }
            }
            (
                Live,
                if parts.is_empty() {
                    "accepted by AWS STS".into()
                } else {
                    parts.join(", ")
                },
            )
        }
        429 => (Unknown, "rate limited by AWS STS (HTTP 429); check again later".into()),
        400 | 403 => match aws::xml_field(&xml, "Code").unwrap_or("") {
            "InvalidClientTokenId" | "ExpiredToken" | "AccessDenied" => {
                let code = aws::xml_field(&xml, "Code").unwrap_or("");
                (Revoked, format!("rejected by AWS STS (HTTP {}, {code})", resp.status))
            }
            "SignatureDoesNotMatch" => (
                Unknown,
                "the access key ID is known to AWS, but this secret key does not match it".into(),
            ),
            "Throttling" => (Unknown, "throttled by AWS STS; check again later".into()),
            _ => (Unknown, format!("AWS STS answered HTTP {}", resp.status)),
        },
        s if s >= 500 => (Error, format!("AWS STS answered HTTP {s}")),
        s => (Unknown, format!("AWS STS answered HTTP {s}")),
    }
}

/// Copies verdicts onto findings by [`finding_key`] (findings still hold raw secrets here).
pub fn apply(findings: &mut [Finding], verdicts: &HashMap<String, Validation>) {
    for f in findings {
        if let Some(v) = verdicts.get(&finding_key(f)) {
            f.validation = Some(v.clone());
        }
    }
}

/// The README's provider table, from [`providers::VALIDATORS`].
pub fn table_markdown() -> String {
    let mut out = String::from("| validator id | provider | rules | request |\n|---|---|---|---|\n");
    for v in providers::VALIDATORS {
        let request = match v.kind {
            Kind::NoEndpoint(why) => format!("none: {why}"),
            _ => format!("`{} {}{}`", v.method, v.base, v.path),
        };
        out.push_str(&format!(
            "| `{}` | [{}]({}) | {} | {} |\n",
            v.id,
            v.provider,
            v.docs,
            v.rules.iter().map(|r| format!("`{r}`")).collect::<Vec<_>>().join(", "),
            request.replace('|', "\\|")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_auth_is_base64_of_user_colon_password() {
        assert_eq!(basic("Aladdin", "open sesame"), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
        assert_eq!(basic("", "ab"), "Basic OmFi");
    }

    #[test]
    fn every_validator_names_known_rules_and_documentation() {
        let rules = crate::config::builtin_rules().unwrap();
        let ids: HashSet<&str> = rules.rules.iter().map(|r| r.spec.id.as_str()).collect();
        let mut seen = HashSet::new();
        for v in providers::VALIDATORS {
            assert!(v.docs.starts_with("https://"), "{}", v.id);
            assert!(v.base.starts_with("https://"), "{}", v.id);
            for r in v.rules {
                assert!(ids.contains(r), "validator {} names unknown rule {r}", v.id);
                assert!(seen.insert(*r), "rule {r} has two validators");
            }
        }
        let checked: HashSet<&str> = providers::VALIDATORS
            .iter()
            .filter(|v| !matches!(v.kind, Kind::NoEndpoint(_)))
            .map(|v| v.provider)
            .collect();
        assert!(checked.len() >= 40, "{}", checked.len());
    }

    #[test]
    fn base_urls_must_be_plain_https() {
        assert!(checked_base("http://x", "t").is_err());
        assert!(checked_base("https://a@b", "t").is_err());
        assert_eq!(
            checked_base("https://ghe.example.com/api/v3/", "t").unwrap(),
            "https://ghe.example.com/api/v3"
        );
        assert_eq!(host_of("https://127.0.0.1:8443/x").as_deref(), Some("127.0.0.1"));
        assert_eq!(host_of("https://[::1]:8443").as_deref(), Some("::1"));
    }

    #[test]
    fn details_never_echo_the_secret() {
        assert_eq!(scrub("login tok_abcdef", "tok_abcdef", None), "login [secret]");
    }
}
