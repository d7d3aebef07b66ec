//! Triage: what to fix first and how. Each finding gets a priority from its rule's severity and
//! confidence and, in git modes, its exposure; findings of the same secret (same fingerprint) are
//! grouped, and a group whose locations look like different environments is flagged as a key
//! shared across environments.
//!
//! Priority rule (documented in the README): start from severity (critical 3, high 2, medium 1,
//! low 0); subtract 1 for low confidence; in git modes add 1 when a commit holding the secret was
//! pushed (it is public to everyone with access, and forks and caches keep it) and subtract 1 when
//! it provably never left this machine; clamp to 0..3 = low, medium, high, critical.

use std::collections::{BTreeSet, HashMap};

use crate::finding::{Finding, GitProvenance, Priority};
use crate::rules::{Confidence, Severity};

/// Priority of one finding.
pub fn priority(severity: Severity, confidence: Confidence, git: Option<&GitProvenance>) -> Priority {
    let mut score: i32 = match severity {
        Severity::Critical => 3,
        Severity::High => 2,
        Severity::Medium => 1,
        Severity::Low => 0,
    };
    if confidence == Confidence::Low {
        score -= 1;
    }
    match git.and_then(|g| g.pushed) {
        Some(true) => score += 1,
        Some(false) => score -= 1,
        None => {}
    }
    match score.clamp(0, 3) {
        3 => Priority::Critical,
        2 => Priority::High,
        1 => Priority::Medium,
        _ => Priority::Low,
    }
}

/// Environment named by a path component or file-name part, normalised.
fn environment_of(path: &str) -> Option<&'static str> {
    for token in path.split(|c: char| !c.is_ascii_alphanumeric()) {
        let env = match token.to_ascii_lowercase().as_str() {
            "dev" | "develop" | "development" => "dev",
            "test" | "testing" => "test",
            "qa" => "qa",
            "uat" => "uat",
            "stage" | "staging" | "stg" => "staging",
            "prod" | "production" | "prd" | "live" => "prod",
            "local" => "local",
            "sandbox" => "sandbox",
            _ => continue,
        };
        return Some(env);
    }
    None
}

/// A unique secret and where it occurs.
#[derive(Debug)]
pub struct Group<'a> {
    /// 1-based id, in priority order.
    pub id: usize,
    /// Highest priority among its findings.
    pub priority: Priority,
    /// Its findings, in path order.
    pub findings: Vec<&'a Finding>,
    /// Environments when the secret appears in more than one.
    pub environments: Vec<String>,
}

/// Days since the Unix epoch of an RFC 3339 date (`2024-01-31T12:00:00Z`); `None` if malformed.
pub(crate) fn epoch_days(date: &str) -> Option<i64> {
    let (y, m, d) = (
        date.get(0..4)?.parse::<i64>().ok()?,
        date.get(5..7)?.parse::<i64>().ok()?,
        date.get(8..10)?.parse::<i64>().ok()?,
    );
    // Days from civil date (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// In git scans, gives every finding the date of the earliest commit holding the same secret
/// anywhere (`first_seen`) and the whole days since (`exposed_days`): the window whose logs to audit.
fn exposure(findings: &mut [Finding]) {
    let mut first: HashMap<&str, &str> = HashMap::new();
    for f in findings.iter() {
        if let Some(d) = f.git.as_ref().and_then(|g| g.date.as_deref()) {
            let e = first.entry(f.fingerprint.as_str()).or_insert(d);
            if d < *e {
                *e = d;
            }
        }
    }
    let first: HashMap<String, String> = first.into_iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let today = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| (d.as_secs() / 86_400) as i64);
    for f in findings.iter_mut() {
        let Some(d) = first.get(&f.fingerprint) else { continue };
        if let Some(g) = f.git.as_mut() {
            g.first_seen = Some(d.clone());
            g.exposed_days = epoch_days(d).map(|day| (today - day).max(0) as u64);
        }
    }
}

/// Annotates every finding with its group id, occurrence count and shared environments (and, in
/// git scans, its exposure window). Groups are numbered by priority (highest first), then by where
/// they first occur.
pub fn annotate(findings: &mut [Finding]) {
    exposure(findings);
    let mut order: Vec<String> = Vec::new();
    let mut members: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, f) in findings.iter().enumerate() {
        let key = group_key(f);
        members.entry(key.clone()).or_insert_with(|| {
            order.push(key.clone());
            Vec::new()
        });
        members.get_mut(&key).expect("just inserted").push(i);
    }
    // A key its provider still accepts (`--validate`) comes before everything else.
    let best = |idx: &Vec<usize>| {
        let live = idx.iter().any(|&i| {
            findings[i]
                .validation
                .as_ref()
                .is_some_and(|v| v.status == crate::finding::ValidationStatus::Live)
        });
        let p = idx.iter().map(|&i| findings[i].priority).max().unwrap_or(Priority::Low);
        (live, p)
    };
    let mut keyed: Vec<((bool, Priority), usize, &String)> = order
        .iter()
        .enumerate()
        .map(|(pos, k)| (best(&members[k]), pos, k))
        .collect();
    keyed.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let plan: Vec<(Vec<usize>, Vec<String>)> = keyed
        .iter()
        .map(|(_, _, k)| {
            let idx = members[*k].clone();
            let envs: BTreeSet<&str> = idx.iter().filter_map(|&i| environment_of(&findings[i].path)).collect();
            let envs = if envs.len() > 1 {
                envs.into_iter().map(String::from).collect()
            } else {
                Vec::new()
            };
            (idx, envs)
        })
        .collect();
    for (g, (idx, envs)) in plan.into_iter().enumerate() {
        let n = idx.len();
        for i in idx {
            let f = &mut findings[i];
            f.group = Some(g + 1);
            f.occurrences = Some(n);
            f.shared_environments = envs.clone();
        }
    }
}

/// Findings grouped by unique secret, in group order (call [`annotate`] first).
pub fn groups(findings: &[Finding]) -> Vec<Group<'_>> {
    let mut out: Vec<Group> = Vec::new();
    let mut by_id: HashMap<usize, usize> = HashMap::new();
    for f in findings {
        let id = f.group.unwrap_or(0);
        let slot = *by_id.entry(id).or_insert_with(|| {
            out.push(Group {
                id,
                priority: f.priority,
                findings: Vec::new(),
                environments: f.shared_environments.clone(),
            });
            out.len() - 1
        });
        let g = &mut out[slot];
        g.priority = g.priority.max(f.priority);
        g.findings.push(f);
    }
    out.sort_by_key(|g| g.id);
    out
}

/// Findings of path-only rules hold no secret value; they group by rule and path.
fn group_key(f: &Finding) -> String {
    f.fingerprint.clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priority_rises_when_pushed_and_falls_for_generic_or_local_only() {
        let pushed = GitProvenance {
            pushed: Some(true),
            ..GitProvenance::default()
        };
        let local = GitProvenance {
            pushed: Some(false),
            ..GitProvenance::default()
        };
        assert_eq!(
            priority(Severity::High, Confidence::High, Some(&pushed)),
            Priority::Critical
        );
        assert_eq!(
            priority(Severity::Critical, Confidence::High, Some(&local)),
            Priority::High
        );
        assert_eq!(priority(Severity::Medium, Confidence::Low, None), Priority::Low);
        assert_eq!(priority(Severity::Critical, Confidence::High, None), Priority::Critical);
    }

    #[test]
    fn rfc3339_dates_become_epoch_days() {
        assert_eq!(epoch_days("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(epoch_days("2000-03-01T12:00:00Z"), Some(11_017));
        assert_eq!(epoch_days("2026-11-23T00:00:00Z"), Some(20_780));
        assert_eq!(epoch_days("garbage"), None);
    }

    #[test]
    fn environments_are_read_from_path_parts() {
        assert_eq!(environment_of("config/prod.yml"), Some("prod"));
        assert_eq!(environment_of("deploy/.env.staging"), Some("staging"));
        assert_eq!(environment_of("src/production/app.py"), Some("prod"));
        assert_eq!(environment_of("src/product.py"), None);
    }
}
