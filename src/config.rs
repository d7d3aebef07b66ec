//! Checked settings for a run, built from the command line and `.leakhound.toml`: the rule set
//! (built-in plus custom, minus disabled), the allowlists, and how to report. Errors name the file,
//! the line and the problem, or the custom rule's id.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use globset::{Glob, GlobSet, GlobSetBuilder};
use regex::bytes::RegexBuilder;
use serde::Deserialize;

use crate::cli::{Format, ScanArgs};
use crate::rules::{self, builtin, ProviderSpec, Rule, RuleSet, RuleSpec};
use crate::scan::SecretAllow;

/// File name looked up at the first scan root when `--config` is not given.
pub const DEFAULT_CONFIG: &str = ".leakhound.toml";

/// `.leakhound.toml` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// Keep the built-in catalogue (default true).
    #[serde(default = "yes")]
    pub builtin_rules: bool,
    /// Rule ids to turn off.
    #[serde(default)]
    pub disable: Vec<String>,
    /// Allowlists.
    #[serde(default)]
    pub allow: AllowConfig,
    /// Shared runbooks for custom rules, same schema as in `rules/*.toml`.
    #[serde(default)]
    pub providers: Vec<ProviderSpec>,
    /// Providers deliberately left out, as in `rules/*.toml` (accepted so that a rule file can be
    /// checked as a configuration with `rules check -c FILE`; they change nothing in a scan).
    #[serde(default)]
    pub not_covered: Vec<rules::NotCovered>,
    /// Custom rules, same schema as `rules/*.toml`.
    #[serde(default)]
    pub rules: Vec<RuleSpec>,
    /// Baseline applied when `--baseline` is not given, relative to this file's directory.
    #[serde(default)]
    pub baseline: Option<PathBuf>,
    /// Lowest confidence reported when `--min-confidence` is not given.
    #[serde(default)]
    pub min_confidence: Option<rules::Confidence>,
    /// `[validate]`: settings for `--validate` and `leakhound validate`.
    #[serde(default)]
    pub validate: crate::validate::ValidateConfig,
}

fn yes() -> bool {
    true
}

/// `[allow]` in the configuration file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllowConfig {
    /// Globs over the path relative to the scan root; matching files are not scanned.
    #[serde(default)]
    pub paths: Vec<String>,
    /// Regexes over the secret; a matching secret is not reported.
    #[serde(default)]
    pub secrets: Vec<String>,
    /// Case-insensitive words; a secret containing one is not reported.
    #[serde(default)]
    pub stopwords: Vec<String>,
}

/// The rules and allowlists of a run.
pub struct Settings {
    /// Loaded rules, in report order.
    pub rules: Arc<RuleSet>,
    /// Allowlist applied to secret values.
    pub secret_allow: SecretAllow,
    /// Files never scanned (config `allow.paths`).
    pub path_allow: GlobSet,
    /// The configuration file used, if any.
    pub config_path: Option<PathBuf>,
    /// The configuration's `baseline`, resolved against the file's directory.
    pub baseline: Option<PathBuf>,
    /// The configuration's `min_confidence`.
    pub min_confidence: Option<rules::Confidence>,
    /// The configuration's `[validate]` table.
    pub validate: crate::validate::ValidateConfig,
}

/// Confidence reported when neither `--min-confidence` nor the configuration says: weak generic
/// matches (a `password =` with a word after it in a test) are left to `--min-confidence low`.
pub const DEFAULT_MIN_CONFIDENCE: rules::Confidence = rules::Confidence::Medium;

impl Settings {
    /// The lowest confidence to report: the flag, else the configuration, else the default.
    pub fn min_confidence(&self, flag: Option<rules::Confidence>) -> rules::Confidence {
        flag.or(self.min_confidence).unwrap_or(DEFAULT_MIN_CONFIDENCE)
    }
}

impl Settings {
    /// Loads settings from an explicit config file, or from `.leakhound.toml` under `root` when it
    /// exists, or the built-in defaults.
    pub fn load(explicit: Option<&Path>, root: Option<&Path>) -> Result<Settings> {
        let path = match explicit {
            Some(p) => Some(p.to_path_buf()),
            None => root.map(|r| r.join(DEFAULT_CONFIG)).filter(|p| p.is_file()),
        };
        match path {
            Some(p) => {
                let text =
                    std::fs::read_to_string(&p).with_context(|| format!("cannot read config {}", p.display()))?;
                Settings::parse(&text, p)
            }
            None => Settings::from_file(
                ConfigFile {
                    builtin_rules: true,
                    ..ConfigFile::default()
                },
                None,
            ),
        }
    }

    /// Builds settings from the text of a configuration file; `path` names it in errors.
    pub fn parse(text: &str, path: PathBuf) -> Result<Settings> {
        let name = path.display().to_string();
        let file = toml::from_str::<ConfigFile>(text).map_err(|e| rules::toml_error(&name, text, &e))?;
        Settings::from_file(file, Some(path))
    }

    fn from_file(file: ConfigFile, path: Option<PathBuf>) -> Result<Settings> {
        let origin = path
            .as_ref()
            .map_or_else(|| "configuration".to_string(), |p| p.display().to_string());
        let mut set = if file.builtin_rules {
            builtin_rules()?
        } else {
            RuleSet::default()
        };
        // Custom rules may take their runbook from their own `[[providers]]` or a built-in one.
        let mut providers = file.providers;
        providers.extend(builtin_providers()?);
        for mut spec in file.rules {
            if set.get(&spec.id).is_some() {
                bail!("{origin}: custom rule `{}` has the same id as another rule", spec.id);
            }
            rules::resolve(&mut spec, &providers).with_context(|| format!("rule `{}` in {origin}", spec.id))?;
            set.rules.push(Rule::new(spec, origin.clone(), true)?);
        }
        for id in &file.disable {
            if set.get(id).is_none() {
                bail!("{origin}: `disable` names unknown rule `{id}`");
            }
        }
        set.rules.retain(|r| !file.disable.contains(&r.spec.id));
        if set.is_empty() {
            // A scan with no rules would report "clean" having looked for nothing.
            if file.builtin_rules {
                bail!("{origin}: `disable` turns off every rule, so a scan could find nothing; keep at least one rule");
            }
            bail!(
                "{origin}: no rules to scan with: `builtin_rules = false` and no custom `[[rules]]`; \
                 add rules or remove `builtin_rules = false`"
            );
        }

        let mut globs = GlobSetBuilder::new();
        for g in &file.allow.paths {
            globs.add(Glob::new(g).with_context(|| format!("{origin}: invalid glob in allow.paths: {g:?}"))?);
        }
        let mut regexes = Vec::new();
        for s in &file.allow.secrets {
            let re = RegexBuilder::new(s)
                .size_limit(rules::REGEX_SIZE_LIMIT)
                .build()
                .map_err(|e| anyhow::anyhow!("{origin}: invalid regex in allow.secrets {s:?}: {e}"))?;
            regexes.push(re);
        }
        Ok(Settings {
            rules: Arc::new(set),
            secret_allow: SecretAllow {
                regexes,
                stopwords: file.allow.stopwords.iter().map(|w| w.to_ascii_lowercase()).collect(),
            },
            path_allow: globs.build()?,
            baseline: file.baseline.map(|b| match path.as_deref().and_then(Path::parent) {
                Some(dir) => dir.join(b),
                None => b,
            }),
            config_path: path,
            min_confidence: file.min_confidence,
            validate: file.validate,
        })
    }
}

/// The embedded catalogue as a rule set (regexes compiled lazily). A rule may take its runbook
/// from any built-in file's `[[providers]]` table.
pub fn builtin_rules() -> Result<RuleSet> {
    let mut files = Vec::with_capacity(builtin::FILES.len());
    let mut providers: Vec<ProviderSpec> = Vec::new();
    for (name, text) in builtin::FILES {
        let file = rules::parse_builtin_file(name, text)?;
        for p in &file.providers {
            if providers.iter().any(|q| q.name == p.name) {
                bail!(
                    "builtin:{name}: provider `{}` has a second `[[providers]]` entry",
                    p.name
                );
            }
        }
        providers.extend(file.providers);
        files.push((name, file.rules));
    }
    let mut set = RuleSet::default();
    let mut ids = std::collections::HashSet::new();
    for (name, specs) in files {
        for mut spec in specs {
            if !ids.insert(spec.id.clone()) {
                bail!("builtin:{name}: duplicate rule id `{}`", spec.id);
            }
            rules::resolve(&mut spec, &providers).with_context(|| format!("rule `{}` in builtin:{name}", spec.id))?;
            set.rules.push(Rule::new(spec, format!("builtin:{name}"), false)?);
        }
    }
    Ok(set)
}

/// Every `[[providers]]` entry of the embedded catalogue.
pub fn builtin_providers() -> Result<Vec<ProviderSpec>> {
    let mut out = Vec::new();
    for (name, text) in builtin::FILES {
        out.extend(rules::parse_builtin_file(name, text)?.providers);
    }
    Ok(out)
}

/// Every `[[not_covered]]` entry of the embedded catalogue: providers left out on purpose.
pub fn builtin_not_covered() -> Result<Vec<rules::NotCovered>> {
    let mut out = Vec::new();
    for (name, text) in builtin::FILES {
        out.extend(rules::parse_builtin_file(name, text)?.not_covered);
    }
    Ok(out)
}

/// How findings leave a scan.
#[derive(Debug, Clone)]
pub struct Output {
    /// Report format.
    pub format: Format,
    /// Destination file (`None` = stdout).
    pub path: Option<PathBuf>,
    /// Redact secrets.
    pub redact: bool,
    /// Exit status when findings remain.
    pub exit_code: u8,
    /// Worker threads.
    pub threads: usize,
    /// Allow a progress bar (still only on a terminal).
    pub progress: bool,
    /// No summary or warnings.
    pub quiet: bool,
    /// Baseline to apply.
    pub baseline: Option<PathBuf>,
    /// Baseline to write.
    pub write_baseline: Option<PathBuf>,
    /// Report baseline entries that matched nothing.
    pub report_stale: bool,
    /// Extra whole-document reports written at the end (`--also-report FORMAT=FILE`).
    pub also: Vec<(Format, PathBuf)>,
    /// `--min-confidence`, when given.
    pub min_confidence: Option<rules::Confidence>,
    /// `--validate`.
    pub validate: bool,
    /// `--validate-max-requests`.
    pub validate_max_requests: Option<usize>,
}

impl Output {
    /// Checks the shared scan flags.
    pub fn from_args(a: &ScanArgs) -> Result<Output> {
        for (format, path) in &a.also_report {
            if *format == Format::Jsonl {
                bail!("--also-report cannot write jsonl (it streams); use json");
            }
            if a.output.as_ref() == Some(path) {
                bail!("--also-report {} is also the --output file", path.display());
            }
        }
        let threads = match a.threads {
            Some(0) => bail!("--threads must be at least 1"),
            Some(n) => n,
            None => std::thread::available_parallelism().map_or(1, |n| n.get()),
        };
        Ok(Output {
            format: a.format,
            path: a.output.clone(),
            redact: !a.no_redact,
            exit_code: a.exit_code,
            threads,
            progress: !a.no_progress,
            quiet: a.quiet,
            baseline: a.baseline.clone(),
            write_baseline: a.write_baseline.clone(),
            report_stale: a.report_stale,
            also: a.also_report.clone(),
            min_confidence: a.min_confidence.map(Into::into),
            validate: a.validate,
            validate_max_requests: a.validate_max_requests,
        })
    }
}
