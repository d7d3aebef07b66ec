//! Rules: the TOML schema every detection rule follows, loading it from the embedded catalogue and
//! from user configuration, and the self-test (`leakhound rules check`) that proves each rule keeps
//! its own contract: the pattern compiles, has a `secret` group, matches every example, matches no
//! negative example, and every match contains one of the rule's keywords (the prefilter's premise).

pub mod builtin;
pub mod check;

use std::fmt;
use std::sync::OnceLock;

use anyhow::{bail, Context, Result};
use regex::bytes::{Regex, RegexBuilder};
use serde::{Deserialize, Serialize};

/// Upper bound on the compiled size of one rule's regex, so that a hostile or careless custom
/// pattern is rejected with a message instead of eating memory.
pub const REGEX_SIZE_LIMIT: usize = 8 << 20;
/// Bytes after a keyword hit that a rule's regex may reach unless the rule says otherwise.
pub const DEFAULT_WINDOW: usize = 512;
/// Upper bound for a rule's `window`.
pub const MAX_WINDOW: usize = 64 << 10;

/// How bad it is when a rule fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Lowest.
    Low,
    /// Worth fixing.
    Medium,
    /// Fix soon.
    High,
    /// Revoke now.
    Critical,
}

/// How sure a rule is that a match is a real credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Context-based or generic.
    Low,
    /// Distinctive shape, no unique prefix.
    Medium,
    /// Provider-documented prefix or checksum.
    High,
}

impl Severity {
    /// The lowercase name used in every output.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl Confidence {
    /// The lowercase name used in every output.
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Confidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What to do about a leaked credential of this kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Runbook {
    /// The provider's own page for revoking or rotating the credential.
    pub url: String,
    /// Markdown steps: revoke, rotate, audit, update consumers.
    pub steps: String,
}

/// Extra validation a secret must pass beyond the regex.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Checksum {
    /// GitHub token: the last 6 characters are the base62 CRC32 of the random part.
    GithubCrc32,
}

/// One rule exactly as written in TOML.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// Stable kebab-case identifier.
    pub id: String,
    /// Human name.
    pub name: String,
    /// Who issues the credential.
    pub provider: String,
    /// What the credential grants.
    pub description: String,
    /// Pattern with a named group `secret`. Absent for rules that match on the path alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regex: Option<String>,
    /// Pattern over the `/`-separated path. Alone, the rule flags the file itself (a tracked `.env`,
    /// a keystore); with `regex`, the content pattern only counts in files whose path matches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Literals, at least one of which occurs in every match (required with `regex`).
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Minimum Shannon entropy of the secret in bits per byte.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entropy: Option<f64>,
    /// Extra validation of the secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checksum: Option<Checksum>,
    /// Severity when it fires.
    pub severity: Severity,
    /// How sure a match is.
    pub confidence: Confidence,
    /// Free-form tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Bytes after a keyword hit the pattern may reach.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<usize>,
    /// Inputs that must produce a finding.
    #[serde(default)]
    pub examples: Vec<String>,
    /// Inputs that must produce no finding.
    #[serde(default)]
    pub negative_examples: Vec<String>,
    /// How to revoke and rotate.
    pub runbook: Runbook,
    /// The other half of a two-part credential (an AWS secret key's access key ID, an OAuth client
    /// secret's client ID): when a match of that rule lies within `distance` bytes, both are
    /// reported as one finding of this rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pair: Option<PairSpec>,
}

/// The other half of a two-part credential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PairSpec {
    /// Id of the rule that finds the other half, or a list of them (an AWS secret key pairs with a
    /// long-term `AKIA` or a temporary `ASIA` key ID).
    pub rule: OneOrMany,
    /// Maximum distance in bytes between the two secrets.
    #[serde(default = "default_pair_distance")]
    pub distance: usize,
}

/// A TOML value that may be one string or a list of strings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    /// `rule = "id"`.
    One(String),
    /// `rule = ["id1", "id2"]`.
    Many(Vec<String>),
}

impl OneOrMany {
    /// The values.
    pub fn as_slice(&self) -> &[String] {
        match self {
            OneOrMany::One(s) => std::slice::from_ref(s),
            OneOrMany::Many(v) => v,
        }
    }
}

fn default_pair_distance() -> usize {
    1024
}

/// A loaded rule: its spec plus the compiled pattern, built on first use so that start-up stays in
/// milliseconds whatever the catalogue size.
#[derive(Debug)]
pub struct Rule {
    /// The rule as written.
    pub spec: RuleSpec,
    /// Where the rule came from (`builtin:github.toml`, a config path).
    pub origin: String,
    /// True for catch-all rules that yield to a specific rule on the same secret.
    pub generic: bool,
    regex: OnceLock<Regex>,
    path: OnceLock<Option<Regex>>,
}

impl Rule {
    /// Checks the spec's static shape (not its examples) and returns the rule. With `eager`, the
    /// regex is compiled now so that a bad custom pattern fails at load time.
    pub fn new(spec: RuleSpec, origin: String, eager: bool) -> Result<Rule> {
        validate_shape(&spec).with_context(|| format!("rule `{}` in {origin}", spec.id))?;
        let generic = spec.id.starts_with("generic-") || spec.tags.iter().any(|t| t == "generic");
        let rule = Rule {
            spec,
            origin,
            generic,
            regex: OnceLock::new(),
            path: OnceLock::new(),
        };
        if eager {
            let ctx = || format!("rule `{}` in {}", rule.spec.id, rule.origin);
            if rule.spec.regex.is_some() {
                let re = compile(&rule.spec).with_context(ctx)?;
                let _ = rule.regex.set(re);
            }
            let _ = rule.path.set(compile_path(&rule.spec).with_context(ctx)?);
        }
        Ok(rule)
    }

    /// The compiled pattern. Built-in patterns are proven to compile by the test suite, so a failure
    /// here is a bug, reported once per rule as a panic with the rule id (never with input bytes).
    pub fn regex(&self) -> &Regex {
        self.regex.get_or_init(|| match compile(&self.spec) {
            Ok(re) => re,
            Err(e) => panic!("rule `{}` failed to compile: {e:#}", self.spec.id),
        })
    }

    /// True when the rule matches content (it has a `regex`).
    pub fn matches_content(&self) -> bool {
        self.spec.regex.is_some()
    }

    /// The compiled path pattern, if the rule has one.
    pub fn path_regex(&self) -> Option<&Regex> {
        self.path
            .get_or_init(|| match compile_path(&self.spec) {
                Ok(re) => re,
                Err(e) => panic!("rule `{}` path failed to compile: {e:#}", self.spec.id),
            })
            .as_ref()
    }

    /// Bytes after a keyword hit the pattern may reach.
    pub fn window(&self) -> usize {
        self.spec.window.unwrap_or(DEFAULT_WINDOW).min(MAX_WINDOW)
    }
}

/// Compiles a rule's pattern with the limits and flags every rule gets.
pub fn compile(spec: &RuleSpec) -> Result<Regex> {
    let Some(pattern) = &spec.regex else {
        bail!("rule has no `regex`")
    };
    let re = RegexBuilder::new(pattern)
        .unicode(false)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map_err(|e| anyhow::anyhow!("{e}"))
        .context("invalid regex")?;
    if !re.capture_names().any(|n| n == Some("secret")) {
        bail!("regex has no named group `secret`");
    }
    Ok(re)
}

/// Compiles a rule's path pattern, if any.
pub fn compile_path(spec: &RuleSpec) -> Result<Option<Regex>> {
    let Some(p) = &spec.path else { return Ok(None) };
    RegexBuilder::new(p)
        .unicode(false)
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map(Some)
        .map_err(|e| anyhow::anyhow!("invalid path regex: {e}"))
}

fn validate_shape(spec: &RuleSpec) -> Result<()> {
    let id_ok = !spec.id.is_empty()
        && spec
            .id
            .split('-')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
    if !id_ok {
        bail!("id must be kebab-case (lowercase letters, digits and single dashes)");
    }
    for (field, value) in [
        ("name", &spec.name),
        ("provider", &spec.provider),
        ("description", &spec.description),
    ] {
        if value.trim().is_empty() {
            bail!("`{field}` is empty");
        }
    }
    if spec.regex.is_none() && spec.path.is_none() {
        bail!("a rule needs a `regex`, a `path`, or both");
    }
    if spec.regex.is_some() && spec.keywords.is_empty() {
        bail!("`keywords` is empty: every content rule needs at least one literal for the prefilter");
    }
    if spec.regex.is_none() && !spec.keywords.is_empty() {
        bail!("`keywords` only make sense with a content `regex`");
    }
    if let Some(k) = spec.keywords.iter().find(|k| k.len() < 3) {
        bail!("keyword {k:?} is shorter than 3 bytes and would make the prefilter useless");
    }
    if spec.runbook.url.trim().is_empty() || !spec.runbook.url.starts_with("https://") {
        bail!("`runbook.url` must be an https:// link to the provider's revocation page");
    }
    // The URL is printed as is in every report and made a link in Markdown and SARIF.
    if spec
        .runbook
        .url
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"' | '`'))
    {
        bail!("`runbook.url` must not contain spaces, control characters or any of < > \" `");
    }
    for (field, value) in [("name", &spec.name), ("provider", &spec.provider)] {
        if value.chars().any(char::is_control) {
            bail!("`{field}` must be one line without control characters");
        }
    }
    if spec.runbook.steps.trim().is_empty() {
        bail!("`runbook.steps` is empty");
    }
    if let Some(e) = spec.entropy {
        if !(0.0..=8.0).contains(&e) {
            bail!("`entropy` must be between 0 and 8 bits per byte");
        }
    }
    if let Some(w) = spec.window {
        if w == 0 || w > MAX_WINDOW {
            bail!("`window` must be between 1 and {MAX_WINDOW}");
        }
    }
    Ok(())
}

/// The rules of one scan, in a fixed order (built-ins first, then custom), indexable by position.
#[derive(Debug, Default)]
pub struct RuleSet {
    /// The rules.
    pub rules: Vec<Rule>,
}

impl RuleSet {
    /// Finds a rule by id.
    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.spec.id == id)
    }

    /// Number of rules.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// True when no rule is loaded.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }
}

/// The top level of a rule file: `[[rules]]` tables.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    /// The rules in the file.
    #[serde(default)]
    pub rules: Vec<RuleSpec>,
}

/// Parses one TOML rule file; errors name the file and line.
pub fn parse_rule_file(name: &str, text: &str) -> Result<Vec<RuleSpec>> {
    let file: RuleFile = toml::from_str(text).map_err(|e| toml_error(name, text, &e))?;
    Ok(file.rules)
}

/// Formats a TOML error as `file:line: message`.
pub fn toml_error(name: &str, text: &str, e: &toml::de::Error) -> anyhow::Error {
    let line = e
        .span()
        // Bytes, not `str` slicing: a span need not fall on a character boundary.
        .map(|s| memchr::memchr_iter(b'\n', &text.as_bytes()[..s.start.min(text.len())]).count() + 1);
    let msg = e.message().trim().to_string();
    match line {
        Some(l) => anyhow::anyhow!("{name}:{l}: {msg}"),
        None => anyhow::anyhow!("{name}: {msg}"),
    }
}
