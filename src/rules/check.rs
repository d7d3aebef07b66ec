//! `leakhound rules list|show|check`. The check proves every rule keeps its contract through the
//! same matching path a scan uses: each example yields a finding of that rule, no negative example
//! does, and every raw regex match holds one of the rule's keywords (otherwise the prefilter would
//! silently lose findings).

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use anyhow::{bail, Result};
use memchr::memmem;
use serde::Serialize;

use super::{Rule, RuleSet};
use crate::cli::{ListFormat, RulesCommand};
use crate::config::Settings;
use crate::messages::{escape, escape_line};
use crate::scan::{Scanner, Scratch, SecretAllow};

/// Runs a `rules` subcommand.
pub fn run_rules_command(cmd: RulesCommand) -> Result<u8> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match cmd {
        RulesCommand::List { format, config } => {
            let s = Settings::load(config.as_deref(), Some(Path::new(".")))?;
            list(&mut out, &s.rules, format)?;
        }
        RulesCommand::Show { id, config } => {
            let s = Settings::load(config.as_deref(), Some(Path::new(".")))?;
            let Some(rule) = s.rules.get(&id) else {
                bail!("no rule with id `{id}` (see `leakhound rules list`)");
            };
            show(&mut out, rule)?;
        }
        RulesCommand::Check { config } => {
            let s = Settings::load(config.as_deref(), None)?;
            let problems = check_all(&s.rules);
            for p in &problems {
                crate::messages::error(p);
            }
            writeln!(
                out,
                "checked {} rules: {} problem{}",
                s.rules.len(),
                problems.len(),
                if problems.len() == 1 { "" } else { "s" }
            )?;
            out.flush()?;
            return Ok(if problems.is_empty() { 0 } else { 2 });
        }
    }
    out.flush()?;
    Ok(0)
}

/// Checks every rule; returns one message per problem.
pub fn check_all(rules: &RuleSet) -> Vec<String> {
    let mut problems = Vec::new();
    let mut ids = std::collections::HashSet::new();
    for rule in &rules.rules {
        if !ids.insert(&rule.spec.id) {
            problems.push(format!("rule `{}` ({}): duplicate id", rule.spec.id, rule.origin));
        }
        if let Some(p) = &rule.spec.pair {
            for id in p.rule.as_slice() {
                if rules.get(id).is_none() {
                    problems.push(format!(
                        "rule `{}` ({}): `pair.rule` names unknown rule `{id}`",
                        rule.spec.id, rule.origin
                    ));
                }
            }
        }
        problems.extend(
            check_rule(rule)
                .into_iter()
                .map(|p| format!("rule `{}` ({}): {p}", rule.spec.id, rule.origin)),
        );
    }
    problems
}

/// Checks one rule against its examples and the keyword contract.
pub fn check_rule(rule: &Rule) -> Vec<String> {
    let mut problems = Vec::new();
    if let Some(format) = &rule.spec.format {
        return check_format_rule(rule, format);
    }
    if rule.spec.regex.is_none() {
        return check_path_rule(rule);
    }
    if let Err(e) = super::compile_path(&rule.spec) {
        return vec![format!("{e:#}")];
    }
    let regex = match super::compile(&rule.spec) {
        Ok(r) => r,
        Err(e) => return vec![format!("{e:#}")],
    };
    if rule.spec.examples.is_empty() {
        problems.push("has no `examples`".into());
    }
    if rule.spec.negative_examples.is_empty() {
        problems.push("has no `negative_examples`".into());
    }
    let single = match Rule::new(rule.spec.clone(), rule.origin.clone(), true) {
        Ok(r) => r,
        Err(e) => return vec![format!("{e:#}")],
    };
    let scanner = match Scanner::new(Arc::new(RuleSet { rules: vec![single] }), SecretAllow::default()) {
        Ok(s) => s.strict(),
        Err(e) => return vec![format!("cannot build the prefilter: {e:#}")],
    };
    let keywords: Vec<Vec<u8>> = rule
        .spec
        .keywords
        .iter()
        .map(|k| k.to_ascii_lowercase().into_bytes())
        .collect();
    let mut scratch = Scratch::default();
    let mut found = Vec::new();
    for (i, ex) in rule.spec.examples.iter().enumerate() {
        found.clear();
        scanner.scan(ex.as_bytes(), &mut scratch, &mut found);
        if found.is_empty() {
            let why = if regex.is_match(ex.as_bytes()) {
                "the regex matches but the scan drops it (keyword, entropy, checksum, placeholder or window)"
            } else {
                "the regex does not match"
            };
            problems.push(format!("example {} is not found: {why}", i + 1));
        }
        for m in regex.find_iter(ex.as_bytes()) {
            let text = m.as_bytes().to_ascii_lowercase();
            if !keywords.iter().any(|k| memmem::find(&text, k).is_some()) {
                problems.push(format!(
                    "example {}: a match contains none of the keywords {:?}",
                    i + 1,
                    rule.spec.keywords
                ));
            }
        }
    }
    for (i, ex) in rule.spec.negative_examples.iter().enumerate() {
        found.clear();
        scanner.scan(ex.as_bytes(), &mut scratch, &mut found);
        if !found.is_empty() {
            problems.push(format!("negative example {} is reported as a finding", i + 1));
        }
    }
    problems
}

/// A format rule's examples are whole files its parser must report; negative examples, files it
/// must not (after the placeholder filter every finding passes).
fn check_format_rule(rule: &Rule, format: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if let Err(e) = super::compile_path(&rule.spec) {
        return vec![format!("{e:#}")];
    }
    if rule.spec.examples.is_empty() || rule.spec.negative_examples.is_empty() {
        problems.push("needs examples and negative examples (whole files)".into());
    }
    let hits = |text: &str| {
        let mut out = Vec::new();
        crate::formats::parse(text.as_bytes(), &mut out);
        out.retain(|h| h.format == format && !crate::scan::is_stand_in(&h.secret));
        out.len()
    };
    for (i, ex) in rule.spec.examples.iter().enumerate() {
        if hits(ex) == 0 {
            problems.push(format!("example {} is not reported by the `{format}` parser", i + 1));
        }
    }
    for (i, ex) in rule.spec.negative_examples.iter().enumerate() {
        if hits(ex) != 0 {
            problems.push(format!(
                "negative example {} is reported by the `{format}` parser",
                i + 1
            ));
        }
    }
    problems
}

/// A path-only rule's examples and negative examples are paths.
fn check_path_rule(rule: &Rule) -> Vec<String> {
    let re = match super::compile_path(&rule.spec) {
        Ok(Some(re)) => re,
        Ok(None) => return vec!["has neither `regex` nor `path`".into()],
        Err(e) => return vec![format!("{e:#}")],
    };
    let mut problems = Vec::new();
    if rule.spec.examples.is_empty() || rule.spec.negative_examples.is_empty() {
        problems.push("needs example and negative example paths".into());
    }
    for (i, ex) in rule.spec.examples.iter().enumerate() {
        if !re.is_match(ex.as_bytes()) {
            problems.push(format!("example path {} is not matched", i + 1));
        }
    }
    for (i, ex) in rule.spec.negative_examples.iter().enumerate() {
        if re.is_match(ex.as_bytes()) {
            problems.push(format!("negative example path {} is matched", i + 1));
        }
    }
    problems
}

#[derive(Serialize)]
struct Listed<'a> {
    id: &'a str,
    name: &'a str,
    provider: &'a str,
    severity: &'a str,
    confidence: &'a str,
    keywords: &'a [String],
    tags: &'a [String],
    description: &'a str,
    runbook_url: &'a str,
    origin: &'a str,
}

fn list(out: &mut dyn Write, rules: &RuleSet, format: ListFormat) -> Result<()> {
    match format {
        ListFormat::Json => {
            let items: Vec<Listed> = rules
                .rules
                .iter()
                .map(|r| Listed {
                    id: &r.spec.id,
                    name: &r.spec.name,
                    provider: &r.spec.provider,
                    severity: r.spec.severity.as_str(),
                    confidence: r.spec.confidence.as_str(),
                    keywords: &r.spec.keywords,
                    tags: &r.spec.tags,
                    description: &r.spec.description,
                    runbook_url: &r.spec.runbook.url,
                    origin: &r.origin,
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &items)?;
            writeln!(out)?;
        }
        ListFormat::Text => {
            let w_id = rules.rules.iter().map(|r| r.spec.id.len()).max().unwrap_or(2).max(2);
            let w_pr = rules
                .rules
                .iter()
                .map(|r| r.spec.provider.len())
                .max()
                .unwrap_or(8)
                .max(8);
            writeln!(
                out,
                "{:<w_id$}  {:<w_pr$}  {:<8}  {:<10}  KEYWORDS",
                "ID", "PROVIDER", "SEVERITY", "CONFIDENCE"
            )?;
            for r in &rules.rules {
                writeln!(
                    out,
                    "{:<w_id$}  {:<w_pr$}  {:<8}  {:<10}  {}",
                    escape_line(&r.spec.id),
                    escape_line(&r.spec.provider),
                    r.spec.severity.as_str(),
                    r.spec.confidence.as_str(),
                    escape_line(&r.spec.keywords.join(", "))
                )?;
            }
        }
        ListFormat::Markdown => {
            let mut providers: Vec<&str> = rules.rules.iter().map(|r| r.spec.provider.as_str()).collect();
            providers.sort_unstable();
            providers.dedup();
            writeln!(out, "# leakhound rule catalogue\n")?;
            writeln!(
                out,
                "{} rules for {} providers. Generated by `leakhound rules list --format markdown`; do not edit by hand.\n",
                rules.len(),
                providers.len()
            )?;
            writeln!(
                out,
                "| id | provider | what it finds | severity | confidence | revoke | `--validate` |"
            )?;
            writeln!(out, "|---|---|---|---|---|---|---|")?;
            for r in &rules.rules {
                // The validator id (README "Validation"), or why there is none.
                let validate = match crate::validate::providers::for_rule(&r.spec.id) {
                    Some(v) if matches!(v.kind, crate::validate::providers::Kind::NoEndpoint(_)) => {
                        "no read-only endpoint".to_string()
                    }
                    Some(v) => format!("`{}`", v.id),
                    None => String::new(),
                };
                writeln!(
                    out,
                    "| `{}` | {} | {} | {} | {} | [runbook]({}) | {validate} |",
                    r.spec.id,
                    md_cell(&r.spec.provider),
                    md_cell(&r.spec.name),
                    r.spec.severity.as_str(),
                    r.spec.confidence.as_str(),
                    r.spec.runbook.url
                )?;
            }
        }
        ListFormat::Coverage => coverage(out, rules)?,
    }
    Ok(())
}

/// `docs/COVERAGE.md`: the providers the catalogue covers, each with its rules and revocation page,
/// then the providers left out on purpose with the reason.
fn coverage(out: &mut dyn Write, rules: &RuleSet) -> Result<()> {
    let mut by_provider: std::collections::BTreeMap<String, (String, Vec<&Rule>)> = Default::default();
    for r in &rules.rules {
        by_provider
            .entry(r.spec.provider.to_lowercase())
            .or_insert_with(|| (r.spec.provider.clone(), Vec::new()))
            .1
            .push(r);
    }
    let mut left_out = crate::config::builtin_not_covered()?;
    left_out.sort_by_key(|n| n.name.to_lowercase());
    left_out.dedup_by(|a, b| a.name.eq_ignore_ascii_case(&b.name));
    writeln!(out, "# leakhound provider coverage\n")?;
    writeln!(
        out,
        "{} providers covered by {} rules; {} providers left out on purpose. Generated by \
         `leakhound rules list --format coverage`; do not edit by hand. Each rule is written from the \
         provider's own documentation of its key format; `docs/RULES.md` lists the rules one by one.\n",
        by_provider.len(),
        rules.len(),
        left_out.len()
    )?;
    writeln!(out, "## Covered\n")?;
    writeln!(out, "| provider | rules | revoke |")?;
    writeln!(out, "|---|---|---|")?;
    for (name, rs) in by_provider.values() {
        let ids: Vec<String> = rs.iter().map(|r| format!("`{}`", r.spec.id)).collect();
        let mut urls: Vec<&str> = rs.iter().map(|r| r.spec.runbook.url.as_str()).collect();
        urls.dedup();
        let links: Vec<String> = urls.iter().map(|u| format!("[runbook]({u})")).collect();
        writeln!(out, "| {} | {} | {} |", md_cell(name), ids.join(" "), links.join(" "))?;
    }
    writeln!(out, "\n## Left out\n")?;
    writeln!(
        out,
        "Providers that other scanners name but that have no rule here, and why. A provider whose keys \
         have no distinctive shape may still be found by the generic rules.\n"
    )?;
    writeln!(out, "| provider | why there is no rule |")?;
    writeln!(out, "|---|---|")?;
    for n in &left_out {
        writeln!(out, "| {} | {} |", md_cell(&n.name), md_cell(&n.reason))?;
    }
    Ok(())
}

fn md_cell(s: &str) -> String {
    s.chars()
        .map(|c| if crate::messages::is_unsafe(c) { ' ' } else { c })
        .collect::<String>()
        .replace('|', "\\|")
}

fn show(out: &mut dyn Write, r: &Rule) -> Result<()> {
    // Custom rules come from a file anyone may have written: nothing in them reaches the terminal raw.
    let s = &r.spec;
    let one = |v: &str| escape_line(v).into_owned();
    let list = |v: &[String]| escape_line(&v.join(", ")).into_owned();
    writeln!(out, "{} ({})", one(&s.name), one(&s.id))?;
    writeln!(out, "provider:    {}", one(&s.provider))?;
    writeln!(out, "severity:    {}", s.severity)?;
    writeln!(out, "confidence:  {}", s.confidence)?;
    writeln!(out, "keywords:    {}", list(&s.keywords))?;
    if !s.tags.is_empty() {
        writeln!(out, "tags:        {}", list(&s.tags))?;
    }
    if let Some(e) = s.entropy {
        writeln!(out, "entropy:     at least {e} bits per character")?;
    }
    if let Some(c) = s.checksum {
        writeln!(
            out,
            "checksum:    {}",
            serde_json::to_value(c)?.as_str().unwrap_or_default()
        )?;
    }
    if let Some(re) = &s.regex {
        writeln!(out, "regex:       {}", one(re))?;
    }
    if let Some(f) = &s.format {
        writeln!(
            out,
            "format:      {} (a built-in parser decodes the stored value)",
            one(f)
        )?;
    }
    if !s.kind.is_secret() {
        writeln!(out, "kind:        {}", s.kind.as_str())?;
    }
    if let Some(p) = &s.path {
        writeln!(out, "path:        {}", one(p))?;
    }
    writeln!(out, "from:        {}", one(&r.origin))?;
    writeln!(out, "\n{}\n", escape(s.description.trim()))?;
    writeln!(out, "Revoke and rotate: {}\n", one(&s.runbook.url))?;
    writeln!(out, "{}", escape(s.runbook.steps_with_proof().trim_end()))?;
    Ok(())
}
