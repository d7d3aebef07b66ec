//! `leakhound rules`: list, show, check, and every built-in rule proving its own examples.

use crate::util::Tree;

#[test]
fn every_builtin_rule_passes_its_own_check() {
    let t = Tree::new();
    let r = t.run(&["rules", "check"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("0 problems"));
}

#[test]
fn list_shows_every_rule_in_text_and_json() {
    let t = Tree::new();
    let json = t.run(&["rules", "list", "--format", "json"]);
    let rules = json.json();
    let rules = rules.as_array().unwrap();
    assert!(rules.iter().any(|r| r["id"] == "github-classic-pat"));
    for r in rules {
        for field in ["id", "provider", "severity", "confidence", "keywords", "runbook_url"] {
            assert!(!r[field].is_null(), "{field} missing in {r}");
        }
    }
    let text = t.run(&["rules", "list"]);
    assert_eq!(text.stdout.lines().count(), rules.len() + 1);
}

#[test]
fn show_prints_the_whole_rule_with_its_runbook_and_unknown_ids_fail() {
    let t = Tree::new();
    let r = t.run(&["rules", "show", "github-classic-pat"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("Revoke and rotate: https://"));
    assert!(r.stdout.contains("ghp_"));
    let r = t.run(&["rules", "show", "no-such-rule"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no-such-rule"));
}

#[test]
fn check_reports_each_broken_custom_rule_precisely() {
    let t = Tree::new();
    t.write(
        "bad.toml",
        r#"builtin_rules = false
[[rules]]
id = "acme-token"
name = "Acme token"
provider = "Acme"
description = "Grants access to Acme."
regex = '''acme_(?P<secret>[a-z0-9]{12})'''
keywords = ["acme_"]
severity = "high"
confidence = "high"
examples = ["acme_zzzzzzzzzzzz"]
negative_examples = ["acme_k3j4h5g6f7d8 is not negative"]
[rules.runbook]
url = "https://acme.example/revoke"
steps = "1. Revoke it."
"#,
    );
    let r = t.run(&["rules", "check", "--config", "bad.toml"]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(r.stderr.contains("acme-token"), "{}", r.stderr);
    assert!(r.stderr.contains("example 1 is not found"), "{}", r.stderr);
    assert!(r.stderr.contains("negative example 1 is reported"), "{}", r.stderr);
}

#[test]
fn a_two_part_credential_is_reported_once_with_its_pair() {
    let t = Tree::new();
    let key_id = format!("{}{}", "AKIA", crate::util::alnum(7, 16).to_ascii_uppercase());
    let secret = crate::util::alnum(8, 40);
    t.write(
        "creds.ini",
        format!("[default]\naws_access_key_id = {key_id}\naws_secret_access_key = {secret}\n"),
    );
    let r = t.run(&["dir", ".", "-f", "json"]);
    let f = r.findings();
    assert_eq!(f.len(), 1, "{}", r.stdout);
    assert_eq!(f[0]["rule_id"], "aws-secret-access-key");
    assert_eq!(f[0]["pair"]["rule_id"], "aws-access-key-id");
    assert_eq!(f[0]["pair"]["line"], 2);
    assert!(!r.stdout.contains(&key_id) && !r.stdout.contains(&secret));
    // Far apart, they are two findings.
    t.write(
        "creds.ini",
        format!(
            "aws_access_key_id = {key_id}\n{}\naws_secret_access_key = {secret}\n",
            "#\n".repeat(800)
        ),
    );
    let r = t.run(&["dir", ".", "-f", "json"]);
    assert_eq!(r.findings().len(), 2, "{}", r.stdout);
}
