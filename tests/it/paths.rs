//! Path rules (issue 15): a `.env`, a keystore or a Terraform state is a fact about where a key
//! sits. Folded into the content findings of the file when it has any; on its own a finding only
//! where the file is shared: committed, in a work tree's index, or in an image. Also confidence in
//! the reports and `--min-confidence`.

use crate::util::{git_in, github_pat, Run, Tree};

#[test]
fn an_untracked_env_without_a_secret_in_a_plain_directory_is_no_finding() {
    let t = Tree::new();
    t.write(".env", "DEBUG=1\nPORT=8080\n");
    t.write("certs/dev.keystore", [0u8, 1, 2, 3]);
    let r = t.run(&["dir", ".", "-f", "json"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(r.findings().is_empty(), "{:#?}", r.findings());
    assert_eq!(r.json()["scan"]["suppressed"]["path_untracked"], 2);
}

#[test]
fn a_tracked_env_with_a_weak_candidate_is_a_path_finding_in_git_and_in_dir_of_the_work_tree() {
    let t = Tree::new();
    git_in(t.path(), &["init", "-q", "-b", "main"], 2);
    // `password=hello` is too weak to report on its own (low confidence), but it is a credential
    // in a committed `.env`: the file is the finding.
    t.write(".env", "DEBUG=1\npassword=hello\n");
    t.write("local/.env", "password=hello\n");
    git_in(t.path(), &["add", ".env"], 2);
    git_in(t.path(), &["commit", "-q", "-m", "add env"], 2);

    let r = t.run(&["git", ".", "-f", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let f = r.findings();
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(
        (
            f[0]["rule_id"].as_str(),
            f[0]["path"].as_str(),
            f[0]["confidence"].as_str()
        ),
        (Some("dotenv-file"), Some(".env"), Some("medium"))
    );
    assert_eq!(f[0]["path_fact"]["exposure"], "committed");

    let r = t.run(&["dir", ".", "-f", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let f = r.findings();
    assert_eq!(f.len(), 1, "only the tracked .env, not local/.env: {f:#?}");
    assert_eq!(
        (f[0]["rule_id"].as_str(), f[0]["path"].as_str()),
        (Some("dotenv-file"), Some(".env"))
    );
    assert_eq!(f[0]["path_fact"]["exposure"], "tracked");

    // Staged but never committed counts too: the index lists it.
    t.write("deploy/.env.production", "password=hello\n");
    git_in(t.path(), &["add", "deploy/.env.production"], 2);
    let r = t.run(&["dir", ".", "-f", "json"]);
    let paths: Vec<String> = r
        .findings()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(paths, vec![".env", "deploy/.env.production"]);
}

#[test]
fn a_committed_env_of_plain_settings_is_low_confidence_and_a_committed_keystore_is_not() {
    let t = Tree::new();
    git_in(t.path(), &["init", "-q", "-b", "main"], 2);
    // Nothing in this file looks like a credential (a placeholder is not one): there is nothing to
    // revoke, so by default it is not reported; `--min-confidence low` still shows the file.
    t.write(".env", "DEBUG=1\nPORT=8080\nAPI_KEY=${API_KEY}\n");
    t.write("certs/dev.keystore", [0u8, 1, 2, 3]);
    git_in(t.path(), &["add", "."], 2);
    git_in(t.path(), &["commit", "-q", "-m", "add env"], 2);

    let r = t.run(&["git", ".", "-f", "json"]);
    let f = r.findings();
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(f.len(), 1, "a binary store is never judged by its content: {f:#?}");
    assert_eq!(f[0]["rule_id"], "keystore-file");
    assert_eq!(r.json()["scan"]["suppressed"]["below_min_confidence"], 1);

    let r = t.run(&["git", ".", "-f", "json", "--min-confidence", "low"]);
    let mut got = fields(&r, "rule_id", "confidence");
    got.sort();
    assert_eq!(
        got,
        vec![
            ("dotenv-file".into(), "low".into()),
            ("keystore-file".into(), "medium".into())
        ]
    );
}

#[test]
fn an_env_holding_a_secret_is_one_finding_that_carries_the_path_fact() {
    let t = Tree::new();
    git_in(t.path(), &["init", "-q", "-b", "main"], 2);
    let tok = github_pat(150);
    t.write(".env", format!("DEBUG=1\nGITHUB_TOKEN={tok}\n"));
    git_in(t.path(), &["add", ".env"], 2);
    for args in [&["dir", ".", "-f", "json"][..], &["git", ".", "-f", "json"][..]] {
        git_in(t.path(), &["commit", "-q", "--allow-empty", "-m", "env"], 2);
        let r = t.run(args);
        let f = r.findings();
        assert_eq!(f.len(), 1, "{args:?}: one finding, not a second for the path: {f:#?}");
        assert_eq!(f[0]["rule_id"], "github-classic-pat");
        assert_eq!(f[0]["path_fact"]["rule_id"], "dotenv-file");
        let note = f[0]["path_fact"]["note"].as_str().unwrap();
        assert!(note.contains(".env") && note.contains("git"), "{note}");
        assert!(r.json()["scan"]["suppressed"]["path_folded"] == 1, "{}", r.stdout);
    }
    let text = t.run(&["dir", "."]).stdout;
    assert!(text.contains("in an environment file (.env) that git tracks"), "{text}");
    let sarif = t.run(&["dir", ".", "-f", "sarif"]).stdout;
    assert!(sarif.contains("that git tracks"), "{sarif}");
    assert!(!text.contains(&tok) && !sarif.contains(&tok));
}

#[test]
fn an_untracked_env_with_a_secret_says_so_and_is_still_reported() {
    let t = Tree::new();
    t.write(".env", format!("GITHUB_TOKEN={}\n", github_pat(151)));
    let r = t.run(&["dir", ".", "-f", "json"]);
    let f = r.findings();
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0]["path_fact"]["exposure"], "untracked");
}

/// Two string fields of every finding, in report order.
fn fields(r: &Run, a: &str, b: &str) -> Vec<(String, String)> {
    let field = |f: &serde_json::Value, k: &str| f[k].as_str().unwrap().to_string();
    r.findings().iter().map(|f| (field(f, a), field(f, b))).collect()
}

/// A weak generic assignment (low confidence) and a provider token (high confidence).
fn mixed_tree() -> Tree {
    let t = Tree::new();
    t.write("a.txt", format!("GITHUB_TOKEN={}\n", github_pat(152)));
    t.write(
        "b.py",
        // A dictionary word after a password name: a password, but the scorer is unsure (low).
        format!("db_password = \"{}\"\n", ["wom", "bat"].concat()),
    );
    t
}

#[test]
fn confidence_is_in_json_and_sarif_levels_and_security_severity_follow_it() {
    let t = mixed_tree();
    let r = t.run(&["dir", ".", "-f", "json", "--min-confidence", "low"]);
    let conf = fields(&r, "path", "confidence");
    assert!(conf.contains(&("a.txt".into(), "high".into())), "{conf:?}");
    let low: Vec<_> = conf.iter().filter(|c| c.0 == "b.py").collect();
    assert!(!low.is_empty() && low.iter().all(|c| c.1 == "low"), "{conf:?}");

    let s: serde_json::Value =
        serde_json::from_str(&t.run(&["dir", ".", "-f", "sarif", "--min-confidence", "low"]).stdout).unwrap();
    let results = s["runs"][0]["results"].as_array().unwrap();
    let of = |uri: &str| {
        results
            .iter()
            .find(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == uri)
            .unwrap_or_else(|| panic!("no result for {uri}"))
    };
    assert_eq!(of("a.txt")["level"], "error");
    assert_eq!(of("b.py")["level"], "note");
    let sev = |uri: &str| -> f64 {
        of(uri)["properties"]["security-severity"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap()
    };
    assert!(sev("a.txt") > sev("b.py"), "{} vs {}", sev("a.txt"), sev("b.py"));
    assert_eq!(of("b.py")["properties"]["confidence"], "low");
}

#[test]
fn min_confidence_chooses_what_is_reported_and_what_sets_the_exit_code() {
    let t = mixed_tree();
    // The default (medium) leaves the weak generic match out.
    let r = t.run(&["dir", ".", "-f", "json"]);
    assert_eq!(r.code, 1);
    assert!(r.findings().iter().all(|f| f["path"] == "a.txt"), "{:#?}", r.findings());
    assert!(r.json()["scan"]["suppressed"]["below_min_confidence"].as_u64() >= Some(1));
    // `low` adds it.
    let r = t.run(&["dir", ".", "-f", "json", "--min-confidence", "low"]);
    assert!(r.findings().iter().any(|f| f["path"] == "b.py"));
    // Only the weak file: nothing at the default, so exit 0; exit 1 at `low`.
    std::fs::remove_file(t.path().join("a.txt")).unwrap();
    assert_eq!(t.run(&["dir", "."]).code, 0);
    assert_eq!(t.run(&["dir", ".", "--min-confidence", "low"]).code, 1);
    // The configuration's `min_confidence` applies when the flag is not given; the flag wins.
    t.write(".leakhound.toml", "min_confidence = \"low\"\n");
    assert_eq!(t.run(&["dir", "."]).code, 1);
    assert_eq!(t.run(&["dir", ".", "--min-confidence", "high"]).code, 0);
    // Every scan subcommand takes the flag.
    let r = crate::util::run_stdin(
        t.path(),
        &["stdin", "--min-confidence", "high", "-f", "json"],
        b"x = 1\n",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn a_staged_env_is_a_path_finding_of_git_staged() {
    let t = Tree::new();
    git_in(t.path(), &["init", "-q", "-b", "main"], 2);
    t.write("README.md", "hello\n");
    git_in(t.path(), &["add", "README.md"], 2);
    git_in(t.path(), &["commit", "-q", "-m", "init"], 2);
    t.write(".env", "DEBUG=1\npassword=hello\n");
    git_in(t.path(), &["add", ".env"], 2);
    let r = t.run(&["git", "--staged", "-f", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let f = r.findings();
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0]["rule_id"], "dotenv-file");
    assert_eq!(f[0]["path_fact"]["exposure"], "staged");
}
