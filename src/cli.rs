//! The command line, as clap derive structs. Doc comments here are the `--help` text. Nothing past
//! `config.rs` sees these types.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Find leaked secrets in directories, git history, container images and streams, each with the
/// runbook to revoke it.
#[derive(Debug, Parser)]
#[command(name = "leakhound", version, about, long_about = None, max_term_width = 100)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan files and directories (hidden and git-ignored files included).
    Dir(DirArgs),
    /// Scan standard input as a stream, with bounded memory.
    Stdin(StdinArgs),
    /// Scan git history: every blob once (all packs and loose objects, reachable or not), each
    /// finding with the commit that introduced it; or only what is new (--staged, --range).
    Git(GitArgs),
    /// Copy standard input to standard output with every detected secret masked, line by line as
    /// it arrives (for agent transcripts and CI logs).
    Redact(RedactArgs),
    /// Scan container images from files (no Docker engine or registry): every layer, files a later
    /// layer deleted, and the image config (Env, Cmd, Labels, history).
    Image(ImageArgs),
    /// Show every candidate the scanner considered in FILE (or on one line) and why each was
    /// reported or dropped: placeholder, low entropy, allowlist entry, baseline, inline allow,
    /// below --min-confidence, overlapped by a more specific rule, path rule on an unshared file.
    Explain(ExplainArgs),
    /// List, show and check detection rules.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Install a git hook that runs leakhound (for repositories not using the pre-commit framework).
    InstallHook(InstallHookArgs),
    /// Scan the commits being pushed; run from a pre-push hook (git's or pre-commit's).
    PrePush(PrePushArgs),
    /// Re-check an earlier JSON or JSON Lines report: re-read each secret from its place, make sure
    /// it still has the finding's fingerprint, and ask its provider whether it is live. Exit 0 when
    /// none is live, 1 when one is, 2 when the report is unreadable or a check failed.
    Validate(ValidateArgs),
    /// Scan every target of a work list (one per line, or JSON Lines): local directories, git
    /// repositories, git URLs (cloned bare into a temporary directory) and image archives. Writes
    /// JSON Lines: the findings, each with its target id, and one summary record per target.
    ScanList(ScanListArgs),
    /// Combine the JSON Lines outputs of `scan-list` shards into one report: duplicates dropped,
    /// each secret grouped across targets, triage recomputed, incomplete or missing targets listed.
    Merge(MergeArgs),
}

/// `leakhound scan-list`.
#[derive(Debug, Args)]
pub struct ScanListArgs {
    /// The work list: a file, or `-` for standard input.
    pub list: PathBuf,
    /// Targets scanned at the same time.
    #[arg(long, short = 'j', default_value_t = 1)]
    pub jobs: usize,
    /// Scan only shard I of N (0-based): the targets whose id hashes to I modulo N.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
    /// Take the shard from the environment: `JOB_COMPLETION_INDEX` (set by a Kubernetes Indexed
    /// Job) and `LEAKHOUND_SHARDS` (the Job's completion count).
    #[arg(long, conflicts_with = "shard")]
    pub shard_from_env: bool,
    /// Seconds a git clone may take before it is killed and the target reported incomplete.
    #[arg(long, default_value_t = 600)]
    pub clone_timeout: u64,
    /// Output format: `jsonl` (default) is the shard output `merge` reads, written as each target
    /// completes; any other format is this shard's own organisation report, written at the end
    /// (`-f html` for a self-contained HTML report).
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Jsonl)]
    pub format: Format,
    /// Write the output here (created with mode 0600) instead of standard output.
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,
    /// No per-target messages on stderr.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// `leakhound merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Shard outputs (JSON Lines from `scan-list`).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Report format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write the report here (created with mode 0600, renamed into place when complete) instead
    /// of standard output.
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,
    /// The work list the shards came from: targets without a summary record are reported missing.
    #[arg(long)]
    pub list: Option<PathBuf>,
}

/// Output format of a scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Human-readable report; summary on stderr.
    Text,
    /// One JSON document with a scan summary and all findings.
    Json,
    /// One JSON finding per line, streamed as found.
    Jsonl,
    /// SARIF 2.1.0 for GitHub code scanning and other viewers.
    Sarif,
    /// Incident-ready remediation report: one section and checklist per unique secret.
    Markdown,
    /// Self-contained HTML report (no network): summary, charts, a sortable and filterable table
    /// with runbooks. Always shows secrets redacted, even with `--no-redact`.
    Html,
}

/// A confidence level on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ConfidenceArg {
    /// Everything, weak generic matches included.
    Low,
    /// Distinctive shapes and scored assignments (the default).
    Medium,
    /// Provider prefixes, checksums and strong context only.
    High,
}

impl From<ConfidenceArg> for crate::rules::Confidence {
    fn from(c: ConfidenceArg) -> Self {
        match c {
            ConfidenceArg::Low => crate::rules::Confidence::Low,
            ConfidenceArg::Medium => crate::rules::Confidence::Medium,
            ConfidenceArg::High => crate::rules::Confidence::High,
        }
    }
}

/// Flags shared by every scan.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Output format.
    #[arg(short = 'f', long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write the report to FILE (created with mode 0600) instead of standard output.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Configuration file [default: .leakhound.toml at the first scan root, if present].
    #[arg(short = 'c', long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Print secrets in full instead of redacted (not in `-f html`, which is always redacted).
    #[arg(long)]
    pub no_redact: bool,
    /// Exit status when findings remain.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub exit_code: u8,
    /// Worker threads [default: number of CPUs].
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<usize>,
    /// Never show a progress bar.
    #[arg(long)]
    pub no_progress: bool,
    /// Print no summary or warnings on stderr (errors are still printed).
    #[arg(short = 'q', long)]
    pub quiet: bool,
    /// Suppress findings whose fingerprint is listed in this baseline file.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Write the findings of this scan as a baseline file (fingerprints, never secrets).
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// List baseline entries that matched nothing in this scan (on stderr).
    #[arg(long)]
    pub report_stale: bool,
    /// Report (and set the exit status for) findings at or above this confidence [default:
    /// `min_confidence` in .leakhound.toml, else medium]. `low` adds weak generic matches.
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub min_confidence: Option<ConfidenceArg>,
    /// Also write the report in FORMAT to FILE (repeatable), e.g. `--also-report sarif=out.sarif`:
    /// one scan, several reports.
    #[arg(long, value_name = "FORMAT=FILE", value_parser = parse_also_report)]
    pub also_report: Vec<(Format, PathBuf)>,
    /// After the scan, ask each secret's provider whether it is live: one read-only request per
    /// unique secret (network; see "Validation" in the README).
    #[arg(long)]
    pub validate: bool,
    /// With --validate: send at most N requests in all [default: 200].
    #[arg(long, value_name = "N", requires = "validate")]
    pub validate_max_requests: Option<usize>,
}

/// `leakhound validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// The report of an earlier scan (`-f json` or `-f jsonl`).
    #[arg(short = 'i', long, value_name = "REPORT")]
    pub input: PathBuf,
    /// Scan root (or git repository) the report's paths are relative to [default: the report's
    /// roots, then the current directory].
    #[arg(long, value_name = "PATH")]
    pub root: Vec<PathBuf>,
    /// Output format.
    #[arg(short = 'f', long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write the report to FILE (created with mode 0600) instead of standard output.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Configuration file (its rules and `[validate]` table) [default: .leakhound.toml in the
    /// first root, if present].
    #[arg(short = 'c', long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Send at most N requests in all [default: 200].
    #[arg(long, value_name = "N")]
    pub validate_max_requests: Option<usize>,
    /// Print no summary on stderr (errors are still printed).
    #[arg(short = 'q', long)]
    pub quiet: bool,
}

/// Parses `sarif=out.sarif` for `--also-report`.
pub fn parse_also_report(s: &str) -> Result<(Format, PathBuf), String> {
    let (format, file) = s
        .split_once('=')
        .ok_or_else(|| format!("expected FORMAT=FILE, e.g. sarif=results.sarif, not {s:?}"))?;
    let format = Format::from_str(format, true).map_err(|e| e.to_string())?;
    if file.is_empty() {
        return Err("missing FILE after `=`".to_string());
    }
    Ok((format, PathBuf::from(file)))
}

/// `leakhound dir`.
#[derive(Debug, Args)]
pub struct DirArgs {
    /// Files and directories to scan.
    #[arg(value_name = "PATH", default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Honour .gitignore, .ignore and git's exclude files (by default ignored files are scanned).
    #[arg(long)]
    pub respect_gitignore: bool,
    /// Skip paths matching GLOB (repeatable), e.g. `--exclude 'vendor/**'`.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Follow symbolic links (loops are detected and reported).
    #[arg(long)]
    pub follow: bool,
    /// Skip files larger than SIZE (suffixes K, M, G; binary units).
    #[arg(long, value_name = "SIZE", default_value = "100M", value_parser = parse_size)]
    pub max_file_size: u64,
    /// Scan files that look binary (a NUL byte in the first 8 KiB) instead of skipping them.
    #[arg(long)]
    pub include_binary: bool,
    /// Archive flags.
    #[command(flatten)]
    pub archives: ArchiveArgs,
    /// Shared scan flags.
    #[command(flatten)]
    pub scan: ScanArgs,
}

/// Flags for archives found in any input.
#[derive(Debug, Args)]
pub struct ArchiveArgs {
    /// Open archives (zip, jar, war, ear, whl, apk, nupkg, tar, tar.gz, tgz, gz, zst; told from their
    /// bytes) nested up to N levels deep; 0 scans archives as raw bytes. The default, 3, reaches a
    /// file in a jar in a war in an ear.
    #[arg(long, value_name = "N", default_value_t = crate::source::archive::DEFAULT_DEPTH)]
    pub archive_depth: u32,
}

/// `leakhound image`.
#[derive(Debug, Args)]
pub struct ImageArgs {
    /// Image archives (`docker save`, `podman save`, `skopeo copy ... docker-archive:` or
    /// `oci-archive:`; plain, gzip or zstd) or OCI image layout directories.
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,
    /// Skip files inside layers larger than SIZE (suffixes K, M, G; binary units).
    #[arg(long, value_name = "SIZE", default_value = "100M", value_parser = parse_size)]
    pub max_file_size: u64,
    /// Scan files that look binary (a NUL byte in the first 8 KiB) instead of skipping them.
    #[arg(long)]
    pub include_binary: bool,
    /// Archive flags.
    #[command(flatten)]
    pub archives: ArchiveArgs,
    /// Shared scan flags.
    #[command(flatten)]
    pub scan: ScanArgs,
}

/// Output format of `explain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    /// One block per candidate.
    Text,
    /// One JSON document.
    Json,
}

/// `leakhound explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The file to explain.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Only the candidates on line N.
    #[arg(long, value_name = "N")]
    pub line: Option<u64>,
    /// Output format.
    #[arg(short = 'f', long, value_enum, default_value_t = ExplainFormat::Text)]
    pub format: ExplainFormat,
    /// Configuration file [default: .leakhound.toml beside FILE, else in the current directory].
    #[arg(short = 'c', long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Print values in full instead of redacted.
    #[arg(long)]
    pub no_redact: bool,
    /// Baseline to check fingerprints against [default: the configuration's `baseline`].
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// The confidence a scan would report from [default: `min_confidence` in .leakhound.toml, else
    /// medium].
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub min_confidence: Option<ConfidenceArg>,
}

/// `leakhound stdin`.
#[derive(Debug, Args)]
pub struct StdinArgs {
    /// Path shown for findings.
    #[arg(long, value_name = "NAME", default_value = "<stdin>")]
    pub label: String,
    /// Archive flags.
    #[command(flatten)]
    pub archives: ArchiveArgs,
    /// Shared scan flags.
    #[command(flatten)]
    pub scan: ScanArgs,
}

/// Which git hook `install-hook` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HookKind {
    /// Scan the staged changes before each commit (`leakhound git --staged`).
    PreCommit,
    /// Scan the commits being pushed (`leakhound pre-push`).
    PrePush,
}

impl HookKind {
    /// File name of the hook in the hooks directory.
    pub fn file_name(self) -> &'static str {
        match self {
            HookKind::PreCommit => "pre-commit",
            HookKind::PrePush => "pre-push",
        }
    }
}

/// `leakhound install-hook`.
#[derive(Debug, Args)]
pub struct InstallHookArgs {
    /// Repository (any directory inside its work tree, or a bare repository).
    #[arg(value_name = "REPO", default_value = ".")]
    pub repo: PathBuf,
    /// Which hook to install.
    #[arg(long, value_enum, default_value_t = HookKind::PreCommit)]
    pub hook: HookKind,
    /// Replace an existing hook that leakhound did not write.
    #[arg(long)]
    pub force: bool,
}

/// `leakhound pre-push`.
#[derive(Debug, Args)]
pub struct PrePushArgs {
    /// Remote being pushed to (the hook's first argument); new branches are scanned from where
    /// they leave this remote's branches.
    #[arg(long, value_name = "NAME")]
    pub remote: Option<String>,
    /// Extra flags for each `leakhound git` run, e.g. `--baseline FILE`.
    #[arg(value_name = "GIT_SCAN_FLAGS", trailing_var_arg = true, allow_hyphen_values = true)]
    pub scan_args: Vec<std::ffi::OsString>,
}

/// `leakhound git`.
#[derive(Debug, Args)]
pub struct GitArgs {
    /// Repository: a work tree, any directory in one, or a bare repository.
    #[arg(value_name = "PATH", default_value = ".")]
    pub path: PathBuf,
    /// Scan what the next commit would add: the staged content (not the working file) against
    /// HEAD, reporting added or changed lines only. Works before the first commit.
    #[arg(long, conflicts_with_all = ["range", "since_commit"])]
    pub staged: bool,
    /// Scan the lines added by the commits reachable from HEAD and not from BASE (a pull request).
    #[arg(long, value_name = "BASE..HEAD", conflicts_with = "since_commit")]
    pub range: Option<String>,
    /// Same as `--range BASE..HEAD`.
    #[arg(long, value_name = "BASE")]
    pub since_commit: Option<String>,
    /// Scan a shallow clone's partial history instead of failing; the report says coverage is
    /// incomplete.
    #[arg(long)]
    pub allow_shallow: bool,
    /// Skip blobs larger than SIZE (suffixes K, M, G; binary units).
    #[arg(long, value_name = "SIZE", default_value = "100M", value_parser = parse_size)]
    pub max_file_size: u64,
    /// Scan blobs that look binary (a NUL byte in the first 8 KiB) instead of skipping them.
    #[arg(long)]
    pub include_binary: bool,
    /// Archive blobs (a committed `config.zip`, a vendored `.jar`).
    #[command(flatten)]
    pub archives: ArchiveArgs,
    /// Shared scan flags.
    #[command(flatten)]
    pub scan: ScanArgs,
}

/// `leakhound redact`.
#[derive(Debug, Args)]
pub struct RedactArgs {
    /// Text written in place of each secret. Placeholders: {rule}, {provider}, {name},
    /// {severity}, {redacted} (the core's redacted form), {fingerprint}; `{{` and `}}` are braces.
    #[arg(long, value_name = "FORMAT", default_value = "[REDACTED:{rule}:{redacted}]")]
    pub mask: String,
    /// Lines that are JSON documents get secrets masked inside their strings and stay valid JSON.
    #[arg(long)]
    pub json_lines: bool,
    /// Also write each masked finding (redacted, with its runbook) to FILE as JSON Lines.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Exit with status N when at least one secret was masked [default: exit 0].
    #[arg(long, value_name = "N")]
    pub exit_code: Option<u8>,
    /// Configuration file [default: .leakhound.toml in the current directory, if present].
    #[arg(short = 'c', long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Path given to findings in the report.
    #[arg(long, value_name = "NAME", default_value = "<stdin>")]
    pub label: String,
    /// Print no summary on stderr (errors are still printed).
    #[arg(short = 'q', long)]
    pub quiet: bool,
}

/// Format of `rules list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// Aligned table.
    Text,
    /// JSON array of rules.
    Json,
    /// Markdown catalogue.
    Markdown,
    /// Markdown coverage: every provider with its rules, and the providers left out with the reason.
    Coverage,
}

/// `leakhound rules ...`.
#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List the loaded rules: id, provider, severity, confidence, keywords.
    List {
        /// Output format.
        #[arg(short = 'f', long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
        /// Also load rules and settings from this configuration file.
        #[arg(short = 'c', long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
    /// Show one rule in full, including its runbook.
    Show {
        /// Rule id.
        id: String,
        /// Also load rules from this configuration file.
        #[arg(short = 'c', long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
    /// Check every rule against its own examples and the prefilter contract (exit 2 on failure).
    Check {
        /// Also check the custom rules in this configuration file.
        #[arg(short = 'c', long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
}

/// Parses `100M`, `2G`, `512k`, `4096` into bytes.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let (num, mult) = match s.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        None => (s, 1u64),
        Some((i, _)) => {
            let unit = s[i..].trim().to_ascii_lowercase();
            let mult = match unit.trim_end_matches("ib").trim_end_matches('b') {
                "" => 1,
                "k" => 1 << 10,
                "m" => 1 << 20,
                "g" => 1 << 30,
                "t" => 1 << 40,
                _ => return Err(format!("unknown size unit in {s:?} (use K, M, G or T)")),
            };
            (&s[..i], mult)
        }
    };
    let n: u64 = num.parse().map_err(|_| format!("invalid size {s:?}"))?;
    n.checked_mul(mult).ok_or_else(|| format!("size {s:?} is too large"))
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes_accept_binary_suffixes_and_reject_garbage() {
        assert_eq!(parse_size("4096"), Ok(4096));
        assert_eq!(parse_size("100M"), Ok(100 << 20));
        assert_eq!(parse_size("2GiB"), Ok(2 << 30));
        assert_eq!(parse_size("1k"), Ok(1024));
        assert!(parse_size("12parsecs").is_err());
        assert!(parse_size("").is_err());
    }
}
