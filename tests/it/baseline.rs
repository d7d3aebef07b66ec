//! Baselines where users meet them: named in `.leakhound.toml` (so hooks and CI pick them up
//! without flags), rewritten in place without losing accepted entries or their reasons, and the
//! hint a blocked run prints; plus `--also-report` (one scan, JSON and SARIF with one fingerprint).

use crate::util::{github_pat, Tree};

fn entries(t: &Tree, file: &str) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(t.path().join(file)).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    doc["entries"].as_array().unwrap().clone()
}

#[test]
fn a_baseline_named_in_the_config_is_applied_and_can_be_created_in_place() {
    let t = Tree::new();
    t.write("app.py", format!("TOKEN = \"{}\"\n", github_pat(70)));
    t.write(".leakhound.toml", "baseline = \"ci/accepted.json\"\n");
    std::fs::create_dir_all(t.path().join("ci")).unwrap();

    // Missing baseline: nothing suppressed, and a warning says why.
    let r = t.run(&["dir", ".", "-f", "json"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("does not exist yet"), "{}", r.stderr);

    // Written to the configured path (no warning then), it suppresses the finding next time.
    let r = t.run(&["dir", ".", "-f", "json", "--write-baseline", "ci/accepted.json"]);
    assert_eq!(r.code, 1);
    assert!(!r.stderr.contains("does not exist yet"), "{}", r.stderr);
    let r = t.run(&["dir", ".", "-f", "json", "--report-stale"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(r.json()["scan"]["suppressed"]["baseline"], 1);
    assert!(!r.stderr.contains("stale"), "{}", r.stderr);

    // --baseline on the command line wins over the configuration.
    t.write("empty.json", "{\"version\":1,\"entries\":[]}\n");
    assert_eq!(t.run(&["dir", ".", "--baseline", "empty.json"]).code, 1);
}

#[test]
fn rewriting_a_baseline_keeps_accepted_entries_and_their_reasons() {
    let t = Tree::new();
    t.write("a.py", format!("A = \"{}\"\n", github_pat(71)));
    let r = t.run(&["dir", ".", "--write-baseline", "b.json"]);
    assert_eq!(r.code, 1);
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(t.path().join("b.json")).unwrap()).unwrap();
    doc["entries"][0]["reason"] = "test fixture, never a live key".into();
    t.write("b.json", serde_json::to_string_pretty(&doc).unwrap());

    // A partial scan (only the new file) with the baseline in use adds to it; nothing is lost.
    t.write("new/b.py", format!("B = \"{}\"\n", github_pat(72)));
    let r = t.run(&["dir", "new", "--baseline", "b.json", "--write-baseline", "b.json"]);
    assert_eq!(r.code, 1);
    let e = entries(&t, "b.json");
    assert_eq!(e.len(), 2, "{e:?}");
    assert_eq!(e[0]["reason"], "test fixture, never a live key");
    assert_eq!(e[1]["path"], "new/b.py");
    assert_eq!(t.run(&["dir", ".", "--baseline", "b.json"]).code, 0);
}

#[test]
fn report_stale_without_any_baseline_is_an_error() {
    let t = Tree::new();
    t.write("a.txt", "nothing\n");
    let r = t.run(&["dir", ".", "--report-stale"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("needs a baseline"), "{}", r.stderr);
}

#[test]
fn a_blocked_run_says_how_to_revoke_and_how_to_accept_a_false_positive() {
    let t = Tree::new();
    t.write("a.py", format!("A = \"{}\"\n", github_pat(73)));
    let r = t.run(&["dir", ".", "-f", "text", "-o", "report.txt"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("revoke"), "{}", r.stderr);
    assert!(r.stderr.contains("leakhound:allow"), "{}", r.stderr);
    // The command to accept it is the user's own, minus output flags, plus --write-baseline.
    assert!(
        r.stderr
            .contains("leakhound dir . --write-baseline .leakhound-baseline.json"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.lines().count() <= 8, "short enough for a hook:\n{}", r.stderr);
}

#[test]
fn also_report_writes_sarif_and_json_from_one_scan() {
    let t = Tree::new();
    t.write("a.py", format!("A = \"{}\"\n", github_pat(74)));
    let r = t.run(&[
        "dir",
        ".",
        "-f",
        "json",
        "-o",
        "r.json",
        "--also-report",
        "sarif=r.sarif",
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(t.path().join("r.json")).unwrap()).unwrap();
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(t.path().join("r.sarif")).unwrap()).unwrap();
    assert_eq!(
        json["findings"][0]["fingerprint"],
        sarif["runs"][0]["results"][0]["partialFingerprints"]["secretFingerprint/v1"]
    );
    let r = t.run(&["dir", ".", "--also-report", "jsonl=x"]);
    assert_eq!(r.code, 2);
    let r = t.run(&["dir", ".", "--also-report", "nope"]);
    assert_eq!(r.code, 2);
}
