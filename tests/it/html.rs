//! `-f html`: the self-contained report. Reports are parsed with `scraper` (a browser-grade
//! parser) to check counts, rows and that text from scanned inputs never becomes markup; a
//! headless Chromium run (when `/usr/bin/chromium` exists) checks the script and the filters.

use std::path::Path;
use std::process::Command;

use scraper::{Html, Selector};

use crate::util::{git_in, github_pat, Tree};

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

fn count(doc: &Html, s: &str) -> usize {
    doc.select(&sel(s)).count()
}

fn report(dir: &Path, args: &[&str]) -> String {
    let out = dir.join("report.html");
    let mut a: Vec<&str> = args.to_vec();
    a.extend(["-f", "html", "-o", out.to_str().unwrap()]);
    let r = crate::util::run_in(dir, &a);
    assert_eq!(r.code, 1, "{}", r.stderr);
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&out).unwrap().permissions().mode() & 0o777, 0o600);
    std::fs::read_to_string(out).unwrap()
}

fn no_external(html: &str) {
    for bad in ["http-equiv=\"refresh\"", "<link", " src=", "@import", "url("] {
        assert!(!html.contains(bad), "report loads something external ({bad})");
    }
}

#[test]
fn a_directory_report_groups_secrets_escapes_names_and_never_holds_a_secret() {
    let t = Tree::new();
    let a = github_pat(7101);
    let b = github_pat(7102);
    let evil = "<script>alert(1)</script>.env";
    t.write(evil, format!("GITHUB_TOKEN={a}\n"));
    t.write("config/app.yml", format!("token: {a}\n"));
    t.write("other.txt", format!("{b}\n"));
    let html = report(t.path(), &["dir", ".", "--no-redact"]);
    for k in [&a, &b] {
        assert!(!html.contains(k.as_str()), "a raw secret is in the report");
        assert!(!html.contains(&k[4..20]), "part of a raw secret is in the report");
    }
    no_external(&html);
    let doc = Html::parse_document(&html);
    assert_eq!(count(&doc, "script"), 1, "only the report's own script");
    assert_eq!(count(&doc, "#findings tbody tr"), 2, "one row per unique secret");
    let row = doc
        .select(&sel("#findings tbody tr[data-count=\"2\"]"))
        .next()
        .expect("the shared key folds both locations");
    assert_eq!(row.select(&sel(".locations li")).count(), 2);
    let text: String = row.text().collect();
    assert!(text.contains(evil), "the file name renders as text");
    assert!(row.value().attr("data-q").unwrap().contains(evil));
    assert!(row
        .select(&sel(".fingerprint"))
        .next()
        .unwrap()
        .text()
        .collect::<String>()
        .starts_with("lh1:"));
    assert!(count(&doc, "th[scope=col] button") >= 5);
    assert!(count(&doc, "label select[data-filter=rule]") == 1);
    assert!(count(&doc, "svg#chart-providers rect") >= 2);
}

#[test]
fn a_git_report_shows_pushed_deleted_keys_a_timeline_and_escaped_commit_messages() {
    let t = Tree::new();
    let dir = t.path();
    let remote = Tree::new();
    git_in(remote.path(), &["init", "-q", "--bare", "-b", "main"], 1);
    git_in(dir, &["init", "-q", "-b", "main"], 1);
    git_in(dir, &["remote", "add", "origin", remote.path().to_str().unwrap()], 1);
    let pushed = github_pat(7201);
    let deleted = github_pat(7202);
    t.write("deploy.yml", format!("token: {pushed}\n"));
    git_in(dir, &["add", "-A"], 2);
    git_in(
        dir,
        &["commit", "-q", "-m", "add <img src=x onerror=alert(1)> deploy"],
        2,
    );
    git_in(dir, &["push", "-q", "origin", "main"], 3);
    t.write("old.txt", format!("{deleted}\n"));
    git_in(dir, &["add", "-A"], 4);
    git_in(dir, &["commit", "-q", "-m", "oops"], 4);
    std::fs::remove_file(dir.join("old.txt")).unwrap();
    git_in(dir, &["add", "-A"], 5);
    git_in(dir, &["commit", "-q", "-m", "remove"], 5);
    let html = report(dir, &["git", ".", "--no-redact"]);
    assert!(!html.contains(&pushed) && !html.contains(&deleted));
    let doc = Html::parse_document(&html);
    assert_eq!(count(&doc, "img"), 0, "a commit message never becomes markup");
    let summary: String = doc.select(&sel("q.summary")).flat_map(|q| q.text()).collect();
    assert!(summary.contains("<img src=x onerror=alert(1)>"), "{summary}");
    assert_eq!(count(&doc, "#findings tbody tr[data-pushed=yes]"), 1);
    assert_eq!(count(&doc, "#findings tbody tr[data-pushed=no]"), 1);
    assert!(html.contains("deleted from HEAD, still in history"));
    assert_eq!(count(&doc, "svg#chart-timeline rect"), 2);
    assert_eq!(count(&doc, "#exposure .card"), 2);
}

fn chromium() -> Option<&'static str> {
    let p = "/usr/bin/chromium";
    if Path::new(p).exists() {
        Some(p)
    } else {
        eprintln!("skipped: /usr/bin/chromium is not installed (apt-get install chromium)");
        None
    }
}

fn chrome(bin: &str, profile: &Path, extra: &[&str], url: &str) -> std::process::Output {
    Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--virtual-time-budget=5000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(url)
        .output()
        .expect("run chromium")
}

#[test]
fn html_report_renders_in_headless_chromium_and_filters_from_the_fragment() {
    let Some(bin) = chromium() else { return };
    let t = Tree::new();
    t.write("a.env", format!("GITHUB_TOKEN={}\n", github_pat(7301)));
    t.write("b/config.yml", format!("token: {}\n", github_pat(7302)));
    let html = report(t.path(), &["dir", "."]);
    let _ = html;
    let file = t.path().join("report.html");
    let profile = tempfile::tempdir().unwrap();
    let shot = t.path().join("shot.png");
    let url = format!("file://{}", file.display());
    let out = chrome(
        bin,
        profile.path(),
        &[&format!("--screenshot={}", shot.display()), "--window-size=1280,2000"],
        &url,
    );
    let png = std::fs::read(&shot)
        .unwrap_or_else(|e| panic!("no screenshot ({e}): {}", String::from_utf8_lossy(&out.stderr)));
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 10_000,
        "screenshot is {} bytes",
        png.len()
    );

    let out = chrome(bin, profile.path(), &["--dump-dom"], &format!("{url}#q=config.yml"));
    let dom = String::from_utf8_lossy(&out.stdout).into_owned();
    let doc = Html::parse_document(&dom);
    let body = doc.select(&sel("body")).next().expect("a dumped DOM");
    assert_eq!(body.value().attr("data-ready"), Some("1"), "the script did not finish");
    assert_eq!(body.value().attr("data-error"), None, "a script error");
    assert_eq!(count(&doc, "#findings tbody tr"), 2);
    assert_eq!(
        count(&doc, "#findings tbody tr[hidden]"),
        1,
        "the filter hides the row not matching"
    );
    let visible = doc.select(&sel("#findings tbody tr:not([hidden])")).next().unwrap();
    assert!(visible.value().attr("data-q").unwrap().contains("config.yml"));
}
