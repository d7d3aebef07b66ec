//! Git source: reads the blobs of a repository's history and says where each one came from.
//!
//! This module owns everything leakhound knows about git and nothing about rules or reports. It
//! hands every unique blob to a visitor exactly once (in parallel), then answers, for the blobs the
//! visitor kept, where they appear: the commit that introduced them at a path, whether HEAD still
//! has them, and which ref reaches them. Three modes:
//!
//! * **full history**: every blob in the object database (all packs and loose objects, reachable or
//!   not). Packs are decoded with a delta tree in pack order so each object is inflated once; blobs
//!   (and commit and tag objects, whose messages are scanned too) are decoded in a first pass,
//!   trees and commits for provenance only in a second pass, and only if some blob was kept.
//!   Provenance then comes from the tree edges that lead to kept blobs, so memory stays bounded by
//!   the number of trees, not by their entries. Blobs over the size limit are recognised from pack
//!   entry headers (delta result sizes from the first inflated bytes of a delta) and loose object
//!   headers, and never inflated.
//! * **staged**: the index against HEAD's tree (an unborn HEAD is an empty tree).
//! * **range** `BASE..HEAD`: the commits reachable from HEAD and not from BASE, each diffed against
//!   its parents; merges count only what is new against every parent.
//!
//! In staged and range modes every appearance carries the 1-based lines its change added; a
//! finding outside them is not new and must be dropped by the caller.
//!
//! [`scan_into`] connects it to the scan pipeline: the pipeline decides which blobs (and messages)
//! have findings, and those few are scanned again once their origins are known. It reads blobs as
//! `dir` reads files: archives are opened and UTF-16 text transcoded.
//!
//! The `git` binary is never run.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use anyhow::{anyhow, bail, Context, Result};
use gix::bstr::{BString, ByteSlice};
use gix::odb::pack;
use gix::{oid, ObjectId};

use crate::finding::{GitProvenance, Origin};
use crate::pipeline::{Pipeline, Placement};

/// Maps keyed by object id, hashed by a prefix of the id (ids are already uniformly random).
type IdMap<V> = gix::hashtable::HashMap<ObjectId, V>;
/// Sets of object ids.
type IdSet = gix::hashtable::HashSet<ObjectId>;

/// What part of the repository to read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum GitMode {
    /// Every blob in the object database.
    #[default]
    Full,
    /// The staged content (the index) against HEAD.
    Staged,
    /// The commits reachable from `head` and not from `base` (`base..head`).
    Range {
        /// The revision whose history is already known to be clean.
        base: String,
        /// The revision to scan up to, usually `HEAD`.
        head: String,
    },
}

/// Settings for [`scan_git`].
#[derive(Debug, Clone)]
pub struct GitOptions {
    /// Which blobs to read.
    pub mode: GitMode,
    /// Scan a shallow clone in full-history mode instead of failing; coverage is then incomplete.
    pub allow_shallow: bool,
    /// Blobs larger than this many bytes are counted as skipped and not handed to the visitor.
    pub max_blob_size: u64,
    /// Worker threads; 0 means one per core.
    pub threads: usize,
}

impl Default for GitOptions {
    fn default() -> Self {
        GitOptions {
            mode: GitMode::Full,
            allow_shallow: false,
            max_blob_size: 50 * 1024 * 1024,
            threads: 0,
        }
    }
}

/// What was read, so a report can say how much of the repository a clean result covers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Coverage {
    /// Commits covered: all commit objects in full mode, the commits of the range in range mode.
    pub commits: u64,
    /// References (branches, tags, remotes, ...) in the repository.
    pub refs: u64,
    /// Unique blobs handed to the visitor.
    pub blobs_scanned: u64,
    /// Bytes of those blobs.
    pub bytes_scanned: u64,
    /// Bytes inflated from the object database (all object kinds, deltas resolved).
    pub bytes_decompressed: u64,
    /// Unique blobs not scanned, by reason (`too-large`, `unreadable`).
    pub blobs_skipped: BTreeMap<String, u64>,
    /// Paths of submodules (gitlinks) seen at HEAD or in the change set; their content is not scanned.
    pub submodules: Vec<String>,
    /// Problems that did not stop the scan (corrupt pack, missing object); each makes coverage incomplete.
    pub errors: Vec<String>,
    /// The repository is a shallow clone.
    pub shallow: bool,
    /// The repository is a partial clone (it has a promisor remote): objects that were never
    /// fetched are not local, so a full-history scan cannot read them.
    pub partial: bool,
    /// Everything that should have been read was read.
    pub complete: bool,
    /// Full-history mode found no commits (a repository just created): there was no history to
    /// read, so a clean result covers nothing of it.
    pub no_commits: bool,
}

/// A commit, as shown with a finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitInfo {
    /// Full hex id.
    pub id: String,
    /// Author name.
    pub author: String,
    /// Author email.
    pub email: String,
    /// Author time, seconds since the Unix epoch.
    pub time: i64,
    /// Author time as ISO 8601 in UTC (`2024-01-31T12:00:00Z`).
    pub date: String,
    /// First line of the message.
    pub summary: String,
}

/// How a commit is reachable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    /// From HEAD (the checked-out or default branch).
    Head,
    /// Not from HEAD, but from this ref (full name, e.g. `refs/heads/feature`).
    Ref(String),
    /// From no ref at all (a dangling commit, only in reflogs or stashes...).
    Unreferenced,
    /// Not a commit: the staged index.
    Index,
}

/// One place where a blob appears: introduced by `commit` at `path`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appearance {
    /// The commit that introduced the blob at this path; `None` for staged content.
    pub commit: Option<Arc<CommitInfo>>,
    /// Path within the repository, `/`-separated.
    pub path: String,
    /// HEAD's tree has this very blob at this path.
    pub in_head: bool,
    /// Which ref reaches `commit`.
    pub reach: Reach,
    /// In staged and range modes: only findings on these lines are new.
    pub added_lines: Option<LineSet>,
}

/// A set of 1-based line numbers, stored as sorted, disjoint, inclusive ranges.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineSet(Vec<(u32, u32)>);

impl LineSet {
    /// Whether `line` (1-based) is in the set.
    pub fn contains(&self, line: u32) -> bool {
        let i = self.0.partition_point(|&(_, end)| end < line);
        self.0.get(i).is_some_and(|&(start, _)| start <= line)
    }

    /// Whether every line of `first..=last` is in the set.
    pub fn contains_all(&self, first: u32, last: u32) -> bool {
        let i = self.0.partition_point(|&(_, end)| end < first);
        self.0.get(i).is_some_and(|&(start, end)| start <= first && last <= end)
    }

    /// Whether no line is in the set.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The inclusive ranges.
    pub fn ranges(&self) -> &[(u32, u32)] {
        &self.0
    }

    /// The lines in both sets.
    fn intersect(&self, other: &LineSet) -> LineSet {
        let (mut i, mut j, mut out) = (0, 0, Vec::new());
        while i < self.0.len() && j < other.0.len() {
            let (a, b) = (self.0[i], other.0[j]);
            let (lo, hi) = (a.0.max(b.0), a.1.min(b.1));
            if lo <= hi {
                out.push((lo, hi));
            }
            if a.1 < b.1 {
                i += 1;
            } else {
                j += 1;
            }
        }
        LineSet(out)
    }
}

/// The lines of `new` that a line diff against `old` marks as added or changed.
pub fn added_lines(old: &[u8], new: &[u8]) -> LineSet {
    use gix::diff::blob::{Algorithm, Diff, InternedInput};
    let input = InternedInput::new(old, new);
    let mut diff = Diff::compute(Algorithm::Histogram, &input);
    diff.postprocess_lines(&input);
    let mut out: Vec<(u32, u32)> = Vec::new();
    for hunk in diff.hunks() {
        if hunk.after.is_empty() {
            continue;
        }
        let (start, end) = (hunk.after.start + 1, hunk.after.end);
        match out.last_mut() {
            Some(last) if last.1 + 1 >= start => last.1 = end,
            _ => out.push((start, end)),
        }
    }
    LineSet(out)
}

/// What the visitor decided about a blob.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Scanned, and it matters (it has findings): work out where it appears.
    Keep,
    /// Scanned, nothing to report.
    Drop,
    /// Not scanned, for this reason (counted in [`Coverage::blobs_skipped`]).
    Skip(&'static str),
}

/// The visitor: called once per unique blob with its id and content, from several threads.
/// Only blobs it keeps get [`Appearance`]s.
pub type Visit<'a> = dyn Fn(&oid, &[u8]) -> Verdict + Sync + 'a;

/// Called with a commit's or an annotated tag's id and message (full-history mode: every commit
/// and tag object; range mode: the range's commits); returns whether to keep it (it has findings).
pub type VisitMessage<'a> = dyn Fn(&oid, &[u8]) -> bool + Sync + 'a;

/// Which object a kept message belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MessageKind {
    /// A commit message.
    Commit,
    /// An annotated tag's message.
    Tag,
}

/// The message part of a raw commit or tag object: what follows the first empty line, without
/// a tag's trailing signature block.
pub fn message_of(kind: MessageKind, data: &[u8]) -> &[u8] {
    let Some(start) = data.find(b"\n\n").map(|i| i + 2) else {
        return &[];
    };
    let message = &data[start..];
    if kind == MessageKind::Tag {
        for marker in [&b"-----BEGIN PGP SIGNATURE-----"[..], b"-----BEGIN SSH SIGNATURE-----"] {
            if let Some(at) = message.find(marker).filter(|&at| at == 0 || message[at - 1] == b'\n') {
                return &message[..at];
            }
        }
    }
    message
}

/// A kept commit or tag message, with what a finding in it shows.
#[derive(Debug, Clone)]
pub struct MessageOrigin {
    /// The message text (line 1 is the subject).
    pub text: Vec<u8>,
    /// The path-like label reports show: `commit:<id>` or `tag:<name>`.
    pub label: String,
    /// Provenance: the commit (or, for a tag, its tagger), `blob` set to the object's id.
    pub provenance: GitProvenance,
}

/// The outcome of [`scan_git`]: coverage, and where each kept blob appears.
pub struct GitScan {
    /// What was read.
    pub coverage: Coverage,
    appearances: HashMap<ObjectId, Vec<Appearance>>,
    kept: Vec<ObjectId>,
    messages: Vec<(ObjectId, MessageKind)>,
    repo: gix::ThreadSafeRepository,
    head_tree: Option<ObjectId>,
    /// `--staged`: the paths the index adds or changes against HEAD (for path rules).
    staged_paths: Vec<String>,
}

impl std::fmt::Debug for GitScan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GitScan")
            .field("coverage", &self.coverage)
            .field("appearances", &self.appearances)
            .finish_non_exhaustive()
    }
}

impl GitScan {
    /// The blobs the visitor kept, in id order.
    pub fn kept(&self) -> &[ObjectId] {
        &self.kept
    }

    /// Reads a blob's content again (for the few kept blobs).
    pub fn read_blob(&self, id: &oid) -> Result<Vec<u8>> {
        let repo = self.repo.to_thread_local();
        let blob = repo.find_blob(id).with_context(|| format!("reading blob {id}"))?;
        Ok(blob.detach().data)
    }

    /// True for a bare repository (a server's copy or a mirror).
    pub fn is_bare(&self) -> bool {
        self.repo.to_thread_local().is_bare()
    }

    /// Where a kept blob appears, first introductions first. Empty for a blob no commit reaches
    /// (a dangling blob): report it without a commit.
    pub fn appearances(&self, blob: &oid) -> &[Appearance] {
        self.appearances.get(blob).map_or(&[], Vec::as_slice)
    }

    /// Every commit that has left this machine: reachable from a remote-tracking ref
    /// (`refs/remotes/*`) or from a ref only a hosting service writes (`refs/pull/*`,
    /// `refs/merge-requests/*`, fetched by mirrors). Empty when there is no such ref. (In a bare
    /// repository every ref counts; [`scan_into`] does not walk for that.)
    pub fn remote_reachable(&self) -> Result<std::collections::HashSet<ObjectId>> {
        let repo = self.repo.to_thread_local();
        let prefixes = ["refs/remotes/", "refs/pull/", "refs/merge-requests/"];
        let mut tips = Vec::new();
        let refs = repo.references().context("listing refs")?;
        for prefix in prefixes {
            for r in refs.prefixed(prefix).context("listing remote refs")? {
                let Ok(mut r) = r else { continue };
                if let Ok(id) = r.peel_to_id() {
                    if let Ok(obj) = repo.find_object(id) {
                        if obj.kind == gix::object::Kind::Commit {
                            tips.push(id.detach());
                        }
                    }
                }
            }
        }
        let mut out = std::collections::HashSet::new();
        if tips.is_empty() {
            return Ok(out);
        }
        for info in repo.rev_walk(tips).all().context("walking remote-tracking history")? {
            out.insert(info.context("walking remote-tracking history")?.id);
        }
        Ok(out)
    }

    /// Every file path in HEAD's tree (`/`-separated): what is tracked now, for rules that flag a
    /// file by its path alone.
    pub fn head_paths(&self) -> Result<Vec<String>> {
        let Some(tree) = self.head_tree else {
            return Ok(Vec::new());
        };
        let repo = self.repo.to_thread_local();
        let mut out = Vec::new();
        walk_tree(&repo, tree, &mut |path, mode, _| {
            if mode.is_blob_or_symlink() {
                out.push(path.to_string());
            }
        })
        .context("walking HEAD's tree")?;
        Ok(out)
    }

    /// The commit and tag messages the message visitor kept, in id order.
    pub fn messages(&self) -> &[(ObjectId, MessageKind)] {
        &self.messages
    }

    /// Reads a kept message again with what a finding in it shows. `reach` says how the commit
    /// (for a tag message: nothing) is reachable; see [`GitScan::reach_of`].
    pub fn message_origin(&self, id: &oid, kind: MessageKind, reach: Option<&Reach>) -> Result<MessageOrigin> {
        let repo = self.repo.to_thread_local();
        let object = repo.find_object(id).with_context(|| format!("reading {id}"))?;
        let text = message_of(kind, &object.data).to_vec();
        let mut provenance = GitProvenance {
            blob: id.to_string(),
            message: Some(match kind {
                MessageKind::Commit => "commit".into(),
                MessageKind::Tag => "tag".into(),
            }),
            ..GitProvenance::default()
        };
        let label = match kind {
            MessageKind::Commit => {
                let info = commit_info(&repo, id)?;
                provenance.commit = Some(info.id.clone());
                provenance.author = Some(info.author);
                provenance.email = Some(info.email);
                provenance.date = Some(info.date);
                provenance.summary = Some(info.summary);
                // A commit message cannot be deleted from the history HEAD shows.
                provenance.in_head = matches!(reach, Some(Reach::Head));
                if let Some(Reach::Ref(name)) = reach {
                    provenance.ref_name = Some(name.clone());
                }
                format!("commit:{id}")
            }
            MessageKind::Tag => {
                let tag = gix::objs::TagRef::from_bytes(&object.data, repo.object_hash())
                    .map_err(|err| anyhow!("{err}"))
                    .with_context(|| format!("parsing tag {id}"))?;
                let name = tag.name.to_str_lossy().into_owned();
                if let Some(tagger) = tag.tagger().ok().flatten() {
                    let time = tagger.time().map(|t| t.seconds).unwrap_or(0);
                    provenance.author = Some(tagger.name.to_str_lossy().into_owned());
                    provenance.email = Some(tagger.email.to_str_lossy().into_owned());
                    provenance.date = Some(iso8601(time));
                }
                provenance.summary = text.lines().next().map(|l| l.to_str_lossy().trim_end().to_owned());
                provenance.ref_name = Some(format!("refs/tags/{name}"));
                format!("tag:{name}")
            }
        };
        Ok(MessageOrigin {
            text,
            label,
            provenance,
        })
    }

    /// How each of `commits` is reachable: from HEAD, else from the first ref (branches, then
    /// tags, remote-tracking refs, the rest) that reaches it, else from none. Walks no further
    /// than needed to place them all.
    pub fn reach_of(&self, commits: &[ObjectId]) -> Result<HashMap<ObjectId, Reach>> {
        let repo = self.repo.to_thread_local();
        let mut left: std::collections::HashSet<ObjectId> = commits.iter().copied().collect();
        let mut out = HashMap::new();
        let mut tips: Vec<(u8, String, ObjectId)> = Vec::new();
        if let Ok(Some(id)) = repo.head().and_then(|mut h| h.try_peel_to_id()) {
            tips.push((0, "HEAD".into(), id.detach()));
        }
        if !left.is_empty() {
            for r in repo
                .references()
                .context("listing refs")?
                .all()
                .context("listing refs")?
                .flatten()
            {
                let name = r.name().as_bstr().to_str_lossy().into_owned();
                let mut r = r;
                let Ok(id) = r.peel_to_id() else { continue };
                let rank = match () {
                    _ if name.starts_with("refs/heads/") => 1,
                    _ if name.starts_with("refs/tags/") => 2,
                    _ if name.starts_with("refs/remotes/") => 3,
                    _ => 4,
                };
                tips.push((rank, name, id.detach()));
            }
        }
        tips.sort();
        // One depth-first walk per tip over commits no earlier tip reached, so every commit is
        // read at most once whatever the number of refs.
        let mut visited: std::collections::HashSet<ObjectId> = std::collections::HashSet::new();
        'tips: for (_, name, tip) in tips {
            let mut stack = vec![tip];
            while let Some(c) = stack.pop() {
                if !visited.insert(c) {
                    continue;
                }
                let Ok(commit) = repo.find_commit(c) else { continue };
                if left.remove(&c) {
                    let reach = if name == "HEAD" {
                        Reach::Head
                    } else {
                        Reach::Ref(name.clone())
                    };
                    out.insert(c, reach);
                    if left.is_empty() {
                        break 'tips;
                    }
                }
                stack.extend(commit.parent_ids().map(|p| p.detach()));
            }
        }
        for id in left {
            out.insert(id, Reach::Unreferenced);
        }
        Ok(out)
    }

    /// The text of `path` in HEAD's tree (transcoded to UTF-8 when it is UTF-16), if HEAD exists
    /// and has a blob there of at most `max` bytes. Lets a caller check whether a secret is still
    /// present at HEAD even if the file changed around it.
    pub fn head_text(&self, path: &str, max: u64) -> Result<Option<Vec<u8>>> {
        let Some(tree) = self.head_tree else {
            return Ok(None);
        };
        let repo = self.repo.to_thread_local();
        let tree = repo.find_tree(tree).context("reading HEAD's tree")?;
        let Some(entry) = tree
            .lookup_entry_by_path(path)
            .with_context(|| format!("looking up {path} in HEAD"))?
        else {
            return Ok(None);
        };
        if !entry.mode().is_blob_or_symlink() {
            return Ok(None);
        }
        let id = entry.object_id();
        if repo.find_header(id).is_ok_and(|h| h.size() > max) {
            return Ok(None);
        }
        let data = repo
            .find_blob(id)
            .with_context(|| format!("reading {path} at HEAD"))?
            .detach()
            .data;
        Ok(Some(match super::decode::sniff_utf16(&data) {
            Some(order) => {
                let mut text = Vec::new();
                super::decode::transcode(&data, order, &mut text);
                text
            }
            None => data,
        }))
    }
}

/// How [`scan_into`] reads a blob's content: binary blobs, UTF-16 text and archives.
#[derive(Debug, Clone)]
pub struct BlobContent {
    /// Scan blobs that look binary instead of skipping them.
    pub include_binary: bool,
    /// How archive blobs (and archives inside them) are opened; depth 0 leaves them as they are.
    pub archives: super::archive::Limits,
}

/// Hands `emit` each scannable text of a blob: the blob itself (`member` is `None`; transcoded to
/// UTF-8 when it is UTF-16) or each member of an archive blob, named with the nested path under
/// `name()` (`config.zip!/.env`). Returns the reason when the blob is skipped as a whole. Archive
/// limits, bombs and binary members are counted and reported only on the `first_pass`.
fn blob_texts(
    name: &dyn Fn() -> String,
    data: &[u8],
    content: &BlobContent,
    pipeline: &Pipeline,
    first_pass: bool,
    emit: &mut dyn FnMut(Option<&str>, &[u8]),
) -> Option<&'static str> {
    use super::{archive, decode};
    let mut utf8 = Vec::new();
    if content.archives.depth > 0 && archive::sniff(data).is_archive() {
        let outcome = archive::walk(&name(), data, &content.archives, &mut |member, bytes| {
            if let Some(order) = decode::sniff_utf16(bytes) {
                utf8.clear();
                decode::transcode(bytes, order, &mut utf8);
                emit(Some(member), &utf8);
            } else if !content.include_binary && super::looks_binary(bytes) {
                if first_pass {
                    pipeline.stats.skip(crate::pipeline::SkipReason::Binary);
                }
            } else {
                emit(Some(member), bytes);
            }
        });
        if first_pass {
            super::report_archive_outcome(pipeline, &outcome);
        }
        return None;
    }
    if let Some(order) = decode::sniff_utf16(data) {
        decode::transcode(data, order, &mut utf8);
        emit(None, &utf8);
        return None;
    }
    if !content.include_binary && super::looks_binary(data) {
        return Some("binary");
    }
    emit(None, data);
    None
}

/// Scans the repository at `path` into `pipeline` and returns what was covered. Every unique blob
/// is scanned once; the blobs with findings are scanned again for each place they appear, with
/// that place's provenance (and, in staged and range modes, only their added lines reported).
/// UTF-16 blobs are transcoded and archive blobs opened, as in directory scans. Problems that do
/// not stop the scan (a corrupt pack, an unreadable object) are reported through the pipeline, so
/// the exit status is 2.
pub fn scan_into(path: &Path, opts: &GitOptions, content: &BlobContent, pipeline: &Pipeline) -> Result<Coverage> {
    let visit = |id: &oid, data: &[u8]| {
        let mut matched = false;
        let skipped = blob_texts(&|| id.to_string(), data, content, pipeline, true, &mut |_, text| {
            matched |= pipeline.has_matches(text);
        });
        match skipped {
            Some(reason) => Verdict::Skip(reason),
            None if matched => Verdict::Keep,
            None => Verdict::Drop,
        }
    };
    let visit_message = |_: &oid, text: &[u8]| pipeline.has_matches_part(text);
    let scan = scan_git(path, opts, &visit, &visit_message)?;
    // What has been pushed, computed only when something was found.
    let found_any = !scan.kept().is_empty() || !scan.messages().is_empty();
    // A bare repository is a server's copy or a mirror: whatever its refs reach has been pushed,
    // with no walk needed (on git/git's mirror that walk was 203k commits, seconds).
    let bare = scan.is_bare();
    let pushed = if found_any && !bare && !matches!(opts.mode, GitMode::Staged) {
        match scan.remote_reachable() {
            Ok(set) => Some(set),
            Err(err) => {
                pipeline.warn(format!("cannot tell which commits were pushed: {err:#}"));
                None
            }
        }
    } else {
        None
    };
    let has_remotes = pushed.as_ref().is_some_and(|s| !s.is_empty());
    // Files that should never be tracked (a `.env`, a keystore), by path, in the tree under scan.
    if pipeline.has_path_rules() && matches!(opts.mode, GitMode::Full) {
        match scan.head_paths() {
            Ok(paths) => {
                for path in paths {
                    let origin = || Origin::path(path.clone());
                    pipeline.scan_path(path.as_bytes(), &origin, &|| crate::finding::Exposure::Committed);
                }
            }
            Err(err) => pipeline.warn(format!("cannot list HEAD's files for path rules: {err:#}")),
        }
    }
    if pipeline.has_path_rules() && matches!(opts.mode, GitMode::Staged) {
        for path in &scan.staged_paths {
            let origin = || Origin::path(path.clone());
            pipeline.scan_path(path.as_bytes(), &origin, &|| crate::finding::Exposure::Staged);
        }
    }
    // HEAD's text at a path (UTF-16 transcoded), read once, for the per-secret `in_head`.
    let mut head_texts: HashMap<String, Arc<Option<Vec<u8>>>> = HashMap::new();
    for id in scan.kept() {
        let data = match scan.read_blob(id) {
            Ok(d) => d,
            Err(err) => {
                pipeline.error(format!("{err:#}"));
                continue;
            }
        };
        let appearances = scan.appearances(id);
        if appearances.is_empty() {
            let git = GitProvenance {
                blob: id.to_string(),
                ..GitProvenance::default()
            };
            blob_texts(
                &|| id.to_string(),
                &data,
                content,
                pipeline,
                false,
                &mut |member, text| {
                    let origin = Origin {
                        path: member.map_or_else(|| id.to_string(), str::to_owned),
                        git: Some(git.clone()),
                        image: None,
                    };
                    pipeline.rescan(text, &|| origin.clone(), Placement::whole());
                },
            );
        }
        for a in appearances {
            let mut prov = provenance(id, a);
            if matches!(a.reach, Reach::Index) {
                prov.staged = true;
                prov.pushed = Some(false);
            } else if bare {
                if a.commit.is_some() && matches!(a.reach, Reach::Head | Reach::Ref(_)) {
                    prov.pushed = Some(true);
                }
            } else if let (Some(set), Some(c)) = (&pushed, a.commit.as_deref()) {
                // Without remote-tracking refs we cannot tell; say nothing rather than "not pushed".
                if has_remotes {
                    prov.pushed = Some(ObjectId::from_hex(c.id.as_bytes()).is_ok_and(|oid| set.contains(&oid)));
                }
            }
            // A finding is in HEAD when HEAD's file at the same path still holds its secret, even
            // if the file changed around it. Members of an archive: only if HEAD has the same blob.
            let head_text = if a.in_head || matches!(a.reach, Reach::Index) {
                None
            } else {
                let text = head_texts.entry(a.path.clone()).or_insert_with(|| {
                    Arc::new(scan.head_text(&a.path, opts.max_blob_size).unwrap_or_else(|err| {
                        pipeline.warn(format!("cannot read {} at HEAD: {err:#}", a.path));
                        None
                    }))
                });
                Some(text.clone())
            };
            let keep = a
                .added_lines
                .as_ref()
                .map(|lines| move |line: u64| lines.contains(u32::try_from(line).unwrap_or(u32::MAX)));
            blob_texts(
                &|| a.path.clone(),
                &data,
                content,
                pipeline,
                false,
                &mut |member, text| {
                    let origin = Origin {
                        path: member.unwrap_or(&a.path).to_owned(),
                        git: Some(prov.clone()),
                        image: None,
                    };
                    let still_in_head = |secret: &[u8], f: &mut crate::finding::Finding| {
                        if let (Some(git), Some(Some(head))) = (f.git.as_mut(), head_text.as_deref()) {
                            git.in_head = memchr::memmem::find(head, secret).is_some();
                        }
                    };
                    let place = Placement {
                        // Added lines are lines of the blob itself, not of an archive's members.
                        keep_line: keep
                            .as_ref()
                            .filter(|_| member.is_none())
                            .map(|k| k as &(dyn Fn(u64) -> bool + Sync)),
                        on_secret: (member.is_none() && head_text.is_some())
                            .then_some(&still_in_head as &crate::pipeline::SecretHook<'_>),
                        ..Placement::whole()
                    };
                    pipeline.rescan(text, &|| origin.clone(), place);
                },
            );
        }
    }
    report_messages(&scan, pipeline, pushed.as_ref().filter(|_| has_remotes), bare);
    for err in &scan.coverage.errors {
        pipeline.error(err);
    }
    if !scan.coverage.submodules.is_empty() {
        pipeline.warn(format!(
            "submodules are not scanned (scan their repositories separately): {}",
            scan.coverage.submodules.join(", ")
        ));
    }
    Ok(scan.coverage)
}

/// Reports the findings of the kept commit and tag messages, at `commit:<id>` and `tag:<name>`.
fn report_messages(
    scan: &GitScan,
    pipeline: &Pipeline,
    pushed: Option<&std::collections::HashSet<ObjectId>>,
    bare: bool,
) {
    if scan.messages().is_empty() {
        return;
    }
    let commits: Vec<ObjectId> = scan
        .messages()
        .iter()
        .filter(|(_, kind)| *kind == MessageKind::Commit)
        .map(|(id, _)| *id)
        .collect();
    let reach = scan.reach_of(&commits).unwrap_or_else(|err| {
        pipeline.warn(format!("cannot tell which refs reach commits: {err:#}"));
        HashMap::new()
    });
    for (id, kind) in scan.messages() {
        let mut origin = match scan.message_origin(id, *kind, reach.get(id)) {
            Ok(o) => o,
            Err(err) => {
                pipeline.error(format!("{err:#}"));
                continue;
            }
        };
        if bare {
            if origin.provenance.ref_name.is_some() || origin.provenance.in_head {
                origin.provenance.pushed = Some(true);
            }
        } else if let (Some(set), MessageKind::Commit) = (pushed, kind) {
            origin.provenance.pushed = Some(set.contains(id));
        }
        let found = Origin {
            path: origin.label.clone(),
            git: Some(origin.provenance.clone()),
            image: None,
        };
        pipeline.rescan(&origin.text, &|| found.clone(), Placement::whole());
    }
}

/// The provenance fields of a finding in blob `id` at appearance `a`.
fn provenance(id: &oid, a: &Appearance) -> GitProvenance {
    let c = a.commit.as_deref();
    GitProvenance {
        commit: c.map(|c| c.id.clone()),
        author: c.map(|c| c.author.clone()),
        email: c.map(|c| c.email.clone()),
        date: c.map(|c| c.date.clone()),
        summary: c.map(|c| c.summary.clone()),
        blob: id.to_string(),
        in_head: a.in_head,
        ref_name: match &a.reach {
            Reach::Ref(name) => Some(name.clone()),
            _ => None,
        },
        ..GitProvenance::default()
    }
}

/// Reads the repository at `path` (a work tree, any directory in it, or a bare repository) as
/// `opts` says, calling `visit` once for each unique blob.
pub fn scan_git(
    path: &Path,
    opts: &GitOptions,
    visit: &Visit<'_>,
    visit_message: &VisitMessage<'_>,
) -> Result<GitScan> {
    let repo = open(path)?;
    let threads = if opts.threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        opts.threads
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .context("starting worker threads")?;
    let local = repo.to_thread_local();
    let shallow = local.is_shallow().context("reading the shallow file")?;
    let (head_tree, head_error) = match head_tree_id(&local) {
        Ok(tree) => (tree, None),
        Err(err) if opts.mode == GitMode::Full => (None, Some(format!("{err:#}"))),
        Err(err) => return Err(err),
    };
    let partial = is_partial_clone(&local);
    let mut scan = GitScan {
        coverage: Coverage {
            shallow,
            partial,
            refs: count_refs(&local)?,
            errors: head_error.into_iter().collect(),
            ..Coverage::default()
        },
        appearances: HashMap::new(),
        kept: Vec::new(),
        messages: Vec::new(),
        repo: repo.clone(),
        head_tree,
        staged_paths: Vec::new(),
    };
    match &opts.mode {
        GitMode::Full => {
            if shallow && !opts.allow_shallow {
                bail!(
                    "{} is a shallow clone: its history is incomplete, so a full-history scan would miss \
                     secrets. Fetch the full history (`git fetch --unshallow`, or `fetch-depth: 0` in \
                     actions/checkout), or pass --allow-shallow to scan what is there",
                    path.display()
                );
            }
            pool.install(|| full::run(&repo, opts, threads, visit, visit_message, &mut scan))?;
        }
        GitMode::Staged => pool.install(|| staged(&repo, opts, visit, &mut scan))?,
        GitMode::Range { base, head } => {
            pool.install(|| range(&repo, base, head, opts, visit, visit_message, &mut scan))?
        }
    }
    scan.coverage.complete = scan.coverage.errors.is_empty() && !shallow && !(partial && opts.mode == GitMode::Full);
    scan.coverage.no_commits = opts.mode == GitMode::Full && scan.coverage.commits == 0;
    scan.kept.sort_unstable();
    scan.kept.dedup();
    scan.messages.sort_unstable();
    scan.messages.dedup();
    Ok(scan)
}

/// True for a partial clone (`git clone --filter=...`): a promisor remote in the configuration, or a
/// pack fetched from one (a `.promisor` file beside it).
fn is_partial_clone(repo: &gix::Repository) -> bool {
    let config = repo.config_snapshot();
    if config.string("extensions.partialClone").is_some() {
        return true;
    }
    let packs = repo.objects.store_ref().path().join("pack");
    std::fs::read_dir(packs).is_ok_and(|dir| {
        dir.filter_map(|e| e.ok())
            .any(|e| e.path().extension().is_some_and(|x| x == "promisor"))
    })
}

/// The stored content of one object (a blob; a commit or tag for findings in messages), for
/// `leakhound validate` re-reading a finding from history.
pub fn read_object(repo: &Path, id: &str) -> Result<Vec<u8>> {
    let repo = open(repo)?.to_thread_local();
    let oid = ObjectId::from_hex(id.as_bytes()).map_err(|e| anyhow!("{id:?} is not an object id: {e}"))?;
    let obj = repo
        .find_object(oid)
        .map_err(|e| anyhow!("object {id} is not in the repository: {e}"))?;
    Ok(obj.data.to_vec())
}

/// Opens the repository containing `path`, reading no global or system configuration.
fn open(path: &Path) -> Result<gix::ThreadSafeRepository> {
    let meta = std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    if !meta.is_dir() {
        bail!("{} is not a directory, so not a git repository", path.display());
    }
    let opts = gix::open::Options::isolated();
    let trust = gix::sec::trust::Mapping {
        full: opts.clone(),
        reduced: opts,
    };
    gix::ThreadSafeRepository::discover_opts(path, Default::default(), trust)
        .map_err(|err| anyhow!("{err}"))
        .with_context(|| format!("{} is not in a git repository", path.display()))
}

fn head_tree_id(repo: &gix::Repository) -> Result<Option<ObjectId>> {
    let mut head = repo.head().context("reading HEAD")?;
    let Some(id) = head.try_peel_to_id().context("resolving HEAD")? else {
        return Ok(None);
    };
    let commit = repo
        .find_commit(id)
        .with_context(|| format!("HEAD points to {id}, which is not a readable commit"))?;
    Ok(Some(commit.tree_id().context("reading HEAD's tree id")?.detach()))
}

/// Deepest tree nesting walked, as git's own `core.maxTreeDepth` default: only a hostile repository
/// nests deeper, or one holding a tree that contains itself (possible only under a forged id).
const MAX_TREE_DEPTH: usize = 4096;

/// Most changes one tree diff records (each is kept in memory with its path).
const MAX_DIFF_CHANGES: usize = 1_000_000;

/// Most places (paths in one commit's tree) at which secrets are reported.
const MAX_PLACES: usize = 1_000;

/// Most entries one walk of one tree visits, every path counted: a few dozen valid tree objects
/// can list the same subtree twice per level and so name billions of paths.
const MAX_TREE_ENTRIES: u64 = 5_000_000;

/// Walks the tree `root` depth first and hands every entry that is not a tree to `visit` with its
/// `/`-separated path. Fails, naming the tree, on a tree that contains itself (directly or further
/// down), nesting deeper than [`MAX_TREE_DEPTH`] or more than [`MAX_TREE_ENTRIES`] paths, so a
/// forged or hostile repository cannot make it walk forever.
fn walk_tree(
    repo: &gix::Repository,
    root: ObjectId,
    visit: &mut dyn FnMut(&BString, gix::objs::tree::EntryMode, &oid),
) -> Result<()> {
    // A subtree listed at many paths is read from the cache, not inflated again each time.
    let mut repo = repo.clone();
    repo.object_cache_size_if_unset(4 << 20);
    let mut stack = vec![(root, BString::default(), 0usize)];
    // The trees from the root down to the one being read.
    let mut ancestors: Vec<ObjectId> = Vec::new();
    let mut visited = 0u64;
    while let Some((id, prefix, depth)) = stack.pop() {
        ancestors.truncate(depth);
        ancestors.push(id);
        let tree = repo.find_tree(id).with_context(|| format!("reading tree {id}"))?;
        for entry in tree.iter() {
            visited += 1;
            if visited > MAX_TREE_ENTRIES {
                bail!(
                    "tree {root} lists more than {MAX_TREE_ENTRIES} paths (subtrees repeated level after level?); \
                     not walked further"
                );
            }
            let entry = entry
                .map_err(|err| anyhow!("{err}"))
                .with_context(|| format!("parsing tree {id}"))?;
            let mut path = prefix.clone();
            if !path.is_empty() {
                path.push(b'/');
            }
            path.extend_from_slice(entry.filename());
            if entry.mode().is_tree() {
                let child = entry.oid();
                if ancestors.iter().any(|a| a.as_ref() == child) {
                    bail!("tree {child} at {path} contains itself (a damaged or forged repository); not walked again");
                }
                if depth + 1 >= MAX_TREE_DEPTH {
                    bail!("tree {child} at {path} is nested deeper than {MAX_TREE_DEPTH} directories; not walked");
                }
                stack.push((child.to_owned(), path, depth + 1));
            } else {
                visit(&path, entry.mode(), entry.oid());
            }
        }
    }
    Ok(())
}

fn count_refs(repo: &gix::Repository) -> Result<u64> {
    let platform = repo.references().context("listing refs")?;
    Ok(platform.all().context("listing refs")?.filter(|r| r.is_ok()).count() as u64)
}

fn skip(coverage: &mut Coverage, reason: &str) {
    *coverage.blobs_skipped.entry(reason.to_owned()).or_default() += 1;
}

/// Reads a commit's author and summary.
fn commit_info(repo: &gix::Repository, id: &oid) -> Result<CommitInfo> {
    let commit = repo.find_commit(id).with_context(|| format!("reading commit {id}"))?;
    let author = commit.author().with_context(|| format!("parsing the author of {id}"))?;
    let time = author.time().map(|t| t.seconds).unwrap_or(0);
    let message = commit.message_raw_sloppy();
    let summary = message
        .lines()
        .next()
        .unwrap_or_default()
        .to_str_lossy()
        .trim_end()
        .to_owned();
    Ok(CommitInfo {
        id: id.to_string(),
        author: author.name.to_str_lossy().into_owned(),
        email: author.email.to_str_lossy().into_owned(),
        time,
        date: iso8601(time),
        summary,
    })
}

/// Formats Unix seconds as `YYYY-MM-DDTHH:MM:SSZ` (proleptic Gregorian, UTC).
pub fn iso8601(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// One blob change of the staged or range mode: `new` at `path`, `added` lines, by `commit`.
struct Change {
    blob: ObjectId,
    path: BString,
    commit: Option<ObjectId>,
    added: LineSet,
}

/// Reads the new blobs of `changes` once each, hands them to `visit`, and records appearances.
fn scan_changes(
    repo: &gix::ThreadSafeRepository,
    opts: &GitOptions,
    changes: Vec<Change>,
    visit: &Visit<'_>,
    scan: &mut GitScan,
) -> Result<()> {
    use rayon::prelude::*;
    let mut unique: Vec<ObjectId> = changes.iter().map(|c| c.blob).collect();
    unique.sort_unstable();
    unique.dedup();
    let results: Vec<(ObjectId, Result<(Verdict, u64)>)> = unique
        .par_iter()
        .map_init(
            || repo.to_thread_local(),
            |repo, id| {
                let res = (|| -> Result<(Verdict, u64)> {
                    let header = repo.find_header(*id).with_context(|| format!("reading blob {id}"))?;
                    if header.size() > opts.max_blob_size {
                        return Ok((Verdict::Skip("too-large"), 0));
                    }
                    let blob = repo.find_blob(*id).with_context(|| format!("reading blob {id}"))?;
                    Ok((visit(id, &blob.data), blob.data.len() as u64))
                })();
                (*id, res)
            },
        )
        .collect();
    let cov = &mut scan.coverage;
    for (id, res) in results {
        match res {
            Ok((Verdict::Skip(reason), size)) => {
                cov.bytes_decompressed += size;
                skip(cov, reason);
            }
            Ok((verdict, size)) => {
                cov.blobs_scanned += 1;
                cov.bytes_scanned += size;
                cov.bytes_decompressed += size;
                if verdict == Verdict::Keep {
                    scan.kept.push(id);
                }
            }
            Err(err) => {
                skip(cov, "unreadable");
                cov.errors.push(format!("{err:#}"));
            }
        }
    }
    let local = repo.to_thread_local();
    let head_tree = scan.head_tree.map(|id| local.find_tree(id)).transpose()?;
    let mut infos: HashMap<ObjectId, Arc<CommitInfo>> = HashMap::new();
    for change in changes {
        let commit = match change.commit {
            Some(id) => Some(match infos.get(&id) {
                Some(info) => info.clone(),
                None => {
                    let info = Arc::new(commit_info(&local, &id)?);
                    infos.insert(id, info.clone());
                    info
                }
            }),
            None => None,
        };
        let path = change.path.to_str_lossy().into_owned();
        let in_head = match &head_tree {
            Some(tree) => tree
                .lookup_entry_by_path(path.as_str())
                .ok()
                .flatten()
                .is_some_and(|e| e.object_id() == change.blob),
            None => false,
        };
        let reach = if commit.is_some() { Reach::Head } else { Reach::Index };
        scan.appearances.entry(change.blob).or_default().push(Appearance {
            commit,
            path,
            in_head,
            reach,
            added_lines: Some(change.added),
        });
    }
    Ok(())
}

/// `--staged`: what the next commit would add.
fn staged(repo: &gix::ThreadSafeRepository, opts: &GitOptions, visit: &Visit<'_>, scan: &mut GitScan) -> Result<()> {
    use gix::status::tree_index::TrackRenames;
    let local = repo.to_thread_local();
    if local.is_bare() {
        bail!("--staged needs a work tree with an index, and this repository is bare");
    }
    let index = local.index_or_empty().context("reading the index")?;
    let empty = ObjectId::empty_tree(local.object_hash());
    let tree = scan.head_tree.unwrap_or(empty);
    // The comparison below expands HEAD's tree without a depth bound: refuse a tree that contains
    // itself or nests too deep first.
    if tree != empty {
        walk_tree(&local, tree, &mut |_, _, _| {}).context("walking HEAD's tree")?;
    }
    let mut pairs: Vec<(BString, Option<ObjectId>, ObjectId)> = Vec::new();
    let mut submodules = Vec::new();
    local
        .tree_index_status(&tree, &index, None, TrackRenames::Disabled, |change, _, _| {
            use gix::diff::index::ChangeRef;
            match change {
                ChangeRef::Addition {
                    location,
                    entry_mode,
                    id,
                    ..
                } => {
                    if entry_mode.is_submodule() {
                        submodules.push(location.to_str_lossy().into_owned());
                    } else if !entry_mode.is_sparse() {
                        pairs.push((location.into_owned(), None, id.into_owned()));
                    }
                }
                ChangeRef::Modification {
                    location,
                    entry_mode,
                    previous_id,
                    id,
                    ..
                } => {
                    if entry_mode.is_submodule() {
                        submodules.push(location.to_str_lossy().into_owned());
                    } else if !entry_mode.is_sparse() {
                        pairs.push((location.into_owned(), Some(previous_id.into_owned()), id.into_owned()));
                    }
                }
                _ => {}
            }
            Ok(std::ops::ControlFlow::Continue(()))
        })
        .map_err(|err| anyhow!("{err}"))
        .context("comparing the index with HEAD")?;
    scan.coverage.submodules = submodules;
    scan.staged_paths = pairs.iter().map(|(p, _, _)| p.to_str_lossy().into_owned()).collect();
    let empty_blob = ObjectId::empty_blob(local.object_hash());
    let changes = pairs
        .into_iter()
        .filter(|(_, _, new)| *new != empty_blob)
        .map(|(path, old, new)| {
            Ok(Change {
                added: change_lines(&local, old, new, opts.max_blob_size)?,
                blob: new,
                path,
                commit: None,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    scan_changes(repo, opts, changes, visit, scan)
}

/// The added lines of `new` against `old` (all of `new` if there is no `old`, or if either is
/// larger than `max` bytes: then nothing is inflated to diff them).
fn change_lines(repo: &gix::Repository, old: Option<ObjectId>, new: ObjectId, max: u64) -> Result<LineSet> {
    let too_large = |id: ObjectId| repo.find_header(id).is_ok_and(|h| h.size() > max);
    if too_large(new) || old.is_some_and(too_large) {
        return Ok(LineSet(vec![(1, u32::MAX)]));
    }
    let new_data = repo.find_blob(new).with_context(|| format!("reading blob {new}"))?;
    let old_data = match old {
        Some(old) => {
            repo.find_blob(old)
                .with_context(|| format!("reading blob {old}"))?
                .detach()
                .data
        }
        None => Vec::new(),
    };
    if old_data.is_empty() {
        return Ok(LineSet(vec![(1, u32::MAX)]));
    }
    Ok(added_lines(&old_data, &new_data.data))
}

/// Resolves a revision to a commit id, or explains how to get the commit.
fn resolve_commit(repo: &gix::Repository, spec: &str, role: &str) -> Result<ObjectId> {
    let found = repo
        .rev_parse_single(spec)
        .ok()
        .and_then(|id| id.object().ok())
        .and_then(|obj| obj.peel_to_commit().ok());
    match found {
        Some(commit) => Ok(commit.id),
        None if repo.is_shallow().unwrap_or(false) => bail!(
            "{role} revision `{spec}` is not in this shallow clone. Fetch it (`git fetch origin {spec}`) \
             or check out with full history (`fetch-depth: 0` in actions/checkout)"
        ),
        None => bail!(
            "{role} revision `{spec}` is not a commit in this repository. Fetch it (`git fetch origin \
             {spec}`), or with actions/checkout use `fetch-depth: 0`"
        ),
    }
}

/// `BASE..HEAD`: the lines added by the commits reachable from HEAD and not from BASE.
fn range(
    repo: &gix::ThreadSafeRepository,
    base: &str,
    head: &str,
    opts: &GitOptions,
    visit: &Visit<'_>,
    visit_message: &VisitMessage<'_>,
    scan: &mut GitScan,
) -> Result<()> {
    let local = repo.to_thread_local();
    let base_id = resolve_commit(&local, base, "base")?;
    let head_id = resolve_commit(&local, if head.is_empty() { "HEAD" } else { head }, "head")?;
    let walk = local
        .rev_walk([head_id])
        .with_hidden([base_id])
        .all()
        .context("walking the commits of the range")?;
    let hash = local.object_hash();
    let mut changes = Vec::new();
    let mut commits = 0u64;
    for info in walk {
        let info = info.context("walking the commits of the range")?;
        commits += 1;
        let commit = local
            .find_commit(info.id)
            .with_context(|| format!("reading commit {}", info.id))?;
        if visit_message(&info.id, message_of(MessageKind::Commit, &commit.data)) {
            scan.messages.push((info.id, MessageKind::Commit));
        }
        let tree = commit.tree_id().context("reading tree id")?.detach();
        let parents: Vec<ObjectId> = commit.parent_ids().map(|p| p.detach()).collect();
        let parent_trees = if parents.is_empty() {
            vec![ObjectId::empty_tree(hash)]
        } else {
            parents
                .iter()
                .map(|p| -> Result<ObjectId> {
                    Ok(local
                        .find_commit(*p)
                        .with_context(|| {
                            format!(
                                "parent {p} of {} is missing (shallow clone? use `fetch-depth: 0`)",
                                info.id
                            )
                        })?
                        .tree_id()?
                        .detach())
                })
                .collect::<Result<Vec<_>>>()?
        };
        // path -> (new blob, added lines against each parent so far)
        let mut per_path: Option<BTreeMap<BString, (ObjectId, LineSet)>> = None;
        for ptree in parent_trees {
            let mut now = BTreeMap::new();
            for (path, old, new, mode) in tree_changes(&local, ptree, tree)? {
                if mode.is_commit() {
                    scan.coverage.submodules.push(path.to_str_lossy().into_owned());
                    continue;
                }
                if let Some(prev) = &per_path {
                    if prev.get(&path).is_none_or(|(id, _)| *id != new) {
                        continue;
                    }
                }
                let lines = change_lines(&local, old, new, opts.max_blob_size)?;
                now.insert(path, (new, lines));
            }
            per_path = Some(match per_path {
                None => now,
                Some(prev) => now
                    .into_iter()
                    .map(|(path, (id, lines))| {
                        let both = prev[&path].1.intersect(&lines);
                        (path, (id, both))
                    })
                    .collect(),
            });
        }
        for (path, (blob, added)) in per_path.unwrap_or_default() {
            if !added.is_empty() {
                changes.push(Change {
                    blob,
                    path,
                    commit: Some(info.id),
                    added,
                });
            }
        }
    }
    scan.coverage.submodules.sort();
    scan.coverage.submodules.dedup();
    scan.coverage.commits = commits;
    scan_changes(repo, opts, changes, visit, scan)
}

/// A changed path between two trees: (path, old blob, new blob, new mode).
type BlobChange = (BString, Option<ObjectId>, ObjectId, gix::objs::tree::EntryMode);

/// A tree diff recorder that stops the diff on a tree that contains itself, nests deeper than
/// [`MAX_TREE_DEPTH`] or changes more than [`MAX_DIFF_CHANGES`] paths: the diff expands added and
/// deleted trees without a bound of its own.
#[derive(Default)]
struct GuardedRecorder {
    rec: gix::diff::tree::Recorder,
    /// Trees seen: id and the index of the tree above it.
    nodes: Vec<(ObjectId, Option<usize>)>,
    /// Index in `nodes` of the tree at each path.
    at: HashMap<BString, usize>,
    /// Why the diff was stopped.
    stop: Option<String>,
}

impl gix::diff::tree::Visit for GuardedRecorder {
    fn pop_front_tracked_path_and_set_current(&mut self) {
        self.rec.pop_front_tracked_path_and_set_current();
    }

    fn push_back_tracked_path_component(&mut self, component: &gix::bstr::BStr) {
        self.rec.push_back_tracked_path_component(component);
    }

    fn push_path_component(&mut self, component: &gix::bstr::BStr) {
        self.rec.push_path_component(component);
    }

    fn pop_path_component(&mut self) {
        self.rec.pop_path_component();
    }

    fn visit(&mut self, change: gix::diff::tree::visit::Change) -> gix::diff::tree::visit::Action {
        use gix::diff::tree::recorder::Change as C;
        let flow = self.rec.visit(change);
        if self.rec.records.len() > MAX_DIFF_CHANGES {
            self.stop = Some(format!(
                "more than {MAX_DIFF_CHANGES} changed paths (subtrees repeated level after level?); not walked further"
            ));
            return std::ops::ControlFlow::Break(());
        }
        let (mode, id, path) = match self.rec.records.last() {
            Some(C::Addition {
                entry_mode, oid, path, ..
            })
            | Some(C::Deletion {
                entry_mode, oid, path, ..
            })
            | Some(C::Modification {
                entry_mode, oid, path, ..
            }) => (*entry_mode, *oid, path),
            None => return flow,
        };
        if !mode.is_tree() {
            return flow;
        }
        let parent = path
            .rfind_byte(b'/')
            .and_then(|i| self.at.get(path[..i].as_bstr()).copied());
        let (mut above, mut depth) = (parent, 1);
        while let Some(i) = above {
            if self.nodes[i].0 == id {
                self.stop = Some(format!(
                    "tree {id} at {path} contains itself (a damaged or forged repository); not walked again"
                ));
                return std::ops::ControlFlow::Break(());
            }
            depth += 1;
            above = self.nodes[i].1;
        }
        if depth >= MAX_TREE_DEPTH {
            self.stop = Some(format!(
                "tree {id} at {path} is nested deeper than {MAX_TREE_DEPTH} directories; not walked"
            ));
            return std::ops::ControlFlow::Break(());
        }
        self.nodes.push((id, parent));
        self.at.insert(path.clone(), self.nodes.len() - 1);
        flow
    }
}

/// Blob additions and modifications from tree `old` to tree `new`.
fn tree_changes(repo: &gix::Repository, old: ObjectId, new: ObjectId) -> Result<Vec<BlobChange>> {
    use gix::diff::tree::recorder::Change as C;
    let hash = repo.object_hash();
    let read = |id: ObjectId| -> Result<Vec<u8>> {
        if id == ObjectId::empty_tree(hash) {
            return Ok(Vec::new());
        }
        Ok(repo
            .find_tree(id)
            .with_context(|| format!("reading tree {id}"))?
            .detach()
            .data)
    };
    let (old_data, new_data) = (read(old)?, read(new)?);
    let mut guarded = GuardedRecorder::default();
    let diffed = gix::diff::tree(
        gix::objs::TreeRefIter::from_bytes(&old_data, hash),
        gix::objs::TreeRefIter::from_bytes(&new_data, hash),
        &mut gix::diff::tree::State::default(),
        &repo.objects,
        &mut guarded,
    );
    if let Some(why) = guarded.stop {
        bail!("diffing tree {old} against {new}: {why}");
    }
    diffed
        .map_err(|err| anyhow!("{err}"))
        .with_context(|| format!("diffing tree {old} against {new}"))?;
    let mut out = Vec::new();
    for change in guarded.rec.records {
        match change {
            C::Addition {
                entry_mode, oid, path, ..
            } if !entry_mode.is_tree() => {
                out.push((path, None, oid, entry_mode));
            }
            C::Modification {
                previous_entry_mode,
                previous_oid,
                entry_mode,
                oid,
                path,
            } if !entry_mode.is_tree() => {
                let old = previous_entry_mode.is_blob_or_symlink().then_some(previous_oid);
                out.push((path, old, oid, entry_mode));
            }
            _ => {}
        }
    }
    Ok(out)
}

/// Full history: every object database entry, decoded once.
mod full {
    use super::*;
    use gix::odb::pack::cache::delta::{traverse as dtraverse, Tree as DeltaTree};

    /// The kind of the undeltified object at the root of an entry's delta chain.
    #[derive(Clone, Copy, PartialEq, Eq, Debug)]
    pub(super) enum Family {
        Commit,
        Tree,
        Blob,
        Tag,
        /// The header or the chain could not be read.
        Broken,
        /// Not computed yet (a ref-delta to a later base).
        Pending,
    }

    /// A pack and the chain family of each of its entries, in pack order.
    pub(super) struct PackPlan {
        /// The pack's index.
        pub index: pack::index::File,
        /// The pack data file; mapped only while a traversal runs, so its pages leave memory after.
        pub pack_path: PathBuf,
        /// Offset one past the last entry.
        pub pack_end: u64,
        /// One per object, sorted by pack offset.
        pub entries: Vec<PlanEntry>,
        /// The pack's trailing checksum disagrees with its index: truncated or rewritten.
        pub damaged: bool,
        /// The most a traversal may allocate for one object (gix stops with an error beyond it,
        /// and the pack is then read entry by entry): the blob size limit, at least 64 MiB so that
        /// trees and commits always fit.
        pub alloc_limit: usize,
    }

    /// An object of a pack.
    #[derive(Clone, Copy, Debug)]
    pub(super) struct PlanEntry {
        /// Pack offset.
        pub offset: u64,
        /// Position in the index.
        pub idx: u32,
        /// Kind of its delta chain.
        pub family: Family,
        /// Whether a blob is left out of traversals for its size, without being inflated.
        pub oversize: Oversize,
        /// Position (in `entries`) of its chain's root.
        pub root: u32,
    }

    /// Whether a blob entry is too large to inflate, as its pack headers tell.
    #[derive(Clone, Copy, PartialEq, Eq, Debug)]
    pub(super) enum Oversize {
        /// Within the limit (or not a blob).
        No,
        /// The object is larger than the limit: the size in its entry header for a base object, the
        /// result size in its delta header for a delta.
        TooLarge,
        /// Within the limit, but a delta against an object that is skipped: resolving it would mean
        /// inflating that object.
        BaseTooLarge,
    }

    impl Oversize {
        /// The reason counted in [`Coverage::blobs_skipped`], if the entry is skipped.
        pub(super) fn reason(self) -> Option<&'static str> {
            match self {
                Oversize::No => None,
                Oversize::TooLarge => Some("too-large"),
                Oversize::BaseTooLarge => Some("delta-base-too-large"),
            }
        }
    }

    /// Node data of the delta tree: the entry's pack offset and position in the index.
    #[derive(Clone, Copy)]
    struct Node {
        offset: u64,
        idx: u32,
        /// The pack's first entry, present only because a delta tree must start there: an empty
        /// blob is inflated in its place and nobody is shown it.
        stand_in: bool,
    }

    /// What a traversal reads entries from: the pack, and for the first entry when it is a
    /// [`Node::stand_in`], a pack entry holding an empty blob.
    struct Entries {
        pack: pack::data::File,
        stand_in: Option<(u64, Vec<u8>)>,
    }

    /// A pack entry for an empty blob: type 3 with size 0, then an empty zlib stream.
    const EMPTY_BLOB_ENTRY: [u8; 9] = [0x30, 0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01];

    /// Roots whose offsets fall in one window of this many bytes are traversed together with a
    /// fresh mapping of the pack, so the pages of finished windows leave resident memory. A root's
    /// delta chain reaches far into the pack, so a window touches much more than its own bytes: on
    /// git/git (496 MB pack) the mapped pages peaked at 366 MB with 16 MiB windows and 187-214 MB
    /// with 2 MiB ones, at no measurable CPU cost.
    const WINDOW: u64 = 2 << 20;

    /// Reads every entry header of a pack (buffered reads, no mapping) to learn each delta chain's
    /// object kind and root, and which blobs are larger than `max_blob` bytes, without inflating
    /// anything but the first bytes of blob deltas (where the size of their result is written).
    pub(super) fn plan(
        index: pack::index::File,
        pack_path: PathBuf,
        hash: gix::hash::Kind,
        max_blob: u64,
    ) -> Result<PackPlan> {
        use std::os::unix::fs::FileExt;
        let file = std::fs::File::open(&pack_path).with_context(|| format!("opening {}", pack_path.display()))?;
        let file_len = file.metadata()?.len();
        let pack_end = file_len.saturating_sub(hash.len_in_bytes() as u64);
        let mut trailer = vec![0u8; hash.len_in_bytes()];
        let damaged =
            file.read_exact_at(&mut trailer, pack_end).is_err() || trailer != index.pack_checksum().as_bytes();
        let mut entries: Vec<PlanEntry> = (0..index.num_objects())
            .map(|i| PlanEntry {
                offset: index.pack_offset_at_index(i),
                idx: i,
                family: Family::Pending,
                oversize: Oversize::No,
                root: u32::MAX,
            })
            .collect();
        entries.sort_unstable_by_key(|e| e.offset);
        // Object sizes of blobs and of deltas that may be blobs (0 when unknown or unreadable).
        let mut sizes: Vec<u64> = vec![0; entries.len()];
        // Deltas that may be blobs, and where their compressed instructions start: their result
        // sizes are read after this loop, in parallel (one zlib stream start each).
        let mut delta_heads: Vec<(u32, u64)> = Vec::new();
        let large_root = (max_blob / 100).min(1 << 20);
        let pos = |entries: &[PlanEntry], offset: u64| entries.binary_search_by_key(&offset, |e| e.offset).ok();
        let mut bases: Vec<Option<usize>> = vec![None; entries.len()];
        let (mut window, mut window_start) = (vec![0u8; 1 << 20], u64::MAX);
        let mut window_len = 0usize;
        for i in 0..entries.len() {
            let offset = entries[i].offset;
            if offset >= pack_end {
                entries[i].family = Family::Broken;
                continue;
            }
            // Room for the entry header and the start of its compressed data.
            if window_start == u64::MAX || offset < window_start || offset + 4096 > window_start + window_len as u64 {
                window_len = 0;
                window_start = offset;
                while window_len < window.len() {
                    match file.read_at(&mut window[window_len..], offset + window_len as u64) {
                        Ok(0) => break,
                        Ok(n) => window_len += n,
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                        Err(_) => break,
                    }
                }
            }
            let start = (offset - window_start) as usize;
            let Ok(entry) = pack::data::Entry::from_bytes(&window[start..window_len], offset, hash) else {
                entries[i].family = Family::Broken;
                continue;
            };
            use pack::data::entry::Header as H;
            let kind = match entry.header {
                H::Commit => Some(Family::Commit),
                H::Tree => Some(Family::Tree),
                H::Blob => Some(Family::Blob),
                H::Tag => Some(Family::Tag),
                _ => None,
            };
            if let Some(f) = kind {
                entries[i].family = f;
                entries[i].root = i as u32;
                sizes[i] = entry.decompressed_size;
                continue;
            }
            let base = match entry.header {
                H::OfsDelta { base_distance } => H::verified_base_pack_offset(offset, base_distance),
                H::RefDelta { base_id } => index.lookup(base_id).map(|p| index.pack_offset_at_index(p)),
                _ => None,
            };
            match base.and_then(|b| pos(&entries, b)) {
                Some(b) => {
                    bases[i] = Some(b);
                    if b < i {
                        entries[i].family = entries[b].family;
                        entries[i].root = entries[b].root;
                    }
                    // Reading a delta's result size costs a zlib stream start (~450k deltas on
                    // git/git, seconds of CPU); only chains whose root is large (or unknown yet)
                    // can plausibly exceed the limit. Anything else over it is still caught: by
                    // the visitor's size check, or past `alloc_limit` by gix.
                    let root_size = sizes.get(entries[i].root as usize).copied().unwrap_or(u64::MAX);
                    let pending = entries[i].family == Family::Pending || entries[i].root == u32::MAX;
                    if matches!(entries[i].family, Family::Blob | Family::Pending)
                        && (pending || root_size >= large_root)
                    {
                        delta_heads.push((i as u32, offset + entry.header_size() as u64));
                    }
                }
                None => entries[i].family = Family::Broken,
            }
        }
        {
            use rayon::prelude::*;
            let read = delta_heads
                .par_chunks(4096)
                .flat_map_iter(|chunk| {
                    let mut inflate = gix::zlib::Inflate::default();
                    let mut buf = vec![0u8; 4096];
                    let file = &file;
                    chunk.iter().map(move |&(i, at)| {
                        let mut len = 0;
                        while len < buf.len() {
                            match file.read_at(&mut buf[len..], at + len as u64) {
                                Ok(0) => break,
                                Ok(n) => len += n,
                                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                                Err(_) => break,
                            }
                        }
                        (i, delta_result_size(&mut inflate, &buf[..len]).unwrap_or(0))
                    })
                })
                .collect::<Vec<_>>();
            for (i, size) in read {
                sizes[i as usize] = size;
            }
        }
        // Ref-deltas may point forward; settle them (bounded, a cycle stays broken).
        for _ in 0..64 {
            let mut changed = false;
            for i in 0..entries.len() {
                if entries[i].family == Family::Pending {
                    if let Some(b) = bases[i] {
                        if entries[b].family != Family::Pending {
                            entries[i].family = entries[b].family;
                            entries[i].root = entries[b].root;
                            changed = true;
                        }
                    }
                }
            }
            if !changed {
                break;
            }
        }
        for e in &mut entries {
            if e.family == Family::Pending {
                e.family = Family::Broken;
            }
        }
        // Blobs over the limit, and the deltas resolved through them (bases may come later too).
        for (e, &size) in entries.iter_mut().zip(&sizes) {
            if e.family == Family::Blob && size > max_blob {
                e.oversize = Oversize::TooLarge;
            }
        }
        for _ in 0..64 {
            let mut changed = false;
            for i in 0..entries.len() {
                if entries[i].family != Family::Blob || entries[i].oversize != Oversize::No {
                    continue;
                }
                if bases[i].is_some_and(|b| entries[b].oversize != Oversize::No) {
                    entries[i].oversize = Oversize::BaseTooLarge;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        Ok(PackPlan {
            index,
            pack_path,
            pack_end,
            entries,
            damaged,
            alloc_limit: usize::try_from(max_blob.max(64 << 20).saturating_add(1 << 20)).unwrap_or(usize::MAX),
        })
    }

    /// The size of a delta's result, from the start of its compressed instructions: two
    /// little-endian base-128 numbers, the base's size and the result's. `None` if unreadable.
    pub(super) fn delta_result_size(inflate: &mut gix::zlib::Inflate, compressed: &[u8]) -> Option<u64> {
        let mut head = [0u8; 20];
        inflate.reset();
        let (_, _, written) = inflate.prefix(compressed, &mut head).ok()?;
        let mut numbers = [0u64; 2];
        let mut bytes = head[..written].iter();
        for n in &mut numbers {
            let mut shift = 0;
            loop {
                let b = *bytes.next()?;
                if shift > 63 {
                    return None;
                }
                *n |= u64::from(b & 0x7f) << shift;
                shift += 7;
                if b & 0x80 == 0 {
                    break;
                }
            }
        }
        Some(numbers[1])
    }

    /// Inflates every entry of the given families once, in pack order, on `threads` threads, calling
    /// `inspect(kind, id, data)` for each. Returns the number of bytes inflated.
    pub(super) fn traverse<F>(
        plan: &PackPlan,
        families: &[Family],
        threads: usize,
        hash: gix::hash::Kind,
        inspect: F,
    ) -> Result<u64>
    where
        F: FnMut(gix::objs::Kind, &oid, &[u8]) + Send + Clone,
    {
        let Some(first) = plan.entries.first() else {
            return Ok(0);
        };
        if first.root != 0 && first.oversize != Oversize::No {
            // The pack starts with a delta of a skipped blob, and a delta tree must start at the
            // first entry with its whole chain: read this (rare) pack entry by entry instead.
            let (bytes, errors) = fallback(plan, families, hash, &|_| false, inspect);
            return match errors.into_iter().next() {
                Some(err) => Err(anyhow!("{err}")),
                None => Ok(bytes),
            };
        }
        // Group the wanted entries by the window of their chain's root, once (entries stay in pack
        // order inside each group).
        let wanted = |e: &PlanEntry| families.contains(&e.family) && e.oversize == Oversize::No;
        let window_of = |e: &PlanEntry| plan.entries.get(e.root as usize).map(|r| r.offset / WINDOW);
        let mut by_window: Vec<(u64, u32)> = plan
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| wanted(e))
            .filter_map(|(i, e)| Some((window_of(e)?, i as u32)))
            .collect();
        by_window.sort_unstable();
        let first_root = first.root;
        // The first entry's chain (when the pack starts with a delta), part of every traversal.
        let first_chain: Vec<u32> = if first_root != 0 {
            (0..plan.entries.len() as u32)
                .filter(|&i| plan.entries[i as usize].root == first_root)
                .collect()
        } else {
            Vec::new()
        };
        let mut total = 0;
        for group in by_window.chunk_by(|a, b| a.0 == b.0) {
            // `from_offsets_in_pack` starts reading right after the pack header, so the pack's first
            // entry must be part of every traversal: alone if it is a base object (then, outside its
            // window or when skipped, an empty stand-in is inflated instead of it), else with its chain.
            let mut members: Vec<u32> = group.iter().map(|&(_, i)| i).collect();
            let first_in_group = members.first() == Some(&0);
            if first_root == 0 {
                if !first_in_group {
                    members.insert(0, 0);
                }
            } else {
                members.extend_from_slice(&first_chain);
                members.sort_unstable();
                members.dedup();
            }
            let nodes = members.into_iter().map(|i| {
                let e = &plan.entries[i as usize];
                Node {
                    offset: e.offset,
                    idx: e.idx,
                    stand_in: i == 0 && first_root == 0 && !first_in_group,
                }
            });
            total += traverse_nodes(plan, nodes, threads, hash, inspect.clone())?;
        }
        Ok(total)
    }

    fn traverse_nodes<F>(
        plan: &PackPlan,
        nodes: impl Iterator<Item = Node>,
        threads: usize,
        hash: gix::hash::Kind,
        inspect: F,
    ) -> Result<u64>
    where
        F: FnMut(gix::objs::Kind, &oid, &[u8]) + Send + Clone,
    {
        let interrupt = AtomicBool::new(false);
        let index = &plan.index;
        let mut nodes = nodes.peekable();
        let stand_in = nodes
            .peek()
            .filter(|n| n.stand_in)
            .map(|n| (n.offset, EMPTY_BLOB_ENTRY.to_vec()));
        let tree = DeltaTree::from_offsets_in_pack(
            &plan.pack_path,
            nodes,
            &|n: &Node| n.offset,
            &|id| Ok(index.lookup(id).map(|p| index.pack_offset_at_index(p))),
            &mut gix::progress::Discard,
            &interrupt,
            hash,
        )
        .map_err(|err| anyhow!("{err}"))
        .context("indexing pack entries")?;
        let pack = pack::data::File::at(&plan.pack_path, hash)
            .map_err(|err| anyhow!("{err}"))
            .with_context(|| format!("opening {}", plan.pack_path.display()))?;
        let bytes = AtomicU64::new(0);
        let bytes_ref = &bytes;
        let mut inspect = inspect;
        tree.traverse(
            |range, src: &Entries| match &src.stand_in {
                Some((offset, entry)) if *offset == range.start => Some(entry.as_slice()),
                _ => src.pack.entry_slice(range),
            },
            &Entries { pack, stand_in },
            plan.pack_end,
            move |node: &mut Node, _progress, ctx: dtraverse::Context<'_>| {
                if node.stand_in {
                    return Ok(());
                }
                let kind = ctx.entry.header.as_kind().unwrap_or(gix::objs::Kind::Blob);
                bytes_ref.fetch_add(ctx.decompressed.len() as u64, Ordering::Relaxed);
                inspect(kind, index.oid_at_index(node.idx), ctx.decompressed);
                Ok(())
            },
            dtraverse::Options {
                object_progress: Box::new(gix::progress::Discard),
                size_progress: &mut gix::progress::Discard,
                thread_limit: Some(threads),
                should_interrupt: &interrupt,
                object_hash: hash,
                alloc_limit_bytes: Some(plan.alloc_limit),
            },
        )
        .map_err(|err| anyhow!("{err}"))
        .context("decoding pack entries")?;
        Ok(bytes.load(Ordering::Relaxed))
    }

    /// Decodes entries one at a time (after a traversal failed), skipping those already done.
    pub(super) fn fallback<F>(
        plan: &PackPlan,
        families: &[Family],
        hash: gix::hash::Kind,
        done: &(dyn Fn(&oid) -> bool + Sync),
        mut inspect: F,
    ) -> (u64, Vec<String>)
    where
        F: FnMut(gix::objs::Kind, &oid, &[u8]),
    {
        let shown = plan.pack_path.display();
        let bundle = match pack::data::File::at(&plan.pack_path, hash) {
            Ok(pack) => pack::Bundle {
                pack,
                index: match pack::index::File::at(plan.index.path(), hash) {
                    Ok(i) => i,
                    Err(err) => return (0, vec![format!("{shown}: {err}")]),
                },
            },
            Err(err) => return (0, vec![format!("{shown}: {err}")]),
        };
        let mut buf = Vec::new();
        let mut inflate = gix::zlib::Inflate::default();
        let mut cache = pack::cache::lru::StaticLinkedList::<64>::default();
        let (mut bytes, mut errors) = (0u64, Vec::new());
        for e in &plan.entries {
            let id = bundle.index.oid_at_index(e.idx);
            if e.family == Family::Broken {
                errors.push(format!("object {id} at offset {} of {shown} is unreadable", e.offset));
                continue;
            }
            if !families.contains(&e.family) || e.oversize != Oversize::No || done(id) {
                continue;
            }
            match bundle.get_object_by_index(e.idx, &mut buf, &mut inflate, &mut cache) {
                Ok((data, _)) => {
                    bytes += data.data.len() as u64;
                    inspect(data.kind, id, data.data);
                }
                Err(err) => errors.push(format!("object {id} in {shown}: {err}")),
            }
        }
        (bytes, errors)
    }

    /// The object database's packs and loose object directories (alternates included).
    fn sources(repo: &gix::Repository) -> Result<(Vec<PathBuf>, Vec<PathBuf>)> {
        let mut dirs = vec![repo.objects.store_ref().path().to_owned()];
        for alt in gix::odb::alternate::resolve(dirs[0].clone(), &std::env::current_dir()?)
            .map_err(|err| anyhow!("{err}"))
            .context("reading objects/info/alternates")?
        {
            if !dirs.contains(&alt) {
                dirs.push(alt);
            }
        }
        let mut packs = Vec::new();
        for dir in &dirs {
            let pack_dir = dir.join("pack");
            let Ok(read) = std::fs::read_dir(&pack_dir) else {
                continue;
            };
            for entry in read {
                let p = entry.with_context(|| format!("listing {}", pack_dir.display()))?.path();
                if p.extension().is_some_and(|e| e == "idx") {
                    packs.push(p);
                }
            }
        }
        packs.sort();
        Ok((packs, dirs))
    }

    /// Blob ids already handed to the visitor, sharded to keep lock contention low.
    pub(super) struct Seen(Vec<Mutex<IdSet>>);

    impl Seen {
        fn new() -> Self {
            Seen((0..64).map(|_| Mutex::new(IdSet::default())).collect())
        }
        fn shard(&self, id: &oid) -> &Mutex<IdSet> {
            &self.0[id.as_bytes()[0] as usize % self.0.len()]
        }
        /// Inserts `id`; false if it was there.
        fn insert(&self, id: &oid) -> bool {
            self.shard(id).lock().expect("seen lock").insert(id.to_owned())
        }
        fn contains(&self, id: &oid) -> bool {
            self.shard(id).lock().expect("seen lock").contains(id)
        }
    }

    /// Counters shared by the blob workers.
    #[derive(Default)]
    struct Stats {
        scanned: AtomicU64,
        bytes: AtomicU64,
        skipped: Mutex<BTreeMap<&'static str, u64>>,
    }

    pub(super) fn run(
        repo: &gix::ThreadSafeRepository,
        opts: &GitOptions,
        threads: usize,
        visit: &Visit<'_>,
        visit_message: &VisitMessage<'_>,
        scan: &mut GitScan,
    ) -> Result<()> {
        let local = repo.to_thread_local();
        let hash = local.object_hash();
        let (pack_paths, loose_dirs) = sources(&local)?;
        let seen = Seen::new();
        let stats = Stats::default();
        let kept: Mutex<Vec<ObjectId>> = Mutex::new(Vec::new());
        let on_blob = |id: &oid, data: &[u8]| {
            if !seen.insert(id) {
                return;
            }
            let verdict = if data.len() as u64 > opts.max_blob_size {
                Verdict::Skip("too-large")
            } else {
                visit(id, data)
            };
            match verdict {
                Verdict::Skip(reason) => {
                    *stats.skipped.lock().expect("stats lock").entry(reason).or_default() += 1;
                    return;
                }
                Verdict::Keep => kept.lock().expect("kept lock").push(id.to_owned()),
                Verdict::Drop => {}
            }
            stats.scanned.fetch_add(1, Ordering::Relaxed);
            stats.bytes.fetch_add(data.len() as u64, Ordering::Relaxed);
        };
        // Commit and tag messages, read in the same pass (trees are not inflated for them).
        let messages: Mutex<Vec<(ObjectId, MessageKind)>> = Mutex::new(Vec::new());
        let on_object = |kind: gix::objs::Kind, id: &oid, data: &[u8]| {
            let message = match kind {
                gix::objs::Kind::Blob => return on_blob(id, data),
                gix::objs::Kind::Commit => MessageKind::Commit,
                gix::objs::Kind::Tag => MessageKind::Tag,
                gix::objs::Kind::Tree => return,
            };
            if visit_message(id, message_of(message, data)) {
                messages.lock().expect("messages lock").push((id.to_owned(), message));
            }
        };
        let cov = &mut scan.coverage;
        let mut plans = Vec::new();
        for path in &pack_paths {
            let planned = pack::index::File::at(path, hash)
                .map_err(|err| anyhow!("{err}"))
                .and_then(|index| plan(index, path.with_extension("pack"), hash, opts.max_blob_size));
            match planned {
                Ok(p) => plans.push(p),
                Err(err) => cov.errors.push(format!("cannot read pack {}: {err:#}", path.display())),
            }
        }
        let blob_families = [Family::Blob, Family::Commit, Family::Tag];
        for plan in &plans {
            if plan.damaged {
                cov.errors.push(format!(
                    "{} is truncated or corrupt (its checksum does not match its index); reading what can be read",
                    plan.pack_path.display()
                ));
            }
            cov.commits += plan.entries.iter().filter(|e| e.family == Family::Commit).count() as u64;
            let traversed = traverse(plan, &blob_families, threads, hash, on_object);
            match traversed {
                Ok(bytes) => {
                    cov.bytes_decompressed += bytes;
                    let broken = plan.entries.iter().filter(|e| e.family == Family::Broken).count();
                    if broken > 0 {
                        cov.errors.push(format!(
                            "{broken} entries of {} are unreadable (corrupt or truncated pack)",
                            plan.pack_path.display()
                        ));
                        *cov.blobs_skipped.entry("unreadable".into()).or_default() += broken as u64;
                    }
                }
                Err(err) => {
                    cov.errors.push(format!(
                        "{}: {err:#}; reading its objects one by one",
                        plan.pack_path.display()
                    ));
                    let (bytes, errors) = fallback(plan, &blob_families, hash, &|id| seen.contains(id), on_object);
                    cov.bytes_decompressed += bytes;
                    *cov.blobs_skipped.entry("unreadable".into()).or_default() += errors.len() as u64;
                    cov.errors.extend(errors);
                }
            }
        }
        // Blobs left out for their size; counted once all packs and loose objects are read, since
        // a blob skipped as a delta of a large base may be stored whole elsewhere.
        let mut oversize: Vec<(ObjectId, &'static str)> = Vec::new();
        for plan in &plans {
            for e in plan.entries.iter().filter(|e| e.family == Family::Blob) {
                if let Some(reason) = e.oversize.reason() {
                    oversize.push((plan.index.oid_at_index(e.idx).to_owned(), reason));
                }
            }
        }
        let mut loose_other: Vec<(PathBuf, ObjectId)> = Vec::new();
        for dir in &loose_dirs {
            let store = gix::odb::loose::Store::at(dir, hash);
            let ids: Vec<ObjectId> = store.iter().filter_map(|r| r.ok()).collect();
            let mut buf = Vec::new();
            for id in ids {
                // The header first, so a large blob is never inflated.
                if let Ok(Some((size, gix::objs::Kind::Blob))) = store.try_header(&id) {
                    if size > opts.max_blob_size {
                        oversize.push((id, "too-large"));
                        continue;
                    }
                }
                match store.try_find(&id, &mut buf) {
                    Ok(Some(obj)) => {
                        cov.bytes_decompressed += obj.data.len() as u64;
                        match obj.kind {
                            gix::objs::Kind::Blob => on_blob(&id, obj.data),
                            gix::objs::Kind::Commit => {
                                cov.commits += 1;
                                on_object(obj.kind, &id, obj.data);
                                loose_other.push((dir.clone(), id));
                            }
                            gix::objs::Kind::Tree => loose_other.push((dir.clone(), id)),
                            gix::objs::Kind::Tag => on_object(obj.kind, &id, obj.data),
                        }
                    }
                    Ok(None) => {}
                    Err(err) => {
                        skip(cov, "unreadable");
                        cov.errors.push(format!("loose object {id}: {err}"));
                    }
                }
            }
        }
        for (id, reason) in oversize {
            if seen.insert(&id) {
                *stats.skipped.lock().expect("stats lock").entry(reason).or_default() += 1;
            }
        }
        cov.blobs_scanned = stats.scanned.load(Ordering::Relaxed);
        cov.bytes_scanned = stats.bytes.load(Ordering::Relaxed);
        for (reason, n) in stats.skipped.into_inner().expect("stats lock") {
            *cov.blobs_skipped.entry(reason.to_owned()).or_default() += n;
        }
        match head_submodules(&local, scan.head_tree, &seen) {
            Ok((paths, missing)) => {
                cov.submodules = paths;
                for (path, id) in missing {
                    cov.errors
                        .push(format!("HEAD:{path} names blob {id}, which is missing or unreadable"));
                }
            }
            Err(err) => cov.errors.push(format!("walking HEAD's tree: {err:#}")),
        }
        let mut kept = kept.into_inner().expect("kept lock");
        kept.sort_unstable();
        if !kept.is_empty() {
            super::provenance::run(repo, &plans, &loose_other, threads, kept.clone(), scan)?;
        }
        scan.kept = kept;
        scan.messages = messages.into_inner().expect("messages lock");
        Ok(())
    }

    /// Paths of gitlinks in HEAD's tree, and the files there whose blob the object database lacks
    /// (or could not read): `(path, blob)`.
    #[allow(clippy::type_complexity)]
    fn head_submodules(
        repo: &gix::Repository,
        head_tree: Option<ObjectId>,
        seen: &Seen,
    ) -> Result<(Vec<String>, Vec<(String, ObjectId)>)> {
        let Some(tree) = head_tree else {
            return Ok(Default::default());
        };
        let (mut out, mut missing) = (Vec::new(), Vec::new());
        walk_tree(repo, tree, &mut |path, mode, id| {
            if mode.is_commit() {
                out.push(path.to_str_lossy().into_owned());
            } else if !seen.contains(id) {
                missing.push((path.to_str_lossy().into_owned(), id.to_owned()));
            }
        })?;
        out.sort();
        Ok((out, missing))
    }
}

/// Provenance for kept blobs in full-history mode: which commits introduced them at which paths.
///
/// Trees and commits are decoded once (second pass over the packs). Only tree-to-subtree edges and
/// edges to kept blobs are stored, so memory is about a dozen bytes per subtree edge. A tree is
/// *relevant* if it reaches a kept blob; a commit introduces a kept blob at a path if its tree has
/// it there and none of its parents' trees does, which is found by diffing relevant trees only.
mod provenance {
    use super::full::{Family, PackPlan};
    use super::*;

    /// A child of a relevant tree.
    #[derive(Clone, Copy, PartialEq, Eq, Debug)]
    enum Child {
        Tree(u32),
        Blob(u32),
    }

    /// What the decoding threads collect, merged under a lock.
    #[derive(Default)]
    struct Graph {
        names: HashMap<BString, u32>,
        /// (child tree, parent tree, name), in segments of [`SEGMENT`] as the threads filled them:
        /// appending a segment never copies (no doubling of one huge vector).
        edges: Vec<Vec<(u32, u32, u32)>>,
        /// (kept blob, parent tree, name)
        hits: Vec<(u32, u32, u32)>,
        /// (commit, tree, parents)
        commits: Vec<(ObjectId, ObjectId, Vec<ObjectId>)>,
    }

    /// Per-thread buffers, flushed into the shared graph when dropped.
    struct Local<'a> {
        shared: &'a Mutex<Graph>,
        tree_ids: &'a IdMap<u32>,
        kept: &'a IdMap<u32>,
        filter: &'a [u64],
        names: HashMap<Vec<u8>, u32>,
        edges: Vec<(u32, u32, u32)>,
        hits: Vec<(u32, u32, u32)>,
        commits: Vec<(ObjectId, ObjectId, Vec<ObjectId>)>,
        hash_len: usize,
    }

    impl Clone for Local<'_> {
        fn clone(&self) -> Self {
            Local {
                shared: self.shared,
                tree_ids: self.tree_ids,
                kept: self.kept,
                filter: self.filter,
                names: HashMap::new(),
                edges: Vec::new(),
                hits: Vec::new(),
                commits: Vec::new(),
                hash_len: self.hash_len,
            }
        }
    }

    impl Drop for Local<'_> {
        fn drop(&mut self) {
            self.flush();
        }
    }

    /// Edges per segment handed from a decoding thread to the shared graph.
    const SEGMENT: usize = 1 << 16;

    fn filter_bit(id: &[u8]) -> usize {
        (usize::from(id[0]) << 8 | usize::from(id[1])) & 0xffff
    }

    impl Local<'_> {
        fn name(&mut self, name: &[u8]) -> u32 {
            if let Some(&i) = self.names.get(name) {
                return i;
            }
            let next = self.names.len() as u32;
            self.names.insert(name.to_vec(), next);
            next
        }

        fn flush(&mut self) {
            if self.edges.is_empty() && self.hits.is_empty() && self.commits.is_empty() {
                return;
            }
            let mut g = self.shared.lock().expect("graph lock");
            let mut map = vec![0u32; self.names.len()];
            for (name, local) in self.names.drain() {
                let next = g.names.len() as u32;
                map[local as usize] = *g.names.entry(BString::from(name)).or_insert(next);
            }
            for e in &mut self.edges {
                e.2 = map[e.2 as usize];
            }
            if !self.edges.is_empty() {
                g.edges.push(std::mem::take(&mut self.edges));
            }
            g.hits
                .extend(self.hits.drain(..).map(|(b, p, n)| (b, p, map[n as usize])));
            g.commits.append(&mut self.commits);
        }

        fn tree(&mut self, id: &oid, data: &[u8]) {
            let Some(&me) = self.tree_ids.get(id) else { return };
            let mut rest = data;
            while !rest.is_empty() {
                let Some(sp) = rest.find_byte(b' ') else { return };
                let Some(nul) = rest[sp..].find_byte(0).map(|n| n + sp) else {
                    return;
                };
                let end = nul + 1 + self.hash_len;
                if end > rest.len() {
                    return;
                }
                let (mode, name, child) = (&rest[..sp], &rest[sp + 1..nul], &rest[nul + 1..end]);
                rest = &rest[end..];
                if mode == b"40000" || mode == b"040000" {
                    if let Some(&c) = self.tree_ids.get(oid::from_bytes_unchecked(child)) {
                        let n = self.name(name);
                        self.edges.push((c, me, n));
                        if self.edges.len() == SEGMENT {
                            // Hand full segments over as they fill, so no thread holds its whole
                            // share of the edges while the shared graph holds the rest.
                            self.flush();
                        }
                    }
                } else if mode != b"160000" {
                    let bit = filter_bit(child);
                    if self.filter[bit / 64] & (1 << (bit % 64)) != 0 {
                        if let Some(&b) = self.kept.get(oid::from_bytes_unchecked(child)) {
                            let n = self.name(name);
                            self.hits.push((b, me, n));
                        }
                    }
                }
            }
        }

        fn commit(&mut self, id: &oid, data: &[u8]) {
            let mut tree = None;
            let mut parents = Vec::new();
            for line in data.lines() {
                if let Some(hex) = line.strip_prefix(b"tree ") {
                    tree = ObjectId::from_hex(hex).ok();
                } else if let Some(hex) = line.strip_prefix(b"parent ") {
                    if let Ok(p) = ObjectId::from_hex(hex) {
                        parents.push(p);
                    }
                } else {
                    break;
                }
            }
            if let Some(tree) = tree {
                self.commits.push((id.to_owned(), tree, parents));
            }
        }
    }

    /// Computes the appearances of `kept` blobs and stores them in `scan`.
    pub(super) fn run(
        repo: &gix::ThreadSafeRepository,
        plans: &[PackPlan],
        loose: &[(PathBuf, ObjectId)],
        threads: usize,
        kept: Vec<ObjectId>,
        scan: &mut GitScan,
    ) -> Result<()> {
        let local = repo.to_thread_local();
        let hash = local.object_hash();
        // Dense ids for every tree in the object database.
        let mut tree_ids: IdMap<u32> = IdMap::default();
        for plan in plans {
            for e in plan.entries.iter().filter(|e| e.family == Family::Tree) {
                let next = tree_ids.len() as u32;
                tree_ids
                    .entry(plan.index.oid_at_index(e.idx).to_owned())
                    .or_insert(next);
            }
        }
        let mut loose_data = Vec::new();
        for (dir, id) in loose {
            let store = gix::odb::loose::Store::at(dir, hash);
            let mut buf = Vec::new();
            if let Ok(Some(obj)) = store.try_find(id, &mut buf) {
                if obj.kind == gix::objs::Kind::Tree {
                    let next = tree_ids.len() as u32;
                    tree_ids.entry(*id).or_insert(next);
                }
                loose_data.push((*id, obj.kind, buf.clone()));
            }
        }
        let kept_ids: IdMap<u32> = kept.iter().enumerate().map(|(i, id)| (*id, i as u32)).collect();
        let mut filter = vec![0u64; 1 << 10];
        for id in &kept {
            let bit = filter_bit(id.as_bytes());
            filter[bit / 64] |= 1 << (bit % 64);
        }
        let shared = Mutex::new(Graph::default());
        let worker = Local {
            shared: &shared,
            tree_ids: &tree_ids,
            kept: &kept_ids,
            filter: &filter,
            names: HashMap::new(),
            edges: Vec::new(),
            hits: Vec::new(),
            commits: Vec::new(),
            hash_len: hash.len_in_bytes(),
        };
        let families = [Family::Tree, Family::Commit];
        for plan in plans {
            let mut w = worker.clone();
            let inspect = move |kind: gix::objs::Kind, id: &oid, data: &[u8]| match kind {
                gix::objs::Kind::Tree => w.tree(id, data),
                gix::objs::Kind::Commit => w.commit(id, data),
                _ => {}
            };
            let res = super::full::traverse(plan, &families, threads, hash, inspect);
            match res {
                Ok(bytes) => scan.coverage.bytes_decompressed += bytes,
                Err(_) => {
                    // The blob pass already reported this pack; read what can be read.
                    let mut w = worker.clone();
                    let (bytes, _) =
                        super::full::fallback(plan, &families, hash, &|_| false, |kind, id, data| match kind {
                            gix::objs::Kind::Tree => w.tree(id, data),
                            gix::objs::Kind::Commit => w.commit(id, data),
                            _ => {}
                        });
                    scan.coverage.bytes_decompressed += bytes;
                }
            }
        }
        {
            let mut w = worker.clone();
            for (id, kind, data) in &loose_data {
                match kind {
                    gix::objs::Kind::Tree => w.tree(id, data),
                    gix::objs::Kind::Commit => w.commit(id, data),
                    _ => {}
                }
            }
        }
        drop(worker);
        let graph = shared.into_inner().expect("graph lock");
        resolve(&local, graph, &tree_ids, &kept, scan)
    }

    /// Turns the collected graph into appearances.
    fn resolve(
        repo: &gix::Repository,
        graph: Graph,
        tree_ids: &IdMap<u32>,
        kept: &[ObjectId],
        scan: &mut GitScan,
    ) -> Result<()> {
        let n_trees = tree_ids.len();
        // Relevant trees: those that reach a kept blob. Marked by sweeping the edges until nothing
        // changes (as many sweeps as trees nest, plus one), which needs no reverse index.
        let mut relevant = vec![false; n_trees];
        for h in &graph.hits {
            relevant[h.1 as usize] = true;
        }
        loop {
            let mut changed = false;
            for &(c, p, _) in graph.edges.iter().flatten() {
                if relevant[c as usize] && !relevant[p as usize] {
                    relevant[p as usize] = true;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        // Children of relevant trees, sorted by name.
        let mut children: HashMap<u32, Vec<(u32, Child)>> = HashMap::new();
        for &(c, p, n) in graph.edges.iter().flatten() {
            if relevant[c as usize] {
                children.entry(p).or_default().push((n, Child::Tree(c)));
            }
        }
        for &(b, p, n) in &graph.hits {
            children.entry(p).or_default().push((n, Child::Blob(b)));
        }
        for list in children.values_mut() {
            list.sort_unstable_by_key(|e| e.0);
            list.dedup();
        }
        let mut names: Vec<BString> = vec![BString::default(); graph.names.len()];
        for (name, i) in graph.names {
            names[i as usize] = name;
        }
        // Commit graph.
        let commit_ids: IdMap<u32> = graph.commits.iter().enumerate().map(|(i, c)| (c.0, i as u32)).collect();
        let root_of = |c: &(ObjectId, ObjectId, Vec<ObjectId>)| tree_ids.get(&c.1).copied();
        // introductions: (kept blob, path) -> commits
        let mut intro: HashMap<(u32, BString), Vec<u32>> = HashMap::new();
        // Why parts of trees were not walked, each reason once.
        let mut cut: std::collections::BTreeSet<String> = Default::default();
        for (ci, c) in graph.commits.iter().enumerate() {
            let Some(root) = root_of(c).filter(|r| relevant[*r as usize]) else {
                continue;
            };
            let parent_roots: Vec<Option<u32>> =
                c.2.iter()
                    .map(|p| commit_ids.get(p).and_then(|&pi| root_of(&graph.commits[pi as usize])))
                    .collect();
            let mut walk = IntroWalk::default();
            introduced(&children, root, &parent_roots, &names, &mut walk);
            cut.extend(walk.cut);
            let found = walk.out;
            for (blob, path) in found {
                intro.entry((blob, path)).or_default().push(ci as u32);
            }
        }
        scan.coverage.errors.extend(cut);
        if intro.is_empty() {
            return Ok(());
        }
        // Which ref reaches each commit: HEAD first, then branches, tags, the rest.
        let reach = reachability(repo, &graph.commits, &commit_ids)?;
        let is_head = |label: Option<u32>| label.is_some_and(|r| reach.1[r as usize] == "HEAD");
        let head_tree = scan.head_tree.map(|id| repo.find_tree(id)).transpose()?;
        let mut infos: HashMap<u32, Arc<CommitInfo>> = HashMap::new();
        for ((blob, path), mut commits) in intro {
            let info_of = |ci: u32, infos: &mut HashMap<u32, Arc<CommitInfo>>| -> Result<Arc<CommitInfo>> {
                if let Some(i) = infos.get(&ci) {
                    return Ok(i.clone());
                }
                let info = Arc::new(commit_info(repo, &graph.commits[ci as usize].0)?);
                infos.insert(ci, info.clone());
                Ok(info)
            };
            // The first introduction: prefer commits reachable from HEAD, then the oldest.
            let mut best: Option<(bool, i64, u32)> = None;
            commits.sort_unstable();
            commits.dedup();
            for ci in commits {
                let info = info_of(ci, &mut infos)?;
                let key = (!is_head(reach.0[ci as usize]), info.time, ci);
                if best.is_none_or(|b| key < b) {
                    best = Some(key);
                }
            }
            let Some((_, _, ci)) = best else { continue };
            let path_str = path.to_str_lossy().into_owned();
            let blob_id = kept[blob as usize];
            let in_head = head_tree.as_ref().is_some_and(|t| {
                t.lookup_entry_by_path(path_str.as_str())
                    .ok()
                    .flatten()
                    .is_some_and(|e| e.object_id() == blob_id)
            });
            let reach = match reach.0[ci as usize] {
                label if is_head(label) => Reach::Head,
                Some(r) => Reach::Ref(reach.1[r as usize].clone()),
                None => Reach::Unreferenced,
            };
            scan.appearances.entry(blob_id).or_default().push(Appearance {
                commit: Some(info_of(ci, &mut infos)?),
                path: path_str,
                in_head,
                reach,
                added_lines: None,
            });
        }
        for list in scan.appearances.values_mut() {
            list.sort_by(|a, b| {
                let key = |x: &Appearance| (x.commit.as_ref().map(|c| c.time), x.path.clone());
                key(a).cmp(&key(b))
            });
        }
        Ok(())
    }

    /// What [`introduced`] collects: (kept blob, path) pairs, and why parts of the tree were not
    /// walked (a tree that contains itself, nests too deep, or lists too many paths).
    #[derive(Default)]
    struct IntroWalk {
        out: Vec<(u32, BString)>,
        cut: Vec<String>,
    }

    /// One tree being walked by [`introduced`]: the trees at its path in the parent commits, the
    /// next entry to look at, and the length of its path.
    struct IntroFrame {
        tree: u32,
        parents: Vec<Option<u32>>,
        next: usize,
        prefix_len: usize,
    }

    /// Collects (kept blob, path) under relevant tree `root` that none of `parents` (trees at the
    /// same path in the parent commits; `None` = absent or irrelevant) has at the same path. Walks
    /// with its own stack, not by recursion, so a deep tree cannot overflow the thread's stack.
    fn introduced(
        children: &HashMap<u32, Vec<(u32, Child)>>,
        root: u32,
        parents: &[Option<u32>],
        names: &[BString],
        walk: &mut IntroWalk,
    ) {
        let lookup = |p: Option<u32>, name: u32| -> Vec<Child> {
            p.and_then(|p| children.get(&p))
                .map(|list| {
                    let start = list.partition_point(|e| e.0 < name);
                    list[start..].iter().take_while(|e| e.0 == name).map(|e| e.1).collect()
                })
                .unwrap_or_default()
        };
        let mut prefix = BString::default();
        let mut frames = vec![IntroFrame {
            tree: root,
            parents: parents.to_vec(),
            next: 0,
            prefix_len: 0,
        }];
        let mut visited = 0u64;
        while let Some(frame) = frames.last_mut() {
            let entries = children.get(&frame.tree).map_or(&[][..], Vec::as_slice);
            let Some(&(name, child)) = entries.get(frame.next) else {
                frames.pop();
                continue;
            };
            frame.next += 1;
            visited += 1;
            if visited > MAX_TREE_ENTRIES {
                walk.cut.push(format!(
                    "a commit's tree lists more than {MAX_TREE_ENTRIES} paths to secrets (subtrees repeated \
                     level after level?); the rest of it was not walked"
                ));
                return;
            }
            prefix.truncate(frame.prefix_len);
            let at_parents: Vec<Vec<Child>> = frame.parents.iter().map(|&p| lookup(p, name)).collect();
            if at_parents.iter().any(|cs| cs.contains(&child)) {
                continue;
            }
            if !prefix.is_empty() {
                prefix.push(b'/');
            }
            prefix.extend_from_slice(&names[name as usize]);
            match child {
                Child::Blob(_) if walk.out.len() >= MAX_PLACES => {
                    walk.cut.push(format!(
                        "a commit's tree holds secrets at more than {MAX_PLACES} paths (subtrees repeated \
                         level after level?); only the first are reported"
                    ));
                    return;
                }
                Child::Blob(b) => walk.out.push((b, prefix.clone())),
                Child::Tree(t) => {
                    let sub: Vec<Option<u32>> = at_parents
                        .iter()
                        .map(|cs| {
                            cs.iter().find_map(|c| match c {
                                Child::Tree(t) => Some(*t),
                                Child::Blob(_) => None,
                            })
                        })
                        .collect();
                    if frames.len() >= MAX_TREE_DEPTH || frames.iter().any(|f| f.tree == t) {
                        walk.cut.push(format!(
                            "the tree at {prefix} contains itself or nests deeper than {MAX_TREE_DEPTH} \
                             directories (a damaged or forged repository); not walked further"
                        ));
                    } else {
                        frames.push(IntroFrame {
                            tree: t,
                            parents: sub,
                            next: 0,
                            prefix_len: prefix.len(),
                        });
                    }
                }
            }
        }
    }

    /// For each commit, the index of the first ref that reaches it (0 = HEAD), and the ref names.
    #[allow(clippy::type_complexity)]
    fn reachability(
        repo: &gix::Repository,
        commits: &[(ObjectId, ObjectId, Vec<ObjectId>)],
        ids: &IdMap<u32>,
    ) -> Result<(Vec<Option<u32>>, Vec<String>)> {
        let mut tips: Vec<(u8, String, ObjectId)> = Vec::new();
        if let Ok(Some(id)) = repo
            .head()
            .and_then(|mut h| h.try_peel_to_id())
            .map(|o| o.map(|i| i.detach()))
        {
            tips.push((0, "HEAD".into(), id));
        }
        let platform = repo.references().context("listing refs")?;
        for r in platform.all().context("listing refs")?.flatten() {
            let name = r.name().as_bstr().to_str_lossy().into_owned();
            let mut r = r;
            let Ok(id) = r.peel_to_id() else { continue };
            let rank = if name.starts_with("refs/heads/") {
                1
            } else if name.starts_with("refs/tags/") {
                2
            } else if name.starts_with("refs/remotes/") {
                3
            } else {
                4
            };
            tips.push((rank, name, id.detach()));
        }
        tips.sort();
        let mut label: Vec<Option<u32>> = vec![None; commits.len()];
        let mut names = Vec::new();
        for (_, name, id) in tips {
            let r = names.len() as u32;
            names.push(name);
            let Some(&start) = ids.get(&id) else { continue };
            let mut stack = vec![start];
            while let Some(c) = stack.pop() {
                if label[c as usize].is_some() {
                    continue;
                }
                label[c as usize] = Some(r);
                stack.extend(commits[c as usize].2.iter().filter_map(|p| ids.get(p).copied()));
            }
        }
        Ok((label, names))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn added_lines_are_the_new_and_changed_lines_of_the_new_blob() {
        let old = b"a\nb\nc\nd\n";
        let new = b"a\nB\nc\nd\ne\nf\n";
        let lines = added_lines(old, new);
        assert_eq!(lines.ranges(), &[(2, 2), (5, 6)]);
        assert!(lines.contains(2) && lines.contains(6));
        assert!(!lines.contains(1) && !lines.contains(3) && !lines.contains(7));
        assert!(lines.contains_all(5, 6) && !lines.contains_all(4, 5));
        assert!(added_lines(old, old).is_empty());
    }

    #[test]
    fn line_sets_intersect() {
        let a = LineSet(vec![(1, 5), (10, 12)]);
        let b = LineSet(vec![(4, 11)]);
        assert_eq!(a.intersect(&b).ranges(), &[(4, 5), (10, 11)]);
    }

    #[test]
    fn messages_are_what_follows_the_headers_without_a_tag_signature() {
        let commit = b"tree 1\nparent 2\nauthor a <a@b> 1 +0000\n\nsubject\n\nbody\n";
        assert_eq!(message_of(MessageKind::Commit, commit), b"subject\n\nbody\n");
        let tag = b"object 1\ntype commit\ntag v1\n\nrelease\n-----BEGIN PGP SIGNATURE-----\nabc\n";
        assert_eq!(message_of(MessageKind::Tag, tag), b"release\n");
        assert_eq!(message_of(MessageKind::Commit, b"tree 1\n"), b"");
    }

    #[test]
    fn a_delta_result_size_is_read_from_its_first_inflated_bytes() {
        use std::io::Write;
        // Base size 200 (two bytes), result size 100000 (three bytes), then instructions.
        let delta = [0xc8, 0x01, 0xa0, 0x8d, 0x06, 0x91, 0x00, 0x10];
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(&delta).unwrap();
        let compressed = z.finish().unwrap();
        let mut inflate = gix::zlib::Inflate::default();
        assert_eq!(full::delta_result_size(&mut inflate, &compressed), Some(100_000));
        assert_eq!(full::delta_result_size(&mut inflate, &compressed[..2]), None);
    }

    #[test]
    fn dates_are_iso_8601_utc() {
        assert_eq!(iso8601(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso8601(1_704_110_400), "2024-01-01T12:00:00Z");
        assert_eq!(iso8601(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(iso8601(-1), "1969-12-31T23:59:59Z");
    }
}
