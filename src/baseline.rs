//! Baselines: a JSON file of accepted findings keyed by fingerprint (rule + secret content, never
//! position), so they survive rebases, renames and moved lines, while a different secret on an
//! accepted line is still reported. The file never holds a secret.

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

use crate::finding::Finding;

/// Current baseline file version.
pub const VERSION: u32 = 1;

/// One accepted finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The finding's fingerprint (`lh1:…`).
    pub fingerprint: String,
    /// Rule that produced it.
    pub rule_id: String,
    /// Where it was when accepted (informational only).
    pub path: String,
    /// Why it was accepted; for humans.
    #[serde(default)]
    pub reason: String,
}

/// The file as written.
#[derive(Debug, Serialize, Deserialize)]
pub struct BaselineFile {
    /// Format version.
    pub version: u32,
    /// Accepted findings.
    pub entries: Vec<Entry>,
}

/// A loaded baseline that remembers which entries matched.
#[derive(Debug)]
pub struct Baseline {
    entries: Vec<Entry>,
    index: HashMap<String, usize>,
    used: Vec<AtomicBool>,
}

impl Baseline {
    /// Reads a baseline file.
    pub fn load(path: &Path) -> Result<Baseline> {
        let text = std::fs::read_to_string(path).with_context(|| format!("cannot read baseline {}", path.display()))?;
        let file: BaselineFile =
            serde_json::from_str(&text).with_context(|| format!("{} is not a leakhound baseline", path.display()))?;
        if file.version != VERSION {
            bail!(
                "{}: baseline version {} is not supported (expected {VERSION})",
                path.display(),
                file.version
            );
        }
        let mut index = HashMap::new();
        for (i, e) in file.entries.iter().enumerate() {
            if !e.fingerprint.starts_with(crate::finding::FINGERPRINT_VERSION) {
                bail!(
                    "{}: entry {} has an unknown fingerprint format {:?}",
                    path.display(),
                    i + 1,
                    e.fingerprint
                );
            }
            index.entry(e.fingerprint.clone()).or_insert(i);
        }
        let used = file.entries.iter().map(|_| AtomicBool::new(false)).collect();
        Ok(Baseline {
            entries: file.entries,
            index,
            used,
        })
    }

    /// True when the fingerprint is accepted; marks the entry as used.
    pub fn suppresses(&self, fingerprint: &str) -> bool {
        match self.index.get(fingerprint) {
            Some(&i) => {
                self.used[i].store(true, Relaxed);
                true
            }
            None => false,
        }
    }

    /// Entries that matched nothing in this scan.
    pub fn stale(&self) -> Vec<&Entry> {
        self.entries
            .iter()
            .zip(&self.used)
            .filter(|(_, u)| !u.load(Relaxed))
            .map(|(e, _)| e)
            .collect()
    }

    /// All entries, in file order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }
}

/// Builds the baseline document for a set of findings (one entry per fingerprint). Every entry of
/// `previous` comes first, unchanged (reasons kept): a scan of part of a repository (staged
/// changes, one pull request) must not drop entries it did not look at. Stale entries are only
/// listed (`--report-stale`); remove them by hand or write a fresh baseline without one in use.
pub fn from_findings(findings: &[Finding], previous: Option<&Baseline>) -> BaselineFile {
    let mut seen = std::collections::HashSet::new();
    let mut entries: Vec<Entry> = Vec::new();
    for e in previous.map(Baseline::entries).unwrap_or_default() {
        if seen.insert(e.fingerprint.clone()) {
            entries.push(e.clone());
        }
    }
    for f in findings {
        if seen.insert(f.fingerprint.clone()) {
            entries.push(Entry {
                fingerprint: f.fingerprint.clone(),
                rule_id: f.rule_id.clone(),
                path: f.path.clone(),
                reason: String::new(),
            });
        }
    }
    BaselineFile {
        version: VERSION,
        entries,
    }
}
