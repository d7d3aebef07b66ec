//! A finding and where it came from, the one fingerprint format used by every output and by
//! baselines, and the redaction rule. The raw secret never lives in a [`Finding`] unless the user
//! asked for it with `--no-redact`.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::rules::{Confidence, Kind, Rule, Runbook, Severity};

/// Prefix of the current fingerprint spelling; bump it if the hashed material ever changes.
pub const FINGERPRINT_VERSION: &str = "lh1";

/// Where in git history a finding was introduced (git sources only).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GitProvenance {
    /// The commit that first introduced the blob at this path; `None` for unreachable blobs.
    pub commit: Option<String>,
    /// Author name of that commit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// Author e-mail of that commit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Author date (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// First line of the commit message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Blob id holding the secret.
    pub blob: String,
    /// Whether the secret is still present at HEAD.
    pub in_head: bool,
    /// The branch or tag when the blob is reachable only from it.
    #[serde(rename = "ref", skip_serializing_if = "Option::is_none")]
    pub ref_name: Option<String>,
    /// Date (RFC 3339) of the earliest commit holding this secret anywhere.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_seen: Option<String>,
    /// Whole days from `first_seen` to the scan.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exposed_days: Option<u64>,
    /// Whether a commit holding the secret is reachable from a remote-tracking ref (it left this
    /// machine). `None` when unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pushed: Option<bool>,
    /// Set when the secret is in a message rather than a file: `commit` (a commit message, `blob`
    /// is then the commit) or `tag` (an annotated tag's message, `blob` is the tag object).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Staged for the next commit, not committed yet (`git --staged`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub staged: bool,
}

/// Where inside a container image a finding lives (image sources only).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageLocation {
    /// `name:tag` when known, else the manifest digest.
    pub image: String,
    /// Layer digest (for a legacy `docker save`, its `rootfs.diff_ids` entry), or the config
    /// digest for a `config:` path.
    pub layer: String,
    /// 0-based position of the layer; absent for the image configuration.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layer_index: Option<usize>,
    /// Index of the layer whose whiteout deleted this file; the secret still ships in the image.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deleted_in_layer: Option<usize>,
}

/// Where a scanned input came from: its display path plus source-specific detail.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    /// Path relative to the scan root, `/`-separated (or the stdin label).
    pub path: String,
    /// Git provenance, for git sources.
    pub git: Option<GitProvenance>,
    /// Image location, for image sources.
    pub image: Option<ImageLocation>,
}

impl Origin {
    /// An origin that is just a path.
    pub fn path(path: impl Into<String>) -> Origin {
        Origin {
            path: path.into(),
            ..Origin::default()
        }
    }
}

/// One leaked secret at one place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Rule id.
    pub rule_id: String,
    /// Rule name.
    pub rule_name: String,
    /// Provider that issued the credential.
    pub provider: String,
    /// What was found: left out for a usable secret, `password-hash` for a hash to crack.
    #[serde(default, skip_serializing_if = "Kind::is_secret")]
    pub kind: Kind,
    /// What a format parser knows about the entry (`FileZilla saved password for ftp.example.com`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Rule severity.
    pub severity: Severity,
    /// Rule confidence.
    pub confidence: Confidence,
    /// Path relative to the scan root, `/`-separated.
    pub path: String,
    /// 1-based line of the secret's first byte.
    pub line: u64,
    /// 1-based column (UTF-16 code units) of the secret's first character.
    pub column: u64,
    /// 1-based line of the secret's last byte.
    pub end_line: u64,
    /// 1-based column one past the secret's last character.
    pub end_column: u64,
    /// The secret, redacted unless `--no-redact`.
    pub secret: String,
    /// Stable hash of rule and secret; the same secret has the same fingerprint everywhere.
    pub fingerprint: String,
    /// How to revoke and rotate it.
    pub runbook: Runbook,
    /// Git provenance, flattened into the finding.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub git: Option<GitProvenance>,
    /// Image location, flattened into the finding.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub image: Option<ImageLocation>,
    /// The other half of a two-part credential found next to this one (e.g. the access key ID
    /// beside an AWS secret key); both are revoked together.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pair: Option<PairedSecret>,
    /// What to fix first (see `triage`): from severity, confidence and exposure.
    pub priority: Priority,
    /// The unique-secret group (1-based, in priority order) this finding belongs to; findings with
    /// the same fingerprint share it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<usize>,
    /// How many findings share this fingerprint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occurrences: Option<usize>,
    /// Environments (dev, test, staging, prod, …) whose files hold the same secret, when more than one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shared_environments: Vec<String>,
    /// What the file's path says (a `.env`, a keystore) and whether the file is exposed, when a
    /// path rule matches it: folded into the content finding instead of reported beside it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_fact: Option<PathFact>,
    /// Whether the provider still accepts the secret (`--validate`, `leakhound validate`); absent
    /// when it was not checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validation: Option<Validation>,
    /// The id of the work-list target this finding came from (`leakhound scan-list`, `merge`);
    /// absent for single-target scans.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
}

/// What a provider's read-only identity endpoint said about a secret (see `validate`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validation {
    /// The verdict.
    pub status: ValidationStatus,
    /// When the check ran (RFC 3339, UTC).
    pub checked_at: String,
    /// What the provider said that helps triage (login, scopes, account), or why there is no
    /// verdict. Never the secret, never a response body.
    pub detail: String,
}

/// The verdict of a live check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ValidationStatus {
    /// The provider accepts the secret: revoke it now.
    Live,
    /// The provider rejects the secret as invalid or revoked.
    Revoked,
    /// No verdict: no validator, a companion value missing, rate limited, budget used up.
    Unknown,
    /// The check failed (network, TLS, an unexpected answer).
    Error,
}

impl ValidationStatus {
    /// The lowercase name used in every output.
    pub fn as_str(self) -> &'static str {
        match self {
            ValidationStatus::Live => "live",
            ValidationStatus::Revoked => "revoked",
            ValidationStatus::Unknown => "unknown",
            ValidationStatus::Error => "error",
        }
    }
}

/// Where a file flagged by a path rule sits: shared through git or an image, or only local.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Exposure {
    /// Outside any git work tree, or in one but not in its index: nothing says it is shared.
    Untracked,
    /// In the index of the git work tree it sits in (tracked, or staged for the next commit).
    Tracked,
    /// In a commit of the history under scan.
    Committed,
    /// Staged for the next commit (`git --staged`).
    Staged,
    /// In a layer of a container image.
    Image,
}

impl Exposure {
    /// True when the file is shared with others, so a path rule alone is worth reporting.
    pub fn exposed(self) -> bool {
        !matches!(self, Exposure::Untracked)
    }

    /// The lowercase name used in every output.
    pub fn as_str(self) -> &'static str {
        match self {
            Exposure::Untracked => "untracked",
            Exposure::Tracked => "tracked",
            Exposure::Committed => "committed",
            Exposure::Staged => "staged",
            Exposure::Image => "image",
        }
    }

    /// How a note ends: "that git tracks", "that ships in an image layer", ...
    pub fn phrase(self) -> &'static str {
        match self {
            Exposure::Untracked => "that git does not track",
            Exposure::Tracked => "that git tracks",
            Exposure::Committed => "committed to git",
            Exposure::Staged => "staged for the next commit",
            Exposure::Image => "that ships in an image layer",
        }
    }
}

/// The path fact folded into a content finding (see [`Finding::path_fact`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathFact {
    /// The path rule that matched the file.
    pub rule_id: String,
    /// Whether the file is shared.
    pub exposure: Exposure,
    /// One line for people: "in a `.env` (environment file) that git tracks".
    pub note: String,
}

impl PathFact {
    /// The fact for a file at `path` matched by the path rule `rule`.
    pub fn new(rule: &Rule, path: &str, exposure: Exposure) -> PathFact {
        let file = path.rsplit(['/', '!']).next().unwrap_or(path);
        let kind = file_kind(rule);
        let place = if kind.contains(file) {
            let article = if kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
                "an"
            } else {
                "a"
            };
            format!("{article} {kind}")
        } else {
            format!("`{file}` ({kind})")
        };
        PathFact {
            rule_id: rule.spec.id.clone(),
            exposure,
            note: format!("in {place} {}", exposure.phrase()),
        }
    }
}

/// What a path rule says a file is, from its name: "Environment file (.env) committed" →
/// "environment file (.env)".
fn file_kind(rule: &Rule) -> String {
    let name = rule.spec.name.trim();
    let name = name.strip_suffix(" committed").unwrap_or(name);
    let mut c = name.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The other half of a two-part credential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PairedSecret {
    /// Rule that found it.
    pub rule_id: String,
    /// The value, redacted unless `--no-redact`.
    pub secret: String,
    /// Its own fingerprint.
    pub fingerprint: String,
    /// 1-based line.
    pub line: u64,
    /// 1-based column.
    pub column: u64,
}

/// What to fix first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    /// Can wait.
    Low,
    /// Schedule.
    Medium,
    /// This week.
    High,
    /// Now.
    Critical,
}

impl Priority {
    /// The lowercase name used in every output.
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Medium => "medium",
            Priority::High => "high",
            Priority::Critical => "critical",
        }
    }
}

/// Span of a secret in lines and columns, 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// First line.
    pub line: u64,
    /// First column.
    pub column: u64,
    /// Last line.
    pub end_line: u64,
    /// Column one past the end.
    pub end_column: u64,
}

impl Finding {
    /// Builds a finding from a rule, the raw secret and its place. The raw secret is hashed and
    /// redacted here and not kept unless `redact` is false.
    pub fn new(rule: &Rule, secret: &[u8], span: Span, origin: Origin, redact: bool) -> Finding {
        let text = String::from_utf8_lossy(secret);
        Finding {
            rule_id: rule.spec.id.clone(),
            rule_name: rule.spec.name.clone(),
            provider: rule.spec.provider.clone(),
            kind: rule.spec.kind,
            detail: None,
            severity: rule.spec.severity,
            confidence: rule.spec.confidence,
            path: origin.path,
            line: span.line,
            column: span.column,
            end_line: span.end_line,
            end_column: span.end_column,
            secret: if redact {
                redact_secret(&text)
            } else {
                text.into_owned()
            },
            fingerprint: fingerprint(&rule.spec.id, secret),
            runbook: rule.spec.runbook.clone(),
            priority: crate::triage::priority(rule.spec.severity, rule.spec.confidence, origin.git.as_ref()),
            git: origin.git,
            image: origin.image,
            pair: None,
            group: None,
            occurrences: None,
            shared_environments: Vec::new(),
            path_fact: None,
            validation: None,
            target: None,
        }
    }

    /// A finding for a rule that flags a whole file by its path (a tracked `.env`, a keystore). Its
    /// fingerprint is keyed on the rule and the path, and `secret` names the file, not its content.
    pub fn for_path(rule: &Rule, origin: Origin, exposure: Exposure, severity: Option<Severity>) -> Finding {
        let span = Span {
            line: 1,
            column: 1,
            end_line: 1,
            end_column: 1,
        };
        let path = origin.path.clone();
        let mut f = Finding::new(rule, path.as_bytes(), span, origin, true);
        f.secret = "(the whole file)".to_string();
        f.path_fact = Some(PathFact::new(rule, &path, exposure));
        if let Some(s) = severity {
            f.severity = s;
            f.priority = crate::triage::priority(s, f.confidence, f.git.as_ref());
        }
        f
    }

    /// The finding at another confidence than its rule's (a scanner's per-match score), with the
    /// priority that follows from it.
    pub fn with_confidence(mut self, confidence: Confidence) -> Finding {
        self.confidence = confidence;
        self.priority = crate::triage::priority(self.severity, confidence, self.git.as_ref());
        self
    }

    /// Sort key for whole-document outputs: path, line, column, rule.
    pub fn sort_key(&self) -> (&str, u64, u64, &str) {
        (&self.path, self.line, self.column, &self.rule_id)
    }
}

/// `lh1:` followed by 32 hex digits of SHA-256 over the rule id and the secret. One-way: it names
/// a secret without revealing it, and it does not change when the secret moves.
pub fn fingerprint(rule_id: &str, secret: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(b"leakhound-fingerprint\0");
    h.update(rule_id.as_bytes());
    h.update(b"\0");
    h.update(secret);
    let digest = h.finalize();
    let mut out = String::with_capacity(FINGERPRINT_VERSION.len() + 33);
    out.push_str(FINGERPRINT_VERSION);
    out.push(':');
    for b in &digest[..16] {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// Shows at most the first 4 and last 2 characters of a secret and never more than a third of it.
pub fn redact_secret(secret: &str) -> String {
    // Multi-line secrets (PEM bodies) end in whitespace; show their last visible characters.
    let chars: Vec<char> = secret.trim().chars().collect();
    let budget = chars.len() / 3;
    let head = budget.min(4);
    let tail = (budget - head).min(2);
    let mut out: String = chars[..head].iter().collect();
    out.push('…');
    out.extend(&chars[chars.len() - tail..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_never_shows_more_than_a_third_nor_more_than_six_characters() {
        for len in 0..80 {
            let s: String = (0..len).map(|i| char::from(b'a' + (i % 26) as u8)).collect();
            let r = redact_secret(&s);
            let shown = r.chars().filter(|&c| c != '…').count();
            assert!(shown <= len / 3 && shown <= 6, "len {len}: {r}");
        }
        assert_eq!(redact_secret("ghp_abcdefghijklmnopqrstuvwxyz0123456789"), "ghp_…89");
    }

    #[test]
    fn fingerprint_depends_on_rule_and_secret_only_and_hides_the_secret() {
        let a = fingerprint("github-classic-pat", b"secret-value-1");
        assert_eq!(a, fingerprint("github-classic-pat", b"secret-value-1"));
        assert_ne!(a, fingerprint("github-classic-pat", b"secret-value-2"));
        assert_ne!(a, fingerprint("other-rule", b"secret-value-1"));
        assert!(a.starts_with("lh1:") && a.len() == 36 && !a.contains("secret"));
    }
}
