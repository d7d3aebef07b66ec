//! Container images read from files, with no Docker engine or registry: `docker save` archives in the
//! legacy layout (`manifest.json`, `<id>/layer.tar`) and the OCI-in-tar layout Docker 25+ writes, OCI
//! image layout directories and their tars (`skopeo copy ... oci-archive:`), plain or gzip/zstd
//! compressed, holding one image or several, with indexes of several manifests (every platform;
//! attestation manifests skipped; an index that leads back to itself is reported, not followed).
//!
//! Every layer is read as it is, entry by entry, straight from its offset in the outer tar or its blob
//! file (gzip, multi-member gzip, zstd or plain, told from the bytes, not the media type): nothing is
//! extracted to disk and no layer is held in memory. One thread decompresses while the caller's thread
//! scans. Identical contents (sha256) are scanned once and reported at every place they occur; a layer
//! shared by several images is read once. Files a later layer deletes (whiteout `.wh.NAME`, opaque
//! directory `.wh..wh..opq`) still ship in the image: their places carry `deleted_in_layer`. The image
//! config is scanned too (`Env`, `Cmd`, `Entrypoint`, `Labels`, `OnBuild`, `history[].created_by`),
//! each string on its own, at paths such as `config:Env[3]`. Archives inside layers are opened with
//! [`super::archive`]. This module knows nothing of rules or reports: the caller's `scan` turns bytes
//! into an opaque result, and `emit` receives that result once per place.

use std::collections::hash_map::Entry as MapEntry;
use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, SyncSender};
use std::sync::Arc;

use anyhow::{anyhow, bail, Context, Result};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::archive::{self, ArchiveOutcome, Kind};

/// Limits for reading one image.
#[derive(Debug, Clone)]
pub struct ImageLimits {
    /// Largest file inside a layer that is scanned; larger ones are skipped and counted.
    pub max_file_bytes: u64,
    /// Largest decompressed size of one layer (or of a compressed outer archive).
    pub max_layer_bytes: u64,
    /// Largest decompression ratio of one layer once past 1 GiB (a bomb, not a layer).
    pub max_layer_ratio: u64,
    /// Largest manifest, index or config JSON read.
    pub max_json_bytes: u64,
    /// Limits for archives found inside layers (`depth` 0 turns them off).
    pub archives: archive::Limits,
    /// Skip files that look binary (a NUL byte in the first 8 KiB) while reading the layer, before
    /// they are copied or hashed; archives are still opened.
    pub skip_binary: bool,
}

impl Default for ImageLimits {
    fn default() -> Self {
        ImageLimits {
            max_file_bytes: 64 << 20,
            max_layer_bytes: 64 << 30,
            max_layer_ratio: 1000,
            max_json_bytes: 16 << 20,
            archives: archive::Limits::default(),
            skip_binary: false,
        }
    }
}

/// Where a content sits in an image.
#[derive(Debug, Clone, Copy)]
pub struct EntryCtx<'a> {
    /// `name:tag` when the archive names the image, else its manifest digest; a platform of a
    /// multi-platform index is added in brackets (`app:1 [linux/arm64]`).
    pub image: &'a str,
    /// Digest of the layer (for a legacy `docker save`, its `rootfs.diff_ids` entry), or of the config
    /// for a `config:` path.
    pub layer: &'a str,
    /// Position of the layer in the image, 0 = base; `None` for the config.
    pub layer_index: Option<usize>,
    /// Path inside the layer as written in the tar (`..` and absolute paths as they are), with
    /// `!/member` parts for archives inside it; or `config:Env[3]`, `config:history[2].created_by`, ...
    pub path: &'a str,
    /// Index of the first later layer that deletes this file (whiteout or opaque directory): the file
    /// is hidden in a container but still ships in the image. Always `None` when handed to `scan`.
    pub deleted_in_layer: Option<usize>,
}

/// What was read, for the coverage report and exit code.
#[derive(Debug, Default)]
pub struct ImageCoverage {
    /// Names of the images found, in archive order.
    pub images: Vec<String>,
    /// Distinct layers read.
    pub layers: u64,
    /// Files (and archive members) handed over, duplicates included.
    pub files: u64,
    /// Decompressed bytes of those files.
    pub bytes: u64,
    /// Files whose content had already been scanned elsewhere.
    pub duplicates: u64,
    /// Files larger than [`ImageLimits::max_file_bytes`], not scanned.
    pub skipped_large: u64,
    /// Files skipped as binary ([`ImageLimits::skip_binary`]).
    pub skipped_binary: u64,
    /// Symbolic and hard links (not followed: their targets are scanned where they are).
    pub links: u64,
    /// Whiteout entries (deletions) seen.
    pub whiteouts: u64,
    /// Attestation manifests skipped.
    pub attestations: u64,
    /// Archives found inside layers: counts, bombs, warnings.
    pub archives: ArchiveOutcome,
    /// What could not be read (missing blob, truncated layer, bad JSON, index loop, layer bomb):
    /// the scan went on without it, and the run should end with the error exit code.
    pub errors: Vec<String>,
}

/// Image format errors a caller branches on.
#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    /// Neither an OCI layout (`index.json`) nor a `docker save` archive (`manifest.json`).
    #[error("{0}: not a container image (no index.json or manifest.json)")]
    NotAnImage(String),
}

/// Reads every image in `path` (a tar, compressed tar or OCI layout directory). `scan` is called once
/// per distinct content with its first place and returns what it found (`None` for nothing); at the
/// end `emit` is called for every place of every content that gave a result, in image, layer and
/// archive order, with `deleted_in_layer` filled in. Errors only when `path` is not an image at all;
/// anything unreadable inside it lands in [`ImageCoverage::errors`].
pub fn scan_image<H>(
    path: &Path,
    limits: &ImageLimits,
    scan: &mut dyn FnMut(&EntryCtx, &[u8]) -> Option<H>,
    emit: &mut dyn FnMut(&EntryCtx, &H),
) -> Result<ImageCoverage> {
    let mut cov = ImageCoverage::default();
    let store = Store::new(path, limits).with_context(|| format!("cannot read image {}", path.display()))?;
    let layout_name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let layout_name = layout_name
        .trim_end_matches(".gz")
        .trim_end_matches(".zst")
        .trim_end_matches(".tgz")
        .trim_end_matches(".tar")
        .to_string();
    let images = resolve(&store, limits, &layout_name, &mut cov)?;
    if images.is_empty() && cov.errors.is_empty() {
        cov.errors
            .push(format!("{}: the archive lists no image", path.display()));
    }
    cov.images = images.iter().map(|i| i.name.clone()).collect();

    // Distinct blobs, in first-use order; each image refers to them by index.
    let mut blobs: Vec<BlobRef> = Vec::new();
    let mut blob_ix: HashMap<String, usize> = HashMap::new();
    let mut intern = |b: &BlobRef| -> usize {
        *blob_ix.entry(b.key.clone()).or_insert_with(|| {
            blobs.push(b.clone());
            blobs.len() - 1
        })
    };
    let plans: Vec<(Option<usize>, Vec<usize>)> = images
        .iter()
        .map(|img| {
            (
                img.config.as_ref().map(&mut intern),
                img.layers.iter().map(&mut intern).collect(),
            )
        })
        .collect();

    let mut state = ScanState {
        seen: HashMap::new(),
        hits: Vec::new(),
        places: vec![Vec::new(); blobs.len()],
        layers: (0..blobs.len()).map(|_| None).collect(),
    };

    // Configs first: small, and where `ENV` and `ARG` secrets land.
    let mut config_done = vec![false; blobs.len()];
    for (img, (config, _)) in images.iter().zip(&plans) {
        let Some(c) = *config else { continue };
        if std::mem::replace(&mut config_done[c], true) {
            continue;
        }
        let blob = &blobs[c];
        let strings = match store
            .read_json(&blob.key, limits.max_json_bytes)
            .map(|v| config_strings(&v))
        {
            Ok(s) => s,
            Err(e) => {
                cov.errors.push(format!("{}: config {}: {e:#}", img.name, blob.digest));
                continue;
            }
        };
        for (label, value) in strings {
            let item = Item {
                layer_path_len: label.len(),
                path: label,
                data: value.into_bytes(),
            };
            let ctx = EntryCtx {
                image: &img.name,
                layer: &blob.digest,
                layer_index: None,
                path: &item.path,
                deleted_in_layer: None,
            };
            state.consume(c, &item, &ctx, scan, &mut cov);
        }
    }

    // Layers, each distinct blob once.
    for (img, (_, layers)) in images.iter().zip(&plans) {
        for (index, &b) in layers.iter().enumerate() {
            if state.layers[b].is_some() {
                continue;
            }
            let blob = &blobs[b];
            let report = scan_layer(&store, blob, limits, &mut |item: Item| {
                let ctx = EntryCtx {
                    image: &img.name,
                    layer: &blob.digest,
                    layer_index: Some(index),
                    path: &item.path,
                    deleted_in_layer: None,
                };
                state.consume(b, &item, &ctx, scan, &mut cov);
            });
            cov.layers += 1;
            cov.skipped_large += report.skipped_large;
            cov.skipped_binary += report.skipped_binary;
            cov.links += report.links;
            cov.whiteouts += report.whiteout_entries;
            if let Some(e) = &report.error {
                cov.errors
                    .push(format!("{}: layer {index} ({}): {e}", img.name, blob.digest));
            }
            state.layers[b] = Some(report);
        }
    }
    for report in state.layers.iter_mut().flatten() {
        cov.archives.merge(std::mem::take(&mut report.archives));
    }

    // Every place of every content that gave a result, now that all deletions are known.
    for (img, (config, layers)) in images.iter().zip(&plans) {
        if let Some(c) = *config {
            for place in &state.places[c] {
                let ctx = EntryCtx {
                    image: &img.name,
                    layer: &blobs[c].digest,
                    layer_index: None,
                    path: &place.path,
                    deleted_in_layer: None,
                };
                emit(&ctx, &state.hits[place.hit]);
            }
        }
        for (index, &b) in layers.iter().enumerate() {
            for place in &state.places[b] {
                let layer_path = &place.path[..place.layer_path_len];
                let deleted_in_layer = layers
                    .iter()
                    .enumerate()
                    .skip(index + 1)
                    .find(|(_, &upper)| state.layers[upper].as_ref().is_some_and(|r| r.deletes(layer_path)))
                    .map(|(j, _)| j);
                let ctx = EntryCtx {
                    image: &img.name,
                    layer: &blobs[b].digest,
                    layer_index: Some(index),
                    path: &place.path,
                    deleted_in_layer,
                };
                emit(&ctx, &state.hits[place.hit]);
            }
        }
    }
    Ok(cov)
}

/// One image: its name, config blob and layer blobs, base first.
#[derive(Debug)]
struct ImageRef {
    name: String,
    config: Option<BlobRef>,
    layers: Vec<BlobRef>,
}

/// A blob: where it is in the store and the digest shown to the user.
#[derive(Debug, Clone)]
struct BlobRef {
    key: String,
    digest: String,
}

/// A file (or archive member) from a layer, on its way from the reading thread to the scanning one.
struct Item {
    /// Display path: the layer path, then `!/member` parts.
    path: String,
    /// Length of the layer path at the start of `path` (what whiteouts apply to).
    layer_path_len: usize,
    data: Vec<u8>,
}

/// A place where a content with a result sits, inside one blob.
#[derive(Debug, Clone)]
struct Place {
    path: String,
    layer_path_len: usize,
    hit: usize,
}

/// Dedup table and results, shared by all blobs of one call.
struct ScanState<H> {
    seen: HashMap<[u8; 32], Option<usize>>,
    hits: Vec<H>,
    places: Vec<Vec<Place>>,
    layers: Vec<Option<LayerReport>>,
}

impl<H> ScanState<H> {
    /// Scans `item` unless its content was scanned before, and remembers its place if it gave a result.
    fn consume(
        &mut self,
        blob: usize,
        item: &Item,
        ctx: &EntryCtx,
        scan: &mut dyn FnMut(&EntryCtx, &[u8]) -> Option<H>,
        cov: &mut ImageCoverage,
    ) {
        cov.files += 1;
        cov.bytes += item.data.len() as u64;
        let digest: [u8; 32] = Sha256::digest(&item.data).into();
        let hit = match self.seen.entry(digest) {
            MapEntry::Occupied(e) => {
                cov.duplicates += 1;
                *e.get()
            }
            MapEntry::Vacant(v) => {
                let hit = scan(ctx, &item.data).map(|h| {
                    self.hits.push(h);
                    self.hits.len() - 1
                });
                *v.insert(hit)
            }
        };
        if let Some(hit) = hit {
            self.places[blob].push(Place {
                path: item.path.clone(),
                layer_path_len: item.layer_path_len,
                hit,
            });
        }
    }
}

/// The strings of an image config that are scanned, each with its `config:` path.
fn config_strings(v: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let cfg = &v["config"];
    for field in ["Env", "Cmd", "Entrypoint", "OnBuild"] {
        if let Some(list) = cfg[field].as_array() {
            for (i, s) in list.iter().enumerate() {
                if let Some(s) = s.as_str() {
                    out.push((format!("config:{field}[{i}]"), s.to_string()));
                }
            }
        } else if let Some(s) = cfg[field].as_str() {
            out.push((format!("config:{field}"), s.to_string()));
        }
    }
    if let Some(labels) = cfg["Labels"].as_object() {
        for (k, s) in labels {
            if let Some(s) = s.as_str() {
                // Key and value together, so a rule that wants `TOKEN=...` context sees it.
                out.push((format!("config:Labels[{k}]"), format!("{k}={s}")));
            }
        }
    }
    if let Some(history) = v["history"].as_array() {
        for (i, h) in history.iter().enumerate() {
            for field in ["created_by", "comment"] {
                if let Some(s) = h[field].as_str() {
                    out.push((format!("config:history[{i}].{field}"), s.to_string()));
                }
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------------
// Where blobs are read from.

/// An image's files: an outer tar (indexed by entry offsets, read positionally) or a directory.
enum Store {
    Tar {
        file: Arc<File>,
        index: HashMap<String, (u64, u64)>,
    },
    Dir(PathBuf),
}

impl Store {
    fn new(path: &Path, limits: &ImageLimits) -> Result<Store> {
        if path.is_dir() {
            return Ok(Store::Dir(path.to_path_buf()));
        }
        let mut file = File::open(path).context("cannot open")?;
        let mut head = Vec::with_capacity(archive::SNIFF_LEN);
        (&mut file)
            .take(archive::SNIFF_LEN as u64)
            .read_to_end(&mut head)
            .context("cannot read")?;
        let file = match archive::sniff(&head) {
            Kind::Gzip | Kind::Zstd => spill(path, limits).context("cannot decompress")?,
            Kind::Tar => File::open(path).context("cannot open")?,
            _ => return Err(ImageError::NotAnImage(path.display().to_string()).into()),
        };
        let mut index = HashMap::new();
        let mut links = Vec::new();
        let mut archive = tar::Archive::new(&file);
        let entries = archive.entries_with_seek().context("not a tar")?;
        for entry in entries {
            // A truncated outer tar: keep what was indexed; missing blobs are reported later.
            let Ok(entry) = entry else { break };
            let ty = entry.header().entry_type();
            let name = normalize(&String::from_utf8_lossy(&entry.path_bytes())).to_string();
            if ty.is_file() {
                index.insert(name, (entry.raw_file_position(), entry.size()));
            } else if ty.is_symlink() || ty.is_hard_link() {
                // `docker save` and skopeo link a layer shared by several images: `<id>/layer.tar ->
                // ../<other>/layer.tar`.
                if let Some(target) = entry.link_name_bytes() {
                    let target = String::from_utf8_lossy(&target).into_owned();
                    links.push((name, target, ty.is_symlink()));
                }
            }
        }
        for (name, target, relative) in links {
            let dir = if relative {
                name.rsplit_once('/').map_or("", |(d, _)| d)
            } else {
                ""
            };
            if let Some(resolved) = join_rel(dir, &target) {
                if let Some(&at) = index.get(&resolved) {
                    index.entry(name).or_insert(at);
                }
            }
        }
        Ok(Store::Tar {
            file: Arc::new(file),
            index,
        })
    }

    fn has(&self, key: &str) -> bool {
        match self {
            Store::Tar { index, .. } => index.contains_key(key),
            Store::Dir(root) => safe_rel(key).is_some_and(|rel| root.join(rel).is_file()),
        }
    }

    /// A reader over one blob and its stored size.
    fn open(&self, key: &str) -> Result<(Box<dyn Read + Send>, u64)> {
        match self {
            Store::Tar { file, index } => {
                let &(offset, len) = index.get(key).ok_or_else(|| anyhow!("missing blob {key}"))?;
                Ok((
                    Box::new(ReadAt {
                        file: Arc::clone(file),
                        pos: offset,
                        end: offset.saturating_add(len),
                    }),
                    len,
                ))
            }
            Store::Dir(root) => {
                let rel = safe_rel(key).ok_or_else(|| anyhow!("blob path {key:?} leaves the layout"))?;
                let file = File::open(root.join(rel)).with_context(|| format!("missing blob {key}"))?;
                let len = file.metadata().map(|m| m.len()).unwrap_or(0);
                Ok((Box::new(file), len))
            }
        }
    }

    fn read_json(&self, key: &str, max: u64) -> Result<Value> {
        let (reader, len) = self.open(key)?;
        if len > max {
            bail!("{key} is {len} bytes, more than the {max} read for JSON");
        }
        let mut buf = Vec::new();
        reader
            .take(max)
            .read_to_end(&mut buf)
            .with_context(|| format!("cannot read {key}"))?;
        serde_json::from_slice(&buf).with_context(|| format!("{key} is not valid JSON"))
    }
}

/// A compressed outer archive (`docker save | gzip`), decompressed into an unnamed temporary file so
/// its blobs can be read by offset. This is the outer container, not the image's files.
fn spill(path: &Path, limits: &ImageLimits) -> Result<File> {
    let input = BufReader::with_capacity(256 << 10, File::open(path)?);
    let len = std::fs::metadata(path)?.len();
    let mut decoded = Capped::new(decoder(input)?, limits, len);
    let mut tmp = tempfile::tempfile().context("cannot create a temporary file")?;
    io::copy(&mut decoded, &mut tmp)?;
    if let Some(e) = decoded.tripped {
        bail!("{e}");
    }
    tmp.seek(io::SeekFrom::Start(0))?;
    Ok(tmp)
}

/// A layer-sized reader over a range of a shared file, by positional reads (no shared seek offset).
struct ReadAt {
    file: Arc<File>,
    pos: u64,
    end: u64,
}

impl Read for ReadAt {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let want = (self.end.saturating_sub(self.pos)).min(buf.len() as u64) as usize;
        if want == 0 {
            return Ok(0);
        }
        #[cfg(unix)]
        let n = std::os::unix::fs::FileExt::read_at(&*self.file, &mut buf[..want], self.pos)?;
        #[cfg(windows)]
        let n = std::os::windows::fs::FileExt::seek_read(&*self.file, &mut buf[..want], self.pos)?;
        self.pos += n as u64;
        Ok(n)
    }
}

/// `target` (of a link in `dir`) as a normalized path inside the archive, or `None` if it leaves it.
fn join_rel(dir: &str, target: &str) -> Option<String> {
    let mut parts: Vec<&str> = if target.starts_with('/') {
        Vec::new()
    } else {
        dir.split('/').filter(|p| !p.is_empty()).collect()
    };
    for part in target.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// `key` as a relative path that stays inside the layout, or `None`.
fn safe_rel(key: &str) -> Option<&Path> {
    let p = Path::new(key);
    p.components()
        .all(|c| matches!(c, std::path::Component::Normal(_)))
        .then_some(p)
}

/// A tar path without `./` or `/` prefixes and trailing `/`, for matching (never for display).
fn normalize(path: &str) -> &str {
    let mut p = path;
    loop {
        if let Some(rest) = p.strip_prefix("./") {
            p = rest;
        } else if let Some(rest) = p.strip_prefix('/') {
            p = rest;
        } else {
            break;
        }
    }
    p.trim_end_matches('/')
}

// ---------------------------------------------------------------------------------------------------
// Which images an archive holds.

fn resolve(store: &Store, limits: &ImageLimits, layout_name: &str, cov: &mut ImageCoverage) -> Result<Vec<ImageRef>> {
    let docker = if store.has("manifest.json") {
        match store.read_json("manifest.json", limits.max_json_bytes) {
            Ok(v) => Some(v),
            Err(e) => {
                cov.errors.push(format!("manifest.json: {e:#}"));
                None
            }
        }
    } else {
        None
    };
    let mut images = Vec::new();
    if store.has("index.json") {
        // Docker 25+ writes both files; the index is the richer description, RepoTags the nicer names.
        let mut tags: HashMap<String, String> = HashMap::new();
        for m in docker.iter().flat_map(|d| d.as_array().into_iter().flatten()) {
            if let (Some(config), Some(tag)) = (m["Config"].as_str(), m["RepoTags"][0].as_str()) {
                let hex = config.rsplit('/').next().unwrap_or(config).trim_end_matches(".json");
                tags.insert(hex.to_string(), tag.to_string());
            }
        }
        match store.read_json("index.json", limits.max_json_bytes) {
            Ok(index) => {
                let mut walk = IndexWalk {
                    store,
                    limits,
                    layout_name,
                    tags: &tags,
                    cov,
                    out: &mut images,
                    stack: Vec::new(),
                };
                walk.index(&index, None);
            }
            Err(e) => cov.errors.push(format!("index.json: {e:#}")),
        }
        if !images.is_empty() || docker.is_none() {
            return Ok(images);
        }
    }
    let Some(docker) = docker else {
        if store.has("index.json") {
            return Ok(images);
        }
        return Err(ImageError::NotAnImage(layout_name.to_string()).into());
    };
    legacy(store, limits, &docker, cov, &mut images);
    Ok(images)
}

/// `docker save` `manifest.json`: `[{"Config": "<id>.json", "RepoTags": [..], "Layers": [..]}]`.
fn legacy(store: &Store, limits: &ImageLimits, docker: &Value, cov: &mut ImageCoverage, out: &mut Vec<ImageRef>) {
    let Some(list) = docker.as_array() else {
        cov.errors.push("manifest.json is not a list".into());
        return;
    };
    for m in list {
        let config_key = m["Config"].as_str().map(normalize);
        let config_digest = config_key.map(key_digest);
        let name = m["RepoTags"][0]
            .as_str()
            .map(str::to_string)
            .or_else(|| config_digest.clone())
            .unwrap_or_else(|| "unnamed".into());
        // Legacy layer paths are `<v1 id>/layer.tar`; the config's diff_ids are the real digests.
        let diff_ids: Vec<String> = config_key
            .filter(|k| store.has(k))
            .and_then(|k| store.read_json(k, limits.max_json_bytes).ok())
            .and_then(|c| {
                c["rootfs"]["diff_ids"]
                    .as_array()
                    .map(|a| a.iter().filter_map(|d| d.as_str().map(str::to_string)).collect())
            })
            .unwrap_or_default();
        let mut layers = Vec::new();
        for (i, l) in m["Layers"].as_array().into_iter().flatten().enumerate() {
            let Some(key) = l.as_str().map(normalize) else { continue };
            if !store.has(key) {
                cov.errors
                    .push(format!("{name}: manifest.json names missing layer {key}"));
                continue;
            }
            let digest = if key.starts_with("blobs/") {
                key_digest(key)
            } else {
                diff_ids.get(i).cloned().unwrap_or_else(|| key.to_string())
            };
            layers.push(BlobRef {
                key: key.to_string(),
                digest,
            });
        }
        let config = match config_key {
            Some(k) if store.has(k) => Some(BlobRef {
                key: k.to_string(),
                digest: config_digest.clone().unwrap_or_default(),
            }),
            Some(k) => {
                cov.errors
                    .push(format!("{name}: manifest.json names missing config {k}"));
                None
            }
            None => None,
        };
        out.push(ImageRef { name, config, layers });
    }
}

/// `blobs/sha256/<hex>` -> `sha256:<hex>`; `<hex>.json` -> `sha256:<hex>`.
fn key_digest(key: &str) -> String {
    if let Some(rest) = key.strip_prefix("blobs/") {
        if let Some((alg, hex)) = rest.split_once('/') {
            return format!("{alg}:{hex}");
        }
    }
    let base = key.rsplit('/').next().unwrap_or(key);
    let hex = base.trim_end_matches(".json");
    if hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        format!("sha256:{hex}")
    } else {
        key.to_string()
    }
}

/// Blob key of a digest, refusing digests that could name anything but a blob.
fn digest_key(digest: &str) -> Result<String> {
    let (alg, hex) = digest.split_once(':').ok_or_else(|| anyhow!("bad digest {digest:?}"))?;
    let ok_alg = !alg.is_empty() && alg.bytes().all(|b| b.is_ascii_alphanumeric() || b"+._-".contains(&b));
    let ok_hex = !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_alphanumeric());
    if !ok_alg || !ok_hex {
        bail!("bad digest {digest:?}");
    }
    Ok(format!("blobs/{alg}/{hex}"))
}

/// Index nesting followed at most; deeper is a loop or an attack.
const MAX_INDEX_DEPTH: usize = 8;

struct IndexWalk<'a> {
    store: &'a Store,
    limits: &'a ImageLimits,
    layout_name: &'a str,
    tags: &'a HashMap<String, String>,
    cov: &'a mut ImageCoverage,
    out: &'a mut Vec<ImageRef>,
    /// Digests of the indexes being walked, to catch an index that leads back to itself.
    stack: Vec<String>,
}

impl IndexWalk<'_> {
    fn index(&mut self, index: &Value, parent: Option<&str>) {
        let manifests = index["manifests"].as_array().map(Vec::as_slice).unwrap_or(&[]);
        let several = manifests.len() > 1;
        for desc in manifests {
            if is_attestation(desc) {
                self.cov.attestations += 1;
                continue;
            }
            if let Err(e) = self.descriptor(desc, parent, several) {
                self.cov.errors.push(format!("{e:#}"));
            }
        }
    }

    fn descriptor(&mut self, desc: &Value, parent: Option<&str>, several: bool) -> Result<()> {
        let digest = desc["digest"]
            .as_str()
            .ok_or_else(|| anyhow!("index entry without digest"))?;
        let key = digest_key(digest)?;
        if self.stack.iter().any(|d| d == digest) {
            bail!("index {digest} leads back to itself; not followed again");
        }
        if self.stack.len() >= MAX_INDEX_DEPTH {
            bail!("indexes nested deeper than {MAX_INDEX_DEPTH} at {digest}");
        }
        if !self.store.has(&key) {
            bail!("index names missing blob {digest}");
        }
        let blob = self
            .store
            .read_json(&key, self.limits.max_json_bytes)
            .with_context(|| format!("manifest {digest}"))?;
        let annotations = &desc["annotations"];
        let mut name = annotations["io.containerd.image.name"]
            .as_str()
            .map(str::to_string)
            .or_else(|| {
                annotations["org.opencontainers.image.ref.name"].as_str().map(|r| {
                    if r.contains([':', '/', '@']) {
                        r.to_string()
                    } else {
                        format!("{}:{r}", self.layout_name)
                    }
                })
            })
            .or_else(|| parent.map(str::to_string));
        if let (Some(n), true, Some(os)) = (
            name.as_mut(),
            several && parent.is_some(),
            desc["platform"]["os"].as_str(),
        ) {
            let arch = desc["platform"]["architecture"].as_str().unwrap_or("?");
            *n = match desc["platform"]["variant"].as_str() {
                Some(v) => format!("{n} [{os}/{arch}/{v}]"),
                None => format!("{n} [{os}/{arch}]"),
            };
        }
        let media = desc["mediaType"]
            .as_str()
            .or_else(|| blob["mediaType"].as_str())
            .unwrap_or("");
        if media.contains("index") || media.contains("manifest.list") || blob["manifests"].is_array() {
            self.stack.push(digest.to_string());
            let parent_name = name.clone().unwrap_or_else(|| digest.to_string());
            self.index(&blob, Some(&parent_name));
            self.stack.pop();
            return Ok(());
        }
        let config_digest = blob["config"]["digest"].as_str();
        let tag = config_digest
            .and_then(|d| d.split_once(':'))
            .and_then(|(_, hex)| self.tags.get(hex));
        let name = match (tag, name) {
            // Docker's RepoTags beat the bare ref name, not a per-platform name.
            (Some(t), None) => t.clone(),
            (Some(t), Some(n)) if !n.contains('[') && !annotations["io.containerd.image.name"].is_string() => t.clone(),
            (_, Some(n)) => n,
            (None, None) => digest.to_string(),
        };
        let mut missing = Vec::new();
        let config = match config_digest.map(digest_key).transpose()? {
            Some(k) if self.store.has(&k) => Some(BlobRef {
                key: k,
                digest: config_digest.unwrap_or_default().to_string(),
            }),
            Some(k) => {
                missing.push(k);
                None
            }
            None => None,
        };
        let mut layers = Vec::new();
        for l in blob["layers"].as_array().into_iter().flatten() {
            let Some(d) = l["digest"].as_str() else { continue };
            let k = digest_key(d)?;
            if self.store.has(&k) {
                layers.push(BlobRef {
                    key: k,
                    digest: d.to_string(),
                });
            } else {
                missing.push(k);
            }
        }
        for k in missing {
            self.cov
                .errors
                .push(format!("{name}: manifest {digest} names missing blob {k}"));
        }
        self.out.push(ImageRef { name, config, layers });
        Ok(())
    }
}

/// Docker's build attestations (`unknown/unknown` platform, reference type annotation).
fn is_attestation(desc: &Value) -> bool {
    desc["annotations"]["vnd.docker.reference.type"].as_str() == Some("attestation-manifest")
        || (desc["platform"]["os"].as_str() == Some("unknown")
            && desc["platform"]["architecture"].as_str() == Some("unknown"))
}

// ---------------------------------------------------------------------------------------------------
// Reading one layer.

/// What reading one layer found besides its files.
#[derive(Debug, Default)]
struct LayerReport {
    /// Paths deleted by `.wh.NAME` entries (normalized).
    whiteouts: HashSet<String>,
    /// Directories made opaque by `.wh..wh..opq` (normalized; "" is the root).
    opaque: HashSet<String>,
    whiteout_entries: u64,
    skipped_large: u64,
    skipped_binary: u64,
    links: u64,
    archives: ArchiveOutcome,
    error: Option<String>,
}

impl LayerReport {
    /// Whether this layer hides `path` of a lower layer: a whiteout of it or of a directory above it,
    /// or an opaque directory above it.
    fn deletes(&self, path: &str) -> bool {
        let p = normalize(path);
        if self.whiteouts.contains(p) || self.opaque.contains("") {
            return true;
        }
        p.match_indices('/').any(|(i, _)| {
            let dir = &p[..i];
            self.whiteouts.contains(dir) || self.opaque.contains(dir)
        })
    }
}

/// Files per channel message are batched up to this size, so small files do not cost a send each.
const BATCH_BYTES: usize = 1 << 20;

/// Reads one layer on a helper thread (decompress, tar, archives inside) and hands each file to `sink`
/// on this thread, through a channel of two batches: memory stays a few batches whatever the layer size.
fn scan_layer(store: &Store, blob: &BlobRef, limits: &ImageLimits, sink: &mut dyn FnMut(Item)) -> LayerReport {
    let (reader, len) = match store.open(&blob.key) {
        Ok(x) => x,
        Err(e) => {
            return LayerReport {
                error: Some(format!("{e:#}")),
                ..LayerReport::default()
            }
        }
    };
    let (tx, rx) = sync_channel::<Vec<Item>>(2);
    std::thread::scope(|s| {
        let producer = s.spawn(move || read_layer(reader, len, limits, tx));
        for batch in rx {
            for item in batch {
                sink(item);
            }
        }
        producer.join().unwrap_or_else(|_| LayerReport {
            error: Some("layer reader panicked".into()),
            ..LayerReport::default()
        })
    })
}

/// The reading side of [`scan_layer`].
fn read_layer(reader: Box<dyn Read + Send>, len: u64, limits: &ImageLimits, tx: SyncSender<Vec<Item>>) -> LayerReport {
    let mut report = LayerReport::default();
    let decoded = match decoder(BufReader::with_capacity(256 << 10, reader)) {
        Ok(d) => d,
        Err(e) => {
            report.error = Some(format!("cannot read layer: {e}"));
            return report;
        }
    };
    let mut tar = tar::Archive::new(Capped::new(decoded, limits, len));
    let mut batch = Batch {
        tx,
        items: Vec::new(),
        bytes: 0,
        closed: false,
    };
    if let Err(e) = read_entries(&mut tar, limits, &mut report, &mut batch) {
        report.error = Some(format!("{e:#}"));
    }
    batch.flush();
    if let Some(tripped) = tar.into_inner().tripped {
        report.error = Some(tripped);
    }
    report
}

fn read_entries<R: Read>(
    tar: &mut tar::Archive<R>,
    limits: &ImageLimits,
    report: &mut LayerReport,
    batch: &mut Batch,
) -> Result<()> {
    for entry in tar.entries().context("not a tar layer")? {
        let mut entry = entry.context("truncated or corrupt layer")?;
        let ty = entry.header().entry_type();
        if ty.is_symlink() || ty.is_hard_link() {
            report.links += 1;
            continue;
        }
        if !(ty.is_file() || ty == tar::EntryType::GNUSparse) {
            continue;
        }
        let raw = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let norm = normalize(&raw);
        let (dir, base) = norm.rsplit_once('/').unwrap_or(("", norm));
        if let Some(target) = base.strip_prefix(".wh.") {
            report.whiteout_entries += 1;
            if target == ".wh..opq" {
                report.opaque.insert(dir.to_string());
            } else if !target.starts_with(".wh.") {
                let path = if dir.is_empty() {
                    target.to_string()
                } else {
                    format!("{dir}/{target}")
                };
                report.whiteouts.insert(path);
            }
            continue;
        }
        let size = entry.size();
        if size > limits.max_file_bytes {
            report.skipped_large += 1;
            continue;
        }
        // The header may claim anything: allocate by what actually arrives.
        let mut data = Vec::with_capacity(size.min(8 << 20) as usize);
        let head_len = (crate::source::BINARY_SNIFF as u64).min(limits.max_file_bytes);
        (&mut entry)
            .take(head_len)
            .read_to_end(&mut data)
            .with_context(|| format!("truncated file {raw}"))?;
        let is_archive = limits.archives.depth > 0 && archive::sniff(&data).is_archive();
        if limits.skip_binary && !is_archive && crate::source::looks_binary(&data) {
            // Most of an image is executables and libraries: never copied, hashed or sent.
            report.skipped_binary += 1;
            continue;
        }
        (&mut entry)
            .take(limits.max_file_bytes - data.len() as u64)
            .read_to_end(&mut data)
            .with_context(|| format!("truncated file {raw}"))?;
        let layer_path_len = raw.len();
        if is_archive {
            let out = archive::walk(&raw, &data, &limits.archives, &mut |p, d| {
                batch.push(Item {
                    path: p.to_string(),
                    layer_path_len,
                    data: d.to_vec(),
                })
            });
            report.archives.merge(out);
        } else {
            batch.push(Item {
                path: raw,
                layer_path_len,
                data,
            });
        }
        if batch.closed {
            break;
        }
    }
    Ok(())
}

/// Items on their way to the scanning thread.
struct Batch {
    tx: SyncSender<Vec<Item>>,
    items: Vec<Item>,
    bytes: usize,
    /// The scanning side has gone away: stop reading.
    closed: bool,
}

impl Batch {
    fn push(&mut self, item: Item) {
        self.bytes += item.data.len();
        self.items.push(item);
        if self.bytes >= BATCH_BYTES || self.items.len() >= 1024 {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if !self.items.is_empty() && self.tx.send(std::mem::take(&mut self.items)).is_err() {
            self.closed = true;
        }
        self.bytes = 0;
    }
}

/// The decompressor a stream needs, told from its first bytes: gzip (all members), zstd, or none.
fn decoder<R: BufRead + Send + 'static>(mut input: R) -> io::Result<Box<dyn Read + Send>> {
    let head = input.fill_buf()?;
    Ok(match archive::sniff(head) {
        Kind::Gzip => Box::new(flate2::bufread::MultiGzDecoder::new(input)),
        Kind::Zstd => Box::new(zstd::stream::read::Decoder::with_buffer(input)?),
        _ => Box::new(input),
    })
}

/// Bounds what one layer may decompress to, so a bomb ends with an error instead of filling memory,
/// disk or time.
struct Capped<R> {
    inner: R,
    left: u64,
    /// Why reading stopped, once it has.
    tripped: Option<String>,
}

impl<R> Capped<R> {
    fn new(inner: R, limits: &ImageLimits, compressed: u64) -> Self {
        let by_ratio = limits.max_layer_ratio.saturating_mul(compressed).max(1 << 30);
        Capped {
            inner,
            left: limits.max_layer_bytes.min(by_ratio),
            tripped: None,
        }
    }
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n as u64 > self.left {
            let msg = "decompresses past the layer size limit (a compression bomb?); skipped the rest";
            self.tripped = Some(msg.into());
            return Err(io::Error::other(msg));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

// ---------------------------------------------------------------------------------------------------
// Feeding the scan pipeline.

/// How `leakhound image` reads images.
#[derive(Debug, Clone)]
pub struct ImageScanOptions {
    /// Size and archive limits.
    pub limits: ImageLimits,
    /// Scan files that look binary.
    pub include_binary: bool,
    /// Layer paths the config allowlists (`allow.paths`): findings there are not reported.
    pub allow_paths: globset::GlobSet,
}

/// Scans every image in `paths` into `pipeline`; each finding names its image, layer and path in
/// the layer. Returns the image coverage for the summary. Unreadable parts are reported as errors
/// (exit status 2) and the scan goes on.
pub fn scan_images(
    paths: &[PathBuf],
    opts: &ImageScanOptions,
    pipeline: &crate::pipeline::Pipeline,
) -> serde_json::Map<String, Value> {
    use crate::finding::{Finding, ImageLocation, Origin};
    use crate::pipeline::SkipReason;

    let mut images = Vec::new();
    let mut totals = ImageCoverage::default();
    for path in paths {
        let cov = scan_image(
            path,
            &opts.limits,
            &mut |ctx, data| {
                if !opts.include_binary && crate::source::looks_binary(data) {
                    pipeline.stats.skip(SkipReason::Binary);
                    return None;
                }
                let found = pipeline.collect_bytes(data, &|| Origin::path(ctx.path));
                (!found.is_empty()).then_some(found)
            },
            &mut |ctx, found: &Vec<Finding>| {
                if !opts.allow_paths.is_empty() && opts.allow_paths.is_match(ctx.path) {
                    pipeline.stats.skip(SkipReason::Allowlisted);
                    return;
                }
                for f in found {
                    let mut f = f.clone();
                    f.path = ctx.path.to_string();
                    f.image = Some(ImageLocation {
                        image: ctx.image.to_string(),
                        layer: ctx.layer.to_string(),
                        layer_index: ctx.layer_index,
                        deleted_in_layer: ctx.deleted_in_layer,
                    });
                    pipeline.push(f);
                }
            },
        );
        let cov = match cov {
            Ok(c) => c,
            Err(e) => {
                pipeline.stats.skip(SkipReason::Unreadable);
                pipeline.error(format!("{e:#}"));
                continue;
            }
        };
        for e in &cov.errors {
            pipeline.error(format!("{}: {e}", path.display()));
        }
        crate::source::report_archive_outcome(pipeline, &cov.archives);
        images.extend(cov.images.iter().cloned());
        totals.layers += cov.layers;
        totals.files += cov.files;
        totals.bytes += cov.bytes;
        totals.duplicates += cov.duplicates;
        totals.skipped_large += cov.skipped_large;
        totals.skipped_binary += cov.skipped_binary;
        totals.links += cov.links;
        totals.whiteouts += cov.whiteouts;
        totals.attestations += cov.attestations;
        totals.archives.archives += cov.archives.archives;
    }
    for _ in 0..totals.skipped_large {
        pipeline.stats.skip(SkipReason::TooLarge);
    }
    for _ in 0..totals.skipped_binary {
        pipeline.stats.skip(SkipReason::Binary);
    }
    let mut m = serde_json::Map::new();
    m.insert("images".into(), Value::from(images));
    m.insert("layers".into(), Value::from(totals.layers));
    m.insert("layer_files".into(), Value::from(totals.files));
    m.insert("layer_bytes".into(), Value::from(totals.bytes));
    m.insert("duplicate_contents".into(), Value::from(totals.duplicates));
    m.insert("whiteouts".into(), Value::from(totals.whiteouts));
    m.insert("links".into(), Value::from(totals.links));
    m.insert("attestations_skipped".into(), Value::from(totals.attestations));
    m.insert("archives_opened".into(), Value::from(totals.archives.archives));
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::io::Write;

    /// Secret-shaped values are assembled at run time, never written whole in the source.
    fn secret(tag: &str) -> String {
        ["SECRET", "-", "ghp_", tag, "_Zx9Qw7Lk3Vb"].concat()
    }

    #[derive(Clone, Copy, Debug)]
    enum Comp {
        Plain,
        Gzip,
        Zstd,
    }

    fn compress(c: Comp, data: &[u8]) -> Vec<u8> {
        match c {
            Comp::Plain => data.to_vec(),
            Comp::Gzip => {
                let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
                e.write_all(data).unwrap();
                e.finish().unwrap()
            }
            Comp::Zstd => zstd::stream::encode_all(data, 1).unwrap(),
        }
    }

    fn tar_of(files: &[(&str, Vec<u8>)]) -> Vec<u8> {
        let mut b = tar::Builder::new(Vec::new());
        for (name, data) in files {
            let mut h = tar::Header::new_gnu();
            h.set_size(data.len() as u64);
            h.set_mode(0o644);
            h.set_entry_type(tar::EntryType::Regular);
            b.append_data(&mut h, name, &data[..]).unwrap();
        }
        b.into_inner().unwrap()
    }

    fn sha(data: &[u8]) -> String {
        Sha256::digest(data).iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The planted scenario: base layer with three secrets, a second layer deleting two of them.
    fn layers() -> Vec<Vec<u8>> {
        let base = tar_of(&[
            ("app/.env", secret("env").into_bytes()),
            ("etc/creds/key.pem", secret("opq").into_bytes()),
            ("./opt/keep.txt", secret("keep").into_bytes()),
            ("usr/share/doc/readme", b"nothing here".to_vec()),
        ]);
        let top = tar_of(&[
            ("app/.wh..env", Vec::new()),
            ("etc/creds/.wh..wh..opq", Vec::new()),
            ("etc/creds/new.txt", b"fine".to_vec()),
            // Same content as a base file: scanned once, reported twice.
            ("srv/copy.txt", secret("keep").into_bytes()),
        ]);
        vec![base, top]
    }

    fn config(diff_ids: &[String]) -> Vec<u8> {
        serde_json::to_vec(&json!({
            "architecture": "amd64", "os": "linux",
            "config": {
                "Env": ["PATH=/usr/bin", format!("API_TOKEN={}", secret("envvar"))],
                "Cmd": ["/bin/app"],
                "Labels": {"maintainer": "x"}
            },
            "rootfs": {"type": "layers", "diff_ids": diff_ids},
            "history": [
                {"created_by": "/bin/sh -c #(nop) ADD file:abc in /"},
                {"created_by": format!("RUN /bin/sh -c curl -H 'token: {}' example.invalid", secret("hist"))}
            ]
        }))
        .unwrap()
    }

    /// What `emit` saw: (image, layer_index, path, deleted_in_layer).
    type Seen = Vec<(String, Option<usize>, String, Option<usize>)>;

    fn run(path: &Path) -> (Seen, usize, ImageCoverage) {
        let mut scans = 0;
        let mut seen = Seen::new();
        let cov = scan_image(
            path,
            &ImageLimits::default(),
            &mut |_ctx, data| {
                scans += 1;
                memfind(data, b"SECRET-").then_some(())
            },
            &mut |ctx, ()| {
                seen.push((
                    ctx.image.to_string(),
                    ctx.layer_index,
                    ctx.path.to_string(),
                    ctx.deleted_in_layer,
                ))
            },
        )
        .unwrap();
        (seen, scans, cov)
    }

    fn memfind(hay: &[u8], needle: &[u8]) -> bool {
        hay.windows(needle.len()).any(|w| w == needle)
    }

    fn has(seen: &Seen, image: &str, layer: Option<usize>, path: &str, deleted: Option<usize>) {
        assert!(
            seen.iter()
                .any(|s| s.0 == image && s.1 == layer && s.2 == path && s.3 == deleted),
            "missing ({image}, {layer:?}, {path}, {deleted:?}) in {seen:#?}"
        );
    }

    /// The five planted places plus the duplicate, for one image.
    fn check_scenario(seen: &Seen, image: &str) {
        has(seen, image, Some(0), "app/.env", Some(1));
        has(seen, image, Some(0), "etc/creds/key.pem", Some(1));
        has(seen, image, Some(0), "opt/keep.txt", None);
        has(seen, image, Some(1), "srv/copy.txt", None);
        has(seen, image, None, "config:Env[1]", None);
        has(seen, image, None, "config:history[1].created_by", None);
    }

    fn outer_tar(files: &[(String, Vec<u8>)]) -> Vec<u8> {
        let v: Vec<(&str, Vec<u8>)> = files.iter().map(|(n, d)| (n.as_str(), d.clone())).collect();
        tar_of(&v)
    }

    fn write(dir: &Path, name: &str, data: &[u8]) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, data).unwrap();
        p
    }

    /// Legacy `docker save`: `<id>/layer.tar`, `<hex>.json`, `manifest.json`.
    fn legacy_archive() -> Vec<u8> {
        let layers = layers();
        let diff_ids: Vec<String> = layers.iter().map(|l| format!("sha256:{}", sha(l))).collect();
        let cfg = config(&diff_ids);
        let cfg_name = format!("{}.json", sha(&cfg));
        let mut files = vec![(cfg_name.clone(), cfg)];
        let mut paths = Vec::new();
        for (i, l) in layers.into_iter().enumerate() {
            let p = format!("{i:064}/layer.tar");
            paths.push(p.clone());
            files.push((p, l));
        }
        let manifest = json!([{"Config": cfg_name, "RepoTags": ["legacy:1"], "Layers": paths}]);
        files.push(("manifest.json".into(), serde_json::to_vec(&manifest).unwrap()));
        outer_tar(&files)
    }

    /// An OCI layout as (path, bytes): one image per compression, all in one index, plus an
    /// attestation manifest; optionally Docker 25's `manifest.json` beside it.
    fn oci_files(comps: &[Comp], docker_manifest: bool, multi_platform: bool) -> Vec<(String, Vec<u8>)> {
        let mut files = vec![("oci-layout".to_string(), br#"{"imageLayoutVersion":"1.0.0"}"#.to_vec())];
        let blob = |files: &mut Vec<(String, Vec<u8>)>, data: Vec<u8>| -> String {
            let hex = sha(&data);
            let key = format!("blobs/sha256/{hex}");
            if !files.iter().any(|(k, _)| *k == key) {
                files.push((key, data));
            }
            format!("sha256:{hex}")
        };
        let mut manifests = Vec::new();
        let mut docker = Vec::new();
        for (n, &c) in comps.iter().enumerate() {
            let layers = layers();
            let diff_ids: Vec<String> = layers.iter().map(|l| format!("sha256:{}", sha(l))).collect();
            let mut cfg: Value = serde_json::from_slice(&config(&diff_ids)).unwrap();
            cfg["config"]["Labels"]["n"] = json!(n.to_string());
            let cfg_digest = blob(&mut files, serde_json::to_vec(&cfg).unwrap());
            let layer_descs: Vec<Value> = layers
                .iter()
                .map(|l| {
                    let d = blob(&mut files, compress(c, l));
                    json!({"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": d, "size": 1})
                })
                .collect();
            let manifest = json!({
                "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cfg_digest, "size": 1},
                "layers": layer_descs,
            });
            let m_digest = blob(&mut files, serde_json::to_vec(&manifest).unwrap());
            docker.push(json!({
                "Config": format!("blobs/sha256/{}", cfg_digest.trim_start_matches("sha256:")),
                "RepoTags": [format!("img{n}:latest")],
                "Layers": layer_descs.iter().map(|d| format!("blobs/sha256/{}", d["digest"].as_str().unwrap().trim_start_matches("sha256:"))).collect::<Vec<_>>(),
            }));
            manifests.push(json!({
                "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": m_digest, "size": 1,
                "platform": {"os": "linux", "architecture": format!("arch{n}")},
                "annotations": {"org.opencontainers.image.ref.name": format!("img{n}")},
            }));
        }
        // An attestation manifest, as BuildKit writes: skipped.
        let att = blob(
            &mut files,
            br#"{"schemaVersion":2,"layers":[{"digest":"sha256:0000"}]}"#.to_vec(),
        );
        manifests.push(json!({
            "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": att, "size": 1,
            "platform": {"os": "unknown", "architecture": "unknown"},
            "annotations": {"vnd.docker.reference.type": "attestation-manifest"},
        }));
        let index = if multi_platform {
            for m in &mut manifests {
                m["annotations"]
                    .as_object_mut()
                    .unwrap()
                    .remove("org.opencontainers.image.ref.name");
            }
            let inner = json!({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": manifests});
            let d = blob(&mut files, serde_json::to_vec(&inner).unwrap());
            json!({"schemaVersion": 2, "manifests": [{
                "mediaType": "application/vnd.oci.image.index.v1+json", "digest": d, "size": 1,
                "annotations": {"io.containerd.image.name": "docker.io/library/multi:2"}}]})
        } else {
            json!({"schemaVersion": 2, "manifests": manifests})
        };
        files.push(("index.json".into(), serde_json::to_vec(&index).unwrap()));
        if docker_manifest {
            files.push(("manifest.json".into(), serde_json::to_vec(&docker).unwrap()));
        }
        files
    }

    #[test]
    fn legacy_docker_save() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), "legacy.tar", &legacy_archive());
        let (seen, scans, cov) = run(&p);
        check_scenario(&seen, "legacy:1");
        assert_eq!(seen.len(), 6, "{seen:#?}");
        assert_eq!(cov.duplicates, 1);
        assert!(cov.errors.is_empty(), "{:?}", cov.errors);
        assert_eq!(cov.whiteouts, 2);
        // Config strings (6) + base files (4) + the one new top file; whiteouts and the copy are
        // not scanned.
        assert_eq!(scans, 6 + 4 + 1);
    }

    #[test]
    fn legacy_docker_save_gzipped_and_zstd_outer() {
        let dir = tempfile::tempdir().unwrap();
        for (name, c) in [("l.tar.gz", Comp::Gzip), ("l.tar.zst", Comp::Zstd)] {
            let p = write(dir.path(), name, &compress(c, &legacy_archive()));
            let (seen, _, cov) = run(&p);
            check_scenario(&seen, "legacy:1");
            assert!(cov.errors.is_empty(), "{:?}", cov.errors);
        }
    }

    #[test]
    fn docker25_oci_in_tar_every_layer_compression() {
        let dir = tempfile::tempdir().unwrap();
        let files = oci_files(&[Comp::Plain, Comp::Gzip, Comp::Zstd], true, false);
        let p = write(dir.path(), "d25.tar", &outer_tar(&files));
        let (seen, _, cov) = run(&p);
        for img in ["img0:latest", "img1:latest", "img2:latest"] {
            check_scenario(&seen, img);
        }
        assert_eq!(cov.images.len(), 3);
        assert_eq!(cov.attestations, 1);
        // The plain image's layers and the compressed ones are different blobs: 6 layers read.
        assert_eq!(cov.layers, 6);
        assert!(cov.errors.is_empty(), "{:?}", cov.errors);
    }

    #[test]
    fn oci_layout_dir_with_nested_multi_platform_index() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("layout");
        for (k, d) in oci_files(&[Comp::Gzip, Comp::Zstd], false, true) {
            let p = root.join(&k);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, d).unwrap();
        }
        let (seen, _, cov) = run(&root);
        check_scenario(&seen, "docker.io/library/multi:2 [linux/arch0]");
        check_scenario(&seen, "docker.io/library/multi:2 [linux/arch1]");
        assert_eq!(cov.attestations, 1);
        assert!(cov.errors.is_empty(), "{:?}", cov.errors);
    }

    #[test]
    fn oci_archive_tar_names_from_ref_and_layout() {
        let dir = tempfile::tempdir().unwrap();
        let files = oci_files(&[Comp::Gzip], false, false);
        let p = write(dir.path(), "myapp.tar", &outer_tar(&files));
        let (seen, _, _) = run(&p);
        check_scenario(&seen, "myapp:img0");
    }

    #[test]
    fn layer_shared_by_two_images_is_read_once() {
        let dir = tempfile::tempdir().unwrap();
        // Two images, identical layers, different configs (Labels.n): layers are the same blobs.
        let files = oci_files(&[Comp::Gzip, Comp::Gzip], true, false);
        let p = write(dir.path(), "two.tar", &outer_tar(&files));
        let (seen, _, cov) = run(&p);
        check_scenario(&seen, "img0:latest");
        check_scenario(&seen, "img1:latest");
        assert_eq!(cov.layers, 2);
    }

    #[test]
    fn bad_inputs_are_reported_and_the_rest_is_scanned() {
        let dir = tempfile::tempdir().unwrap();
        let mut files = oci_files(&[Comp::Gzip], true, false);
        // Truncate the base layer's gzip, and drop the top layer's blob.
        let base = sha(&compress(Comp::Gzip, &layers()[0]));
        let top = sha(&compress(Comp::Gzip, &layers()[1]));
        for (k, d) in files.iter_mut() {
            if k.ends_with(&base) {
                let n = d.len();
                d.truncate(n - 30);
            }
        }
        files.retain(|(k, _)| !k.ends_with(&top));
        let p = write(dir.path(), "bad.tar", &outer_tar(&files));
        let (seen, _, cov) = run(&p);
        // The config is still read, and what the truncated layer had before the cut.
        has(&seen, "img0:latest", None, "config:Env[1]", None);
        assert_eq!(cov.errors.len(), 2, "{:#?}", cov.errors);
        assert!(cov.errors.iter().any(|e| e.contains("missing blob")));
        assert!(cov.errors.iter().any(|e| e.contains("layer 0")));
    }

    #[test]
    fn index_leading_back_to_itself_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        // Digests are not verified, so a blob may name itself.
        let hex = "a".repeat(64);
        let looped = json!({"manifests": [{"mediaType": "application/vnd.oci.image.index.v1+json",
            "digest": format!("sha256:{hex}"), "size": 1}]});
        std::fs::create_dir_all(root.join("blobs/sha256")).unwrap();
        std::fs::write(
            root.join("blobs/sha256").join(&hex),
            serde_json::to_vec(&looped).unwrap(),
        )
        .unwrap();
        std::fs::write(root.join("index.json"), serde_json::to_vec(&looped).unwrap()).unwrap();
        let (seen, _, cov) = run(root);
        assert!(seen.is_empty());
        assert!(
            cov.errors.iter().any(|e| e.contains("leads back to itself")),
            "{:?}",
            cov.errors
        );
    }

    #[test]
    fn hostile_blob_paths_and_links() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let manifest =
            json!([{"Config": "../../etc/passwd", "RepoTags": ["x:1"], "Layers": ["/etc/shadow", "l/layer.tar"]}]);
        std::fs::write(root.join("manifest.json"), serde_json::to_vec(&manifest).unwrap()).unwrap();
        let mut b = tar::Builder::new(Vec::new());
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(tar::EntryType::Symlink);
        h.set_size(0);
        b.append_link(&mut h, "etc/link", "/etc/shadow").unwrap();
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(tar::EntryType::Link);
        h.set_size(0);
        b.append_link(&mut h, "etc/hard", "etc/link").unwrap();
        let mut h = tar::Header::new_gnu();
        h.set_size(secret("abs").len() as u64);
        h.set_entry_type(tar::EntryType::Regular);
        h.as_gnu_mut().unwrap().name[..11].copy_from_slice(b"/../../root");
        h.set_cksum();
        b.append(&h, secret("abs").as_bytes()).unwrap();
        std::fs::create_dir_all(root.join("l")).unwrap();
        std::fs::write(root.join("l/layer.tar"), b.into_inner().unwrap()).unwrap();
        let (seen, _, cov) = run(root);
        has(&seen, "x:1", Some(0), "/../../root", None);
        assert_eq!(cov.links, 2);
        assert_eq!(cov.errors.len(), 2, "{:?}", cov.errors);
    }

    #[test]
    fn jar_inside_a_layer() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = zip::ZipWriter::new(io::Cursor::new(Vec::new()));
        w.start_file("config/app.properties", zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(secret("jar").as_bytes()).unwrap();
        let jar = w.finish().unwrap().into_inner();
        let layer = tar_of(&[("lib/app.jar", jar)]);
        let root = dir.path();
        std::fs::create_dir_all(root.join("l")).unwrap();
        std::fs::write(root.join("l/layer.tar"), &layer).unwrap();
        std::fs::write(
            root.join("manifest.json"),
            br#"[{"RepoTags":["j:1"],"Layers":["l/layer.tar"]}]"#,
        )
        .unwrap();
        let (seen, _, cov) = run(root);
        has(&seen, "j:1", Some(0), "lib/app.jar!/config/app.properties", None);
        assert_eq!(cov.archives.archives, 1);
    }

    #[test]
    fn binary_files_are_skipped_while_reading_but_archives_are_opened() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = zip::ZipWriter::new(io::Cursor::new(Vec::new()));
        w.start_file("a.properties", zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(secret("jar").as_bytes()).unwrap();
        let jar = w.finish().unwrap().into_inner();
        let mut elf = b"\x7fELF\0\0".to_vec();
        elf.extend_from_slice(secret("bin").as_bytes());
        let layer = tar_of(&[("lib/app.jar", jar), ("bin/tool", elf)]);
        let root = dir.path();
        std::fs::create_dir_all(root.join("l")).unwrap();
        std::fs::write(root.join("l/layer.tar"), &layer).unwrap();
        std::fs::write(
            root.join("manifest.json"),
            br#"[{"RepoTags":["b:1"],"Layers":["l/layer.tar"]}]"#,
        )
        .unwrap();
        let limits = ImageLimits {
            skip_binary: true,
            ..ImageLimits::default()
        };
        let mut paths = Vec::new();
        let cov = scan_image(
            root,
            &limits,
            &mut |_, d| memfind(d, b"SECRET-").then_some(()),
            &mut |c, ()| paths.push(c.path.to_string()),
        )
        .unwrap();
        assert_eq!(paths, ["lib/app.jar!/a.properties"]);
        assert_eq!(cov.skipped_binary, 1);
    }

    #[test]
    fn not_an_image() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), "x.txt", b"hello");
        let err = scan_image(&p, &ImageLimits::default(), &mut |_, _| Some(()), &mut |_, _: &()| {}).unwrap_err();
        assert!(err.downcast_ref::<ImageError>().is_some(), "{err:#}");
    }

    #[test]
    fn linked_layer_in_outer_tar() {
        let layer = tar_of(&[("k", secret("lnk").into_bytes())]);
        let mut b = tar::Builder::new(Vec::new());
        let mut add = |name: &str, data: &[u8]| {
            let mut h = tar::Header::new_gnu();
            h.set_size(data.len() as u64);
            h.set_entry_type(tar::EntryType::Regular);
            b.append_data(&mut h, name, data).unwrap();
        };
        add("a/layer.tar", &layer);
        add("manifest.json", br#"[{"RepoTags":["l:1"],"Layers":["b/layer.tar"]}]"#);
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(tar::EntryType::Symlink);
        h.set_size(0);
        b.append_link(&mut h, "b/layer.tar", "../a/layer.tar").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), "l.tar", &b.into_inner().unwrap());
        let (seen, _, cov) = run(&p);
        has(&seen, "l:1", Some(0), "k", None);
        assert!(cov.errors.is_empty(), "{:?}", cov.errors);
        assert_eq!(join_rel("b", "../../x"), None);
        assert_eq!(join_rel("b/c", "../a/./l"), Some("b/a/l".into()));
    }

    #[test]
    fn whiteout_semantics() {
        let mut r = LayerReport::default();
        r.whiteouts.insert("a/b".into());
        r.opaque.insert("c".into());
        assert!(r.deletes("a/b"));
        assert!(r.deletes("./a/b/c.txt"));
        assert!(!r.deletes("a/bc"));
        assert!(r.deletes("c/x"));
        assert!(!r.deletes("c"));
        r.opaque.insert(String::new());
        assert!(r.deletes("anything"));
    }
}
