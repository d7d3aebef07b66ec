//! Runs one subcommand end to end: checked settings, the scan pipeline, the source, the report,
//! the baseline, and the exit status (0 clean, 1 or `--exit-code` findings, 2 errors).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering::Relaxed;
use std::time::Instant;

use anyhow::{Context, Result};

use crate::baseline::{self, Baseline};
use crate::cli::{Cli, Command, DirArgs, Format, GitArgs, ImageArgs, RedactArgs, StdinArgs};
use crate::config::{Output, Settings};
use crate::pipeline::Pipeline;
use crate::progress::Progress;
use crate::report::{self, Summary};
use crate::scan::Scanner;
use crate::source;

/// Executes a parsed command line and returns the process exit status.
pub fn run(cli: Cli) -> Result<u8> {
    match cli.command {
        Command::Dir(args) => run_dir(args),
        Command::Stdin(args) => run_stdin(args),
        Command::Git(args) => run_git(args),
        Command::Redact(args) => run_redact(args),
        Command::Image(args) => run_image(args),
        Command::Explain(args) => crate::explain::run(args),
        Command::Rules(cmd) => crate::rules::check::run_rules_command(cmd),
        Command::InstallHook(args) => crate::hooks::run_install(args),
        Command::PrePush(args) => crate::hooks::run_pre_push(args),
        Command::Validate(args) => crate::validate::command::run(args),
        Command::ScanList(args) => crate::org::run_scan_list(args),
        Command::Merge(args) => crate::org::run_merge(args),
    }
}

fn run_dir(args: DirArgs) -> Result<u8> {
    let out = Output::from_args(&args.scan)?;
    let first_dir = args.paths.first().map(|p| {
        if p.is_dir() {
            p.clone()
        } else {
            p.parent().map(Path::to_path_buf).unwrap_or_default()
        }
    });
    let settings = Settings::load(args.scan.config.as_deref(), first_dir.as_deref())?;
    let roots: Vec<String> = args.paths.iter().map(|p| p.display().to_string()).collect();
    let walk = source::fs::WalkOptions {
        roots: args.paths.clone(),
        respect_gitignore: args.respect_gitignore,
        exclude: args.exclude.clone(),
        follow: args.follow,
        max_file_size: args.max_file_size,
        include_binary: args.include_binary,
        threads: out.threads,
        allow_paths: settings.path_allow.clone(),
        skip_files: settings
            .config_path
            .as_deref()
            .and_then(source::fs::file_id)
            .into_iter()
            .collect(),
        archives: archive_limits(args.archives.archive_depth, args.max_file_size),
    };
    scan_with(&out, &settings, "dir", roots, |p| source::fs::scan_paths(&walk, p))
}

fn run_stdin(args: StdinArgs) -> Result<u8> {
    let out = Output::from_args(&args.scan)?;
    let settings = Settings::load(args.scan.config.as_deref(), Some(Path::new(".")))?;
    let label = args.label.clone();
    let archives = archive_limits(
        args.archives.archive_depth,
        source::archive::Limits::default().max_member_bytes,
    );
    scan_with(&out, &settings, "stdin", vec![label.clone()], |p| {
        source::stdin::scan_stdin(p, &label, &archives);
        Ok(())
    })
}

fn run_git(args: GitArgs) -> Result<u8> {
    use source::git::{GitMode, GitOptions};
    let out = Output::from_args(&args.scan)?;
    let settings = Settings::load(args.scan.config.as_deref(), Some(&args.path))?;
    let mode = if args.staged {
        GitMode::Staged
    } else if let Some(base) = &args.since_commit {
        GitMode::Range {
            base: base.clone(),
            head: "HEAD".into(),
        }
    } else if let Some(range) = &args.range {
        let Some((base, head)) = range
            .split_once("..")
            .filter(|(b, h)| !b.is_empty() && !h.starts_with('.'))
        else {
            anyhow::bail!("--range expects BASE..HEAD (two dots), got {range:?}");
        };
        GitMode::Range {
            base: base.into(),
            head: if head.is_empty() { "HEAD".into() } else { head.into() },
        }
    } else {
        GitMode::Full
    };
    let mode_name = match &mode {
        GitMode::Full => "full",
        GitMode::Staged => "staged",
        GitMode::Range { .. } => "range",
    };
    let opts = GitOptions {
        mode,
        allow_shallow: args.allow_shallow,
        max_blob_size: args.max_file_size,
        threads: out.threads,
    };
    let roots = vec![args.path.display().to_string()];
    scan_with_extra(&out, &settings, "git", roots, |p| {
        let content = source::git::BlobContent {
            include_binary: args.include_binary,
            archives: archive_limits(args.archives.archive_depth, args.max_file_size),
        };
        let c = source::git::scan_into(&args.path, &opts, &content, p)?;
        if c.shallow {
            p.warn("this is a shallow clone: history before its boundary was not scanned");
        }
        if c.partial && mode_name == "full" {
            p.warn(
                "this is a partial clone: objects its promisor remote never sent are not local and were \
                 not scanned (clone without `--filter` for a complete scan)",
            );
        }
        if c.no_commits {
            p.warn(format!(
                "{} has no commits yet, so there is no history to scan{} (`leakhound git --staged` \
                 checks what the first commit would add)",
                args.path.display(),
                if c.blobs_scanned > 0 {
                    "; only the objects already written were read"
                } else {
                    ""
                }
            ));
        }
        let mut m = serde_json::Map::new();
        m.insert(
            "git".into(),
            serde_json::json!({
                "mode": mode_name,
                "commits": c.commits,
                "refs": c.refs,
                "blobs_scanned": c.blobs_scanned,
                "bytes_scanned": c.bytes_scanned,
                "bytes_decompressed": c.bytes_decompressed,
                "blobs_skipped": c.blobs_skipped,
                "submodules_not_scanned": c.submodules,
                "shallow": c.shallow,
                "partial_clone": c.partial,
                "no_commits": c.no_commits,
                "complete": c.complete,
            }),
        );
        Ok(m)
    })
}

fn run_redact(args: RedactArgs) -> Result<u8> {
    let settings = Settings::load(args.config.as_deref(), Some(Path::new(".")))?;
    let opts = crate::redact::Options {
        mask: crate::redact::Mask::parse(&args.mask)?,
        json_lines: args.json_lines,
        label: args.label.clone(),
    };
    let report: Box<dyn Write + Send> = match &args.report {
        Some(path) => Box::new(std::io::BufWriter::new(create_private(path)?)),
        None => Box::new(std::io::sink()),
    };
    let scanner = Scanner::new(settings.rules.clone(), settings.secret_allow.clone())?;
    let pipeline = Pipeline::new(scanner, true, None, args.quiet).stream_to(report, false);
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let result = crate::redact::filter(&pipeline, &opts, &mut stdin.lock(), &mut stdout.lock());
    let totals = match result {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Err(e.into()),
        Err(e) => {
            pipeline.error(format!("{}: {e}", args.label));
            crate::redact::Totals::default()
        }
    };
    let (_, stats, _) = pipeline.finish();
    if !args.quiet {
        let _ = writeln!(
            std::io::stderr().lock(),
            "leakhound: redact: {} secret{} masked in {} bytes ({} lines){}",
            totals.masked,
            if totals.masked == 1 { "" } else { "s" },
            totals.bytes,
            totals.lines,
            if totals.masked > 0 {
                "; revoke each key with its runbook (`leakhound rules show RULE_ID`)"
            } else {
                ""
            }
        );
    }
    Ok(if stats.errors.load(Relaxed) > 0 {
        2
    } else if stats.findings.load(Relaxed) > 0 {
        args.exit_code.unwrap_or(0)
    } else {
        0
    })
}

/// Creates (or truncates) a file readable only by its owner.
pub(crate) fn create_private(path: &Path) -> Result<std::fs::File> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    o.open(path)
        .with_context(|| format!("cannot create {}", path.display()))
}

fn run_image(args: ImageArgs) -> Result<u8> {
    let out = Output::from_args(&args.scan)?;
    let settings = Settings::load(args.scan.config.as_deref(), Some(Path::new(".")))?;
    let roots: Vec<String> = args.paths.iter().map(|p| p.display().to_string()).collect();
    let opts = source::image::ImageScanOptions {
        limits: source::image::ImageLimits {
            max_file_bytes: args.max_file_size,
            archives: archive_limits(args.archives.archive_depth, args.max_file_size),
            skip_binary: !args.include_binary,
            ..source::image::ImageLimits::default()
        },
        include_binary: args.include_binary,
        allow_paths: settings.path_allow.clone(),
    };
    scan_with_extra(&out, &settings, "image", roots, |p| {
        Ok(source::image::scan_images(&args.paths, &opts, p))
    })
}

/// Archive limits from the command line: its depth, members up to the file size limit.
fn archive_limits(depth: u32, max_file_size: u64) -> source::archive::Limits {
    source::archive::Limits {
        depth,
        max_member_bytes: max_file_size,
        ..source::archive::Limits::default()
    }
}

/// Runs `body` (which feeds a source into the pipeline) and reports. Shared by every scan
/// subcommand; `body` may add source-specific coverage to the summary through its return value
/// via [`scan_with_extra`].
pub fn scan_with(
    out: &Output,
    settings: &Settings,
    source: &str,
    roots: Vec<String>,
    body: impl FnOnce(&Pipeline) -> Result<()> + Send,
) -> Result<u8> {
    scan_with_extra(out, settings, source, roots, |p| {
        body(p).map(|()| serde_json::Map::new())
    })
}

/// Like [`scan_with`], but `body` returns extra summary fields (coverage of git or image sources).
pub fn scan_with_extra(
    out: &Output,
    settings: &Settings,
    source: &str,
    roots: Vec<String>,
    body: impl FnOnce(&Pipeline) -> Result<serde_json::Map<String, serde_json::Value>> + Send,
) -> Result<u8> {
    let started = Instant::now();
    // `--baseline` wins over the configuration's `baseline`.
    let baseline_path = out.baseline.as_deref().or(settings.baseline.as_deref());
    if out.report_stale && baseline_path.is_none() {
        anyhow::bail!("--report-stale needs a baseline (--baseline FILE, or `baseline` in .leakhound.toml)");
    }
    let baseline = match baseline_path {
        // A configured baseline that does not exist yet suppresses nothing (the safe direction);
        // it is usually about to be created with `--write-baseline`.
        Some(p) if out.baseline.is_none() && !p.exists() => {
            if !out.write_baseline.as_deref().is_some_and(|w| same_path(w, p)) && !out.quiet {
                crate::messages::warn(&format!(
                    "baseline {} (from the configuration) does not exist yet; nothing is suppressed",
                    p.display()
                ));
            }
            None
        }
        Some(p) => Some(Baseline::load(p)?),
        None => None,
    };
    let scanner = Scanner::new(settings.rules.clone(), settings.secret_allow.clone())?;
    // `--validate` needs the raw secrets after the scan; they are redacted before any output,
    // and JSON Lines are written at the end instead of streamed.
    let mut pipeline = Pipeline::new(scanner, out.redact && !out.validate, baseline, out.quiet)
        .min_confidence(settings.min_confidence(out.min_confidence))
        .allow_paths(settings.path_allow.clone());
    let mut dest = Destination::open(out.path.as_deref())?;
    if out.format == Format::Jsonl && !out.validate {
        pipeline = pipeline.stream_to(dest.writer()?, out.write_baseline.is_some() || !out.also.is_empty());
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(out.threads)
        .build()
        .context("cannot start worker threads")?;
    let progress = Progress::start(out.progress && !out.quiet, Progress::reader(pipeline.stats.clone()));
    let extra = pool.install(|| body(&pipeline))?;
    drop(progress);
    let (mut findings, stats, baseline) = pipeline.finish();
    if out.validate {
        let src = crate::validate::reread::Sources {
            source: source.to_string(),
            roots: roots.iter().map(PathBuf::from).collect(),
        };
        crate::validate::command::after_scan(
            &mut findings,
            settings,
            out.validate_max_requests,
            out.redact,
            &src,
            out.quiet,
        );
    }
    crate::triage::annotate(&mut findings);

    let summary = Summary {
        source: source.to_string(),
        roots,
        files_scanned: stats.files_scanned.load(Relaxed),
        bytes_scanned: stats.bytes_scanned.load(Relaxed),
        files_skipped: stats.skipped(),
        suppressed: stats.suppressed(),
        errors: stats.errors.load(Relaxed),
        duration_ms: started.elapsed().as_millis() as u64,
        rules_loaded: settings.rules.len(),
        findings: stats.findings.load(Relaxed),
        extra,
    };
    let color = out.path.is_none() && std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    if out.format == Format::Jsonl && out.validate {
        let mut w = dest.writer()?;
        report::json::write_lines(&mut w, &findings)?;
        w.flush()?;
    } else if out.format != Format::Jsonl {
        let mut w = dest.writer()?;
        report::write(out.format, &mut w, &findings, &summary, &settings.rules, color)?;
    }
    dest.commit()?;
    for (format, path) in &out.also {
        let mut d = Destination::open(Some(path))?;
        let mut w = d.writer()?;
        report::write(*format, &mut w, &findings, &summary, &settings.rules, false)?;
        drop(w);
        d.commit()?;
    }

    if let Some(path) = &out.write_baseline {
        // Entries of the baseline in use that still match are kept (with their reasons), so
        // `--baseline B --write-baseline B` adds the new findings to B instead of replacing it.
        let doc = baseline::from_findings(&findings, baseline.as_ref());
        let mut text = serde_json::to_string_pretty(&doc)?;
        text.push('\n');
        write_atomically(path, text.as_bytes())?;
    }
    if let (true, Some(b)) = (out.report_stale, &baseline) {
        for e in b.stale() {
            crate::messages::warn(&format!(
                "stale baseline entry {} ({} in {}) matched nothing",
                e.fingerprint, e.rule_id, e.path
            ));
        }
    }
    if !out.quiet {
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "leakhound: {}", report::text::summary_line(&summary));
        if summary.findings > 0 && out.format == Format::Text {
            // The suggested baseline run needs no network: drop the validation flags.
            let mut args: Vec<String> = Vec::new();
            let mut it = std::env::args().skip(1);
            while let Some(a) = it.next() {
                match a.as_str() {
                    "--validate" => {}
                    "--validate-max-requests" => {
                        it.next();
                    }
                    _ if a.starts_with("--validate-max-requests=") => {}
                    _ => args.push(a),
                }
            }
            let _ = write!(err, "{}", report::text::next_steps(&summary, &args, baseline_path));
        }
    }
    Ok(if summary.errors > 0 {
        2
    } else if summary.findings > 0 {
        out.exit_code
    } else {
        0
    })
}

/// Where the report goes: stdout, or a private temporary file renamed into place at the end so
/// that a failed scan never leaves a partial report behind.
enum Destination {
    Stdout,
    File {
        temp: Option<tempfile::NamedTempFile>,
        path: PathBuf,
    },
    /// A device or FIFO (`-o /dev/null`, `-o /dev/stdout`, a named pipe): written in place, since
    /// renaming a temporary file over it would replace the device node with a regular file.
    Special(PathBuf),
}

impl Destination {
    fn open(path: Option<&Path>) -> Result<Destination> {
        let Some(path) = path else {
            return Ok(Destination::Stdout);
        };
        if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
            return Ok(Destination::Special(path.to_path_buf()));
        }
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let temp = tempfile::Builder::new()
            .prefix(".leakhound-")
            .tempfile_in(dir)
            .with_context(|| format!("cannot create output file in {}", dir.display()))?;
        Ok(Destination::File {
            temp: Some(temp),
            path: path.to_path_buf(),
        })
    }

    fn writer(&mut self) -> Result<Box<dyn Write + Send>> {
        Ok(match self {
            Destination::Stdout => Box::new(std::io::BufWriter::new(std::io::stdout())),
            Destination::File { temp, .. } => {
                let f = temp.as_ref().expect("open until commit").reopen()?;
                Box::new(std::io::BufWriter::new(f))
            }
            Destination::Special(path) => Box::new(std::io::BufWriter::new(
                std::fs::OpenOptions::new()
                    .write(true)
                    .open(&*path)
                    .with_context(|| format!("cannot open {}", path.display()))?,
            )),
        })
    }

    fn commit(&mut self) -> Result<()> {
        if let Destination::File { temp, path } = self {
            if let Some(t) = temp.take() {
                t.persist(&*path)
                    .with_context(|| format!("cannot write {}", path.display()))?;
            }
        }
        Ok(())
    }
}

/// Whether two paths name the same file, ignoring `.` components (`./a/b` and `a/b`).
fn same_path(a: &Path, b: &Path) -> bool {
    let norm = |p: &Path| -> PathBuf {
        p.components()
            .filter(|c| !matches!(c, std::path::Component::CurDir))
            .collect()
    };
    norm(a) == norm(b)
}

/// Writes `bytes` to `path` through a private temporary file and a rename.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut d = Destination::open(Some(path))?;
    let mut w = d.writer()?;
    w.write_all(bytes)?;
    w.flush()?;
    drop(w);
    d.commit()
}
