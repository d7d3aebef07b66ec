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
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Runbook {
    /// The provider's own page for revoking or rotating the credential.
    pub url: String,
    /// Markdown steps: revoke, rotate, audit, update consumers.
    pub steps: String,
}

impl Runbook {
    /// The steps as every report shows them: the rule's own, then one last step, the same for
    /// every rule, that proves the revocation worked (`leakhound validate`).
    pub fn steps_with_proof(&self) -> String {
        let steps = self.steps.trim_end();
        // Continue the rule's numbering when its last line is a numbered step.
        let last_number = steps
            .lines()
            .rev()
            .find_map(|l| l.trim_start().split_once(". ").and_then(|(n, _)| n.parse::<u32>().ok()));
        let proof = "Prove it: save the scan as JSON (`-f json -o report.json`) and run `leakhound validate -i \
                     report.json` once revoked; it asks the provider again and exits 0 only when no key is live.";
        match last_number {
            Some(n) => format!("{steps}\n{}. {proof}", n + 1),
            None if steps.is_empty() => proof.to_string(),
            None => format!("{steps}\n\n{proof}"),
        }
    }
}

/// One provider's shared runbook (`[[providers]]` in a rule file): the rules of that provider that
/// carry no `[rules.runbook]` of their own get the steps built from it, so a catalogue of hundreds of
/// rules does not repeat the same five steps hundreds of times.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderSpec {
    /// The provider's name, exactly as its rules' `provider` field spells it.
    pub name: String,
    /// The provider's own page for revoking or rotating its keys.
    pub url: String,
    /// How to revoke a key there: where in the console or which API call.
    pub revoke: String,
    /// Where to look for use of the key since the leak (default: the account's audit or usage logs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logs: Option<String>,
}

impl ProviderSpec {
    /// The runbook its rules share: revoke, rotate, check logs, find copies, store safely.
    pub fn runbook(&self) -> Runbook {
        let logs = self.logs.as_deref().unwrap_or(
            "review the account's audit log and API usage for requests made with the key since the leak, \
             and for new keys, users or integrations an attacker may have created.",
        );
        Runbook {
            url: self.url.clone(),
            steps: format!(
                "1. Revoke: {}\n\
                 2. Rotate without downtime: create a replacement with the narrowest scope (and an expiry where {} offers one), \
                 deploy it to every consumer, then revoke the leaked one.\n\
                 3. Check logs: {}\n\
                 4. Find other copies and update consumers: `.env` files, CI/CD secrets, deployment manifests, container images and developer machines.\n\
                 5. Keep the replacement in a secrets manager or CI secret store and inject it at run time; never commit it to a file in the repository.\n",
                self.revoke.trim(),
                self.name,
                logs.trim()
            ),
        }
    }
}

/// What a rule finds: a credential that works as is, or a password hash that must be cracked first.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A password, token or key usable as found (the default).
    #[default]
    Secret,
    /// A password hash (`.htpasswd`, `/etc/shadow`, a user table dump): useless until cracked
    /// offline, which is cheap for weak passwords and unsalted or fast hashes.
    PasswordHash,
}

impl Kind {
    /// The kebab-case name used in every output.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Secret => "secret",
            Kind::PasswordHash => "password-hash",
        }
    }

    /// True for the default kind (left out of JSON findings).
    pub fn is_secret(&self) -> bool {
        *self == Kind::Secret
    }
}

/// Bytes allowed between the end of a contextual rule's name and the start of its value when the
/// rule does not say (`BANNERBEAR_API_KEY = "` is 21).
pub const DEFAULT_NEAR_DISTANCE: usize = 40;
/// Upper bound for a contextual rule's `distance`.
pub const MAX_NEAR_DISTANCE: usize = 200;

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
    /// Pattern with a named group `secret`. Absent for rules that match on the path alone, and
    /// for contextual rules, whose pattern is built from `near` and `value`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regex: Option<String>,
    /// Contextual rules: the provider's names or hosts (literals, case-insensitive), one of which
    /// must occur at most `distance` bytes before the value (`BANNERBEAR_API_KEY=`, `"apilayer":
    /// {"key": `). They are the rule's keywords unless `keywords` is given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub near: Vec<String>,
    /// Contextual rules: the value's pattern (no `secret` group; the whole value is the secret).
    /// It must be preceded and followed by a byte that cannot continue a token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Contextual rules: bytes allowed between a name's end and the value's start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distance: Option<usize>,
    /// Contextual rules: let the gap between name and value span lines (nested JSON or YAML).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub cross_lines: bool,
    /// The built-in parser (`src/formats/`) that reports this rule's findings, for formats a regex
    /// cannot express (base64 of `user:password`, URL-encoded passwords, YAML structure). Such a
    /// rule has no `regex`; its examples are whole files the parser must report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// What the rule finds (default `secret`; `password-hash` for hashes that need cracking).
    #[serde(default, skip_serializing_if = "Kind::is_secret")]
    pub kind: Kind,
    /// Pattern over the `/`-separated path. Alone, the rule flags the file itself (a tracked `.env`,
    /// a keystore); with `regex`, the content pattern only counts in files whose path matches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Path rules: the file is text that the content rules read (a `.env`, a JSON credentials
    /// file). Alone, such a file in which no rule saw a single candidate, at any confidence, is
    /// reported at low confidence: committed without anything that looks like a credential, it
    /// exposes nothing to revoke. Binary stores (keystores) leave it unset.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub text: bool,
    /// Literals, at least one of which occurs in every match (required with `regex`).
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Minimum Shannon entropy of the secret in bits per byte.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entropy: Option<f64>,
    /// Extra validation of the secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checksum: Option<Checksum>,
    /// Severity when it fires (default `high`).
    #[serde(default = "default_severity")]
    pub severity: Severity,
    /// How sure a match is (default `medium`).
    #[serde(default = "default_confidence")]
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
    /// How to revoke and rotate. May be left out when the file's `[[providers]]` table (or any
    /// built-in one) has an entry for the rule's `provider`.
    #[serde(default)]
    pub runbook: Runbook,
    /// The other half of a two-part credential (an AWS secret key's access key ID, an OAuth client
    /// secret's client ID): when a match of that rule lies within `distance` bytes, both are
    /// reported as one finding of this rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pair: Option<PairSpec>,
}

impl RuleSpec {
    /// The confidence of a path rule's finding on its own: a `text` rule's file in which no
    /// content rule saw any candidate (`candidates` false) is low, whatever the rule says.
    pub fn path_confidence(&self, candidates: bool) -> Confidence {
        if self.text && !candidates {
            Confidence::Low
        } else {
            self.confidence
        }
    }
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

fn default_severity() -> Severity {
    Severity::High
}

fn default_confidence() -> Confidence {
    Confidence::Medium
}

/// Bytes that may continue a token: a contextual rule's value must not have one right after it, so
/// that `[a-f0-9]{32}` never matches inside a longer string.
const TOKEN_BYTES: &str = r"A-Za-z0-9_+/\-";
/// Bytes that may open a contextual rule's value: what separates a name from its value in
/// assignments, arguments, headers and markup. Not `#`, `.`, `@` or `/`, which put the "value" inside
/// a path, a URL or a package reference (`sonarqube-reporter-1.2.4.tgz#<sha1>`).
const VALUE_OPEN: &str = r#"\s"'`=:>(,\[{|"#;
/// A hyphen also opens a value whose alphabet has none (`acmePRIVATE-<32 hex>`, `acme-key-<key>`);
/// where the value may hold hyphens, a hyphen before it means the match is the tail of a longer
/// token.
const VALUE_OPEN_HYPHEN: &str = r#"\s"'`=:>(,\[{|\-"#;

/// Completes a spec as written into the spec a scan uses: a contextual rule (`near` + `value`)
/// gets its `regex` and `keywords`, and a rule without a runbook gets its provider's. Errors name
/// what is missing; the caller adds the rule and file.
pub fn resolve(spec: &mut RuleSpec, providers: &[ProviderSpec]) -> Result<()> {
    match (spec.near.is_empty(), &spec.value) {
        (true, None) => {
            if spec.distance.is_some() || spec.cross_lines {
                bail!("`distance` and `cross_lines` only apply to contextual rules (`near` + `value`)");
            }
        }
        (false, Some(value)) => {
            if spec.regex.is_some() {
                bail!("a contextual rule (`near` + `value`) builds its own pattern: remove `regex`");
            }
            let distance = spec.distance.unwrap_or(DEFAULT_NEAR_DISTANCE);
            if distance > MAX_NEAR_DISTANCE {
                bail!("`distance` must be at most {MAX_NEAR_DISTANCE}");
            }
            if let Some(n) = spec.near.iter().find(|n| n.len() < 3) {
                bail!("`near` name {n:?} is shorter than 3 bytes");
            }
            let names: Vec<String> = spec.near.iter().map(|n| regex::escape(n)).collect();
            let gap = if spec.cross_lines { r"[\s\S]" } else { r"[^\r\n]" };
            let open = if value.contains('-') {
                VALUE_OPEN
            } else {
                VALUE_OPEN_HYPHEN
            };
            spec.regex = Some(format!(
                "(?i:{names}){gap}{{0,{distance}}}?[{open}](?P<secret>{value})(?:[^{TOKEN_BYTES}]|$)",
                names = names.join("|"),
            ));
            if spec.keywords.is_empty() {
                spec.keywords = spec.near.iter().map(|n| n.to_ascii_lowercase()).collect();
            }
        }
        _ => bail!("a contextual rule needs both `near` (names) and `value` (the value's pattern)"),
    }
    if spec.runbook.url.is_empty() && spec.runbook.steps.is_empty() {
        let Some(p) = providers.iter().find(|p| p.name == spec.provider) else {
            bail!(
                "no `[rules.runbook]` and no `[[providers]]` entry named {:?} to take it from",
                spec.provider
            );
        };
        spec.runbook = p.runbook();
    }
    Ok(())
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
    /// True for a contextual rule whose value shape is undocumented ([`is_shapeless`]): its
    /// values must not read like identifiers (nor may any contextual rule's).
    pub shapeless: bool,
    regex: OnceLock<Regex>,
    path: OnceLock<Option<Regex>>,
    /// The rule's loose form ([`loose_pattern`]), compiled on first use; `None` for rules without one.
    loose: Option<String>,
    loose_regex: OnceLock<Regex>,
}

impl Rule {
    /// Checks the spec's static shape (not its examples) and returns the rule. With `eager`, the
    /// regex is compiled now so that a bad custom pattern fails at load time.
    pub fn new(spec: RuleSpec, origin: String, eager: bool) -> Result<Rule> {
        validate_shape(&spec).with_context(|| format!("rule `{}` in {origin}", spec.id))?;
        let generic = spec.id.starts_with("generic-") || spec.tags.iter().any(|t| t == "generic");
        let shapeless = spec.value.as_deref().is_some_and(is_shapeless);
        let loose = if generic { None } else { loose_pattern(&spec) };
        let rule = Rule {
            spec,
            origin,
            generic,
            shapeless,
            regex: OnceLock::new(),
            path: OnceLock::new(),
            loose,
            loose_regex: OnceLock::new(),
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

    /// The rule's loose form, if it has one: its provider's name, a credential word and a random
    /// value of any shape (see [`loose_pattern`]).
    pub fn loose_regex(&self) -> Option<&Regex> {
        let pattern = self.loose.as_ref()?;
        Some(self.loose_regex.get_or_init(|| {
            match RegexBuilder::new(pattern)
                .unicode(false)
                .size_limit(REGEX_SIZE_LIMIT)
                .dfa_size_limit(REGEX_SIZE_LIMIT)
                .build()
            {
                Ok(re) => re,
                Err(e) => panic!("rule `{}`: its loose form failed to compile: {e}", self.spec.id),
            }
        }))
    }

    /// True when the rule matches content (it has a `regex`).
    pub fn matches_content(&self) -> bool {
        self.spec.regex.is_some()
    }

    /// True when the rule flags a file by its path alone (a `path`, no `regex`, no `format`).
    pub fn path_only(&self) -> bool {
        self.spec.regex.is_none() && self.spec.format.is_none()
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
    if spec.regex.is_none() && spec.path.is_none() && spec.format.is_none() {
        bail!("a rule needs a `regex`, a `path`, a `format`, or both of the first two");
    }
    if spec.text && (spec.path.is_none() || spec.regex.is_some() || spec.format.is_some()) {
        bail!("`text` describes the file a path rule flags on its own: it needs `path` and no `regex` or `format`");
    }
    if let Some(f) = &spec.format {
        if spec.regex.is_some() || !spec.near.is_empty() {
            bail!("a `format` rule is reported by its parser: remove `regex` and `near`");
        }
        if !crate::formats::FORMATS.contains(&f.as_str()) {
            bail!("unknown `format` {f:?} (known: {})", crate::formats::FORMATS.join(", "));
        }
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

/// True for a contextual value whose shape the provider does not document: a broad alphabet with
/// a length range (`[A-Za-z0-9_\-]{20,64}`) and nothing fixed. Such a rule vouches only for the
/// name nearby, so an identifier there (`pyxis_mask_and_ack_irq`) is code, not a key.
fn is_shapeless(value: &str) -> bool {
    let Some(open) = value.strip_prefix('[') else {
        return false;
    };
    let Some((class, rest)) = open.split_once(']') else {
        return false;
    };
    let Some(range) = rest.strip_prefix('{').and_then(|r| r.strip_suffix('}')) else {
        return false;
    };
    let broad = class.contains("A-Z") && class.contains("a-z") && class.contains("0-9");
    let number = |n: &str| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit());
    matches!(range.split_once(','), Some((lo, hi)) if number(lo) && number(hi) && lo != hi) && broad
}

/// Words that say a value is a credential, one of which must follow the provider's name in a loose
/// match (`acme_SECRET`, `AcmeApiKey`, `acme private token`).
const LOOSE_CORE: &str =
    "api[_\\-]?key|apikey|keys?|secrets?|tokens?|tkn|access|private|pat|passwords?|passwd|pass|pwd|credentials?|auth";
/// Words that may qualify the credential word (`acme_LIVE_SECRET_KEY`, `acme personal access token`).
const LOOSE_MODIFIER: &str = "api|app|client|service|server|user|bot|personal|account|project|org|admin|master|live|prod|production|test|sandbox|dev|webhook|signing|shared|integration|public|rest|oauth|bearer|access|private|secret|read|write";

/// A rule's loose form: where a value sits next to the provider's name and a credential word but is
/// not in the provider's documented format (`acme_secret_key = <random 24 characters>` where Acme
/// documents 32 hex), the scanner still reports it, as the provider's rule at medium confidence with
/// a note that the shape differs. The names are the rule's `near` names, or for a pattern rule its
/// keywords that spell the provider's name; rules with a checksum or a format parser have none
/// (their format is exact), nor do generic rules.
///
/// The name is followed by an optional run of credential words (at least one core word such as
/// `key`, `secret`, `token`, `password`, with modifiers such as `live`, `client`, `personal`),
/// then an assignment (`=`, `:`, `:=`, `=>`) or blanks, an optional quote, and the value: 12 to
/// 256 token bytes. What the value must look like (random, not a word, path or placeholder) is
/// checked by the scanner, as is the rule that a bare name without a credential word is followed by
/// an assignment.
pub fn loose_pattern(spec: &RuleSpec) -> Option<String> {
    if spec.checksum.is_some() || spec.format.is_some() || spec.regex.is_none() || spec.path.is_some() {
        return None;
    }
    let squash = |s: &str| -> String {
        s.bytes()
            .filter(u8::is_ascii_alphanumeric)
            .map(|b| b.to_ascii_lowercase() as char)
            .collect()
    };
    let names: Vec<&String> = if !spec.near.is_empty() {
        spec.near.iter().collect()
    } else {
        let provider = squash(&spec.provider);
        spec.keywords
            .iter()
            .filter(|k| {
                k.len() >= 4
                    && k.bytes().all(|b| b.is_ascii_alphanumeric())
                    && provider.len() >= 4
                    && (provider.contains(&squash(k)) || squash(k).contains(&provider))
            })
            .collect()
    };
    if names.is_empty() {
        return None;
    }
    let names: Vec<String> = names.iter().map(|n| regex::escape(n)).collect();
    Some(format!(
        r#"(?i:(?P<name>{names})(?P<words>[a-z0-9]{{0,12}}?(?:[ \t_.\-]{{0,2}}(?:{LOOSE_MODIFIER}))*?[ \t_.\-]{{0,2}}(?:{LOOSE_CORE})(?:[ \t_.\-]{{0,2}}(?:{LOOSE_MODIFIER}|{LOOSE_CORE}))*?)?)["'\]]?(?P<op>[ \t]*(?::=|=>|[:=])[ \t]*|[ \t]+|-)(?:\\?["'`])?(?P<secret>[A-Za-z0-9][A-Za-z0-9_\-.+/=]{{10,254}}[A-Za-z0-9=])(?:[^A-Za-z0-9_\-.+/=]|[.\-](?:[^A-Za-z0-9_\-+/=]|$)|$)"#,
        names = names.join("|"),
    ))
}

/// A provider other scanners detect that this catalogue deliberately leaves out, and why (no
/// documented or distinctive key format, a retired service). Listed in `docs/COVERAGE.md`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotCovered {
    /// The provider's name.
    pub name: String,
    /// Why there is no rule.
    pub reason: String,
}

/// The top level of a rule file: `[[providers]]`, `[[rules]]` and `[[not_covered]]` tables.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    /// Shared runbooks, by provider.
    #[serde(default)]
    pub providers: Vec<ProviderSpec>,
    /// Providers left out on purpose.
    #[serde(default)]
    pub not_covered: Vec<NotCovered>,
    /// The rules in the file.
    #[serde(default)]
    pub rules: Vec<RuleSpec>,
}

/// Parses one TOML rule file (rules not yet [`resolve`]d); errors name the file and line.
pub fn parse_rule_file(name: &str, text: &str) -> Result<RuleFile> {
    toml::from_str(text).map_err(|e| toml_error(name, text, &e))
}

/// Parses one built-in rule file as `build.rs` embedded it (JSON converted from its TOML).
pub fn parse_builtin_file(name: &str, json: &str) -> Result<RuleFile> {
    serde_json::from_str(json).map_err(|e| anyhow::anyhow!("builtin:{name}: {e}"))
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

#[cfg(test)]
mod tests {
    use super::is_shapeless;

    #[test]
    fn only_broad_ranged_values_are_shapeless() {
        assert!(is_shapeless(r"[A-Za-z0-9_\-]{20,64}"));
        assert!(is_shapeless("[A-Za-z0-9]{32,64}"));
        for documented in [
            "[A-Za-z0-9]{32}",
            "[a-z0-9]{32,40}",
            "sk-[A-Za-z0-9]{48}",
            "[A-Za-z0-9]{20,64}-[a-f0-9]{8}",
        ] {
            assert!(!is_shapeless(documented), "{documented}");
        }
    }
}
