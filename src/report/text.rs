//! Human text: one block per finding with rule, provider, place, redacted secret and the runbook
//! link; and the one-line summary printed on stderr. Colour only when asked (a terminal). Every
//! value taken from the input is escaped so that file names or content cannot drive the terminal.

use std::io::Write;

use anyhow::Result;

use super::Summary;
use crate::finding::Finding;
use crate::finding::Priority;
use crate::messages::escape_line;

struct Paint {
    on: bool,
}

impl Paint {
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
}

/// Writes one block per unique secret, highest priority first, with its locations beneath.
pub fn write(out: &mut dyn Write, findings: &[Finding], color: bool) -> Result<()> {
    let p = Paint { on: color };
    for g in crate::triage::groups(findings) {
        let f = g.findings[0];
        let sev_color = match g.priority {
            Priority::Critical => "1;31",
            Priority::High => "31",
            Priority::Medium => "33",
            Priority::Low => "36",
        };
        writeln!(
            out,
            "{} {} ({})",
            p.wrap(sev_color, &format!("{:<8}", g.priority.as_str())),
            p.wrap("1", &escape_line(&f.rule_name)),
            escape_line(&f.provider)
        )?;
        for loc in &g.findings {
            write_location(out, &p, loc)?;
        }
        if let Some(d) = &f.detail {
            writeln!(out, "  what    {}", escape_line(d))?;
        }
        if !f.kind.is_secret() {
            writeln!(
                out,
                "  kind    {}: crack offline, then rotate the password",
                f.kind.as_str()
            )?;
        }
        writeln!(out, "  secret  {}", escape_line(&f.secret))?;
        if let Some(v) = &f.validation {
            let color = match v.status {
                crate::finding::ValidationStatus::Live => "1;31",
                crate::finding::ValidationStatus::Revoked => "32",
                _ => "33",
            };
            let line = format!("{}: {}", v.status.as_str().to_ascii_uppercase(), escape_line(&v.detail));
            writeln!(
                out,
                "  status  {} (checked {})",
                p.wrap(color, &line),
                escape_line(&v.checked_at)
            )?;
        }
        writeln!(out, "  sure    {} confidence", f.confidence)?;
        if let Some(pair) = &f.pair {
            writeln!(
                out,
                "  pair    {} ({}, line {}): revoke both halves together",
                escape_line(&pair.secret),
                pair.rule_id,
                pair.line
            )?;
        }
        if g.findings.len() > 1 {
            writeln!(out, "  seen    {} places (same secret)", g.findings.len())?;
        }
        if !g.environments.is_empty() {
            writeln!(
                out,
                "  note    {}",
                p.wrap(
                    "33",
                    &format!(
                        "shared across environments: {}",
                        escape_line(&g.environments.join(", "))
                    )
                )
            )?;
        }
        writeln!(out, "  revoke  {}", escape_line(&f.runbook.url))?;
        writeln!(out)?;
    }
    Ok(())
}

fn write_location(out: &mut dyn Write, p: &Paint, f: &Finding) -> Result<()> {
    writeln!(out, "  where   {}:{}:{}", escape_line(&f.path), f.line, f.column)?;
    if let Some(fact) = &f.path_fact {
        writeln!(out, "          {}", p.wrap("33", &escape_line(&fact.note)))?;
    }
    if let Some(g) = f.git.as_ref().filter(|g| g.staged) {
        writeln!(
            out,
            "          staged for the next commit (blob {}): take the key out before committing",
            &g.blob[..g.blob.len().min(12)]
        )?;
    } else if let Some(g) = f.git.as_ref().filter(|g| g.message.as_deref() == Some("tag")) {
        writeln!(
            out,
            "          in the message of annotated tag {} by {} <{}> {}: a tag cannot be edited; delete and recreate it",
            escape_line(g.ref_name.as_deref().unwrap_or("")),
            escape_line(g.author.as_deref().unwrap_or("")),
            escape_line(g.email.as_deref().unwrap_or("")),
            escape_line(g.date.as_deref().unwrap_or(""))
        )?;
    } else if let Some(g) = &f.git {
        if g.message.is_some() {
            writeln!(out, "          in the commit message:")?;
        }
        match &g.commit {
            Some(c) => writeln!(
                out,
                "          commit {} by {} <{}> {}: {}",
                escape_line(c.get(..12).unwrap_or(c)),
                escape_line(g.author.as_deref().unwrap_or("")),
                escape_line(g.email.as_deref().unwrap_or("")),
                escape_line(g.date.as_deref().unwrap_or("")),
                escape_line(g.summary.as_deref().unwrap_or(""))
            )?,
            None => writeln!(
                out,
                "          blob {} is reachable from no commit",
                escape_line(&g.blob)
            )?,
        }
        if let Some(r) = &g.ref_name {
            writeln!(out, "          only reachable from {}", escape_line(r))?;
        }
        match g.pushed {
            Some(true) => writeln!(
                out,
                "          {}",
                p.wrap("31", "pushed: public to everyone with access; forks and caches keep it")
            )?,
            Some(false) => writeln!(
                out,
                "          not pushed yet: rewrite the local commits before pushing, and still rotate"
            )?,
            None => {}
        }
        if !g.in_head && g.message.is_none() {
            writeln!(
                out,
                "          {}",
                p.wrap(
                    "33",
                    "deleted from HEAD but still in history: anyone with a clone has it"
                )
            )?;
        }
    }
    if let Some(i) = &f.image {
        match i.layer_index {
            Some(n) => writeln!(
                out,
                "          image {} layer {n} ({})",
                escape_line(&i.image),
                escape_line(&i.layer)
            )?,
            None => writeln!(
                out,
                "          image {} config ({})",
                escape_line(&i.image),
                escape_line(&i.layer)
            )?,
        }
        if let Some(d) = i.deleted_in_layer {
            writeln!(
                out,
                "          {}",
                p.wrap("33", &format!("deleted in layer {d} but still ships in the image"))
            )?;
        }
    }
    Ok(())
}

/// Baseline file suggested when none is configured.
pub const DEFAULT_BASELINE: &str = ".leakhound-baseline.json";

/// What to do next, printed on stderr after a text report with findings: short enough to read in
/// a blocked `git commit`, specific enough to act on (the command to accept a false positive is
/// the user's own command line plus `--write-baseline`).
pub fn next_steps(s: &Summary, args: &[String], baseline: Option<&std::path::Path>) -> String {
    let staged = args.iter().any(|a| a == "--staged");
    let n = s.findings;
    let plural = if n == 1 { "" } else { "s" };
    let mut out = String::new();
    if staged {
        out.push_str(&format!(
            "leakhound: commit blocked: {n} finding{plural} in the staged changes.\n\
             \x20 - Move the key out of the code (environment variable or secrets manager) and stage again;\n\
             \x20   if it was ever pushed or shared, revoke it first (the `revoke` link above).\n"
        ));
    } else {
        out.push_str(&format!(
            "leakhound: {n} finding{plural}.\n\
             \x20 - Revoke and rotate each key with its `revoke` runbook (`leakhound rules show RULE_ID`);\n\
             \x20   deleting it from the code does not un-leak it.\n"
        ));
    }
    let file = baseline.map_or_else(|| DEFAULT_BASELINE.to_string(), |p| p.display().to_string());
    let mut cmd = vec!["leakhound".to_string()];
    let mut it = args.iter();
    while let Some(a) = it.next() {
        // Output flags do not change what is found; drop them (and their values).
        if matches!(
            a.as_str(),
            "-f" | "--format" | "-o" | "--output" | "--write-baseline" | "--also-report"
        ) {
            it.next();
            continue;
        }
        if ["--format=", "--output=", "--write-baseline=", "--also-report="]
            .iter()
            .any(|p| a.starts_with(p))
            || a == "-q"
            || a == "--quiet"
        {
            continue;
        }
        cmd.push(shell_word(a));
    }
    cmd.push("--write-baseline".to_string());
    cmd.push(shell_word(&file));
    out.push_str(&format!(
        "  - False positive? Add a comment containing `leakhound:allow` on its line, or accept it:\n\
         \x20     {}\n",
        escape_line(&cmd.join(" "))
    ));
    if baseline.is_none() {
        out.push_str(&format!(
            "    and set `baseline = \"{file}\"` in .leakhound.toml (commit both files).\n"
        ));
    }
    out
}

/// Quotes a word for a POSIX shell when it needs it.
fn shell_word(s: &str) -> String {
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./=:,+@%".contains(&b))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// Formats a byte count as `12.3 MB`.
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1000.0 && u < UNITS.len() - 1 {
        v /= 1000.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

/// The summary line(s) for stderr.
pub fn summary_line(s: &Summary) -> String {
    let join = |m: &std::collections::BTreeMap<String, u64>| {
        m.iter().map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join(", ")
    };
    let mut line = format!(
        "scanned {} input{} ({}) in {:.2}s with {} rules: {} finding{}",
        s.files_scanned,
        if s.files_scanned == 1 { "" } else { "s" },
        human_bytes(s.bytes_scanned),
        s.duration_ms as f64 / 1000.0,
        s.rules_loaded,
        s.findings,
        if s.findings == 1 { "" } else { "s" },
    );
    if !s.files_skipped.is_empty() {
        line.push_str(&format!("; skipped {}", join(&s.files_skipped)));
    }
    if !s.suppressed.is_empty() {
        line.push_str(&format!("; suppressed {}", join(&s.suppressed)));
    }
    if s.errors > 0 {
        line.push_str(&format!("; {} error{}", s.errors, if s.errors == 1 { "" } else { "s" }));
    }
    line
}
