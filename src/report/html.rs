//! Self-contained HTML report: one file that opens from disk or a CI artifact with no network
//! (inline CSS, a small inline script, inline SVG charts drawn here). It holds one row per unique
//! secret with its locations, runbook and fingerprint folded in, a priority/validation/exposure
//! summary at the top, and never a secret: only the redacted form, even after `--no-redact`.
//! Every string from a scanned input goes through [`esc`].

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::Write;

use anyhow::Result;

use super::Summary;
use crate::finding::{redact_secret, Finding, Priority, ValidationStatus};
use crate::triage::{self, Group};

const CSS: &str = include_str!("html/style.css");
const JS: &str = include_str!("html/app.js");

/// The one HTML escape: text and attribute values alike (`& < > " '`); control characters that
/// could drive a terminal when the file is `cat`ed become spaces.
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
    if secret.contains('…') && secret.chars().count() <= 7 {
        secret.to_string()
    } else {
        redact_secret(secret)
    }
}

/// Text that may quote a secret (commit summaries): raw values of the group are masked first.
fn scrub(text: &str, g: &Group) -> String {
    let mut t = text.to_string();
    for f in &g.findings {
        if shown(&f.secret) != f.secret && f.secret.len() >= 4 {
            t = t.replace(f.secret.trim(), &shown(&f.secret));
        }
    }
    t
}

/// What the table and filters know about one unique secret.
struct Row<'a> {
    g: &'a Group<'a>,
    first: &'a Finding,
    pushed: &'static str,
    live: &'static str,
    first_seen: Option<String>,
    exposed_days: Option<u64>,
    targets: BTreeSet<String>,
}

fn row<'a>(g: &'a Group<'a>) -> Row<'a> {
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
            targets.insert(t.clone());
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

/// Writes the report.
pub fn write(out: &mut dyn Write, findings: &[Finding], summary: &Summary) -> Result<()> {
    let groups = triage::groups(findings);
    let rows: Vec<Row> = groups.iter().map(row).collect();
    let mut h = String::with_capacity(16 * 1024 + rows.len() * 2048);
    let title = format!("leakhound report: {}", summary.roots.join(", "));
    let _ = write!(
        h,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\
         <meta name=\"referrer\" content=\"no-referrer\"><title>{}</title><style>{CSS}</style></head><body>\n",
        esc(&title)
    );
    let _ = write!(
        h,
        "<header><h1>Leaked secrets</h1><p class=\"muted\">leakhound {} · {} source · roots: {} · {} inputs scanned, {} bytes · {} ms. \
         Secrets are shown redacted only, whatever the scan flags.</p></header>\n",
        env!("CARGO_PKG_VERSION"),
        esc(&summary.source),
        summary.roots.iter().map(|r| format!("<code>{}</code>", esc(r))).collect::<Vec<_>>().join(", "),
        summary.files_scanned,
        summary.bytes_scanned,
        summary.duration_ms,
    );
    overview(&mut h, &rows, findings.len());
    coverage(&mut h, summary);
    if !rows.is_empty() {
        charts(&mut h, &rows);
        table(&mut h, &rows);
    }
    let _ = write!(h, "<script>{JS}</script>\n</body></html>\n");
    out.write_all(h.as_bytes())?;
    Ok(())
}

fn card(h: &mut String, class: &str, n: usize, label: &str) {
    let _ = write!(h, "<div class=\"card {class}\"><b>{n}</b>{label}</div>");
}

fn overview(h: &mut String, rows: &[Row], locations: usize) {
    h.push_str("<section aria-labelledby=\"s-sum\"><h2 id=\"s-sum\">Summary</h2><div class=\"cards\">");
    card(h, "", rows.len(), "unique secrets");
    card(h, "", locations, "locations");
    for p in [Priority::Critical, Priority::High, Priority::Medium, Priority::Low] {
        let n = rows.iter().filter(|r| r.g.priority == p).count();
        card(h, p.as_str(), n, &format!("priority {}", p.as_str()));
    }
    h.push_str("</div>");
    let validated = rows.iter().filter(|r| !r.live.is_empty()).count();
    if validated > 0 {
        h.push_str("<div class=\"cards\" id=\"validation\">");
        for s in ["live", "revoked", "unknown", "error"] {
            let n = rows.iter().filter(|r| r.live == s).count();
            card(h, s, n, s);
        }
        h.push_str("</div>");
    }
    let git = rows.iter().filter(|r| !r.pushed.is_empty()).count();
    if git > 0 {
        h.push_str("<div class=\"cards\" id=\"exposure\">");
        card(
            h,
            "high",
            rows.iter().filter(|r| r.pushed == "yes").count(),
            "pushed to a remote",
        );
        card(h, "", rows.iter().filter(|r| r.pushed == "no").count(), "local only");
        h.push_str("</div>");
    }
    h.push_str("</section>\n");
}

fn value_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn coverage(h: &mut String, s: &Summary) {
    h.push_str(
        "<section aria-labelledby=\"s-cov\"><h2 id=\"s-cov\">Sources and coverage</h2><table class=\"cov\"><tbody>",
    );
    let _ = write!(
        h,
        "<tr><th scope=\"row\">{}</th><td>{} inputs, {} bytes, {} unreadable{}</td></tr>",
        esc(&s.source),
        s.files_scanned,
        s.bytes_scanned,
        s.errors,
        if s.errors > 0 { " (incomplete)" } else { "" }
    );
    for (name, v) in &s.extra {
        let mut cells = String::new();
        if let Some(obj) = v.as_object() {
            if let Some(c) = obj.get("complete").and_then(|c| c.as_bool()) {
                let _ = write!(
                    cells,
                    "<strong>{}</strong> · ",
                    if c { "complete" } else { "INCOMPLETE" }
                );
            }
            let parts: Vec<String> = obj
                .iter()
                .filter(|(k, v)| *k != "complete" && !v.is_null() && v.as_bool() != Some(false))
                .map(|(k, v)| format!("{} {}", esc(&k.replace('_', " ")), esc(&value_text(v))))
                .collect();
            cells.push_str(&parts.join(" · "));
        } else {
            cells.push_str(&esc(&value_text(v)));
        }
        let _ = write!(h, "<tr><th scope=\"row\">{}</th><td>{cells}</td></tr>", esc(name));
    }
    for (label, m) in [("skipped", &s.files_skipped), ("suppressed", &s.suppressed)] {
        if !m.is_empty() {
            let parts: Vec<String> = m.iter().map(|(k, n)| format!("{} {n}", esc(k))).collect();
            let _ = write!(
                h,
                "<tr><th scope=\"row\">{label}</th><td>{}</td></tr>",
                parts.join(" · ")
            );
        }
    }
    h.push_str("</tbody></table></section>\n");
}

const SEV: [(&str, &str); 4] = [
    ("critical", "#a40e26"),
    ("high", "#bc4c00"),
    ("medium", "#9a6700"),
    ("low", "#3f6e3f"),
];

fn charts(h: &mut String, rows: &[Row]) {
    // Findings (unique secrets) by provider, stacked by severity.
    let mut by: BTreeMap<&str, [usize; 4]> = BTreeMap::new();
    for r in rows {
        let sev = r.first.severity.to_string();
        let i = SEV.iter().position(|(s, _)| *s == sev).unwrap_or(3);
        by.entry(r.first.provider.as_str()).or_default()[i] += 1;
    }
    let mut bars: Vec<(&str, [usize; 4])> = by.into_iter().collect();
    bars.sort_by_key(|(p, c)| (std::cmp::Reverse(c.iter().sum::<usize>()), *p));
    bars.truncate(25);
    let max = bars
        .iter()
        .map(|(_, c)| c.iter().sum::<usize>())
        .max()
        .unwrap_or(1)
        .max(1);
    let (left, width, bh) = (170.0, 520.0, 20.0);
    let height = 30.0 + bars.len() as f64 * (bh + 6.0);
    h.push_str("<section aria-labelledby=\"s-charts\"><h2 id=\"s-charts\">By provider and severity</h2>");
    let _ = write!(
        h,
        "<svg id=\"chart-providers\" role=\"img\" aria-labelledby=\"chart-providers-t\" viewBox=\"0 0 {} {height}\" width=\"{}\">\
         <title id=\"chart-providers-t\">Unique secrets by provider, stacked by severity</title>",
        left + width + 60.0,
        left + width + 60.0
    );
    for (i, (name, _)) in SEV.iter().enumerate() {
        let x = left + i as f64 * 100.0;
        let _ = write!(
            h,
            "<rect x=\"{x}\" y=\"4\" width=\"12\" height=\"12\" fill=\"{}\"/><text x=\"{}\" y=\"14\">{name}</text>",
            SEV[i].1,
            x + 16.0
        );
    }
    for (i, (provider, counts)) in bars.iter().enumerate() {
        let y = 28.0 + i as f64 * (bh + 6.0);
        let total: usize = counts.iter().sum();
        let _ = write!(
            h,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            left - 8.0,
            y + 14.0,
            esc(provider)
        );
        let mut x = left;
        for (j, n) in counts.iter().enumerate() {
            if *n == 0 {
                continue;
            }
            let w = width * *n as f64 / max as f64;
            let _ = write!(
                h,
                "<rect x=\"{x:.1}\" y=\"{y}\" width=\"{w:.1}\" height=\"{bh}\" fill=\"{}\"><title>{}: {n} {}</title></rect>",
                SEV[j].1,
                esc(provider),
                SEV[j].0
            );
            x += w;
        }
        let _ = write!(h, "<text x=\"{:.1}\" y=\"{}\">{total}</text>", x + 6.0, y + 14.0);
    }
    h.push_str("</svg>");

    // Exposure timeline: first seen to now, the longest exposed first.
    let mut exposed: Vec<&Row> = rows.iter().filter(|r| r.exposed_days.is_some()).collect();
    if !exposed.is_empty() {
        exposed.sort_by_key(|r| (std::cmp::Reverse(r.exposed_days), r.g.id));
        exposed.truncate(40);
        let max = exposed.iter().filter_map(|r| r.exposed_days).max().unwrap_or(1).max(1);
        let height = 10.0 + exposed.len() as f64 * 22.0;
        let _ = write!(
            h,
            "<h2 id=\"s-time\">Exposure: first seen to now</h2><svg id=\"chart-timeline\" role=\"img\" aria-labelledby=\"chart-timeline-t\" \
             viewBox=\"0 0 {0} {height}\" width=\"{0}\"><title id=\"chart-timeline-t\">Days each secret has been in history, longest first</title>",
            left + width + 200.0
        );
        for (i, r) in exposed.iter().enumerate() {
            let y = 4.0 + i as f64 * 22.0;
            let days = r.exposed_days.unwrap_or(0);
            let w = (width * days as f64 / max as f64).max(2.0);
            let x = left + width - w;
            let (_, colour) = SEV[4 - rank(r.g.priority) as usize];
            let _ = write!(
                h,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">#{} {}</text><rect x=\"{x:.1}\" y=\"{y}\" width=\"{w:.1}\" height=\"16\" fill=\"{colour}\">\
                 <title>since {}</title></rect><text x=\"{}\" y=\"{}\">{days} days since {}</text>",
                left - 8.0,
                y + 12.0,
                r.g.id,
                esc(&r.first.provider),
                esc(r.first_seen.as_deref().unwrap_or("?")),
                left + width + 6.0,
                y + 12.0,
                esc(r.first_seen.as_deref().map_or("?", |d| d.get(..10).unwrap_or(d))),
            );
        }
        h.push_str("</svg>");
    }

    // Secrets against the targets (repositories) that hold them, for merged results.
    let targets: BTreeSet<&str> = rows.iter().flat_map(|r| r.targets.iter().map(String::as_str)).collect();
    if !targets.is_empty() {
        h.push_str("<h2 id=\"s-matrix\">Secrets across targets</h2>");
        let cols: Vec<&str> = targets.into_iter().take(40).collect();
        let cell = 18.0;
        let top = 120.0;
        let shown_rows: Vec<&Row> = rows.iter().filter(|r| !r.targets.is_empty()).take(60).collect();
        let w = left + cols.len() as f64 * cell + 10.0;
        let hgt = top + shown_rows.len() as f64 * cell + 10.0;
        let _ = write!(
            h,
            "<svg id=\"chart-matrix\" role=\"img\" aria-labelledby=\"chart-matrix-t\" viewBox=\"0 0 {w} {hgt}\" width=\"{w}\">\
             <title id=\"chart-matrix-t\">Which target holds which secret</title>"
        );
        for (j, t) in cols.iter().enumerate() {
            let x = left + j as f64 * cell + 12.0;
            let _ = write!(
                h,
                "<text transform=\"translate({x},{}) rotate(-60)\">{}</text>",
                top - 4.0,
                esc(t)
            );
        }
        for (i, r) in shown_rows.iter().enumerate() {
            let y = top + i as f64 * cell;
            let _ = write!(
                h,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">#{} {}</text>",
                left - 8.0,
                y + 13.0,
                r.g.id,
                esc(&r.first.provider)
            );
            for (j, t) in cols.iter().enumerate() {
                if r.targets.contains(*t) {
                    let (_, colour) = SEV[4 - rank(r.g.priority) as usize];
                    let _ = write!(
                        h,
                        "<rect class=\"hit\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{colour}\"><title>#{} in {}</title></rect>",
                        left + j as f64 * cell + 1.0,
                        y + 1.0,
                        cell - 2.0,
                        cell - 2.0,
                        r.g.id,
                        esc(t)
                    );
                }
            }
        }
        h.push_str("</svg>");
    }
    h.push_str("</section>\n");
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

fn table(h: &mut String, rows: &[Row]) {
    let set =
        |f: &dyn Fn(&Row) -> String| -> BTreeSet<String> { rows.iter().map(f).filter(|s| !s.is_empty()).collect() };
    h.push_str(
        "<section aria-labelledby=\"s-find\"><h2 id=\"s-find\">Findings</h2><div class=\"filters\" role=\"search\">",
    );
    select(h, "priority", "Priority", &set(&|r| r.g.priority.as_str().to_string()));
    select(h, "provider", "Provider", &set(&|r| r.first.provider.clone()));
    select(h, "rule", "Rule", &set(&|r| r.first.rule_id.clone()));
    select(h, "confidence", "Confidence", &set(&|r| r.first.confidence.to_string()));
    let pushed = set(&|r| r.pushed.to_string());
    if !pushed.is_empty() {
        select(h, "pushed", "Pushed", &pushed);
    }
    let live = set(&|r| r.live.to_string());
    if !live.is_empty() {
        select(h, "live", "Validation", &live);
    }
    let targets = set(&|r| r.targets.iter().cloned().collect::<Vec<_>>().join(" "));
    if !targets.is_empty() {
        h.push_str("<label>Target<input data-filter=\"targets\" id=\"f-targets\" type=\"search\"></label>");
    }
    let _ = write!(
        h,
        "<label>Path or text<input data-filter=\"q\" id=\"f-q\" type=\"search\" placeholder=\"config/\"></label>\
         <span class=\"muted\"><span id=\"shown\">{0}</span> of {0} shown</span></div>",
        rows.len()
    );
    h.push_str("<table id=\"findings\"><caption class=\"muted\">One row per unique secret; open a row for its locations, runbook and fingerprint.</caption><thead><tr>");
    for (key, label, num) in [
        ("prank", "Priority", true),
        ("provider", "Provider", false),
        ("rule", "Rule", false),
        ("", "Secret (redacted)", false),
        ("count", "Locations", true),
        ("exposed", "Exposed (days)", true),
        ("pushed", "Pushed", false),
        ("live", "Validation", false),
        ("confidence", "Confidence", false),
    ] {
        if key.is_empty() {
            let _ = write!(h, "<th scope=\"col\">{label}</th>");
        } else {
            let _ = write!(
                h,
                "<th scope=\"col\" data-key=\"{key}\" data-num=\"{}\"><button type=\"button\">{label}</button></th>",
                if num { "1" } else { "0" }
            );
        }
    }
    h.push_str("</tr></thead><tbody>\n");
    for r in rows {
        finding_row(h, r);
    }
    h.push_str("</tbody></table></section>\n");
}

fn finding_row(h: &mut String, r: &Row) {
    let f = r.first;
    let g = r.g;
    let paths: Vec<&str> = g.findings.iter().map(|f| f.path.as_str()).collect();
    let mut q = paths.join(" ");
    for f in &g.findings {
        if let Some(s) = f.git.as_ref().and_then(|g| g.summary.as_deref()) {
            q.push(' ');
            q.push_str(&scrub(s, g));
        }
    }
    let _ = write!(
        h,
        "<tr id=\"g{}\" data-prank=\"{}\" data-priority=\"{}\" data-provider=\"{}\" data-rule=\"{}\" data-confidence=\"{}\" \
         data-pushed=\"{}\" data-live=\"{}\" data-count=\"{}\" data-exposed=\"{}\" data-targets=\"{}\" data-q=\"{}\" data-fingerprint=\"{}\">",
        g.id,
        rank(g.priority),
        g.priority.as_str(),
        esc(&f.provider),
        esc(&f.rule_id),
        f.confidence,
        r.pushed,
        r.live,
        g.findings.len(),
        r.exposed_days.map_or(String::new(), |d| d.to_string()),
        esc(&r.targets.iter().cloned().collect::<Vec<_>>().join(" ")),
        esc(&q),
        esc(&f.fingerprint),
    );
    let _ = write!(
        h,
        "<td><span class=\"pill p-{0}\">{0}</span></td><td>{1}</td><td><code>{2}</code><br><span class=\"muted\">{3}</span></td>\
         <td><code class=\"secret\">{4}</code>",
        g.priority.as_str(),
        esc(&f.provider),
        esc(&f.rule_id),
        esc(&f.rule_name),
        esc(&shown(&f.secret)),
    );
    // Locations, runbook and fingerprint: a <details> opens without the script.
    let _ = write!(
        h,
        "<details><summary>{} location{}: <span class=\"mono\">{}</span></summary><ul class=\"locations\">",
        g.findings.len(),
        if g.findings.len() == 1 { "" } else { "s" },
        esc(&f.path)
    );
    for loc in &g.findings {
        let _ = write!(h, "<li><code>{}:{}:{}</code>", esc(&loc.path), loc.line, loc.column);
        if let Some(t) = &loc.target {
            let _ = write!(h, " in <strong>{}</strong>", esc(t));
        }
        if let Some(git) = &loc.git {
            if let Some(c) = &git.commit {
                let _ = write!(h, " · commit <code>{}</code>", esc(&c[..c.len().min(12)]));
            }
            if let Some(a) = &git.author {
                let _ = write!(h, " · {}", esc(a));
            }
            if let Some(d) = &git.date {
                let _ = write!(h, " · {}", esc(d));
            }
            if let Some(s) = &git.summary {
                let _ = write!(h, " · <q class=\"summary\">{}</q>", esc(&scrub(s, g)));
            }
            if git.staged {
                h.push_str(" · staged, not committed yet");
            } else if git.message.is_some() {
                h.push_str(" · in a commit or tag message");
            } else if !git.in_head {
                h.push_str(" · <strong>deleted from HEAD, still in history</strong>");
            }
            match git.pushed {
                Some(true) => h.push_str(" · pushed"),
                Some(false) => h.push_str(" · local only"),
                None => {}
            }
        }
        if let Some(i) = &loc.image {
            match i.layer_index {
                Some(n) => {
                    let _ = write!(h, " · image <code>{}</code> layer {n}", esc(&i.image));
                }
                None => {
                    let _ = write!(h, " · image <code>{}</code> config", esc(&i.image));
                }
            }
            if let Some(d) = i.deleted_in_layer {
                let _ = write!(h, " · <strong>deleted in layer {d}, still ships</strong>");
            }
        }
        if let Some(fact) = &loc.path_fact {
            let _ = write!(h, " · {}", esc(&fact.note));
        }
        h.push_str("</li>");
    }
    h.push_str("</ul>");
    if let Some(v) = &f.validation {
        let _ = write!(
            h,
            "<p><strong>Validation: {}</strong> — {} (checked {})</p>",
            v.status.as_str(),
            esc(&v.detail),
            esc(&v.checked_at)
        );
    }
    if let Some(p) = &f.pair {
        let _ = write!(
            h,
            "<p>Paired with <code>{}</code> <code>{}</code> (line {}): revoking the key revokes both.</p>",
            esc(&p.rule_id),
            esc(&shown(&p.secret)),
            p.line
        );
    }
    if !g.environments.is_empty() {
        let _ = write!(
            h,
            "<p><strong>Shared across environments:</strong> {}</p>",
            esc(&g.environments.join(", "))
        );
    }
    let _ = write!(
        h,
        "<p>Runbook (<a href=\"{0}\" rel=\"noreferrer\">{0}</a>):</p><div class=\"runbook\">{1}</div>\
         <p>Fingerprint, to baseline it: <code class=\"fingerprint\">{2}</code></p></details></td>",
        esc(&f.runbook.url),
        esc(f.runbook.steps_with_proof().trim()),
        esc(&f.fingerprint),
    );
    let _ = write!(
        h,
        "<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
        g.findings.len(),
        r.exposed_days.map_or("—".to_string(), |d| d.to_string()),
        if r.pushed.is_empty() { "—" } else { r.pushed },
        match r.live {
            "" => "—".to_string(),
            "live" => "<span class=\"live\">LIVE</span>".to_string(),
            s => s.to_string(),
        },
        f.confidence,
    );
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
    }

    #[test]
    fn raw_secrets_are_redacted_and_redacted_forms_kept() {
        assert_eq!(shown("ghp_…ab"), "ghp_…ab");
        let raw = "ghp_abcdefghijklmnopqrstuvwxyz0123456789";
        assert!(!shown(raw).contains("abcdefgh"));
    }
}
