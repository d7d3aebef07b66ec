//! `-f html` (issue 19): reports of a directory, a git history with a pushed and a deleted key
//! (a real repository with a bare remote), an image whose later layer deletes a file, standard
//! input, and an organisation (`scan-list` in two shards, then `merge`), parsed with `scraper` (a
//! browser-grade HTML parser, so markup smuggled in through a file name or a commit message would
//! appear in the parsed DOM exactly as a browser would build it). Each report is checked for its
//! counts, rows and escaping, for loading nothing from outside, for mode 0600, and for never holding
//! an unredacted secret, even with `--no-redact`. The last test opens a report in headless Chromium:
//! a screenshot, a printed PDF, no script error, and the filters, sort and row opening driven from
//! the URL fragment.

use std::path::{Path, PathBuf};
use std::process::Command;

use scraper::{ElementRef, Html, Selector};

use crate::util::{bin, git_in, github_pat, run_in, run_stdin, sha256_hex, tar_of, Tree};

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

fn count(doc: &Html, s: &str) -> usize {
    doc.select(&sel(s)).count()
}

fn text(e: ElementRef) -> String {
    e.text().collect()
}

fn one<'a>(doc: &'a Html, s: &str) -> ElementRef<'a> {
    doc.select(&sel(s))
        .next()
        .unwrap_or_else(|| panic!("no element matches {s}"))
}

/// Checks that `path` is private (0600), whole (no temporary file beside it) and a report that
/// loads nothing from outside; returns its text.
fn read_report(path: &Path) -> String {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("no report {}: {e}", path.display()))
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "the report must be private");
    let dir = path.parent().unwrap();
    for e in std::fs::read_dir(dir).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!name.starts_with(".leakhound-"), "temporary file left: {name}");
    }
    let html = std::fs::read_to_string(path).unwrap();
    self_contained(&html);
    html
}

/// A run of leakhound with `-f html -o report.html` in `dir`; the report's text.
fn report(dir: &Path, args: &[&str], code: i32) -> String {
    let out = dir.join("report.html");
    let mut a: Vec<&str> = args.to_vec();
    a.extend(["-f", "html", "-o", out.to_str().unwrap()]);
    let r = run_in(dir, &a);
    assert_eq!(r.code, code, "{}", r.stderr);
    read_report(&out)
}

/// Nothing in the document can fetch: no external script, style, font, image or frame, no URL in
/// CSS, and a Content-Security-Policy that forbids every load.
fn self_contained(html: &str) {
    let doc = Html::parse_document(html);
    for (s, attr) in [
        ("script[src]", "src"),
        ("link", "href"),
        ("img", "src"),
        ("iframe", "src"),
        ("object", "data"),
        ("embed", "src"),
        ("[style]", "style"),
        ("use[href]", "href"),
    ] {
        if let Some(e) = doc.select(&sel(s)).next() {
            panic!("the report loads something: <{}> {attr}", e.value().name());
        }
    }
    for bad in ["@import", "url(http", "url(//", "@font-face", "http-equiv=\"refresh\""] {
        assert!(!html.contains(bad), "the report loads something external ({bad})");
    }
    let csp = one(&doc, "meta[http-equiv=Content-Security-Policy]");
    assert!(csp.value().attr("content").unwrap().starts_with("default-src 'none'"));
    // Links go out only on a click (runbook pages), never on load.
    for a in doc.select(&sel("a[href]")) {
        let href = a.value().attr("href").unwrap();
        assert!(href.starts_with('#') || href.starts_with("https://"), "odd link {href}");
    }
}

/// The unredacted secrets, and any 12-character piece of them, are absent.
fn no_secret(html: &str, secrets: &[&str]) {
    for s in secrets {
        assert!(!html.contains(s), "a raw secret is in the report");
        for w in s.as_bytes().windows(12).step_by(3) {
            let piece = std::str::from_utf8(w).unwrap();
            assert!(!html.contains(piece), "part of a raw secret ({piece}) is in the report");
        }
    }
}

/// The value of one line of the coverage table.
fn coverage_of(doc: &Html, key: &str) -> String {
    doc.select(&sel("table.cov tr"))
        .find(|r| r.select(&sel("th")).next().map(text).as_deref() == Some(key))
        .map(|r| text(one_in(r, "td")))
        .unwrap_or_else(|| panic!("no coverage line {key}"))
}

fn rows(doc: &Html) -> Vec<ElementRef<'_>> {
    doc.select(&sel("#findings > .g")).collect()
}

#[test]
fn html_directory_report_groups_secrets_and_escapes_file_names_even_with_no_redact() {
    let t = Tree::new();
    let a = github_pat(7101);
    let b = github_pat(7102);
    let evil = "<script>alert(1)</script>.env";
    t.write(evil, format!("GITHUB_TOKEN={a}\n"));
    t.write("config/app.yml", format!("token: {a}\n"));
    t.write("other \"quoted\" & 'odd'.txt", format!("{b}\n"));
    let html = report(t.path(), &["dir", ".", "--no-redact"], 1);
    no_secret(&html, &[&a, &b]);
    let doc = Html::parse_document(&html);
    // Only the report's own scripts: the class switch in <head> and the table's script.
    assert_eq!(count(&doc, "script"), 2);
    assert!(
        doc.select(&sel("script")).all(|s| !text(s).contains("alert(1)")),
        "a file name ended up inside a script"
    );
    let rows = rows(&doc);
    assert_eq!(rows.len(), 2, "one row per unique secret");
    let shared = doc
        .select(&sel("#findings > .g[data-count=\"2\"]"))
        .next()
        .expect("the key in two files is one row with both locations");
    assert_eq!(shared.select(&sel(".locations li")).count(), 2);
    let where_: Vec<String> = shared.select(&sel(".locations code.where")).map(text).collect();
    assert!(where_.contains(&format!("{evil}:1:14")), "{where_:?}");
    assert!(shared.value().attr("data-path").unwrap().contains(evil));
    let odd = doc.select(&sel("#findings > .g:not([data-count])")).next().unwrap();
    assert_eq!(text(one_in(odd, "code.where")), "other \"quoted\" & 'odd'.txt:1:1");
    // The redacted form, the fingerprint to baseline it, and the runbook.
    let secret = text(one_in(shared, "code.secret"));
    assert!(
        secret.starts_with("ghp_") && secret.contains('…') && secret.len() < 12,
        "{secret}"
    );
    assert!(text(one_in(shared, ".fingerprint")).starts_with("lh1:"));
    let rb = one_in(shared, ".runbook-slot").value().attr("data-runbook").unwrap();
    let appendix = one(&doc, &format!("#rb{rb}"));
    assert!(text(appendix).contains("Revoke"), "{}", text(appendix));
    assert!(text(appendix).contains("leakhound validate"));
    // Summary: the answer, the priority cards, complete coverage.
    let answer = text(one(&doc, "#answer"));
    assert!(answer.starts_with("2 unique secrets in 3 places"), "{answer}");
    assert!(answer.contains("Coverage complete"), "{answer}");
    assert_eq!(one(&doc, "#coverage").value().attr("data-complete"), Some("yes"));
    let cards: Vec<String> = doc.select(&sel("#priorities .card")).map(text).collect();
    assert_eq!(cards[0], "2unique secrets");
    assert_eq!(cards[1], "3locations");
    // Controls and charts.
    for f in ["priority", "provider", "rule", "confidence", "path", "q"] {
        assert_eq!(count(&doc, &format!("[data-filter={f}]")), 1, "filter {f}");
    }
    assert!(count(&doc, "#findings [role=columnheader][data-key] button") >= 8);
    assert_eq!(
        count(&doc, "svg#chart-providers rect.bar"),
        1,
        "one provider, one severity"
    );
    assert_eq!(count(&doc, "svg#chart-timeline"), 0, "a directory has no history");
    assert_eq!(count(&doc, "svg#chart-matrix"), 0, "a single scan has no targets");
}

fn one_in<'a>(e: ElementRef<'a>, s: &str) -> ElementRef<'a> {
    e.select(&sel(s))
        .next()
        .unwrap_or_else(|| panic!("no element matches {s}"))
}

/// A work tree with a bare remote: a pushed key in a commit whose message carries markup, a key
/// committed and deleted locally, and a key pasted into a local commit's message.
fn history(t: &Tree) -> (String, String, String) {
    let dir = t.path().join("repo");
    let remote = t.path().join("origin.git");
    std::fs::create_dir_all(&dir).unwrap();
    git_in(
        t.path(),
        &["init", "-q", "--bare", "-b", "main", remote.to_str().unwrap()],
        1,
    );
    git_in(&dir, &["init", "-q", "-b", "main"], 1);
    git_in(&dir, &["remote", "add", "origin", remote.to_str().unwrap()], 1);
    let pushed = github_pat(7201);
    let deleted = github_pat(7202);
    let in_message = github_pat(7203);
    std::fs::write(dir.join("deploy.yml"), format!("token: {pushed}\n")).unwrap();
    git_in(&dir, &["add", "-A"], 2);
    git_in(
        &dir,
        &["commit", "-q", "-m", "add <img src=x onerror=alert(1)> deploy"],
        2,
    );
    git_in(&dir, &["push", "-q", "origin", "main"], 3);
    std::fs::write(dir.join("old.txt"), format!("{deleted}\n")).unwrap();
    git_in(&dir, &["add", "-A"], 10);
    git_in(&dir, &["commit", "-q", "-m", "oops"], 10);
    std::fs::remove_file(dir.join("old.txt")).unwrap();
    git_in(&dir, &["add", "-A"], 11);
    git_in(
        &dir,
        &[
            "commit",
            "-q",
            "-m",
            &format!("remove the key, new one is {in_message} <b>ok</b>"),
        ],
        11,
    );
    (pushed, deleted, in_message)
}

#[test]
fn html_git_report_shows_pushed_and_deleted_keys_a_timeline_and_escaped_commit_messages() {
    let t = Tree::new();
    let (pushed, deleted, in_message) = history(&t);
    let dir = t.path().join("repo");
    for flags in [&["git", "."][..], &["git", ".", "--no-redact"][..]] {
        let html = report(&dir, flags, 1);
        no_secret(&html, &[&pushed, &deleted, &in_message]);
        let doc = Html::parse_document(&html);
        assert_eq!(count(&doc, "img"), 0, "a commit message never becomes markup");
        assert_eq!(count(&doc, "#findings b"), 0, "a commit message never becomes markup");
        let subjects: Vec<String> = doc.select(&sel("q.summary")).map(text).collect();
        assert!(
            subjects.contains(&"add <img src=x onerror=alert(1)> deploy".to_string()),
            "{subjects:?}"
        );
        // The key in the message is masked wherever that subject is shown.
        let masked: Vec<&String> = subjects.iter().filter(|s| s.starts_with("remove the key")).collect();
        assert!(!masked.is_empty());
        for s in masked {
            assert!(s.contains("new one is [ghp_…") && s.ends_with("<b>ok</b>"), "{s}");
        }
        assert_eq!(rows(&doc).len(), 3);
        assert_eq!(count(&doc, "#findings > .g[data-pushed=yes]"), 1);
        assert_eq!(count(&doc, "#findings > .g[data-pushed=no]"), 2);
        let gone = doc
            .select(&sel("#findings > .g"))
            .find(|r| text(*r).contains("old.txt"))
            .unwrap();
        assert!(text(gone).contains("deleted from HEAD, still in history"));
        assert!(text(gone).contains("Ada Author"));
        assert!(text(gone).contains("2024-01-10T12:00:00Z"));
        assert_eq!(text(one_in(gone, "code.commit")).len(), 40);
        assert_eq!(count(&doc, "svg#chart-timeline rect.span"), 3);
        // Longest exposed first: the pushed key (January 2nd) heads the timeline.
        let first = doc.select(&sel("svg#chart-timeline a")).next().unwrap();
        assert_eq!(
            first.value().attr("href"),
            doc.select(&sel("#findings > .g[data-pushed=yes]"))
                .next()
                .map(|r| format!("#{}", r.value().attr("id").unwrap()))
                .as_deref()
        );
        let exposure: Vec<String> = doc.select(&sel("#exposure .card")).map(text).collect();
        assert_eq!(exposure, ["1pushed to a remote", "2local only"]);
        assert!(text(one(&doc, "#answer")).contains("1 pushed to a remote"));
        assert_eq!(one(&doc, "#coverage").value().attr("data-complete"), Some("yes"));
        assert!(
            coverage_of(&doc, "git").contains("commits 3"),
            "{}",
            coverage_of(&doc, "git")
        );
    }
}

#[test]
fn html_shallow_history_is_reported_incomplete_with_the_reason() {
    let t = Tree::new();
    history(&t);
    let clone = t.path().join("shallow");
    let url = format!("file://{}", t.path().join("repo").display());
    git_in(
        t.path(),
        &["clone", "-q", "--depth", "1", &url, clone.to_str().unwrap()],
        12,
    );
    let html = report(&clone, &["git", ".", "--allow-shallow"], 1);
    let doc = Html::parse_document(&html);
    let cov = one(&doc, "#coverage");
    assert_eq!(cov.value().attr("data-complete"), Some("no"));
    assert!(text(cov).contains("shallow clone"), "{}", text(cov));
    assert!(text(one(&doc, "#answer")).contains("Coverage INCOMPLETE"));
}

/// A `docker save` archive (legacy layout) of two layers: the base holds `app/.env` and
/// `opt/app/config.yml`, each with a key; the top layer deletes `app/.env` with a whiteout.
fn image(t: &Tree, deleted: &str, kept: &str) -> PathBuf {
    let layers = [
        tar_of(&[
            ("app/.env", format!("GITHUB_TOKEN={deleted}\n").into_bytes()),
            ("opt/app/config.yml", format!("github: {kept}\n").into_bytes()),
        ]),
        tar_of(&[("app/.wh..env", Vec::new())]),
    ];
    let diff_ids: Vec<String> = layers.iter().map(|l| format!("sha256:{}", sha256_hex(l))).collect();
    let config = serde_json::to_vec(&serde_json::json!({
        "architecture": "amd64", "os": "linux",
        "config": {"Cmd": ["/bin/app"]},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": [{"created_by": "ADD rootfs.tar /"}, {"created_by": "RUN rm app/.env"}]
    }))
    .unwrap();
    let config_name = format!("{}.json", sha256_hex(&config));
    let mut files: Vec<(String, Vec<u8>)> = vec![(config_name.clone(), config)];
    let mut paths = Vec::new();
    for (i, l) in layers.into_iter().enumerate() {
        paths.push(format!("{i:064}/layer.tar"));
        files.push((paths[i].clone(), l));
    }
    let manifest = serde_json::json!([{"Config": config_name, "RepoTags": ["shop/<api>:1.0"], "Layers": paths}]);
    files.push(("manifest.json".into(), serde_json::to_vec(&manifest).unwrap()));
    t.write("api.tar", tar_of(&files))
}

#[test]
fn html_image_report_shows_the_layer_and_a_file_deleted_in_a_later_layer() {
    let t = Tree::new();
    let deleted = github_pat(7401);
    let kept = github_pat(7402);
    image(&t, &deleted, &kept);
    let html = report(t.path(), &["image", "api.tar", "--no-redact"], 1);
    no_secret(&html, &[&deleted, &kept]);
    let doc = Html::parse_document(&html);
    assert_eq!(rows(&doc).len(), 2);
    let gone = doc
        .select(&sel("#findings > .g"))
        .find(|r| text(*r).contains("app/.env"))
        .unwrap();
    let t_gone = text(gone);
    assert!(t_gone.contains("image shop/<api>:1.0 layer 0"), "{t_gone}");
    assert!(
        t_gone.contains("deleted in layer 1, but still ships in the image"),
        "{t_gone}"
    );
    assert_eq!(
        count(&doc, "#findings .deleted"),
        1,
        "only the whiteout's file is deleted"
    );
    assert_eq!(coverage_of(&doc, "layers"), "2");
    assert_eq!(coverage_of(&doc, "whiteouts"), "1");
    assert!(coverage_of(&doc, "images").contains("shop/<api>:1.0"));
}

#[test]
fn html_stdin_report_is_written_like_the_others() {
    let t = Tree::new();
    let key = github_pat(7501);
    let out = t.path().join("stdin.html");
    let r = run_stdin(
        t.path(),
        &[
            "stdin",
            "--label",
            "<app>.log",
            "--no-redact",
            "-f",
            "html",
            "-o",
            out.to_str().unwrap(),
        ],
        format!("INFO token={key}\n").as_bytes(),
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let html = read_report(&out);
    no_secret(&html, &[&key]);
    let doc = Html::parse_document(&html);
    assert_eq!(rows(&doc).len(), 1);
    assert_eq!(text(one(&doc, "code.where")), "<app>.log:1:12");
    // Without -o the report goes to stdout.
    let r = run_stdin(t.path(), &["stdin", "-f", "html"], format!("{key}\n").as_bytes());
    assert_eq!(r.code, 1);
    assert!(r.stdout.starts_with("<!doctype html>"));
    assert!(!r.stdout.contains(&key));
}

fn leakhound(dir: &Path, args: &[&str]) -> (i32, String) {
    let o = Command::new(bin())
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Five repositories (git histories and plain directories) for `scan-list`: one key shared by
/// three of them, one of their own in two, one target that does not exist.
fn organisation(t: &Tree) -> (PathBuf, Vec<String>) {
    let shared = github_pat(7601);
    let mut keys = vec![shared.clone()];
    let mut list = String::new();
    for (i, name) in ["alpha", "beta", "gamma", "delta", "<epsilon>"].iter().enumerate() {
        let dir = t.path().join("org").join(format!("r{i}"));
        std::fs::create_dir_all(&dir).unwrap();
        if i < 3 {
            std::fs::write(dir.join("ci.env"), format!("GH_TOKEN={shared}\n")).unwrap();
        }
        if i == 1 || i == 3 {
            let own = github_pat(7610 + i as u64);
            std::fs::write(dir.join("deploy.yml"), format!("token: {own}\n")).unwrap();
            keys.push(own);
        }
        std::fs::write(dir.join("README.md"), format!("{name}\n")).unwrap();
        if i % 2 == 0 {
            git_in(&dir, &["init", "-q", "-b", "main"], 1);
            git_in(&dir, &["add", "-A"], 1 + i as u32);
            git_in(&dir, &["commit", "-q", "-m", "init"], 1 + i as u32);
        }
        list.push_str(&serde_json::json!({"id": name, "target": dir.display().to_string()}).to_string());
        list.push('\n');
    }
    list.push_str(
        &serde_json::json!({"id": "zeta", "target": t.path().join("org/absent").display().to_string()}).to_string(),
    );
    list.push('\n');
    (t.write("list.jsonl", list), keys)
}

#[test]
fn html_merged_organisation_report_has_a_matrix_and_each_targets_coverage() {
    let t = Tree::new();
    let (list, keys) = organisation(&t);
    let list = list.display().to_string();
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    let mut shards = Vec::new();
    for i in 0..2 {
        let out = t.path().join(format!("shard-{i}.jsonl"));
        let (code, err) = leakhound(
            t.path(),
            &[
                "scan-list",
                &list,
                "--shard",
                &format!("{i}/2"),
                "-q",
                "-o",
                out.to_str().unwrap(),
            ],
        );
        assert!(code == 1 || code == 2, "{err}");
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&out).unwrap().permissions().mode() & 0o777, 0o600);
        shards.push(out.display().to_string());
    }
    let merged = t.path().join("org.html");
    let (code, err) = leakhound(
        t.path(),
        &[
            "merge",
            &shards[0],
            &shards[1],
            "--list",
            &list,
            "-f",
            "html",
            "-o",
            merged.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 2, "a missing target makes the merge exit 2: {err}");
    let html = read_report(&merged);
    no_secret(&html, &keys);
    let doc = Html::parse_document(&html);
    assert_eq!(rows(&doc).len(), 3, "three unique secrets across the organisation");
    let shared = doc
        .select(&sel("#findings > .g[data-count=\"3\"]"))
        .next()
        .expect("the shared key is one row with three locations");
    assert_eq!(
        shared.value().attr("data-target").unwrap(),
        "alpha\nbeta\ngamma",
        "the targets holding it"
    );
    let in_targets: Vec<String> = shared.select(&sel(".locations .target")).map(text).collect();
    assert_eq!(in_targets, ["alpha", "beta", "gamma"]);
    // The matrix: three secrets × four targets holding them (gamma, alpha, beta, delta).
    let group = shared.value().attr("data-id").unwrap();
    let hits: Vec<&str> = doc
        .select(&sel(&format!("svg#chart-matrix g.hit[data-group=\"{group}\"]")))
        .map(|g| g.value().attr("data-target").unwrap())
        .collect();
    assert_eq!(hits.len(), 3, "{hits:?}");
    assert_eq!(count(&doc, "svg#chart-matrix g.hit"), 5);
    assert_eq!(count(&doc, "svg#chart-matrix text.col"), 4);
    // Each target's coverage, incomplete first, the missing one with its reason.
    let targets: Vec<(String, String)> = doc
        .select(&sel("#targets tbody tr"))
        .map(|r| {
            let cells: Vec<String> = r.select(&sel("td")).map(text).collect();
            (cells[0].clone(), cells[1].clone())
        })
        .collect();
    assert_eq!(targets.len(), 6, "{targets:?}");
    assert_eq!(targets[0].0, "zeta");
    assert!(targets[0].1.starts_with("INCOMPLETE"), "{targets:?}");
    assert!(targets.iter().any(|(id, c)| id == "<epsilon>" && c == "complete"));
    assert_eq!(one(&doc, "#coverage").value().attr("data-complete"), Some("no"));
    assert_eq!(count(&doc, "select[data-filter=target] option"), 1 + 4);
    assert!(!html.contains("<epsilon>"), "a target id is escaped");

    // One shard can write its own organisation report too.
    let own = t.path().join("shard.html");
    let (code, err) = leakhound(
        t.path(),
        &["scan-list", &list, "-q", "-f", "html", "-o", own.to_str().unwrap()],
    );
    assert_eq!(code, 2, "{err}");
    let html = read_report(&own);
    no_secret(&html, &keys);
    let doc = Html::parse_document(&html);
    assert_eq!(rows(&doc).len(), 3);
    assert_eq!(count(&doc, "#targets tbody tr"), 6);
}

/// Headless Chromium, or `None` with a message; with `LEAKHOUND_REQUIRE_CHROMIUM=1` (CI) a missing
/// browser fails the test instead.
fn chromium() -> Option<PathBuf> {
    let p = std::env::var_os("LEAKHOUND_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    if p.exists() {
        return Some(p);
    }
    if std::env::var("LEAKHOUND_REQUIRE_CHROMIUM").as_deref() == Ok("1") {
        panic!(
            "LEAKHOUND_REQUIRE_CHROMIUM=1 but {} is missing (apt-get install chromium)",
            p.display()
        );
    }
    eprintln!(
        "SKIPPED html_report_in_headless_chromium: {} is not installed (apt-get install chromium; \
         set LEAKHOUND_REQUIRE_CHROMIUM=1 to make this a failure)",
        p.display()
    );
    None
}

/// Runs Chromium headless on `url` with a fresh profile; no network (the report needs none).
pub(crate) fn chrome(bin: &Path, extra: &[&str], url: &str) -> std::process::Output {
    let profile = tempfile::tempdir().unwrap();
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
            "--disable-extensions",
            "--virtual-time-budget=10000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run chromium")
}

/// The DOM after the script ran on `url`.
fn dom(bin: &Path, url: &str) -> Html {
    let out = chrome(bin, &["--dump-dom"], url);
    let dom = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        dom.contains("</html>"),
        "no DOM: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = Html::parse_document(&dom);
    let body = one(&doc, "body");
    assert_eq!(body.value().attr("data-error"), None, "a script error");
    assert_eq!(body.value().attr("data-ready"), Some("1"), "the script did not finish");
    doc
}

fn shown_ids(doc: &Html) -> Vec<String> {
    doc.select(&sel("#findings > .g:not([hidden])"))
        .map(|r| r.value().attr("data-id").unwrap().to_string())
        .collect()
}

#[test]
fn html_report_in_headless_chromium_renders_filters_sorts_and_opens_rows() {
    let Some(bin) = chromium() else { return };
    let t = Tree::new();
    history(&t);
    let dir = t.path().join("repo");
    std::fs::write(dir.join("local.env"), format!("GITHUB_TOKEN={}\n", github_pat(7301))).unwrap();
    std::fs::create_dir_all(dir.join("config")).unwrap();
    std::fs::write(dir.join("config/ci.yml"), format!("token: {}\n", github_pat(7302))).unwrap();
    git_in(&dir, &["add", "-A"], 20);
    git_in(&dir, &["commit", "-q", "-m", "ci"], 20);
    report(&dir, &["git", "."], 1);
    let file = dir.join("report.html");
    let url = format!("file://{}", file.display());

    let shot = t.path().join("shot.png");
    let out = chrome(
        &bin,
        &[&format!("--screenshot={}", shot.display()), "--window-size=1280,1600"],
        &url,
    );
    let png = std::fs::read(&shot)
        .unwrap_or_else(|e| panic!("no screenshot ({e}): {}", String::from_utf8_lossy(&out.stderr)));
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    assert!(
        png.len() > 20_000,
        "the screenshot is nearly empty ({} bytes)",
        png.len()
    );

    // The print stylesheet: a PDF of the whole report.
    let pdf = t.path().join("report.pdf");
    let out = chrome(
        &bin,
        &[&format!("--print-to-pdf={}", pdf.display()), "--no-pdf-header-footer"],
        &url,
    );
    let bytes =
        std::fs::read(&pdf).unwrap_or_else(|e| panic!("no PDF ({e}): {}", String::from_utf8_lossy(&out.stderr)));
    assert!(
        bytes.starts_with(b"%PDF-") && bytes.len() > 20_000,
        "PDF of {} bytes",
        bytes.len()
    );

    // Unfiltered: every secret shown, detail rows closed, runbooks not yet copied in.
    let all = dom(&bin, &url);
    let ids = shown_ids(&all);
    assert_eq!(ids.len(), 5);
    assert_eq!(one(&all, "body").value().attr("data-shown"), Some("5"));
    assert_eq!(one(&all, "html").value().attr("class"), Some("js"));
    assert_eq!(count(&all, "#findings > .g.open"), 0);

    // A path filter, then a path filter with a pushed filter and a sort, from the fragment.
    let doc = dom(&bin, &format!("{url}#path=config%2F"));
    assert_eq!(shown_ids(&doc).len(), 1);
    assert_eq!(text(one(&doc, "#shown")), "1");
    let doc = dom(&bin, &format!("{url}#pushed=no&sort=-exposed"));
    let shown = shown_ids(&doc);
    assert_eq!(shown.len(), 4, "the key pushed to origin is hidden");
    assert_eq!(count(&doc, "#findings > .g[hidden][data-pushed=yes]"), 1);
    let exposed: Vec<i64> = doc
        .select(&sel("#findings > .g:not([hidden])"))
        .map(|r| r.value().attr("data-exposed").unwrap().parse().unwrap())
        .collect();
    let mut sorted = exposed.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(exposed, sorted, "sorted by exposure, longest first");
    assert_eq!(
        one(&doc, "[role=columnheader][data-key=exposed]")
            .value()
            .attr("aria-sort"),
        Some("descending")
    );
    // Free text over commit subjects and authors, case-insensitive; a value matching nothing.
    let doc = dom(&bin, &format!("{url}#q=ONERROR"));
    assert_eq!(shown_ids(&doc).len(), 1);
    let doc = dom(&bin, &format!("{url}#provider=GitHub&rule=nothing-like-this"));
    assert_eq!(shown_ids(&doc).len(), 0);
    assert_eq!(one(&doc, "body").value().attr("data-shown"), Some("0"));
    // Opening a row copies its runbook in and marks the button expanded.
    let first = &ids[0];
    let doc = dom(&bin, &format!("{url}#open={first}"));
    let row = one(&doc, &format!("#g{first}"));
    assert!(row.value().classes().any(|c| c == "open"));
    assert_eq!(one_in(row, "button.open").value().attr("aria-expanded"), Some("true"));
    let slot = one_in(row, ".runbook-slot");
    assert_eq!(slot.value().attr("data-filled"), Some("1"));
    assert!(text(slot).contains("leakhound validate"));
    // Keyboard: a driver script added by the test (after the report's own) presses the keys the
    // report documents and records where the focus went.
    let driver = r##"<script>(function () {
      var r = {};
      function key(k, t) { (t || document.activeElement || document.body).dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true })); }
      function cur() { var a = document.activeElement, g = a && a.closest ? a.closest("#findings > .g") : null; return g ? g.id : (a && a.id) || ""; }
      key("j"); r.j1 = cur(); key("j"); r.j2 = cur(); key("ArrowUp"); r.up = cur();
      document.activeElement.click(); r.expanded = document.activeElement.getAttribute("aria-expanded");
      key("/"); r.slash = cur();
      var q = document.getElementById("f-q"); q.value = "no such text"; q.dispatchEvent(new Event("input", { bubbles: true }));
      setTimeout(function () {
        r.typed = document.body.getAttribute("data-shown");
        key("Escape", q);
        setTimeout(function () { r.escaped = document.body.getAttribute("data-shown"); r.q = q.value; document.body.setAttribute("data-keys", JSON.stringify(r)); }, 300);
      }, 300);
    })();</script></body>"##;
    let html = std::fs::read_to_string(&file).unwrap().replace("</body>", driver);
    let keyed = t.path().join("keys.html");
    std::fs::write(&keyed, html).unwrap();
    let doc = dom(&bin, &format!("file://{}", keyed.display()));
    let keys: serde_json::Value =
        serde_json::from_str(one(&doc, "body").value().attr("data-keys").expect("the driver ran")).unwrap();
    assert_eq!(
        keys,
        serde_json::json!({"j1": format!("g{}", ids[0]), "j2": format!("g{}", ids[1]), "up": format!("g{}", ids[0]),
            "expanded": "true", "slash": "f-q", "typed": "0", "escaped": "5", "q": ""}),
        "j, j, up, Enter, / then Esc"
    );

    // A chart's link to a secret (#gN) opens it, clearing a filter that hides it.
    let last = ids.last().unwrap();
    let doc = dom(&bin, &format!("{url}#g{last}"));
    assert!(one(&doc, &format!("#g{last}")).value().classes().any(|c| c == "open"));
    assert_eq!(shown_ids(&doc).len(), 5);
}

#[test]
fn html_validation_verdicts_are_counted_and_raw_secrets_from_a_merged_input_are_redacted() {
    // A shard output written by hand from a `--no-redact` scan: the merged report must still
    // redact, and show the verdicts `--validate` would have added (no network here).
    let t = Tree::new();
    let keys: Vec<String> = (0..4).map(|i| github_pat(7700 + i)).collect();
    for (i, k) in keys.iter().enumerate() {
        t.write(&format!("svc{i}/app.env"), format!("GITHUB_TOKEN={k}\n"));
    }
    let r = run_in(t.path(), &["dir", ".", "-f", "json", "--no-redact", "-q"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let mut lines = String::new();
    for (i, mut f) in r.findings().into_iter().enumerate() {
        assert!(
            keys.iter().any(|k| f["secret"] == k.as_str()),
            "the input holds raw secrets"
        );
        let status = ["live", "revoked", "unknown", "live"][i];
        f["validation"] = serde_json::json!({"status": status, "checked_at": "2026-12-02T21:40:00Z",
            "detail": format!("login <octo{i}>")});
        f["target"] = serde_json::json!(format!("repo-{}", i % 2));
        lines.push_str(&f.to_string());
        lines.push('\n');
    }
    for id in ["repo-0", "repo-1"] {
        lines.push_str(
            &serde_json::json!({"type": "target", "id": id, "complete": true, "bytes": 10, "blobs": 2,
                "errors": [], "findings": 2, "shard": "0/1"})
            .to_string(),
        );
        lines.push('\n');
    }
    t.write("shard.jsonl", lines);
    let out = t.path().join("merged.html");
    let (code, err) = leakhound(
        t.path(),
        &["merge", "shard.jsonl", "-f", "html", "-o", out.to_str().unwrap()],
    );
    assert_eq!(code, 1, "{err}");
    let html = read_report(&out);
    let refs: Vec<&str> = keys.iter().map(String::as_str).collect();
    no_secret(&html, &refs);
    let doc = Html::parse_document(&html);
    let cards: Vec<String> = doc.select(&sel("#validation .card")).map(text).collect();
    assert_eq!(cards, ["2live", "1revoked", "1unknown", "0error", "0not checked"]);
    assert!(text(one(&doc, "#answer")).contains("2 still live: revoke those first"));
    // Live keys come first in the table, and say so in words, not only in colour.
    let first = rows(&doc)[0];
    assert_eq!(first.value().attr("data-live"), Some("live"));
    assert!(text(first).contains("LIVE"));
    assert!(text(one_in(first, ".validation")).contains("login <octo"));
    assert_eq!(count(&doc, "select[data-filter=live] option"), 4);
    assert_eq!(count(&doc, "#coverage[data-complete=yes]"), 1);
}

#[test]
fn html_report_to_a_fifo_is_written_into_it_and_leaves_it_a_fifo() {
    // `-o /dev/null` run as root once replaced /dev/null with a regular file: the report was
    // renamed over the device. A named pipe stands in for the device here.
    use std::os::unix::fs::FileTypeExt;
    let t = Tree::new();
    t.write("app.env", format!("GITHUB_TOKEN={}\n", github_pat(7801)));
    let fifo = t.path().join("pipe");
    let ok = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(ok.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    let r = run_in(
        t.path(),
        &["dir", "app.env", "-f", "html", "-o", fifo.to_str().unwrap()],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    // Checked before joining: a reader whose FIFO was renamed over would wait forever.
    assert!(
        std::fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo(),
        "the FIFO was replaced"
    );
    let html = reader.join().unwrap();
    assert!(html.starts_with("<!doctype html>") && html.ends_with("</html>\n"));
}

#[test]
fn html_a_scan_of_nothing_is_not_reported_clean() {
    let t = Tree::new();
    std::fs::create_dir(t.path().join("empty")).unwrap();
    let html = report(t.path(), &["dir", "empty"], 0);
    let doc = Html::parse_document(&html);
    assert_eq!(rows(&doc).len(), 0);
    assert_eq!(count(&doc, "a.skip"), 0, "no skip link to a table that is not there");
    let answer = text(one(&doc, "#answer"));
    assert!(
        answer.starts_with("No secrets found.") && answer.contains("INCOMPLETE"),
        "{answer}"
    );
    assert!(text(one(&doc, "#coverage")).contains("nothing was scanned"));
}
