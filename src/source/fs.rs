//! Files and directories. A parallel walk (the `ignore` crate) that by default scans hidden and
//! git-ignored files too, because `.env` files and build leftovers are where keys hide; skips the
//! insides of `.git` directories (history is the `git` source's job), symlinks unless asked to
//! follow them, FIFOs, sockets and devices. UTF-16 files are transcoded to UTF-8 (see `decode`)
//! rather than skipped as binary. Each worker reads small files into one reused buffer;
//! files above [`STREAM_THRESHOLD`] are scanned as a chunked stream. Walked files are deliberately
//! not memory-mapped: if another process truncates a mapped file, the kernel raises SIGBUS and the
//! whole scan would die, while a chunked read of a shrinking file just ends early and costs no
//! measurable speed for sequential scanning.

use std::io::Read;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use anyhow::Result;
use globset::{Glob, GlobSet, GlobSetBuilder};
use ignore::{WalkBuilder, WalkState};

use crate::finding::{Exposure, Origin};
use crate::messages::escape_line;
use crate::pipeline::{PathVerdict, Pipeline, SkipReason};
use crate::source::archive;
use crate::source::decode;

/// Files larger than this are scanned as a chunked stream instead of read whole.
pub const STREAM_THRESHOLD: u64 = 8 << 20;

/// What to walk and how.
#[derive(Debug, Clone)]
pub struct WalkOptions {
    /// Roots as given by the user.
    pub roots: Vec<PathBuf>,
    /// Honour .gitignore and friends.
    pub respect_gitignore: bool,
    /// Globs to skip.
    pub exclude: Vec<String>,
    /// Follow symlinks.
    pub follow: bool,
    /// Skip files larger than this.
    pub max_file_size: u64,
    /// Scan files that look binary.
    pub include_binary: bool,
    /// Worker threads.
    pub threads: usize,
    /// Paths the config allowlists (never read).
    pub allow_paths: GlobSet,
    /// Files never scanned, by (device, inode): the configuration file in use, whose custom rules'
    /// examples would otherwise report themselves.
    pub skip_files: Vec<(u64, u64)>,
    /// How archives found in the walk are opened (`depth` 0: scanned as raw bytes).
    pub archives: crate::source::archive::Limits,
}

/// The (device, inode) identity of a file, for [`WalkOptions::skip_files`].
pub fn file_id(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

/// How a root is shown: the prefix put before paths found under it.
struct Root {
    path: PathBuf,
    prefix: String,
    is_file: bool,
}

impl Root {
    fn new(path: &Path) -> Root {
        let given = path.to_string_lossy().replace('\\', "/");
        let trimmed = given.trim_start_matches("./").trim_end_matches('/');
        let is_file = path.is_file();
        let prefix = if is_file {
            trimmed.to_string()
        } else if trimmed.is_empty() || trimmed == "." || path.is_absolute() {
            String::new()
        } else {
            format!("{trimmed}/")
        };
        Root {
            path: path.to_path_buf(),
            prefix,
            is_file,
        }
    }

    /// The `/`-separated display path of `p`, relative to the scan root.
    fn display(&self, p: &Path) -> String {
        if self.is_file {
            return if self.prefix.is_empty() {
                p.to_string_lossy().into_owned()
            } else {
                self.prefix.clone()
            };
        }
        let rel = p.strip_prefix(&self.path).unwrap_or(p);
        let mut out = self.prefix.clone();
        for (i, c) in rel.components().enumerate() {
            if i > 0 {
                out.push('/');
            }
            out.push_str(&c.as_os_str().to_string_lossy());
        }
        out
    }
}

/// Walks every root and scans what it finds. Problems with single files are reported through the
/// pipeline and the walk goes on.
pub fn scan_paths(opts: &WalkOptions, pipeline: &Pipeline) -> Result<()> {
    let mut excludes = GlobSetBuilder::new();
    for g in &opts.exclude {
        excludes.add(Glob::new(g).map_err(|e| anyhow::anyhow!("invalid --exclude glob {g:?}: {e}"))?);
    }
    let excludes = excludes.build()?;
    for root_path in &opts.roots {
        if std::fs::symlink_metadata(root_path).is_err() {
            pipeline.stats.skip(SkipReason::Unreadable);
            pipeline.error(format!("{}: no such file or directory", root_path.display()));
            continue;
        }
        let root = Root::new(root_path);
        walk_root(&root, opts, &excludes, pipeline);
    }
    Ok(())
}

fn walk_root(root: &Root, opts: &WalkOptions, excludes: &GlobSet, pipeline: &Pipeline) {
    let mut builder = WalkBuilder::new(&root.path);
    builder
        .standard_filters(false)
        .hidden(false)
        .follow_links(opts.follow)
        .threads(opts.threads)
        .skip_stdout(true);
    if opts.respect_gitignore {
        builder
            .git_ignore(true)
            .git_exclude(true)
            .git_global(true)
            .ignore(true)
            .parents(true)
            .require_git(false);
    }
    builder.build_parallel().run(|| {
        let mut buf = Buffers::default();
        Box::new(move |entry| {
            let entry = match entry {
                Ok(e) => e,
                Err(err) => {
                    pipeline.stats.skip(SkipReason::Unreadable);
                    pipeline.error(walk_error(&err));
                    return WalkState::Continue;
                }
            };
            let Some(ft) = entry.file_type() else {
                return WalkState::Continue;
            };
            if ft.is_dir() {
                if entry.depth() > 0 && entry.file_name() == ".git" {
                    return WalkState::Skip;
                }
                if entry.depth() > 0 && (!excludes.is_empty() || !opts.allow_paths.is_empty()) {
                    // A trailing slash lets `vendor/**` prune the directory itself.
                    let shown = root.display(entry.path()) + "/";
                    if excludes.is_match(&shown) {
                        pipeline.stats.skip(SkipReason::Excluded);
                        return WalkState::Skip;
                    }
                    if opts.allow_paths.is_match(&shown) {
                        pipeline.stats.skip(SkipReason::Allowlisted);
                        return WalkState::Skip;
                    }
                }
                return WalkState::Continue;
            }
            if ft.is_symlink() {
                pipeline.stats.skip(SkipReason::Symlink);
                return WalkState::Continue;
            }
            if !ft.is_file() {
                pipeline.stats.skip(SkipReason::Special);
                return WalkState::Continue;
            }
            let path = entry.path();
            if !excludes.is_empty() || !opts.allow_paths.is_empty() {
                let shown = root.display(path);
                if excludes.is_match(&shown) {
                    pipeline.stats.skip(SkipReason::Excluded);
                    return WalkState::Continue;
                }
                if opts.allow_paths.is_match(&shown) {
                    pipeline.stats.skip(SkipReason::Allowlisted);
                    return WalkState::Continue;
                }
            }
            scan_file(path, root, opts, pipeline, &mut buf);
            WalkState::Continue
        })
    });
}

/// Where a file flagged by its path sits: [`Exposure::Tracked`] when the index of the git work
/// tree holding it lists it (tracked, or staged for the next commit), else
/// [`Exposure::Untracked`] (outside any work tree, untracked, or ignored: a local `.env` kept out
/// of git is the recommended practice). The index is read with gix, never by running git or its
/// hooks, and each work tree's index once per process.
pub fn path_verdict(path: &Path) -> PathVerdict {
    let abs = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let Some(top) = abs.ancestors().skip(1).find(|d| d.join(".git").exists()) else {
        return Exposure::Untracked;
    };
    let Ok(rel) = abs.strip_prefix(top) else {
        return Exposure::Untracked;
    };
    use std::os::unix::ffi::OsStrExt;
    let rel: Vec<u8> = rel
        .components()
        .map(|c| c.as_os_str().as_bytes())
        .collect::<Vec<_>>()
        .join(&b'/');
    match work_tree_index(top) {
        Some(index) if index.entry_by_path(gix::bstr::BStr::new(&rel)).is_some() => Exposure::Tracked,
        _ => Exposure::Untracked,
    }
}

/// The index of the work tree at `top`, read once per process; `None` when there is none.
fn work_tree_index(top: &Path) -> Option<gix::worktree::Index> {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static INDEXES: OnceLock<Mutex<HashMap<PathBuf, Option<gix::worktree::Index>>>> = OnceLock::new();
    let mut cache = INDEXES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    cache
        .entry(top.to_path_buf())
        .or_insert_with(|| {
            let repo = gix::open_opts(top, gix::open::Options::isolated()).ok()?;
            repo.index_or_empty().ok()
        })
        .clone()
}

fn walk_error(err: &ignore::Error) -> String {
    // The error text holds paths, which may hold newlines.
    let text = escape_line(&err.to_string()).into_owned();
    if text.contains("File system loop") {
        return format!("symlink loop: {text}");
    }
    text
}

/// One worker's reusable memory: the file's bytes, and their UTF-8 form when the file is UTF-16.
#[derive(Default)]
struct Buffers {
    raw: Vec<u8>,
    text: Vec<u8>,
}

fn scan_file(path: &Path, root: &Root, opts: &WalkOptions, pipeline: &Pipeline, bufs: &mut Buffers) {
    let Buffers { raw: buf, text } = bufs;
    let fail = |what: &str, e: std::io::Error| {
        pipeline.stats.skip(SkipReason::Unreadable);
        pipeline.error(format!("{}: {what}: {e}", escape_line(&root.display(path))));
    };
    // Non-blocking, so that a file swapped for a FIFO after the walk saw it cannot hang the open;
    // the flag changes nothing for the regular file read below.
    let mut file = match std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
    {
        Ok(f) => f,
        Err(e) => return fail("cannot open", e),
    };
    let len = match file.metadata() {
        Ok(m) => {
            use std::os::unix::fs::MetadataExt;
            if !m.is_file() {
                // Replaced by a FIFO, socket or device since the walk looked at it.
                pipeline.stats.skip(SkipReason::Special);
                return;
            }
            if !opts.skip_files.is_empty() && opts.skip_files.contains(&(m.dev(), m.ino())) {
                pipeline.stats.skip(SkipReason::Allowlisted);
                return;
            }
            m.len()
        }
        Err(e) => return fail("cannot stat", e),
    };
    let origin = || Origin::path(root.display(path));
    if pipeline.has_path_rules() {
        use std::os::unix::ffi::OsStrExt;
        pipeline.scan_path(path.as_os_str().as_bytes(), &origin, &|| path_verdict(path));
    }
    if len > opts.max_file_size {
        pipeline.stats.skip(SkipReason::TooLarge);
        return;
    }
    if len > STREAM_THRESHOLD {
        // Peek at the head for the encoding and binary tests, then stream the rest after it.
        buf.clear();
        if let Err(e) = (&mut file).take(crate::source::BINARY_SNIFF as u64).read_to_end(buf) {
            return fail("read failed", e);
        }
        if opts.archives.depth > 0 && archive::sniff(buf).is_archive() {
            // Archives are opened in memory (zip needs random access); bounded by --max-file-size.
            if let Err(e) = (&mut file).take(opts.max_file_size).read_to_end(buf) {
                return fail("read failed", e);
            }
            let name = root.display(path);
            return crate::source::scan_maybe_archive(
                pipeline,
                &name,
                buf,
                &opts.archives,
                opts.include_binary,
                &|| path_verdict(path),
            );
        }
        let utf16 = decode::sniff_utf16(buf);
        if utf16.is_none() && !opts.include_binary && crate::source::looks_binary(buf) {
            pipeline.stats.skip(SkipReason::Binary);
            return;
        }
        let head = std::io::Cursor::new(std::mem::take(buf));
        let reader = head.chain((&mut file).take(opts.max_file_size));
        let (result, reader) = match utf16 {
            Some(order) => {
                let mut text = decode::Utf16Reader::new(reader, order);
                (pipeline.scan_reader(&mut text, &origin), text.into_inner())
            }
            None => {
                let mut reader = reader;
                (pipeline.scan_reader(&mut reader, &origin), reader)
            }
        };
        if let Err(e) = result {
            fail("read failed", e);
        }
        *buf = reader.into_inner().0.into_inner();
        return;
    }
    buf.clear();
    if let Err(e) = file.take(opts.max_file_size).read_to_end(buf) {
        return fail("read failed", e);
    }
    if opts.archives.depth > 0 && archive::sniff(buf).is_archive() {
        let name = root.display(path);
        return crate::source::scan_maybe_archive(pipeline, &name, buf, &opts.archives, opts.include_binary, &|| {
            path_verdict(path)
        });
    }
    if let Some(order) = decode::sniff_utf16(buf) {
        text.clear();
        decode::transcode(buf, order, text);
        pipeline.scan_bytes(text, &origin);
        return;
    }
    if !opts.include_binary && crate::source::looks_binary(buf) {
        pipeline.stats.skip(SkipReason::Binary);
        return;
    }
    pipeline.scan_bytes(buf, &origin);
}
