//! Markdown remediation report: one section per unique secret in priority order, with its
//! locations and a checklist (revoke, replace into a secrets manager, update consumers, audit the
//! exposure window, optionally purge history). Made to paste into a ticket or a pull-request
//! comment; it never holds an unredacted secret unless `--no-redact` was given.

use std::io::Write;

use anyhow::Result;

use super::Summary;
use crate::finding::Finding;
use crate::triage;

/// Where replacements belong, named in every checklist.
pub const SECRET_STORES: &str = "HashiCorp Vault, AWS Secrets Manager, Google Secret Manager, Azure Key Vault, \
Doppler, Infisical, 1Password, or your CI system's secret store";

fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if crate::messages::is_unsafe(c) => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Free text from a rule (runbook steps): kept as Markdown, but nothing that drives a terminal.
fn block(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c != '\n' && crate::messages::is_unsafe(c) {
                ' '
            } else {
                c
            }
        })
        .collect()
}

fn code(s: &str) -> String {
    let clean: String = s
        .chars()
        .map(|c| {
            if crate::messages::is_unsafe(c) || c == '`' {
                ' '
            } else {
                c
            }
        })
        .collect();
    format!("`{clean}`")
}

/// Writes the report.
pub fn write(out: &mut dyn Write, findings: &[Finding], summary: &Summary) -> Result<()> {
    let groups = triage::groups(findings);
    writeln!(out, "# Leaked secrets: remediation report\n")?;
    writeln!(
        out,
        "leakhound {} scanned {} inputs ({} source, roots: {}) and found **{} unique secret{}** in {} location{}.",
        env!("CARGO_PKG_VERSION"),
        summary.files_scanned,
        summary.source,
        summary.roots.iter().map(|r| code(r)).collect::<Vec<_>>().join(", "),
        groups.len(),
        if groups.len() == 1 { "" } else { "s" },
        findings.len(),
        if findings.len() == 1 { "" } else { "s" },
    )?;
    if groups.is_empty() {
        writeln!(out, "\nNothing to do.")?;
        return Ok(());
    }
    writeln!(
        out,
        "\nWork through the sections in order. Deleting a secret from the code never makes it safe: it stays in \
         history, clones, forks, caches and images. Revoke it first.\n"
    )?;
    for g in &groups {
        let f = g.findings[0];
        writeln!(
            out,
            "## {}. [{}] {} ({}) {}\n",
            g.id,
            g.priority.as_str(),
            md(&f.rule_name),
            md(&f.provider),
            code(&f.secret)
        )?;
        writeln!(
            out,
            "Rule {} · severity {} · confidence {} · fingerprint {}",
            code(&f.rule_id),
            f.severity,
            f.confidence,
            code(&f.fingerprint)
        )?;
        if let Some(v) = &f.validation {
            let lead = match v.status {
                crate::finding::ValidationStatus::Live => {
                    "**LIVE: the provider still accepts this key. Revoke it first.**"
                }
                crate::finding::ValidationStatus::Revoked => "**Revoked:** the provider rejects this key.",
                crate::finding::ValidationStatus::Unknown => "**Validation unknown:**",
                crate::finding::ValidationStatus::Error => "**Validation failed:**",
            };
            writeln!(out, "\n{lead} {} (checked {}).", md(&v.detail), md(&v.checked_at))?;
        }
        if let Some(pair) = &f.pair {
            writeln!(
                out,
                "\nPaired with {} {} (line {}): it is the other half of the same credential; revoking the key revokes both.",
                code(&pair.rule_id),
                code(&pair.secret),
                pair.line
            )?;
        }
        if !g.environments.is_empty() {
            writeln!(
                out,
                "\n**The same key is shared across environments ({}).** Give each environment its own key when you replace it.",
                g.environments.join(", ")
            )?;
        }
        writeln!(out, "\n**Locations**\n")?;
        let mut pushed = None;
        let mut first_seen: Option<&str> = None;
        for loc in &g.findings {
            let mut line = format!("- {}", code(&format!("{}:{}:{}", loc.path, loc.line, loc.column)));
            if let Some(git) = &loc.git {
                if let Some(c) = &git.commit {
                    line.push_str(&format!(
                        " — commit {} ({})",
                        code(&c[..c.len().min(12)]),
                        git.date.as_deref().unwrap_or("date unknown")
                    ));
                }
                if git.staged {
                    line.push_str(" — staged, not committed yet");
                } else if git.message.is_some() {
                    line.push_str(" — in a commit or tag message, part of history");
                } else if !git.in_head {
                    line.push_str(" — deleted from HEAD, still in history");
                }
                pushed = match (pushed, git.pushed) {
                    (Some(true), _) | (_, Some(true)) => Some(true),
                    (_, Some(false)) => Some(false),
                    (p, None) => p,
                };
                if let Some(d) = git.first_seen.as_deref() {
                    first_seen = Some(match first_seen {
                        Some(cur) if cur <= d => cur,
                        _ => d,
                    });
                }
            }
            if let Some(fact) = &loc.path_fact {
                line.push_str(&format!(" — {}", md(&fact.note)));
            }
            if let Some(i) = &loc.image {
                match i.layer_index {
                    Some(n) => line.push_str(&format!(" — image {} layer {n}", code(&i.image))),
                    None => line.push_str(&format!(" — image {} config", code(&i.image))),
                }
                if let Some(d) = i.deleted_in_layer {
                    line.push_str(&format!(" (deleted in layer {d}, still ships)"));
                }
            }
            writeln!(out, "{line}")?;
        }
        writeln!(out, "\n**Checklist**\n")?;
        let urgency = match pushed {
            Some(true) => " It was pushed: everyone with access to the remote has it, and forks and caches keep it.",
            Some(false) => " It has not been pushed: also rewrite the local commits before pushing (`git rebase -i`, or `git commit --amend`), but rotate anyway.",
            None => "",
        };
        writeln!(
            out,
            "- [ ] **Revoke** the key now, following the [provider's runbook]({}).{urgency}",
            block(&f.runbook.url)
        )?;
        writeln!(out, "- [ ] **Issue a replacement** and store it in a secrets manager ({SECRET_STORES}); inject it at run time, never commit it to a file.")?;
        writeln!(out, "- [ ] **Update every consumer** of the old key: the locations above, plus CI variables, deployed configuration and teammates' local files.")?;
        let window = match first_seen {
            Some(d) => format!(" since {}", md(d)),
            None => " since the key was first committed".to_string(),
        };
        writeln!(
            out,
            "- [ ] **Check the provider's usage and audit logs** for activity by this key{window}."
        )?;
        writeln!(out, "- [ ] *Optional:* purge it from history (`git filter-repo`) and expire caches. Purging never replaces revocation: existing clones, forks and mirrors keep the old commits.")?;
        writeln!(
            out,
            "\n<details><summary>Runbook: {}</summary>\n\n{}\n\n</details>\n",
            md(&f.rule_name),
            block(f.runbook.steps_with_proof().trim())
        )?;
    }
    Ok(())
}
