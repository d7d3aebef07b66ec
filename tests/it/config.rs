//! `.leakhound.toml` and inline allow comments.

use crate::util::{github_pat, Tree};

const CUSTOM_RULE: &str = r#"
[[rules]]
id = "acme-token"
name = "Acme API token"
provider = "Acme"
description = "Grants full access to an Acme account."
regex = '''\b(?P<secret>acme_[a-z0-9]{16})\b'''
keywords = ["acme_"]
severity = "high"
confidence = "high"
examples = ["ACME=acme_k3j4h5g6f7d8s9a0"]
negative_examples = ["acme_short"]
[rules.runbook]
url = "https://acme.example/docs/revoke"
steps = "1. Revoke the token in the Acme console."
"#;

#[test]
fn allow_comments_from_us_gitleaks_and_detect_secrets_drop_findings_on_their_line() {
    let t = Tree::new();
    t.write(
        "a.py",
        format!(
            "a = '{}'  # leakhound:allow\nb = '{}'  # gitleaks:allow\nc = '{}'  # pragma: allowlist secret\nd = '{}'\n",
            github_pat(30),
            github_pat(31),
            github_pat(32),
            github_pat(33)
        ),
    );
    let r = t.run(&["dir", ".", "-f", "json"]);
    let f = r.findings();
    assert_eq!(f.len(), 1);
    assert_eq!(f[0]["line"], 4);
    assert_eq!(r.json()["scan"]["suppressed"]["inline_allow"], 3);
}

#[test]
fn the_default_config_at_the_root_allowlists_paths_secrets_and_stopwords_and_disables_rules() {
    let t = Tree::new();
    let allowed_secret = github_pat(40);
    t.write("fixtures/sample.txt", github_pat(41));
    t.write("a.txt", format!("{allowed_secret}\n"));
    t.write("b.txt", format!("{}\n", github_pat(42)));
    t.write("c.txt", "ACME=acme_k3j4h5g6f7d8s9a0\n");
    t.write(
        ".leakhound.toml",
        format!(
            "[allow]\npaths = [\"fixtures/**\"]\nsecrets = ['''^{allowed_secret}$''']\nstopwords = []\n{CUSTOM_RULE}"
        ),
    );
    let r = t.run(&["dir", ".", "-f", "json"]);
    let mut paths: Vec<String> = r
        .findings()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    paths.sort();
    assert_eq!(paths, vec!["b.txt", "c.txt"], "{}", r.stderr);
    // The fixture and the configuration file itself (its custom rule's example would match).
    assert_eq!(r.json()["scan"]["files_skipped"]["allowlisted"], 2);

    t.write(
        ".leakhound.toml",
        format!("disable = [\"github-classic-pat\"]\n{CUSTOM_RULE}"),
    );
    let r = t.run(&["dir", ".", "-f", "json"]);
    assert_eq!(r.rule_ids(), vec!["acme-token"]);

    t.write(".leakhound.toml", format!("builtin_rules = false\n{CUSTOM_RULE}"));
    let r = t.run(&["dir", ".", "-f", "json"]);
    assert_eq!(r.json()["scan"]["rules_loaded"], 1);
}

#[test]
fn an_invalid_config_names_the_file_and_line() {
    let t = Tree::new();
    t.write("x.txt", "hello");
    t.write("bad.toml", "[allow]\npaths = [\"ok\"]\nunknown_key = 3\n");
    let r = t.run(&["dir", ".", "-c", "bad.toml"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("bad.toml:3"), "{}", r.stderr);
}

#[test]
fn an_invalid_custom_regex_names_the_rule() {
    let t = Tree::new();
    t.write("x.txt", "hello");
    t.write("bad.toml", CUSTOM_RULE.replace("[a-z0-9]{16})", "[a-z0-9]{16}"));
    let r = t.run(&["dir", ".", "-c", "bad.toml"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("acme-token") && r.stderr.contains("invalid regex"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_custom_regex_that_would_explode_is_rejected() {
    let t = Tree::new();
    t.write("x.txt", "hello");
    t.write("bad.toml", CUSTOM_RULE.replace("[a-z0-9]{16}", "(?u:\\w{1000}){1000}"));
    let r = t.run(&["dir", ".", "-c", "bad.toml"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("acme-token"), "{}", r.stderr);
}

#[test]
fn placeholders_and_documented_examples_are_not_findings_but_are_counted() {
    let t = Tree::new();
    t.write(
        "a.env",
        "GITHUB_TOKEN=${GITHUB_TOKEN}\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\npassword = \"changeme\"\n",
    );
    let r = t.run(&["dir", ".", "-f", "json"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(r.json()["scan"]["suppressed"]["placeholder"].as_u64().unwrap() >= 1);
}
