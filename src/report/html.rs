//! Self-contained HTML report (`-f html`): one file that opens from disk or a CI artifact with no
//! network (inline CSS, one inline script, inline SVG charts drawn here; a Content-Security-Policy
//! forbids every fetch). At the top the answer: counts by priority, validation and exposure, and
//! what was covered (complete or not, and why). Then charts, and an ARIA table with one row group
//! per unique secret (fingerprint): a summary row, and a detail row with its locations, the fingerprint
//! to baseline it and its runbook (each distinct runbook is written once, in an appendix, and shown
//! in the row by the script). The page is complete without the script; the script sorts, filters
//! (from controls or the URL fragment) and opens rows.
//!
//! Never a secret: secrets are shown only in their redacted form, even after `--no-redact`, and a
//! commit or tag subject that holds a secret found in that message is masked over the secret's
//! span. Every string from a scanned input goes through [`esc`].

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::io::Write;

use anyhow::Result;

use super::Summary;
use crate::finding::{redact_secret, Finding, Priority, ValidationStatus};
use crate::triage::{self, Group};

const CSS: &str = include_str!("html/style.css");
const JS: &str = include_str!("html/app.js");

/// Locations listed per secret; the rest are counted (the JSON report has them all).
const MAX_LOCATIONS: usize = 200;
/// Secrets drawn in the exposure timeline, longest exposed first.
const MAX_TIMELINE: usize = 40;
/// Providers drawn in the provider chart.
const MAX_PROVIDERS: usize = 25;
/// Rows and columns of the secrets × targets matrix.
const MAX_MATRIX_ROWS: usize = 60;
const MAX_MATRIX_COLS: usize = 40;

/// The coverage of one target of a merged organisation result (`leakhound merge`).
#[derive(Debug, Clone, Default)]
pub struct TargetCoverage {
    /// The work-list id.
    pub id: String,
    /// Scanned completely.
    pub complete: bool,
    /// Bytes scanned.
    pub bytes: u64,
    /// Blobs or files scanned.
    pub inputs: u64,
    /// Findings reported for it.
    pub findings: u64,
    /// Why it is incomplete (empty when complete).
    pub reasons: Vec<String>,
    /// The shard that scanned it, empty when no shard output has it.
    pub shard: String,
}

/// The one HTML escape: text and attribute values alike (`& < > " '`); control characters (which
/// could drive a terminal when the file is `cat`ed) and bidirectional overrides become spaces.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\t' => out.push(c),
            c if crate::messages::is_unsafe(c) => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The form of a secret this report may show. A redacted form (at most six visible characters
/// around `…`) is kept; anything else is a raw value from `--no-redact` and is redacted here.
fn shown(secret: &str) -> String {
    if secret.contains('…') && secret.chars().filter(|&c| c != '…').count() <= 6 {
        secret.to_string()
    } else {
        redact_secret(secret)
    }
}

/// Replaces UTF-16 columns `[from, to)` (1-based) of `line` with `mask`.
fn mask_columns(line: &str, from: u64, to: Option<u64>, mask: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut col = 1u64;
    let mut masked = false;
    for c in line.chars() {
        let inside = col >= from && to.is_none_or(|t| col < t);
        if inside {
            if !masked {
                out.push_str(mask);
                masked = true;
            }
        } else {
            out.push(c);
        }
        col += c.len_utf16() as u64;
    }
    out
}

/// Commit and tag subjects as the report may show them: where a finding lies on a message's first
/// line (a key pasted into a commit message), its span is masked in every place that subject is
/// shown; and a raw secret from `--no-redact` of a finding made in that commit is masked wherever it
/// occurs in the subject (a key in a subject is itself a finding of that commit's message, so the
/// commit's own findings are the ones to look for).
struct Subjects {
    masks: HashMap<String, Vec<(u64, Option<u64>, String)>>,
    raw: HashMap<String, Vec<(String, String)>>,
}

impl Subjects {
    fn new(findings: &[Finding]) -> Subjects {
        let mut masks: HashMap<String, Vec<(u64, Option<u64>, String)>> = HashMap::new();
        let mut raw: HashMap<String, Vec<(String, String)>> = HashMap::new();
        for f in findings {
            let Some(g) = &f.git else { continue };
            let key = subject_key(f);
            let s = shown(&f.secret);
            let mut values = vec![(&f.secret, s.clone())];
            if let Some(p) = &f.pair {
                values.push((&p.secret, shown(&p.secret)));
            }
            for (value, mask) in values {
                if *value != mask && value.trim().len() >= 4 {
                    raw.entry(key.clone())
                        .or_default()
                        .push((value.trim().to_string(), mask));
                }
            }
            if g.message.is_some() && f.line == 1 {
                let end = (f.end_line == 1).then_some(f.end_column);
                masks.entry(key).or_default().push((f.column, end, format!("[{s}]")));
            }
        }
        for v in raw.values_mut() {
            v.sort_by_key(|(r, _)| std::cmp::Reverse(r.len()));
            v.dedup();
        }
        Subjects { masks, raw }
    }

    /// The subject of `f`'s commit or tag, safe to show (not yet HTML-escaped).
    fn of(&self, f: &Finding) -> Option<String> {
        let mut s = f.git.as_ref()?.summary.clone()?;
        let key = subject_key(f);
        if let Some(m) = self.masks.get(&key) {
            // Right to left, so earlier columns stay valid.
            let mut m = m.clone();
            m.sort_by_key(|(from, _, _)| std::cmp::Reverse(*from));
            for (from, to, mask) in m {
                s = mask_columns(&s, from, to, &mask);
            }
        }
        for (raw, mask) in self.raw.get(&key).into_iter().flatten() {
            if s.contains(raw.as_str()) {
                s = s.replace(raw.as_str(), mask);
            }
        }
        Some(s)
    }
}

/// Which message a finding's subject line belongs to: its commit, or for a tag its path.
fn subject_key(f: &Finding) -> String {
    match f.git.as_ref() {
        Some(g) if g.message.as_deref() == Some("tag") => f.path.clone(),
        Some(g) => g.commit.clone().unwrap_or_else(|| f.path.clone()),
        None => f.path.clone(),
    }
}

/// What the table, filters and charts know about one unique secret.
struct Row<'a> {
    g: &'a Group<'a>,
    first: &'a Finding,
    pushed: &'static str,
    live: &'static str,
    first_seen: Option<String>,
    exposed_days: Option<u64>,
    targets: BTreeSet<&'a str>,
    runbook: usize,
}

fn row<'a>(g: &'a Group<'a>, runbooks: &mut Runbooks<'a>) -> Row<'a> {
    let first = g.findings[0];
    let mut pushed = None;
    let mut first_seen: Option<String> = None;
    let mut exposed_days = None;
    let mut targets = BTreeSet::new();
    for f in &g.findings {
        if let Some(git) = &f.git {
            pushed = match (pushed, git.pushed) {
                (Some(true), _) | (_, Some(true)) => Some(true),
                (_, Some(false)) => Some(false),
                (p, None) => p,
            };
            if let Some(d) = &git.first_seen {
                if first_seen.as_ref().is_none_or(|cur| d < cur) {
                    first_seen = Some(d.clone());
                }
            }
            exposed_days = exposed_days.max(git.exposed_days);
        }
        if let Some(t) = &f.target {
            targets.insert(t.as_str());
        }
    }
    let live = g
        .findings
        .iter()
        .filter_map(|f| f.validation.as_ref().map(|v| v.status))
        .min()
        .map_or("", ValidationStatus::as_str);
    Row {
        g,
        first,
        pushed: match pushed {
            Some(true) => "yes",
            Some(false) => "no",
            None => "",
        },
        live,
        first_seen,
        exposed_days,
        targets,
        runbook: runbooks.index(first),
    }
}

/// Each distinct runbook once: `(url, steps, rule ids)`.
#[derive(Default)]
struct Runbooks<'a> {
    list: Vec<(&'a str, String, BTreeSet<&'a str>)>,
    by_key: HashMap<(&'a str, &'a str), usize>,
}

impl<'a> Runbooks<'a> {
    fn index(&mut self, f: &'a Finding) -> usize {
        let key = (f.runbook.url.as_str(), f.runbook.steps.as_str());
        let i = *self.by_key.entry(key).or_insert_with(|| {
            self.list
                .push((&f.runbook.url, f.runbook.steps_with_proof(), BTreeSet::new()));
            self.list.len() - 1
        });
        self.list[i].2.insert(&f.rule_id);
        i
    }
}

fn rank(p: Priority) -> u8 {
    match p {
        Priority::Critical => 4,
        Priority::High => 3,
        Priority::Medium => 2,
        Priority::Low => 1,
    }
}

const PRIORITIES: [Priority; 4] = [Priority::Critical, Priority::High, Priority::Medium, Priority::Low];

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Writes the report of a single scan.
pub fn write(out: &mut dyn Write, findings: &[Finding], summary: &Summary) -> Result<()> {
    write_report(out, findings, summary, None)
}

/// Writes the report of a merged organisation result, with each target's coverage.
pub fn write_org(
    out: &mut dyn Write,
    findings: &[Finding],
    summary: &Summary,
    targets: &[TargetCoverage],
) -> Result<()> {
    write_report(out, findings, summary, Some(targets))
}

fn write_report(
    out: &mut dyn Write,
    findings: &[Finding],
    summary: &Summary,
    targets: Option<&[TargetCoverage]>,
) -> Result<()> {
    let groups = triage::groups(findings);
    let mut runbooks = Runbooks::default();
    let rows: Vec<Row> = groups.iter().map(|g| row(g, &mut runbooks)).collect();
    let subjects = Subjects::new(findings);
    let incomplete = reasons(summary, targets);
    let mut h = String::with_capacity(32 * 1024 + rows.len() * 2048);
    let roots = if summary.roots.len() > 3 {
        format!("{} and {} more", summary.roots[..3].join(", "), summary.roots.len() - 3)
    } else {
        summary.roots.join(", ")
    };
    let _ = write!(
        h,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'\">\
         <meta name=\"referrer\" content=\"no-referrer\"><meta name=\"generator\" content=\"leakhound {}\">\
         <title>leakhound: {}</title><style>{CSS}</style>\
         <script>document.documentElement.className='js'</script></head><body>\n",
        env!("CARGO_PKG_VERSION"),
        esc(&roots)
    );
    if !rows.is_empty() {
        h.push_str("<a class=\"skip\" href=\"#s-find\">Skip to the findings</a>\n");
    }
    let _ = write!(
        h,
        "<header><h1>Leaked secrets: {}</h1><p class=\"muted\">leakhound {} · <code>{}</code> scan · {} · {}. \
         Secrets are shown redacted only, whatever the scan's flags; the fingerprints identify them.</p></header>\n<main>\n",
        esc(&roots),
        env!("CARGO_PKG_VERSION"),
        esc(&summary.source),
        plural(summary.files_scanned as usize, "input", "inputs"),
        super::text::human_bytes(summary.bytes_scanned),
    );
    overview(&mut h, &rows, findings.len(), &incomplete);
    coverage(&mut h, summary, targets, &incomplete);
    if !rows.is_empty() {
        charts(&mut h, &rows);
        table(&mut h, &rows, &subjects);
        appendix(&mut h, &runbooks);
    }
    let _ = write!(h, "</main>\n<script>{JS}</script>\n</body></html>\n");
    out.write_all(h.as_bytes())?;
    Ok(())
}

/// Why the scan is not complete, one sentence each; empty when it is.
fn reasons(s: &Summary, targets: Option<&[TargetCoverage]>) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(ts) = targets {
        let bad: Vec<&TargetCoverage> = ts.iter().filter(|t| !t.complete).collect();
        if !bad.is_empty() {
            out.push(format!(
                "{} of {} not fully scanned (see the table of targets)",
                plural(bad.len(), "target", "targets"),
                ts.len()
            ));
        }
        return out;
    }
    if s.files_scanned == 0 && s.bytes_scanned == 0 {
        out.push("nothing was scanned: no input was read, so no finding means nothing".into());
    }
    if s.errors > 0 {
        out.push(format!(
            "{} could not be read completely (the scan's stderr names them)",
            plural(s.errors as usize, "input", "inputs")
        ));
    }
    if let Some(g) = s.extra.get("git").and_then(|g| g.as_object()) {
        let yes = |k: &str| g.get(k).and_then(|v| v.as_bool()) == Some(true);
        if yes("shallow") {
            out.push("a shallow clone: history before its boundary was not scanned".into());
        }
        if yes("partial_clone") {
            out.push("a partial clone: objects its promisor remote never sent are not on disk".into());
        }
        if yes("no_commits") {
            out.push("the repository has no commits yet: there is no history to scan".into());
        }
        if let Some(n) = g
            .get("blobs_skipped")
            .and_then(|b| b.get("unreadable"))
            .and_then(|n| n.as_u64())
        {
            if n > 0 {
                out.push(format!("{} unreadable", plural(n as usize, "blob", "blobs")));
            }
        }
        if out.is_empty() && g.get("complete").and_then(|v| v.as_bool()) == Some(false) {
            out.push("git reported the history incomplete".into());
        }
    }
    out
}

fn card(h: &mut String, class: &str, n: usize, label: &str, href: Option<&str>) {
    match href {
        Some(href) if n > 0 => {
            let _ = write!(
                h,
                "<a class=\"card {class}\" href=\"{href}\" title=\"Show only these\"><b>{n}</b>{label}</a>"
            );
        }
        _ => {
            let _ = write!(h, "<div class=\"card {class}\"><b>{n}</b>{label}</div>");
        }
    }
}

fn overview(h: &mut String, rows: &[Row], locations: usize, incomplete: &[String]) {
    h.push_str("<section aria-labelledby=\"s-sum\"><h2 id=\"s-sum\">Summary</h2>");
    // The answer in one sentence, for whoever reads nothing else.
    let mut answer = if rows.is_empty() {
        "No secrets found.".to_string()
    } else {
        let by: Vec<String> = PRIORITIES
            .iter()
            .map(|p| (p, rows.iter().filter(|r| r.g.priority == *p).count()))
            .filter(|(_, n)| *n > 0)
            .map(|(p, n)| format!("{n} {}", p.as_str()))
            .collect();
        format!(
            "{} in {}: {}.",
            plural(rows.len(), "unique secret", "unique secrets"),
            plural(locations, "place", "places"),
            by.join(", ")
        )
    };
    let live = rows.iter().filter(|r| r.live == "live").count();
    if live > 0 {
        let _ = write!(answer, " {live} still live: revoke those first.");
    }
    let pushed = rows.iter().filter(|r| r.pushed == "yes").count();
    if pushed > 0 {
        let _ = write!(answer, " {pushed} pushed to a remote.");
    }
    answer.push_str(if incomplete.is_empty() {
        " Coverage complete."
    } else {
        " Coverage INCOMPLETE: what was not scanned may hold more."
    });
    let _ = write!(h, "<p class=\"answer\" id=\"answer\">{}</p>", esc(&answer));
    h.push_str("<div class=\"cards\" id=\"priorities\">");
    card(h, "", rows.len(), "unique secrets", Some("#"));
    card(h, "", locations, "locations", None);
    for p in PRIORITIES {
        let n = rows.iter().filter(|r| r.g.priority == p).count();
        let href = format!("#priority={}", p.as_str());
        card(h, p.as_str(), n, &format!("priority {}", p.as_str()), Some(&href));
    }
    h.push_str("</div>");
    if rows.iter().any(|r| !r.live.is_empty()) {
        h.push_str("<div class=\"cards\" id=\"validation\"><span class=\"cards-label\">Validation</span>");
        for s in ["live", "revoked", "unknown", "error"] {
            let n = rows.iter().filter(|r| r.live == s).count();
            card(h, s, n, s, Some(&format!("#live={s}")));
        }
        let n = rows.iter().filter(|r| r.live.is_empty()).count();
        card(h, "", n, "not checked", None);
        h.push_str("</div>");
    }
    if rows.iter().any(|r| !r.pushed.is_empty()) {
        h.push_str("<div class=\"cards\" id=\"exposure\"><span class=\"cards-label\">Exposure</span>");
        card(h, "high", pushed, "pushed to a remote", Some("#pushed=yes"));
        let n = rows.iter().filter(|r| r.pushed == "no").count();
        card(h, "", n, "local only", Some("#pushed=no"));
        h.push_str("</div>");
    }
    h.push_str("</section>\n");
}

/// A coverage value as text; `None` for values that say nothing (false, empty, null, zero maps).
fn value_text(v: &serde_json::Value) -> Option<String> {
    use serde_json::Value;
    match v {
        Value::Null | Value::Bool(false) => None,
        Value::Bool(true) => Some("yes".into()),
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Array(a) if a.is_empty() => None,
        Value::Array(a) => Some(a.iter().filter_map(value_text).collect::<Vec<_>>().join(", ")),
        Value::Object(o) => {
            let parts: Vec<String> = o
                .iter()
                .filter_map(|(k, v)| value_text(v).map(|t| format!("{} {t}", k.replace('_', " "))))
                .collect();
            (!parts.is_empty()).then(|| parts.join(", "))
        }
    }
}

fn coverage(h: &mut String, s: &Summary, targets: Option<&[TargetCoverage]>, incomplete: &[String]) {
    h.push_str("<section aria-labelledby=\"s-cov\"><h2 id=\"s-cov\">Sources and coverage</h2>");
    if incomplete.is_empty() {
        h.push_str("<p class=\"complete\" id=\"coverage\" data-complete=\"yes\"><strong>Complete:</strong> every input was read.</p>");
    } else {
        h.push_str("<div class=\"incomplete\" id=\"coverage\" data-complete=\"no\"><p><strong>INCOMPLETE:</strong> not everything was scanned, so no finding here does not mean no secret there.</p><ul>");
        for r in incomplete {
            let _ = write!(h, "<li>{}</li>", esc(r));
        }
        h.push_str("</ul></div>");
    }
    h.push_str("<table class=\"cov\"><tbody>");
    let _ = write!(
        h,
        "<tr><th scope=\"row\">source</th><td><code>{}</code> of {}</td></tr>\
         <tr><th scope=\"row\">scanned</th><td>{}, {}{}</td></tr>",
        esc(&s.source),
        s.roots
            .iter()
            .take(20)
            .map(|r| format!("<code>{}</code>", esc(r)))
            .collect::<Vec<_>>()
            .join(", ")
            + &if s.roots.len() > 20 {
                format!(" and {} more", s.roots.len() - 20)
            } else {
                String::new()
            },
        plural(s.files_scanned as usize, "input", "inputs"),
        super::text::human_bytes(s.bytes_scanned),
        if s.duration_ms > 0 {
            format!(
                " in {:.2} s with {} rules",
                s.duration_ms as f64 / 1000.0,
                s.rules_loaded
            )
        } else {
            String::new()
        }
    );
    for (name, v) in &s.extra {
        // The organisation's targets have their own table below.
        if targets.is_some() && name.ends_with("targets") {
            continue;
        }
        if let Some(text) = value_text(v) {
            let _ = write!(
                h,
                "<tr><th scope=\"row\">{}</th><td>{}</td></tr>",
                esc(&name.replace('_', " ")),
                esc(&text)
            );
        }
    }
    for (label, m) in [("skipped", &s.files_skipped), ("suppressed", &s.suppressed)] {
        if !m.is_empty() {
            let parts: Vec<String> = m
                .iter()
                .map(|(k, n)| format!("{} {n}", esc(&k.replace('_', " "))))
                .collect();
            let _ = write!(
                h,
                "<tr><th scope=\"row\">{label}</th><td>{}</td></tr>",
                parts.join(", ")
            );
        }
    }
    h.push_str("</tbody></table>");
    if let Some(ts) = targets {
        let _ = write!(
            h,
            "<table class=\"targets\" id=\"targets\"><caption>{} ({} incomplete)</caption><thead><tr>\
             <th scope=\"col\">target</th><th scope=\"col\">coverage</th><th scope=\"col\">inputs</th>\
             <th scope=\"col\">bytes</th><th scope=\"col\">findings</th><th scope=\"col\">shard</th></tr></thead><tbody>",
            plural(ts.len(), "target", "targets"),
            ts.iter().filter(|t| !t.complete).count()
        );
        // Incomplete targets first: they are what needs doing.
        let mut sorted: Vec<&TargetCoverage> = ts.iter().collect();
        sorted.sort_by_key(|t| (t.complete, &t.id));
        for t in sorted {
            let _ = write!(
                h,
                "<tr data-complete=\"{}\"><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                if t.complete { "yes" } else { "no" },
                esc(&t.id),
                if t.complete {
                    "complete".to_string()
                } else {
                    format!("<strong>INCOMPLETE</strong>: {}", esc(&t.reasons.join("; ")))
                },
                t.inputs,
                super::text::human_bytes(t.bytes),
                t.findings,
                esc(&t.shard)
            );
        }
        h.push_str("</tbody></table>");
    }
    h.push_str("</section>\n");
}

/// Fill colour and pattern (for readers and printers without colour) of each priority or
/// severity, most urgent first.
const SEV: [(&str, &str); 4] = [
    ("critical", "#a40e26"),
    ("high", "#bc4c00"),
    ("medium", "#8a6100"),
    ("low", "#3f6e3f"),
];

fn sev_index(name: &str) -> usize {
    SEV.iter().position(|(s, _)| *s == name).unwrap_or(3)
}

/// SVG patterns: solid, hatched, dotted, crossed, so the four levels differ in grey too.
fn svg_defs(h: &mut String, prefix: &str) {
    let _ = write!(
        h,
        "<defs>\
         <pattern id=\"{prefix}-p0\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\"><rect width=\"6\" height=\"6\" fill=\"{}\"/></pattern>\
         <pattern id=\"{prefix}-p1\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"{}\"/><rect width=\"2\" height=\"6\" fill=\"#fff\" opacity=\".55\"/></pattern>\
         <pattern id=\"{prefix}-p2\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\"><rect width=\"6\" height=\"6\" fill=\"{}\"/><circle cx=\"3\" cy=\"3\" r=\"1.4\" fill=\"#fff\" opacity=\".7\"/></pattern>\
         <pattern id=\"{prefix}-p3\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\"><rect width=\"6\" height=\"6\" fill=\"{}\"/><path d=\"M0 0L6 6M6 0L0 6\" stroke=\"#fff\" stroke-width=\"1\" opacity=\".6\"/></pattern>\
         </defs>",
        SEV[0].1, SEV[1].1, SEV[2].1, SEV[3].1
    );
}

fn legend(h: &mut String, prefix: &str, x0: f64, what: &str) {
    let _ = write!(
        h,
        "<text x=\"{}\" y=\"15\" text-anchor=\"end\">{what}:</text>",
        x0 - 8.0
    );
    for (i, (name, _)) in SEV.iter().enumerate() {
        let x = x0 + i as f64 * 90.0;
        let _ = write!(
            h,
            "<rect x=\"{x}\" y=\"4\" width=\"14\" height=\"14\" fill=\"url(#{prefix}-p{i})\" stroke=\"#000\" stroke-width=\".5\"/>\
             <text x=\"{}\" y=\"15\">{name}</text>",
            x + 18.0
        );
    }
}

/// Truncates for a chart label.
fn short(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

/// Civil date (`YYYY-MM-DD`) of a day count since the Unix epoch (inverse of `triage::epoch_days`).
fn civil(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn days_of(y: i64, m: i64) -> i64 {
    triage::epoch_days(&format!("{y:04}-{m:02}-01")).unwrap_or(0)
}

fn charts(h: &mut String, rows: &[Row]) {
    h.push_str("<section aria-labelledby=\"s-charts\"><h2 id=\"s-charts\">Pictures</h2>");
    provider_chart(h, rows);
    timeline(h, rows);
    matrix(h, rows);
    h.push_str("</section>\n");
}

fn provider_chart(h: &mut String, rows: &[Row]) {
    let mut by: BTreeMap<&str, [usize; 4]> = BTreeMap::new();
    for r in rows {
        by.entry(r.first.provider.as_str()).or_default()[sev_index(r.first.severity.as_str())] += 1;
    }
    let providers = by.len();
    let mut bars: Vec<(&str, [usize; 4])> = by.into_iter().collect();
    bars.sort_by_key(|(p, c)| (std::cmp::Reverse(c.iter().sum::<usize>()), *p));
    bars.truncate(MAX_PROVIDERS);
    let max = bars
        .iter()
        .map(|(_, c)| c.iter().sum::<usize>())
        .max()
        .unwrap_or(1)
        .max(1);
    let (left, width, bh) = (180.0, 560.0, 20.0);
    let total_w = left + width + 70.0;
    let height = 32.0 + bars.len() as f64 * (bh + 6.0);
    let _ = write!(
        h,
        "<figure><figcaption><h3>Unique secrets by provider and severity</h3>{}</figcaption>\
         <svg id=\"chart-providers\" role=\"img\" aria-labelledby=\"chart-providers-t\" viewBox=\"0 0 {total_w} {height}\" width=\"{total_w}\" height=\"{height}\">\
         <title id=\"chart-providers-t\">Unique secrets by provider, stacked by severity</title>",
        if providers > bars.len() {
            format!("<span class=\"muted\">the {} largest of {providers} providers</span>", bars.len())
        } else {
            String::new()
        }
    );
    svg_defs(h, "pv");
    legend(h, "pv", left, "severity");
    for (i, (provider, counts)) in bars.iter().enumerate() {
        let y = 28.0 + i as f64 * (bh + 6.0);
        let total: usize = counts.iter().sum();
        let _ = write!(
            h,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            left - 8.0,
            y + 14.0,
            esc(&short(provider, 26))
        );
        let mut x = left;
        for (j, n) in counts.iter().enumerate() {
            if *n == 0 {
                continue;
            }
            let w = width * *n as f64 / max as f64;
            let _ = write!(
                h,
                "<rect class=\"bar\" data-severity=\"{}\" x=\"{x:.1}\" y=\"{y}\" width=\"{w:.1}\" height=\"{bh}\" fill=\"url(#pv-p{j})\"><title>{}: {n} {}</title></rect>",
                SEV[j].0,
                esc(provider),
                SEV[j].0
            );
            x += w;
        }
        let detail: Vec<String> = counts
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(j, n)| format!("{n} {}", SEV[j].0))
            .collect();
        let _ = write!(
            h,
            "<text x=\"{:.1}\" y=\"{}\">{total}{}</text>",
            x + 6.0,
            y + 14.0,
            if detail.len() > 1 {
                format!(" ({})", detail.join(", "))
            } else {
                String::new()
            }
        );
    }
    h.push_str("</svg></figure>");
}

fn timeline(h: &mut String, rows: &[Row]) {
    let mut exposed: Vec<(&Row, i64)> = rows
        .iter()
        .filter(|r| r.exposed_days.is_some())
        .filter_map(|r| Some((r, triage::epoch_days(r.first_seen.as_deref()?)?)))
        .collect();
    if exposed.is_empty() {
        return;
    }
    let total = exposed.len();
    exposed.sort_by_key(|(r, _)| (std::cmp::Reverse(r.exposed_days), r.g.id));
    exposed.truncate(MAX_TIMELINE);
    // "Now" is the scan's: first seen plus the days it has been exposed.
    let now = exposed
        .iter()
        .map(|(r, d)| d + r.exposed_days.unwrap_or(0) as i64)
        .max()
        .unwrap_or(0);
    let start = exposed.iter().map(|(_, d)| *d).min().unwrap_or(now).min(now - 1);
    let span = (now - start).max(1) as f64;
    let (left, width, bh) = (260.0, 520.0, 16.0);
    let total_w = left + width + 170.0;
    let top = 30.0;
    let height = top + exposed.len() as f64 * (bh + 6.0) + 8.0;
    let _ = write!(
        h,
        "<figure><figcaption><h3 id=\"s-time\">Exposure: first seen to now, longest first</h3>{}</figcaption>\
         <svg id=\"chart-timeline\" role=\"img\" aria-labelledby=\"chart-timeline-t\" viewBox=\"0 0 {total_w} {height}\" width=\"{total_w}\" height=\"{height}\">\
         <title id=\"chart-timeline-t\">For each secret, a bar from the first commit holding it to the scan</title>",
        if total > exposed.len() {
            format!("<span class=\"muted\">the {} longest exposed of {total} secrets</span>", exposed.len())
        } else {
            String::new()
        }
    );
    svg_defs(h, "tl");
    // Axis: a tick per year, or per quarter when the whole span is under two years.
    let x_of = |d: i64| left + width * (d - start) as f64 / span;
    let (y0, m0, _) = civil(start);
    let quarterly = span < 730.0;
    let (mut y, mut m) = if quarterly {
        (y0, ((m0 - 1) / 3) * 3 + 1)
    } else {
        (y0, 1)
    };
    loop {
        let d = days_of(y, m);
        if d > now {
            break;
        }
        if d >= start {
            let x = x_of(d);
            let _ = write!(
                h,
                "<line class=\"tick\" x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{}\" y2=\"{}\"/><text class=\"tick\" x=\"{x:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                top - 6.0,
                height - 4.0,
                top - 10.0,
                if quarterly { format!("{y}-{m:02}") } else { y.to_string() }
            );
        }
        if quarterly {
            m += 3;
            if m > 12 {
                m -= 12;
                y += 1;
            }
        } else {
            y += 1;
        }
    }
    let _ = write!(
        h,
        "<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"end\">now</text>",
        left + width,
        top - 10.0
    );
    for (i, (r, first)) in exposed.iter().enumerate() {
        let y = top + i as f64 * (bh + 6.0);
        let days = r.exposed_days.unwrap_or(0);
        let x = x_of(*first);
        let w = (left + width - x).max(2.0);
        let p = 4 - rank(r.g.priority) as usize;
        let label = format!("#{} {} · {}", r.g.id, r.first.provider, r.first.path);
        let date = r.first_seen.as_deref().map_or("?", |d| d.get(..10).unwrap_or(d));
        let _ = write!(
            h,
            "<a href=\"#g{id}\"><text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\
             <rect class=\"span\" data-priority=\"{}\" x=\"{x:.1}\" y=\"{y}\" width=\"{w:.1}\" height=\"{bh}\" fill=\"url(#tl-p{p})\">\
             <title>#{id} {}: first seen {}, {days} days</title></rect></a>\
             <text x=\"{}\" y=\"{}\">{days} d since {}</text>",
            left - 8.0,
            y + 12.0,
            esc(&short(&label, 42)),
            SEV[p].0,
            esc(&r.first.provider),
            esc(date),
            left + width + 6.0,
            y + 12.0,
            esc(date),
            id = r.g.id,
        );
    }
    h.push_str("</svg></figure>");
}

fn matrix(h: &mut String, rows: &[Row]) {
    let mut per_target: BTreeMap<&str, usize> = BTreeMap::new();
    for r in rows {
        for t in &r.targets {
            *per_target.entry(t).or_default() += 1;
        }
    }
    if per_target.is_empty() {
        return;
    }
    // Targets holding the most secrets first; secrets in the most targets first.
    let mut cols: Vec<(&str, usize)> = per_target.into_iter().collect();
    let all_cols = cols.len();
    cols.sort_by_key(|(t, n)| (std::cmp::Reverse(*n), *t));
    cols.truncate(MAX_MATRIX_COLS);
    let mut secrets: Vec<&Row> = rows.iter().filter(|r| !r.targets.is_empty()).collect();
    let all_rows = secrets.len();
    secrets.sort_by_key(|r| (std::cmp::Reverse(r.targets.len()), r.g.id));
    secrets.truncate(MAX_MATRIX_ROWS);
    let (left, cell, top) = (260.0, 26.0, 140.0);
    let w = left + cols.len() as f64 * cell + 120.0;
    let hgt = top + secrets.len() as f64 * cell + 10.0;
    let mut note = Vec::new();
    if all_rows > secrets.len() {
        note.push(format!(
            "the {} secrets in the most targets, of {all_rows}",
            secrets.len()
        ));
    }
    if all_cols > cols.len() {
        note.push(format!(
            "the {} targets with the most secrets, of {all_cols}",
            cols.len()
        ));
    }
    let _ = write!(
        h,
        "<figure><figcaption><h3 id=\"s-matrix\">Secrets across repositories</h3><span class=\"muted\">A mark where a target holds the secret; the letter is its priority.{}</span></figcaption>\
         <svg id=\"chart-matrix\" role=\"img\" aria-labelledby=\"chart-matrix-t\" viewBox=\"0 0 {w} {hgt}\" width=\"{w}\" height=\"{hgt}\">\
         <title id=\"chart-matrix-t\">Which target holds which secret</title>",
        if note.is_empty() {
            String::new()
        } else {
            format!(" Showing {}.", note.join("; "))
        }
    );
    svg_defs(h, "mx");
    for (j, (t, n)) in cols.iter().enumerate() {
        let x = left + j as f64 * cell + 14.0;
        let _ = write!(
            h,
            "<text class=\"col\" transform=\"translate({x},{}) rotate(-60)\">{}<title>{}: {n} secrets</title></text>",
            top - 6.0,
            esc(&short(t, 22)),
            esc(t)
        );
    }
    for (i, r) in secrets.iter().enumerate() {
        let y = top + i as f64 * cell;
        let label = format!("#{} {} {}", r.g.id, r.first.provider, shown(&r.first.secret));
        let _ = write!(
            h,
            "<a href=\"#g{}\"><text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text></a>",
            r.g.id,
            left - 8.0,
            y + 14.0,
            esc(&short(&label, 40))
        );
        let p = 4 - rank(r.g.priority) as usize;
        for (j, (t, _)) in cols.iter().enumerate() {
            if r.targets.contains(t) {
                let (x, yy) = (left + j as f64 * cell + 1.0, y + 1.0);
                let _ = write!(
                    h,
                    "<g class=\"hit\" data-target=\"{}\" data-group=\"{}\"><rect x=\"{x}\" y=\"{yy}\" width=\"{}\" height=\"{}\" fill=\"url(#mx-p{p})\"/>\
                     <text class=\"cell\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text><title>#{} {} in {}</title></g>",
                    esc(t),
                    r.g.id,
                    cell - 2.0,
                    cell - 2.0,
                    x + (cell - 2.0) / 2.0,
                    yy + 13.0,
                    SEV[p].0[..1].to_ascii_uppercase(),
                    r.g.id,
                    SEV[p].0,
                    esc(t)
                );
            }
        }
        let _ = write!(
            h,
            "<text x=\"{}\" y=\"{}\">{}</text>",
            left + cols.len() as f64 * cell + 8.0,
            y + 14.0,
            plural(r.targets.len(), "target", "targets")
        );
    }
    h.push_str("</svg></figure>");
}

fn select(h: &mut String, key: &str, label: &str, values: &BTreeSet<String>) {
    let _ = write!(
        h,
        "<label>{label}<select data-filter=\"{key}\" id=\"f-{key}\"><option value=\"\">all</option>"
    );
    for v in values {
        let _ = write!(h, "<option value=\"{0}\">{0}</option>", esc(v));
    }
    h.push_str("</select></label>");
}

/// The columns of the findings table: sort key (empty: not sortable), header, numeric.
const COLUMNS: [(&str, &str, bool); 10] = [
    ("id", "#", true),
    ("prank", "Priority", true),
    ("provider", "Provider", false),
    ("rule", "Rule", false),
    ("", "Secret (redacted)", false),
    ("path", "Where", false),
    ("exposed", "Exposed (days)", true),
    ("pushed", "Pushed", false),
    ("live", "Validation", false),
    ("confidence", "Confidence", false),
];

fn table(h: &mut String, rows: &[Row], subjects: &Subjects) {
    let set = |f: &dyn Fn(&Row) -> Vec<String>| -> BTreeSet<String> {
        rows.iter().flat_map(f).filter(|s| !s.is_empty()).collect()
    };
    h.push_str(
        "<section aria-labelledby=\"s-find\"><h2 id=\"s-find\" tabindex=\"-1\">Findings</h2>\
         <form class=\"filters\" role=\"search\" aria-label=\"Filter the findings\" onsubmit=\"return false\">",
    );
    select(
        h,
        "priority",
        "Priority",
        &set(&|r| vec![r.g.priority.as_str().to_string()]),
    );
    select(h, "provider", "Provider", &set(&|r| vec![r.first.provider.clone()]));
    select(h, "rule", "Rule", &set(&|r| vec![r.first.rule_id.clone()]));
    select(
        h,
        "confidence",
        "Confidence",
        &set(&|r| vec![r.first.confidence.to_string()]),
    );
    let pushed = set(&|r| vec![r.pushed.to_string()]);
    if !pushed.is_empty() {
        select(h, "pushed", "Pushed", &pushed);
    }
    let live = set(&|r| vec![r.live.to_string()]);
    if !live.is_empty() {
        select(h, "live", "Validation", &live);
    }
    let targets = set(&|r| r.targets.iter().map(|t| t.to_string()).collect());
    if !targets.is_empty() {
        select(h, "target", "Target", &targets);
    }
    let _ = write!(
        h,
        "<label>Path<input data-filter=\"path\" id=\"f-path\" type=\"search\" placeholder=\"config/\" autocomplete=\"off\"></label>\
         <label>Any text<input data-filter=\"q\" id=\"f-q\" type=\"search\" placeholder=\"commit, author, fingerprint\" autocomplete=\"off\"></label>\
         <button type=\"reset\" id=\"f-reset\">Clear</button>\
         <output id=\"shown-line\" aria-live=\"polite\"><span id=\"shown\">{0}</span> of {0} secrets shown</output></form>\
         <p class=\"muted keys\">One row per unique secret; open it (its # button) for its locations, its runbook and the \
         fingerprint that baselines it (<code>--write-baseline FILE</code> records fingerprints, never secrets). \
         Keys: <kbd>/</kbd> filter, <kbd>j</kbd>/<kbd>k</kbd> or arrows next and previous secret, \
         <kbd>Enter</kbd> open or close it, <kbd>Esc</kbd> clear the filters. Column headers sort.</p>",
        rows.len()
    );
    // An ARIA table of CSS grid rows rather than a <table>: each secret's row group can then skip
    // layout while off screen (`content-visibility: auto`), which keeps 10,000 rows fast.
    let _ = write!(
        h,
        "<div id=\"findings\" role=\"table\" aria-label=\"Findings\" aria-rowcount=\"{}\">\
         <div class=\"thead\" role=\"rowgroup\"><div class=\"tr cols\" role=\"row\">",
        rows.len() * 2 + 1
    );
    for (key, label, num) in COLUMNS {
        if key.is_empty() {
            let _ = write!(h, "<div role=\"columnheader\">{label}</div>");
        } else {
            let _ = write!(
                h,
                "<div role=\"columnheader\" data-key=\"{key}\" data-num=\"{}\"><button type=\"button\">{label}</button></div>",
                if num { "1" } else { "0" }
            );
        }
    }
    h.push_str("</div></div>\n");
    for r in rows {
        finding_rows(h, r, subjects);
    }
    h.push_str("</div></section>\n");
}

/// The `data-*` text of a list: one value a line.
fn lines<'a>(it: impl Iterator<Item = &'a str>) -> String {
    let v: BTreeSet<&str> = it.collect();
    v.into_iter().collect::<Vec<_>>().join("\n")
}

/// A `data-*` attribute, left out when empty (the script reads a missing one as empty).
fn data(h: &mut String, name: &str, value: &str) {
    if !value.is_empty() {
        let _ = write!(h, " data-{name}=\"{}\"", esc(value));
    }
}

fn finding_rows(h: &mut String, r: &Row, subjects: &Subjects) {
    let f = r.first;
    let g = r.g;
    let _ = write!(
        h,
        "<div class=\"g\" role=\"rowgroup\" id=\"g{0}\" data-id=\"{0}\" data-prank=\"{1}\"",
        g.id,
        rank(g.priority)
    );
    data(h, "priority", g.priority.as_str());
    data(h, "provider", &f.provider);
    data(h, "rule", &f.rule_id);
    data(h, "confidence", f.confidence.as_str());
    data(h, "pushed", r.pushed);
    data(h, "live", r.live);
    if g.findings.len() > 1 {
        data(h, "count", &g.findings.len().to_string());
    }
    data(h, "exposed", &r.exposed_days.map_or(String::new(), |d| d.to_string()));
    data(h, "target", &lines(r.targets.iter().copied()));
    data(h, "path", &lines(g.findings.iter().map(|f| f.path.as_str())));
    let more = g.findings.len() - 1;
    let _ = write!(
        h,
        "><div class=\"tr main\" role=\"row\"><div role=\"cell\"><button type=\"button\" class=\"open\" aria-expanded=\"false\" \
         aria-controls=\"d{id}\">#{id}</button></div>\
         <div role=\"cell\"><span class=\"pill p-{0}\">{0}</span></div><div role=\"cell\">{1}</div>\
         <div role=\"cell\"><code title=\"{3}\">{2}</code></div><div role=\"cell\"><code class=\"secret\">{4}</code></div>\
         <div role=\"cell\"><span class=\"mono\">{5}</span>{6}{7}</div>",
        g.priority.as_str(),
        esc(&f.provider),
        esc(&f.rule_id),
        esc(&f.rule_name),
        esc(&shown(&f.secret)),
        esc(&f.path),
        if more > 0 {
            format!(" <span class=\"muted\">+{more} more</span>")
        } else {
            String::new()
        },
        if r.targets.is_empty() {
            String::new()
        } else {
            format!(
                "<br><span class=\"muted\">in {}</span>",
                esc(&short(&r.targets.iter().copied().collect::<Vec<_>>().join(", "), 80))
            )
        },
        id = g.id,
    );
    let _ = writeln!(
        h,
        "<div role=\"cell\">{}</div><div role=\"cell\">{}</div><div role=\"cell\">{}</div><div role=\"cell\">{}</div></div>",
        r.exposed_days.map_or("—".to_string(), |d| d.to_string()),
        match r.pushed {
            "yes" => "<strong>pushed</strong>",
            "no" => "local only",
            _ => "—",
        },
        match r.live {
            "" => "—".to_string(),
            "live" => "<strong class=\"live\">LIVE</strong>".to_string(),
            s => s.to_string(),
        },
        f.confidence,
    );
    detail_row(h, r, subjects);
    h.push_str("</div>\n");
}

fn detail_row(h: &mut String, r: &Row, subjects: &Subjects) {
    let g = r.g;
    let f = r.first;
    let _ = write!(
        h,
        "<div class=\"tr more\" role=\"row\" id=\"d{}\"><div role=\"cell\"><p class=\"rule\">{}</p><ol class=\"locations\">",
        g.id,
        esc(&f.rule_name)
    );
    for loc in g.findings.iter().take(MAX_LOCATIONS) {
        let _ = write!(
            h,
            "<li><code class=\"where\">{}:{}:{}</code>",
            esc(&loc.path),
            loc.line,
            loc.column
        );
        if let Some(t) = &loc.target {
            let _ = write!(h, " in <strong class=\"target\">{}</strong>", esc(t));
        }
        if let Some(git) = &loc.git {
            if let Some(c) = &git.commit {
                let _ = write!(h, " · commit <code class=\"commit\">{}</code>", esc(c));
            } else if git.staged {
                h.push_str(" · staged, not committed yet");
            } else {
                h.push_str(" · in a blob no commit reaches");
            }
            if let Some(a) = &git.author {
                let _ = write!(h, " · <span class=\"author\">{}</span>", esc(a));
                if let Some(e) = &git.email {
                    let _ = write!(h, " &lt;{}&gt;", esc(e));
                }
            }
            if let Some(d) = &git.date {
                let _ = write!(h, " · <time>{}</time>", esc(d));
            }
            if let Some(s) = subjects.of(loc) {
                let _ = write!(h, " · <q class=\"summary\">{}</q>", esc(&s));
            }
            if let Some(rf) = &git.ref_name {
                let _ = write!(h, " · only on <code>{}</code>", esc(rf));
            }
            if let Some(m) = &git.message {
                let _ = write!(h, " · in a {} message", esc(m));
            } else if !git.in_head && !git.staged {
                h.push_str(" · <strong>deleted from HEAD, still in history</strong>");
            }
            match git.pushed {
                Some(true) => h.push_str(" · <strong>pushed</strong>"),
                Some(false) => h.push_str(" · local only"),
                None => {}
            }
        }
        if let Some(i) = &loc.image {
            match i.layer_index {
                Some(n) => {
                    let _ = write!(
                        h,
                        " · image <code>{}</code> <span class=\"layer\">layer {n}</span> <code class=\"digest\">{}</code>",
                        esc(&i.image),
                        esc(&i.layer),
                    );
                }
                None => {
                    let _ = write!(h, " · image <code>{}</code> configuration", esc(&i.image));
                }
            }
            if let Some(d) = i.deleted_in_layer {
                let _ = write!(
                    h,
                    " · <strong class=\"deleted\">deleted in layer {d}, but still ships in the image</strong>"
                );
            }
        }
        if let Some(d) = &loc.detail {
            let _ = write!(h, " · {}", esc(d));
        }
        if let Some(fact) = &loc.path_fact {
            let _ = write!(h, " · {}", esc(&fact.note));
        }
        h.push_str("</li>");
    }
    h.push_str("</ol>");
    if g.findings.len() > MAX_LOCATIONS {
        let _ = write!(
            h,
            "<p class=\"muted\">and {} more places (the JSON report lists them all).</p>",
            g.findings.len() - MAX_LOCATIONS
        );
    }
    if let Some(v) = g.findings.iter().find_map(|f| f.validation.as_ref()) {
        let _ = write!(
            h,
            "<p class=\"validation\"><strong>Validation: {}</strong>: {} (checked {})</p>",
            if v.status == ValidationStatus::Live {
                "LIVE"
            } else {
                v.status.as_str()
            },
            esc(&v.detail),
            esc(&v.checked_at)
        );
    }
    if let Some(p) = &f.pair {
        let _ = write!(
            h,
            "<p>Paired with <code>{}</code> <code>{}</code> (line {}): revoke them together.</p>",
            esc(&p.rule_id),
            esc(&shown(&p.secret)),
            p.line
        );
    }
    if !g.environments.is_empty() {
        let _ = write!(
            h,
            "<p><strong>Shared across environments:</strong> {}. One key in several environments: rotate it in all of them.</p>",
            esc(&g.environments.join(", "))
        );
    }
    let _ = write!(
        h,
        "<p>Fingerprint (baseline): <code class=\"fingerprint\">{0}</code></p>\
         <div class=\"runbook-slot\" data-runbook=\"{1}\"><p><a href=\"#rb{1}\">Runbook</a></p></div></div></div>",
        esc(&f.fingerprint),
        r.runbook,
    );
}

/// Runbook steps: escaped text, `code` spans kept as code.
fn steps_html(steps: &str) -> String {
    let e = esc(steps.trim());
    let mut out = String::with_capacity(e.len() + 32);
    for (i, part) in e.split('`').enumerate() {
        if i % 2 == 1 {
            let _ = write!(out, "<code>{part}</code>");
        } else {
            out.push_str(part);
        }
    }
    out
}

fn appendix(h: &mut String, runbooks: &Runbooks) {
    h.push_str("<section aria-labelledby=\"s-rb\" id=\"runbooks\"><h2 id=\"s-rb\">Runbooks</h2>");
    for (i, (url, steps, rules)) in runbooks.list.iter().enumerate() {
        let _ = write!(
            h,
            "<div class=\"runbook\" id=\"rb{i}\"><h3>{}</h3><p><a href=\"{1}\" rel=\"noreferrer noopener\">{1}</a></p><div class=\"steps\">{2}</div></div>",
            rules.iter().map(|r| esc(r)).collect::<Vec<_>>().join(", "),
            esc(url),
            steps_html(steps)
        );
    }
    h.push_str("</section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            esc("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(esc("a\u{1b}[2Jb\u{202e}"), "a [2Jb ");
    }

    #[test]
    fn raw_secrets_are_redacted_and_redacted_forms_kept() {
        assert_eq!(shown("ghp_…ab"), "ghp_…ab");
        let raw = ["ghp", "_abcdefghijklmnopqrstuvwxyz0123456789"].concat();
        assert!(!shown(&raw).contains("abcdefgh"));
        // Something holding an ellipsis but far longer than a redacted form is still redacted.
        assert!(!shown("abcdefgh…ijklmnop").contains("bcdefg"));
    }

    #[test]
    fn a_span_is_masked_in_utf16_columns() {
        assert_eq!(mask_columns("é key=SECRET end", 7, Some(13), "[x]"), "é key=[x] end");
        assert_eq!(mask_columns("token SECRET", 7, None, "[x]"), "token [x]");
    }

    #[test]
    fn civil_dates_invert_epoch_days() {
        for d in ["1970-01-01", "2000-02-29", "2024-12-31", "2026-03-01"] {
            let n = triage::epoch_days(d).unwrap();
            let (y, m, dd) = civil(n);
            assert_eq!(format!("{y:04}-{m:02}-{dd:02}"), d);
        }
    }
}
