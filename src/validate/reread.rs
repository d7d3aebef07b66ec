//! Re-reading findings from where they were found, for `leakhound validate -i REPORT`: reports are
//! redacted, so the secret is read again from its file (or an archive member in it) or its git
//! object, and the value there must still have the finding's fingerprint. Image and stdin findings
//! cannot be re-read; the reason says how to check them.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::finding::Finding;
use crate::pipeline::Pipeline;

/// Where a report's findings came from.
#[derive(Debug, Clone)]
pub struct Sources {
    /// `dir`, `git`, `image`, `stdin`, or empty when unknown (JSON Lines).
    pub source: String,
    /// Scan roots (git: the repository).
    pub roots: Vec<PathBuf>,
}

/// The place a finding is read from: a file path or a git object.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Place {
    /// A file on disk and the display name its findings carry.
    File(PathBuf, String),
    /// A git object id in the repository, and the path its findings carry.
    Object(PathBuf, String, String),
}

/// Where to read `f` from, or why it cannot be.
pub fn place_of(f: &Finding, src: &Sources) -> Result<Place, String> {
    if f.image.is_some() || src.source == "image" {
        return Err(
            "image findings cannot be re-read from a report; scan the image again with `leakhound image --validate`"
                .into(),
        );
    }
    if src.source == "stdin" {
        return Err(
            "stdin findings cannot be re-read from a report; pipe the input again to `leakhound stdin --validate`"
                .into(),
        );
    }
    if let Some(g) = &f.git {
        if g.blob.is_empty() {
            return Err("the report has no blob id for this git finding; run `leakhound git --validate`".into());
        }
        let repo = src.roots.first().cloned().unwrap_or_else(|| PathBuf::from("."));
        return Ok(Place::Object(repo, g.blob.clone(), f.path.clone()));
    }
    if f.path_fact.is_some() && f.secret == "(the whole file)" {
        return Err("a path finding holds no secret value to check".into());
    }
    let outer = f.path.split("!/").next().unwrap_or(&f.path);
    let mut tries: Vec<PathBuf> = vec![PathBuf::from(outer)];
    for r in &src.roots {
        if r.is_dir() {
            tries.push(r.join(outer));
        } else if r.to_string_lossy().trim_start_matches("./") == outer {
            tries.push(r.clone());
        }
    }
    match tries.into_iter().find(|p| p.is_file()) {
        Some(p) => Ok(Place::File(p, outer.to_string())),
        None => Err(format!(
            "{outer} is no longer there (if it was committed, its blob is still in history: `leakhound git --validate`)"
        )),
    }
}

/// The bytes at a place, as a scan would see them (UTF-16 transcoded).
pub fn read(place: &Place) -> Result<Vec<u8>, String> {
    let bytes = match place {
        Place::File(p, _) => std::fs::read(p).map_err(|e| format!("cannot read {}: {e}", p.display()))?,
        Place::Object(repo, id, _) => {
            crate::source::git::read_object(repo, id).map_err(|e| format!("{e:#} (repository {})", repo.display()))?
        }
    };
    Ok(match crate::source::decode::sniff_utf16(&bytes) {
        Some(order) => {
            let mut text = Vec::new();
            crate::source::decode::transcode(&bytes, order, &mut text);
            text
        }
        None => bytes,
    })
}

/// The raw secrets found at each place, by (display path, fingerprint): the secret and its
/// pair's value. `pipeline` must not redact.
pub fn rescan(pipeline: Pipeline, places: &[(Place, Vec<u8>)]) -> HashMap<(String, String), (String, Option<String>)> {
    let limits = crate::source::archive::Limits::default();
    for (place, bytes) in places {
        let name = match place {
            Place::File(_, name) | Place::Object(_, _, name) => name,
        };
        crate::source::scan_maybe_archive(&pipeline, name, bytes, &limits, true, &|| {
            crate::finding::Exposure::Untracked
        });
    }
    let (found, _, _) = pipeline.finish();
    found
        .into_iter()
        .map(|f| ((f.path, f.fingerprint), (f.secret, f.pair.map(|p| p.secret))))
        .collect()
}
