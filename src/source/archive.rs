//! Archives found inside any source: the zip family (zip, jar, war, ear, whl, apk, nupkg, and any other
//! file that starts like a zip), tar, gzip (tar.gz, tgz, single-file .gz) and zstd, opened in memory and
//! nested up to a depth. Members come out as `(path, bytes)` with paths such as
//! `lib/app.jar!/config/app.properties`; nothing is ever written to disk, so member names with `..` or an
//! absolute path are only text and are reported as they are.
//!
//! The kind of an archive is told from its first bytes, never from its name. Every top-level archive gets
//! a budget (total decompressed bytes, member count) and every archive level a compression-ratio cap; an
//! archive past a limit is a bomb: it is skipped, counted in [`ArchiveOutcome::bombs`] with the reason,
//! and the walk goes on with its siblings. A corrupt or truncated archive yields what could be read, a
//! warning, and (when nothing could be read from it) its raw bytes, so no byte goes unscanned.
//! This module knows nothing of rules or reports.

use std::cell::Cell;
use std::io::{self, Cursor, Read};

use anyhow::{Context, Result};

/// Default for `--archive-depth`: three levels reach a config file in a jar in a war in an ear
/// (`app.ear!/web.war!/WEB-INF/lib/lib.jar!/config.properties`), the deepest nesting Java packaging
/// produces; deeper nesting is rare outside deliberate bombs.
pub const DEFAULT_DEPTH: u32 = 3;

/// Largest number of bytes of a member's start [`sniff`] looks at.
pub const SNIFF_LEN: usize = 512;

/// What a byte stream is, told from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `PK\x03\x04` (or an empty or spanned zip): zip, jar, war, ear, whl, apk, nupkg, docx, ...
    Zip,
    /// A POSIX or GNU tar: `ustar` at offset 257.
    Tar,
    /// gzip, `1f 8b`; possibly several members one after another.
    Gzip,
    /// zstd frame, `28 b5 2f fd`.
    Zstd,
    /// Anything else: scanned as it is.
    Other,
}

impl Kind {
    /// Whether this kind is opened as an archive (everything but [`Kind::Other`]).
    pub fn is_archive(self) -> bool {
        self != Kind::Other
    }
}

/// Tells the kind of a stream from its first bytes (up to [`SNIFF_LEN`] are used).
pub fn sniff(head: &[u8]) -> Kind {
    if head.starts_with(&[0x1f, 0x8b]) {
        Kind::Gzip
    } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        Kind::Zstd
    } else if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") || head.starts_with(b"PK\x07\x08") {
        Kind::Zip
    } else if head.len() >= 262 && &head[257..262] == b"ustar" {
        Kind::Tar
    } else {
        Kind::Other
    }
}

/// Limits that keep archive walking bounded in depth, memory and time.
#[derive(Debug, Clone)]
pub struct Limits {
    /// How many archive levels are opened: 0 turns archives off (archives are scanned as raw bytes),
    /// 1 opens an archive but not the archives inside it. A `.tar.gz` is one level.
    pub depth: u32,
    /// Total decompressed bytes for one top-level archive, all nested levels included.
    pub max_bytes: u64,
    /// Total members (files, directories, links) for one top-level archive, nested ones included.
    pub max_entries: u64,
    /// Largest ratio of decompressed to compressed bytes for one archive level ...
    pub max_ratio: u64,
    /// ... once it has produced more than this many bytes (small, very regular files compress well).
    pub ratio_grace: u64,
    /// Largest member read into memory; larger members are skipped and counted.
    pub max_member_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            depth: DEFAULT_DEPTH,
            max_bytes: 1 << 30,
            max_entries: 100_000,
            max_ratio: 100,
            ratio_grace: 16 << 20,
            max_member_bytes: 64 << 20,
        }
    }
}

/// Which limit an archive went past; the caller counts these as bombs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LimitExceeded {
    /// More decompressed bytes than [`Limits::max_bytes`].
    #[error("more than {0} decompressed bytes")]
    Bytes(u64),
    /// More members than [`Limits::max_entries`].
    #[error("more than {0} entries")]
    Entries(u64),
    /// Compression ratio above [`Limits::max_ratio`].
    #[error("compression ratio above {0}:1")]
    Ratio(u64),
    /// Zip entries that share their compressed data (a known bomb construction).
    #[error("overlapping zip entries")]
    Overlapping,
}

/// An archive skipped because it went past a limit.
#[derive(Debug, Clone)]
pub struct Bomb {
    /// Path of the archive (nested form, `a.zip!/b.zip`).
    pub path: String,
    /// The limit it went past.
    pub reason: LimitExceeded,
}

/// What a walk did: counts for the coverage report, bombs, and warnings for the messages module.
#[derive(Debug, Default)]
pub struct ArchiveOutcome {
    /// Archives opened, nested ones included.
    pub archives: u64,
    /// Members handed to the visitor.
    pub members: u64,
    /// Decompressed bytes produced.
    pub bytes: u64,
    /// Members not scanned: larger than [`Limits::max_member_bytes`], encrypted, links, devices.
    pub skipped: u64,
    /// Archives skipped for a limit.
    pub bombs: Vec<Bomb>,
    /// Archives that were corrupt or truncated, as `path: cause`.
    pub warnings: Vec<String>,
}

impl ArchiveOutcome {
    /// Adds the counts of `other` to `self`.
    pub fn merge(&mut self, other: ArchiveOutcome) {
        self.archives += other.archives;
        self.members += other.members;
        self.bytes += other.bytes;
        self.skipped += other.skipped;
        self.bombs.extend(other.bombs);
        self.warnings.extend(other.warnings);
    }
}

/// Hands `data` to `visit`: as it is when it is not an archive (or `limits.depth` is 0), else each of its
/// members, recursively, with nested paths (`name!/member`). Never fails: what cannot be read becomes a
/// warning or a bomb in the outcome.
pub fn walk(name: &str, data: &[u8], limits: &Limits, visit: &mut dyn FnMut(&str, &[u8])) -> ArchiveOutcome {
    let kind = sniff(data);
    if limits.depth == 0 || !kind.is_archive() {
        visit(name, data);
        return ArchiveOutcome {
            members: 1,
            ..ArchiveOutcome::default()
        };
    }
    let global = Global {
        bytes_left: Cell::new(limits.max_bytes),
        entries_left: Cell::new(limits.max_entries),
        tripped: Cell::new(None),
    };
    let mut walker = Walker {
        limits,
        global: &global,
        out: ArchiveOutcome::default(),
        visit,
    };
    walker.member(name, data, limits.depth);
    walker.out
}

/// Budget shared by all levels of one top-level archive.
struct Global {
    bytes_left: Cell<u64>,
    entries_left: Cell<u64>,
    tripped: Cell<Option<LimitExceeded>>,
}

/// Budget of one archive level: its ratio cap.
struct Level {
    bytes_left: Cell<u64>,
    tripped: Cell<Option<LimitExceeded>>,
}

impl Level {
    fn new(limits: &Limits, compressed: u64) -> Self {
        let cap = limits.max_ratio.saturating_mul(compressed).max(limits.ratio_grace);
        Level {
            bytes_left: Cell::new(cap),
            tripped: Cell::new(None),
        }
    }
}

/// A reader that charges what it yields to a level and to the global budget, failing past either.
struct Meter<'b, R> {
    inner: R,
    level: &'b Level,
    global: &'b Global,
    ratio: u64,
}

impl<R: Read> Read for Meter<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let n64 = n as u64;
        if n64 > self.global.bytes_left.get() {
            self.global.tripped.set(Some(LimitExceeded::Bytes(0)));
            return Err(io::Error::other("archive limit reached"));
        }
        if n64 > self.level.bytes_left.get() {
            self.level.tripped.set(Some(LimitExceeded::Ratio(self.ratio)));
            return Err(io::Error::other("archive ratio limit reached"));
        }
        self.global.bytes_left.set(self.global.bytes_left.get() - n64);
        self.level.bytes_left.set(self.level.bytes_left.get() - n64);
        Ok(n)
    }
}

/// Why opening one archive stopped early.
enum Stop {
    /// A limit of this level or of the whole walk.
    Limit(LimitExceeded),
    /// Corrupt or truncated input.
    Error(anyhow::Error),
}

impl From<anyhow::Error> for Stop {
    fn from(e: anyhow::Error) -> Self {
        Stop::Error(e)
    }
}

struct Walker<'a, 'v> {
    limits: &'a Limits,
    global: &'a Global,
    out: ArchiveOutcome,
    visit: &'v mut dyn FnMut(&str, &[u8]),
}

impl Walker<'_, '_> {
    /// One member (or the top-level input): opened when it is an archive and depth is left, else visited.
    fn member(&mut self, path: &str, data: &[u8], depth: u32) {
        let kind = sniff(data);
        if depth == 0 || !kind.is_archive() {
            self.out.members += 1;
            (self.visit)(path, data);
            return;
        }
        if self.global.tripped.get().is_some() {
            return;
        }
        self.out.archives += 1;
        let members_before = self.out.members;
        let level = Level::new(self.limits, data.len() as u64);
        let result = match kind {
            Kind::Zip => self.zip(path, data, depth, &level),
            _ => self.stream(path, kind, data, depth, &level),
        };
        match result {
            Ok(()) => {}
            Err(Stop::Limit(reason)) => self.bomb(path, reason, depth),
            Err(Stop::Error(e)) => {
                // The global budget may have tripped under a decoder that rewrapped our error.
                if let Some(reason) = self.tripped(&level) {
                    self.bomb(path, reason, depth);
                    return;
                }
                self.out.warnings.push(format!("{path}: {e:#}"));
                if self.out.members == members_before {
                    // Nothing came out of it: scan the raw bytes rather than nothing.
                    self.out.members += 1;
                    (self.visit)(path, data);
                }
            }
        }
    }

    /// Records a bomb; a trip of the whole walk's budget is recorded once, on the top-level archive.
    fn bomb(&mut self, path: &str, reason: LimitExceeded, depth: u32) {
        if self.global.tripped.get().is_some() && depth != self.limits.depth {
            return;
        }
        let reason = match reason {
            LimitExceeded::Bytes(_) => LimitExceeded::Bytes(self.limits.max_bytes),
            r => r,
        };
        self.out.bombs.push(Bomb {
            path: path.to_string(),
            reason,
        });
    }

    /// The limit that stopped this level, if one did.
    fn tripped(&self, level: &Level) -> Option<LimitExceeded> {
        self.global.tripped.get().or(level.tripped.get())
    }

    /// Charges one member to the entry budget.
    fn entry(&mut self) -> Result<(), Stop> {
        let left = self.global.entries_left.get();
        if left == 0 {
            self.global
                .tripped
                .set(Some(LimitExceeded::Entries(self.limits.max_entries)));
            return Err(Stop::Limit(LimitExceeded::Entries(self.limits.max_entries)));
        }
        self.global.entries_left.set(left - 1);
        Ok(())
    }

    fn zip(&mut self, path: &str, data: &[u8], depth: u32, level: &Level) -> Result<(), Stop> {
        let mut zip = zip::ZipArchive::new(Cursor::new(data)).context("not a readable zip")?;
        // The central directory states counts and sizes: refuse a bomb before reading any of it.
        if zip.len() as u64 > self.global.entries_left.get() {
            return Err(Stop::Limit(LimitExceeded::Entries(self.limits.max_entries)));
        }
        let declared = zip.decompressed_size().unwrap_or(0);
        if declared > u128::from(self.global.bytes_left.get()) {
            return Err(Stop::Limit(LimitExceeded::Bytes(self.limits.max_bytes)));
        }
        if declared > u128::from(level.bytes_left.get()) {
            return Err(Stop::Limit(LimitExceeded::Ratio(self.limits.max_ratio)));
        }
        if zip.has_overlapping_files().unwrap_or(false) {
            return Err(Stop::Limit(LimitExceeded::Overlapping));
        }
        let mut buf = Vec::new();
        for i in 0..zip.len() {
            self.entry()?;
            let member_name = zip.name_for_index(i).unwrap_or("?").to_string();
            let mut file = match zip.by_index(i) {
                Ok(f) => f,
                Err(e) => {
                    // Encrypted or unsupported method: this member only.
                    self.out.skipped += 1;
                    let name = member_name;
                    self.out
                        .warnings
                        .push(format!("{path}!/{name}: cannot read member: {e}"));
                    continue;
                }
            };
            if !file.is_file() {
                if !file.is_dir() {
                    self.out.skipped += 1;
                }
                continue;
            }
            let name = format!("{path}!/{}", file.name());
            if file.size() > self.limits.max_member_bytes {
                self.out.skipped += 1;
                continue;
            }
            buf.clear();
            let meter = Meter {
                inner: &mut file,
                level,
                global: self.global,
                ratio: self.limits.max_ratio,
            };
            let read = meter.take(self.limits.max_member_bytes + 1).read_to_end(&mut buf);
            if let Some(reason) = self.tripped(level) {
                return Err(Stop::Limit(reason));
            }
            if let Err(e) = read {
                self.out.warnings.push(format!("{name}: corrupt zip member: {e}"));
                continue;
            }
            if buf.len() as u64 > self.limits.max_member_bytes {
                // The stated size lied.
                self.out.skipped += 1;
                continue;
            }
            self.out.bytes += buf.len() as u64;
            drop(file);
            self.member(&name, &buf, depth - 1);
            if let Some(reason) = self.global.tripped.get() {
                return Err(Stop::Limit(reason));
            }
        }
        Ok(())
    }

    /// tar, gzip and zstd: read as a stream; a compressed tar is one level (`x.tar.gz!/etc/passwd`).
    fn stream(&mut self, path: &str, kind: Kind, data: &[u8], depth: u32, level: &Level) -> Result<(), Stop> {
        let decoded: Box<dyn Read + '_> = match kind {
            Kind::Tar => return self.tar(path, Box::new(data), depth),
            Kind::Gzip => Box::new(flate2::read::MultiGzDecoder::new(data)),
            Kind::Zstd => {
                Box::new(zstd::stream::read::Decoder::with_buffer(data).context("cannot start zstd decoder")?)
            }
            Kind::Zip | Kind::Other => unreachable!("handled by member()"),
        };
        let mut meter = Meter {
            inner: decoded,
            level,
            global: self.global,
            ratio: self.limits.max_ratio,
        };
        let mut head = Vec::with_capacity(SNIFF_LEN);
        let peeked = (&mut meter).take(SNIFF_LEN as u64).read_to_end(&mut head);
        if let Some(reason) = self.tripped(level) {
            return Err(Stop::Limit(reason));
        }
        peeked.with_context(|| format!("corrupt {kind:?} stream"))?;
        let rest = Cursor::new(head).chain(meter);
        if sniff_tar(rest.get_ref().0.get_ref()) {
            let r = self.tar(path, Box::new(rest), depth);
            return match r {
                Err(Stop::Error(e)) => match self.tripped(level) {
                    Some(reason) => Err(Stop::Limit(reason)),
                    None => Err(Stop::Error(e)),
                },
                r => r,
            };
        }
        // A single compressed file: `app.log.gz!/app.log`.
        self.entry()?;
        let mut buf = Vec::new();
        let read = rest.take(self.limits.max_member_bytes + 1).read_to_end(&mut buf);
        if let Some(reason) = self.tripped(level) {
            return Err(Stop::Limit(reason));
        }
        read.with_context(|| format!("corrupt {kind:?} stream"))?;
        if buf.len() as u64 > self.limits.max_member_bytes {
            self.out.skipped += 1;
            return Ok(());
        }
        self.out.bytes += buf.len() as u64;
        let name = format!("{path}!/{}", inner_name(path));
        self.member(&name, &buf, depth - 1);
        Ok(())
    }

    fn tar(&mut self, path: &str, reader: Box<dyn Read + '_>, depth: u32) -> Result<(), Stop> {
        let mut archive = tar::Archive::new(reader);
        let mut buf = Vec::new();
        let entries = archive.entries().context("not a readable tar")?;
        for entry in entries {
            let mut entry = entry.context("truncated or corrupt tar")?;
            self.entry()?;
            let kind = entry.header().entry_type();
            if !(kind.is_file() || kind == tar::EntryType::GNUSparse) {
                if !kind.is_dir() && !kind.is_pax_global_extensions() {
                    self.out.skipped += 1;
                }
                continue;
            }
            let name = format!("{path}!/{}", String::from_utf8_lossy(&entry.path_bytes()));
            let size = entry.size();
            if size > self.limits.max_member_bytes {
                self.out.skipped += 1;
                continue;
            }
            buf.clear();
            // Never trust the header for an allocation: it may claim anything.
            buf.reserve(size.min(1 << 20) as usize);
            (&mut entry)
                .take(self.limits.max_member_bytes)
                .read_to_end(&mut buf)
                .with_context(|| format!("truncated tar member {name}"))?;
            self.out.bytes += buf.len() as u64;
            self.member(&name, &buf, depth - 1);
            if let Some(reason) = self.global.tripped.get() {
                return Err(Stop::Limit(reason));
            }
        }
        Ok(())
    }
}

/// Whether a decompressed stream's start is a tar.
fn sniff_tar(head: &[u8]) -> bool {
    sniff(head) == Kind::Tar
}

/// Name of the single file inside `path` when it is a compressed file: `a/app.log.gz` -> `app.log`,
/// `x.tgz` -> `x.tar`.
fn inner_name(path: &str) -> String {
    let base = path.rsplit(['/', '!']).next().unwrap_or(path);
    for (ext, repl) in [(".tgz", ".tar"), (".gz", ""), (".zst", ""), (".zstd", "")] {
        if let Some(stem) = base.strip_suffix(ext) {
            if !stem.is_empty() {
                return format!("{stem}{repl}");
            }
        }
    }
    base.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A token shape assembled at run time so the source holds no real-looking secret.
    fn token() -> String {
        ["AKIA", "Z3Q7", "EXAMPLE", "0LEAK"].concat()
    }

    fn tar_of(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut b = tar::Builder::new(Vec::new());
        for (name, data) in files {
            let mut h = tar::Header::new_gnu();
            h.set_size(data.len() as u64);
            h.set_mode(0o644);
            h.set_entry_type(tar::EntryType::Regular);
            b.append_data(&mut h, name, *data).unwrap();
        }
        b.into_inner().unwrap()
    }

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn zst(data: &[u8]) -> Vec<u8> {
        zstd::stream::encode_all(data, 1).unwrap()
    }

    fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in files {
            w.start_file(*name, opts).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    fn collect(name: &str, data: &[u8], limits: &Limits) -> (Vec<(String, Vec<u8>)>, ArchiveOutcome) {
        let mut seen = Vec::new();
        let out = walk(name, data, limits, &mut |p, d| seen.push((p.to_string(), d.to_vec())));
        (seen, out)
    }

    fn find<'a>(seen: &'a [(String, Vec<u8>)], path: &str) -> &'a [u8] {
        &seen
            .iter()
            .find(|(p, _)| p == path)
            .unwrap_or_else(|| panic!("{path} not in {:?}", seen.iter().map(|s| &s.0).collect::<Vec<_>>()))
            .1
    }

    #[test]
    fn sniffs_magic_bytes() {
        assert_eq!(sniff(&gz(b"x")), Kind::Gzip);
        assert_eq!(sniff(&zst(b"x")), Kind::Zstd);
        assert_eq!(sniff(&zip_of(&[("a", b"x")])), Kind::Zip);
        assert_eq!(sniff(&tar_of(&[("a", b"x")])), Kind::Tar);
        assert_eq!(sniff(b"plain text"), Kind::Other);
        assert_eq!(sniff(b""), Kind::Other);
    }

    #[test]
    fn nested_jar_in_zip() {
        let secret = format!("aws_key={}", token());
        let jar = zip_of(&[("config/app.properties", secret.as_bytes())]);
        let outer = zip_of(&[("lib/app.jar", &jar), ("README", b"hello")]);
        let (seen, out) = collect("dist.zip", &outer, &Limits::default());
        assert_eq!(
            find(&seen, "dist.zip!/lib/app.jar!/config/app.properties"),
            secret.as_bytes()
        );
        assert_eq!(find(&seen, "dist.zip!/README"), b"hello");
        assert_eq!(out.archives, 2);
        assert!(out.bombs.is_empty() && out.warnings.is_empty());
    }

    #[test]
    fn depth_limits_nesting_and_zero_turns_archives_off() {
        let jar = zip_of(&[("c.properties", b"k=v")]);
        let outer = zip_of(&[("app.jar", &jar)]);
        let one = Limits {
            depth: 1,
            ..Limits::default()
        };
        let (seen, _) = collect("o.zip", &outer, &one);
        assert_eq!(find(&seen, "o.zip!/app.jar"), &jar[..]);
        let off = Limits {
            depth: 0,
            ..Limits::default()
        };
        let (seen, out) = collect("o.zip", &outer, &off);
        assert_eq!(seen.len(), 1);
        assert_eq!(out.archives, 0);
    }

    #[test]
    fn gz_inside_tar_and_tgz_and_zst() {
        let secret = token();
        let tar = tar_of(&[("logs/app.log.gz", &gz(secret.as_bytes())), ("etc/x", b"y")]);
        let (seen, _) = collect("bundle.tar", &tar, &Limits::default());
        assert_eq!(find(&seen, "bundle.tar!/logs/app.log.gz!/app.log"), secret.as_bytes());

        let (seen, out) = collect("b.tgz", &gz(&tar), &Limits::default());
        assert_eq!(find(&seen, "b.tgz!/logs/app.log.gz!/app.log"), secret.as_bytes());
        assert_eq!(out.archives, 2, "a tgz is one level, the gz inside it another");

        let (seen, _) = collect("b.tar.zst", &zst(&tar), &Limits::default());
        assert_eq!(find(&seen, "b.tar.zst!/logs/app.log.gz!/app.log"), secret.as_bytes());
        let (seen, _) = collect("notes.zst", &zst(b"text"), &Limits::default());
        assert_eq!(find(&seen, "notes.zst!/notes"), b"text");
    }

    #[test]
    fn zip_bomb_by_ratio_is_skipped_and_counted() {
        let zeros = vec![0u8; 40 << 20];
        let bomb = zip_of(&[("zeros.bin", &zeros)]);
        assert!(bomb.len() < 1 << 20);
        let (seen, out) = collect("bomb.zip", &bomb, &Limits::default());
        assert!(seen.is_empty());
        assert_eq!(out.bombs.len(), 1);
        assert_eq!(out.bombs[0].reason, LimitExceeded::Ratio(100));
    }

    #[test]
    fn zip_bomb_by_entry_count_is_skipped() {
        let names: Vec<String> = (0..50).map(|i| format!("f{i}")).collect();
        let files: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b"x"[..])).collect();
        let z = zip_of(&files);
        let limits = Limits {
            max_entries: 10,
            ..Limits::default()
        };
        let (seen, out) = collect("many.zip", &z, &limits);
        assert!(seen.is_empty());
        assert_eq!(out.bombs[0].reason, LimitExceeded::Entries(10));
    }

    #[test]
    fn nested_bomb_is_skipped_but_siblings_are_scanned() {
        let zeros = vec![0u8; 40 << 20];
        let inner = zip_of(&[("zeros.bin", &zeros)]);
        // Outer archive is big enough that its own ratio budget would allow the inner's output.
        let outer = zip_of(&[("bomb.zip", &inner), ("ok.txt", b"fine")]);
        let limits = Limits {
            ratio_grace: 1 << 20,
            ..Limits::default()
        };
        let (seen, out) = collect("o.zip", &outer, &limits);
        assert_eq!(find(&seen, "o.zip!/ok.txt"), b"fine");
        assert_eq!(out.bombs.len(), 1);
        assert_eq!(out.bombs[0].path, "o.zip!/bomb.zip");
    }

    #[test]
    fn gzip_bomb_stops_while_streaming() {
        let zeros = vec![0u8; 64 << 20];
        let bomb = gz(&zeros);
        let (seen, out) = collect("z.gz", &bomb, &Limits::default());
        assert!(seen.is_empty());
        assert_eq!(out.bombs.len(), 1);
        // Total budget trips too.
        let limits = Limits {
            max_bytes: 1 << 20,
            max_ratio: u64::MAX,
            ..Limits::default()
        };
        let (_, out) = collect("z.gz", &bomb, &limits);
        assert_eq!(out.bombs[0].reason, LimitExceeded::Bytes(1 << 20));
    }

    #[test]
    fn corrupt_and_truncated_inputs_warn_and_keep_what_was_read() {
        let tar = tar_of(&[("a.txt", b"first"), ("b.txt", &vec![b'b'; 4096])]);
        let cut = &tar[..1024 + 100];
        let (seen, out) = collect("t.tar", cut, &Limits::default());
        assert_eq!(find(&seen, "t.tar!/a.txt"), b"first");
        assert_eq!(out.warnings.len(), 1, "{:?}", out.warnings);

        let mut bad = gz(b"some text that is long enough to be compressed");
        let n = bad.len();
        bad[n / 2] ^= 0xff;
        bad.truncate(n - 4);
        let (seen, out) = collect("bad.gz", &bad, &Limits::default());
        assert_eq!(out.warnings.len(), 1);
        assert_eq!(seen.len(), 1, "raw bytes are scanned when nothing could be read");

        let mut z = zip_of(&[("a", b"x")]);
        z.truncate(20);
        let (seen, out) = collect("bad.zip", &z, &Limits::default());
        assert_eq!(out.warnings.len(), 1);
        assert_eq!(seen[0].0, "bad.zip");
    }

    #[test]
    fn member_names_are_reported_as_they_are() {
        let mut b = tar::Builder::new(Vec::new());
        let mut h = tar::Header::new_gnu();
        h.set_size(3);
        h.set_entry_type(tar::EntryType::Regular);
        // Builder refuses `..`; write the name field by hand, as a hostile archive would.
        h.as_gnu_mut().unwrap().name[..13].copy_from_slice(b"../../etc/pwn");
        h.set_cksum();
        b.append(&h, &b"abc"[..]).unwrap();
        let data = b.into_inner().unwrap();
        let (seen, _) = collect("evil.tar", &data, &Limits::default());
        assert_eq!(find(&seen, "evil.tar!/../../etc/pwn"), b"abc");
    }

    #[test]
    fn absurd_header_size_is_skipped_not_allocated() {
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(tar::EntryType::Regular);
        h.set_path("huge").unwrap();
        h.set_size(1 << 40);
        h.set_cksum();
        let mut data = h.as_bytes().to_vec();
        data.extend_from_slice(&[0u8; 2048]);
        let (seen, out) = collect("h.tar", &data, &Limits::default());
        assert_eq!(out.skipped, 1);
        assert_eq!(out.warnings.len(), 1, "the claimed data is missing: a warning");
        assert_eq!(seen.len(), 1, "nothing came out, so the raw bytes are scanned");
        assert_eq!(seen[0].0, "h.tar");
    }

    #[test]
    fn inner_names() {
        assert_eq!(inner_name("a/app.log.gz"), "app.log");
        assert_eq!(inner_name("x.tgz"), "x.tar");
        assert_eq!(inner_name("o.zip!/d/n.zst"), "n");
        assert_eq!(inner_name(".gz"), ".gz");
    }
}
