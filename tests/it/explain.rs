//! `leakhound explain` (issue 15): one test per verdict a candidate can get. Custom rules in a
//! `.leakhound.toml` written by each test keep the cases independent of the built-in catalogue's
//! tuning; secrets are assembled at run time.

use crate::util::{alnum, git_in, github_pat, Tree};

/// Custom rules: `wgt_` keys with an entropy floor, and a generic `widgetval =` assignment.
const RULES: &str = r#"
[[rules]]
id = "widget-key"
name = "Widget API key"
provider = "Widget"
description = "A Widget key."
regex = '''\b(?P<secret>wgt_[A-Za-z0-9]{20})\b'''
keywords = ["wgt_"]
entropy = 4.0
severity = "high"
confidence = "high"
[rules.runbook]
url = "https://widget.example/revoke"
steps = "1. Revoke it."

[[rules]]
id = "widgetval-assignment"
name = "widgetval assignment"
provider = "Generic"
description = "A generic assignment."
regex = '''widgetval\s*=\s*(?P<secret>[^\s"]+)'''
keywords = ["widgetval"]
tags = ["generic"]
severity = "medium"
confidence = "medium"
[rules.runbook]
url = "https://example.com/rotate"
steps = "1. Rotate it."
"#;

fn tree(extra_config: &str) -> Tree {
    let t = Tree::new();
    t.write(".leakhound.toml", format!("{extra_config}\n{RULES}"));
    t
}

/// The candidates `explain -f json` printed.
fn explain(t: &Tree, args: &[&str]) -> Vec<serde_json::Value> {
    let mut all = vec!["explain"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["-f", "json"]);
    let r = t.run(&all);
    assert_eq!(r.code, 0, "explain exits 0: {}", r.stderr);
    r.json()["candidates"].as_array().cloned().unwrap_or_default()
}

/// The one candidate of `rule` in the answer, with its reason (or "reported").
fn verdict(c: &[serde_json::Value], rule: &str) -> (String, String) {
    let e = c
        .iter()
        .find(|e| e["rule_id"] == rule)
        .unwrap_or_else(|| panic!("no candidate of {rule}: {c:#?}"));
    let reason = e["reason"].as_str().unwrap_or("reported").to_string();
    (reason, e["detail"].as_str().unwrap().to_string())
}

#[test]
fn a_reported_secret_is_shown_redacted_with_its_confidence_and_entropy() {
    let t = tree("");
    let tok = github_pat(200);
    t.write("a.txt", format!("x = 1\nGH={tok}\n"));
    let c = explain(&t, &["a.txt"]);
    let e = c.iter().find(|e| e["rule_id"] == "github-classic-pat").unwrap();
    assert_eq!((e["verdict"].as_str(), e["line"].as_u64()), (Some("reported"), Some(2)));
    assert_eq!(e["confidence"], "high");
    assert!(e["entropy"].as_f64().unwrap() > 4.0);
    let text = t.run(&["explain", "a.txt"]);
    assert_eq!(text.code, 0);
    assert!(
        text.stdout.contains("github-classic-pat") && text.stdout.contains("reported"),
        "{}",
        text.stdout
    );
    assert!(!text.stdout.contains(&tok), "redacted by default");
    assert!(t.run(&["explain", "a.txt", "--no-redact"]).stdout.contains(&tok));
}

#[test]
fn a_placeholder_value_is_dropped_as_a_stand_in() {
    let t = tree("");
    let example = format!("{}{}", "AKIA", "IOSFODNN7EXAMPLE");
    t.write("a.txt", format!("aws_access_key_id = {example}\n"));
    let (reason, _) = verdict(&explain(&t, &["a.txt"]), "aws-access-key-id");
    assert_eq!(reason, "placeholder");
}

#[test]
fn a_value_below_the_rules_entropy_floor_is_dropped_as_low_entropy() {
    let t = tree("");
    t.write("a.txt", format!("key: wgt_{}\n", "ab".repeat(10)));
    let (reason, detail) = verdict(&explain(&t, &["a.txt"]), "widget-key");
    assert_eq!(reason, "low_entropy");
    assert!(detail.contains("floor 4"), "{detail}");
}

#[test]
fn a_generic_value_that_reads_like_code_is_dropped() {
    let t = tree("");
    t.write("a.py", "widgetval = vault.get(name)\n");
    let (reason, _) = verdict(&explain(&t, &["a.py"]), "widgetval-assignment");
    assert_eq!(reason, "looks_like_code");
}

#[test]
fn an_allowlisted_secret_names_the_entry_that_allowed_it() {
    let t = tree("[allow]\nsecrets = ['''^wgt_Test''']\n");
    t.write("a.txt", format!("key: wgt_Test{}\n", alnum(201, 16)));
    let (reason, detail) = verdict(&explain(&t, &["a.txt"]), "widget-key");
    assert_eq!(reason, "allowlist");
    assert!(
        detail.contains("allow.secrets") && detail.contains("^wgt_Test"),
        "{detail}"
    );
}

#[test]
fn a_secret_in_the_baseline_is_dropped_as_baselined() {
    let t = tree("");
    t.write("a.txt", format!("key: wgt_{}\n", alnum(202, 20)));
    let w = t.run(&["dir", "a.txt", "--write-baseline", "base.json"]);
    assert_eq!(w.code, 1, "{}", w.stderr);
    let (reason, _) = verdict(&explain(&t, &["a.txt", "--baseline", "base.json"]), "widget-key");
    assert_eq!(reason, "baseline");
}

#[test]
fn a_line_with_an_allow_comment_is_dropped_as_inline_allow() {
    let t = tree("");
    t.write("a.txt", format!("key: wgt_{}  # leakhound:allow\n", alnum(203, 20)));
    let (reason, _) = verdict(&explain(&t, &["a.txt"]), "widget-key");
    assert_eq!(reason, "inline_allow");
}

#[test]
fn a_match_below_min_confidence_is_dropped_and_reported_at_a_lower_level() {
    let t = tree("");
    t.write("a.txt", format!("key: wgt_{}\n", alnum(204, 20)));
    // widget-key is high confidence: `high` keeps it; widgetval (medium) drops at `high`.
    let (reason, _) = verdict(&explain(&t, &["a.txt", "--min-confidence", "high"]), "widget-key");
    assert_eq!(reason, "reported");
    t.write("b.txt", format!("widgetval = Zq{}\n", alnum(205, 18)));
    let (reason, _) = verdict(
        &explain(&t, &["b.txt", "--min-confidence", "high"]),
        "widgetval-assignment",
    );
    assert_eq!(reason, "below_min_confidence");
    let (reason, _) = verdict(&explain(&t, &["b.txt"]), "widgetval-assignment");
    assert_eq!(reason, "reported");
}

#[test]
fn a_generic_match_overlapped_by_a_provider_rule_names_that_rule() {
    let t = tree("");
    t.write("a.txt", format!("widgetval = {}\n", github_pat(206)));
    let c = explain(&t, &["a.txt"]);
    let (reason, detail) = verdict(&c, "widgetval-assignment");
    assert_eq!(reason, "overlapped");
    assert!(detail.contains("github-classic-pat"), "{detail}");
    assert_eq!(verdict(&c, "github-classic-pat").0, "reported");
}

#[test]
fn a_path_rule_on_an_untracked_file_is_not_reported_and_one_with_a_secret_is_folded() {
    let t = tree("");
    t.write("svc/.env", "DEBUG=1\n");
    let (reason, _) = verdict(&explain(&t, &["svc/.env"]), "dotenv-file");
    assert_eq!(reason, "path_untracked");

    t.write("api/.env", format!("GH={}\n", github_pat(207)));
    let c = explain(&t, &["api/.env"]);
    let (reason, detail) = verdict(&c, "dotenv-file");
    assert_eq!(reason, "path_folded");
    assert!(detail.contains("line 1"), "{detail}");
}

#[test]
fn a_tracked_env_with_nothing_like_a_credential_is_below_the_confidence_floor() {
    let t = tree("");
    git_in(t.path(), &["init", "-q", "-b", "main"], 2);
    t.write("svc/.env", "DEBUG=1\n");
    git_in(t.path(), &["add", "svc/.env"], 2);
    let c = explain(&t, &["svc/.env"]);
    let (reason, detail) = verdict(&c, "dotenv-file");
    assert_eq!(reason, "below_min_confidence");
    assert!(
        detail.contains("nothing in the file looks like a credential"),
        "{detail}"
    );

    // A candidate held back by the floor is still a credential in a tracked file.
    t.write("svc/.env", "DEBUG=1\nwidgetval=Sm4ll-Va1ue\n");
    let c = explain(&t, &["svc/.env", "--min-confidence", "high"]);
    assert_eq!(verdict(&c, "widgetval-assignment").0, "below_min_confidence");
    let (reason, detail) = verdict(&c, "dotenv-file");
    assert_eq!(reason, "below_min_confidence");
    assert!(detail.contains("medium confidence"), "{detail}");
    let c = explain(&t, &["svc/.env"]);
    assert_eq!(verdict(&c, "dotenv-file").0, "path_folded");
}

#[test]
fn line_limits_the_answer_to_one_line() {
    let t = tree("");
    t.write(
        "a.txt",
        format!("key: wgt_{}\nkey: wgt_{}\n", alnum(208, 20), "ab".repeat(10)),
    );
    let c = explain(&t, &["a.txt", "--line", "2"]);
    assert_eq!(c.len(), 1, "{c:#?}");
    assert_eq!(c[0]["reason"], "low_entropy");
}

#[test]
fn a_password_hash_in_test_material_is_low_and_explain_says_why() {
    let t = Tree::new();
    let line = format!("admin:$apr1${}${}\n", alnum(301, 8), alnum(302, 22));
    t.write("site/.htpasswd", &line);
    t.write("tests/fixtures/.htpasswd", &line);
    // The site's hash is reported; the test's own login is not, at the default confidence.
    let r = t.run(&["dir", ".", "-f", "json"]);
    let paths: Vec<String> = r.json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(paths, ["site/.htpasswd"], "{}", r.stderr);
    let (reason, detail) = verdict(&explain(&t, &["tests/fixtures/.htpasswd"]), "unix-password-hash");
    assert_eq!(reason, "below_min_confidence");
    assert!(detail.contains("test material"), "{detail}");
    let (reason, _) = verdict(
        &explain(&t, &["tests/fixtures/.htpasswd", "--min-confidence", "low"]),
        "unix-password-hash",
    );
    assert_eq!(reason, "reported");
}
