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

fn catalogue() -> Vec<serde_json::Value> {
    let r = Tree::new().run(&["rules", "list", "--format", "json"]);
    r.json().as_array().unwrap().clone()
}

#[test]
fn the_catalogue_has_at_least_600_rules_for_450_providers() {
    let rules = catalogue();
    let providers: std::collections::BTreeSet<&str> = rules.iter().map(|r| r["provider"].as_str().unwrap()).collect();
    assert!(rules.len() >= 600, "only {} rules", rules.len());
    assert!(providers.len() >= 450, "only {} providers", providers.len());
}

/// Providers whose revocation page lives on a parent company's or sister product's domain.
const PARENT_DOMAINS: &[(&str, &str)] = &[
    ("Anthropic", "claude.com"),
    ("Azure DevOps", "microsoft.com"),
    ("Azure OpenAI", "microsoft.com"),
    ("Bitbucket", "atlassian.com"),
    ("CockroachDB Cloud", "cockroachlabs.com"),
    ("Commerce.js", "chec.io"),
    ("Develocity", "gradle.com"),
    ("Finicity", "mastercard.com"),
    ("InfluxDB", "influxdata.com"),
    ("Infura", "metamask.io"),
    ("Jira", "atlassian.com"),
    ("LlamaCloud", "llamaindex.ai"),
    ("Loggly", "solarwinds.com"),
    ("Looker", "cloud.google.com"),
    ("NetSuite", "oracle.com"),
    ("Onfido", "entrust.com"),
    ("Pepipost", "netcorecloud.com"),
    ("Percy", "browserstack.com"),
    ("PowerShell SecureString", "microsoft.com"),
    ("PsExec", "microsoft.com"),
    ("SaladCloud", "salad.com"),
    ("Stitch", "qlik.com"),
    ("Sunshine Conversations", "zendesk.com"),
    ("TruffleHog Enterprise", "trufflesecurity.com"),
    ("Typetalk", "nulab.com"),
    ("Vagrant Cloud", "hashicorp.com"),
    ("LangSmith", "langchain.com"),
    ("Linode", "akamai.com"),
    ("Meta", "facebook.com"),
    ("NuGet", "microsoft.com"),
    ("Opsgenie", "atlassian.com"),
    ("PuTTY", "the.earth.li"),
    ("SendGrid", "twilio.com"),
    ("Trello", "atlassian.com"),
    ("Weights & Biases", "wandb.ai"),
    ("X (Twitter)", "x.com"),
    ("xAI", "x.ai"),
];

/// Providers whose own documentation is a GitHub repository of theirs: the URL must be under
/// that organisation's path, not just on github.com.
const GITHUB_HOMES: &[(&str, &str)] = &[("Paymo", "paymoapp"), ("Sidekiq", "sidekiq")];

/// Credential kinds with no issuing provider: the runbook points at the standard or the tool's
/// own documentation instead.
const NO_PROVIDER: &[(&str, &str)] = &[
    ("Generic", "no single issuer: OWASP's secrets-management guidance"),
    (
        "Password hash",
        "a hash of a password any system may hold: OWASP's password-storage guidance",
    ),
    (
        "JSON Web Token",
        "a format (RFC 7519): the signing key's owner rotates it",
    ),
    ("JSON Web Key", "a format (RFC 7517): the key's owner rotates it"),
    (
        "Database",
        "any database server: the server's own password-change documentation",
    ),
    (
        "Private key",
        "keys are self-issued: CA revocation (Let's Encrypt), OpenSSH and GnuPG documentation",
    ),
    (
        "Sensitive file",
        "a file, not a credential: GitHub's guide to removing sensitive data",
    ),
    (
        "age",
        "a file-encryption tool whose documentation lives in its GitHub repository",
    ),
];

#[test]
fn every_runbook_url_is_on_the_providers_own_domain_or_a_documented_exception() {
    let mut wrong = Vec::new();
    for r in catalogue() {
        let provider = r["provider"].as_str().unwrap();
        let url = r["runbook_url"].as_str().unwrap();
        assert!(url.starts_with("https://"), "{url}");
        let rest = &url["https://".len()..];
        let host_raw = rest.split('/').next().unwrap().to_ascii_lowercase();
        // `geocod.io`, `insight.ly`, `z.ai`: the name is spelled across the dots.
        let host = host_raw.replace(['-', '.'], "");
        let norm: String = provider
            .to_ascii_lowercase()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect();
        let own = host.contains(&norm)
            || provider
                .to_ascii_lowercase()
                .split(|c: char| !c.is_ascii_alphanumeric())
                .any(|t| t.len() >= 3 && host.contains(t));
        let parent = PARENT_DOMAINS.iter().any(|(p, d)| *p == provider && host_raw.ends_with(d))
            // Every Azure service documents its keys on Microsoft Learn.
            || (provider.starts_with("Azure ") && host_raw == "learn.microsoft.com")
            || GITHUB_HOMES.iter().any(|(p, org)| {
                *p == provider && host_raw == "github.com" && rest.split('/').nth(1) == Some(org)
            });
        let exempt = NO_PROVIDER.iter().any(|(p, _)| *p == provider);
        if !(own || parent || exempt) {
            wrong.push(format!("{} ({provider}): {url}", r["id"]));
        }
    }
    assert!(
        wrong.is_empty(),
        "runbook URLs off the provider's domain:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn docs_rules_md_is_the_generated_catalogue() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let generated = Tree::new().run(&["rules", "list", "--format", "markdown"]).stdout;
    let committed = std::fs::read_to_string(root.join("docs/RULES.md")).unwrap_or_default();
    assert!(
        generated == committed,
        "docs/RULES.md is out of date: run `cargo run -- rules list --format markdown > docs/RULES.md`"
    );
}

#[test]
fn docs_coverage_md_is_generated_and_lists_every_provider_once() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let generated = Tree::new().run(&["rules", "list", "--format", "coverage"]).stdout;
    let committed = std::fs::read_to_string(root.join("docs/COVERAGE.md")).unwrap_or_default();
    assert!(
        generated == committed,
        "docs/COVERAGE.md is out of date: run `cargo run -- rules list --format coverage > docs/COVERAGE.md`"
    );
    // Every provider of the catalogue has its row with all of its rules, and a provider left out on
    // purpose is not one that has rules after all.
    let (covered, left_out) = generated.split_once("## Left out").expect("a Left out section");
    let rules = catalogue();
    for r in &rules {
        let id = format!("`{}`", r["id"].as_str().unwrap());
        let provider = r["provider"].as_str().unwrap();
        let row = covered
            .lines()
            .find(|l| l.contains(&id))
            .unwrap_or_else(|| panic!("{id} is in no row of docs/COVERAGE.md"));
        assert!(
            row.starts_with(&format!("| {provider} |")),
            "{id} is not in {provider}'s row: {row}"
        );
    }
    let providers: std::collections::BTreeSet<String> = rules
        .iter()
        .map(|r| r["provider"].as_str().unwrap().to_lowercase())
        .collect();
    for line in left_out
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| provider"))
    {
        let name = line[2..].split(" | ").next().unwrap().to_lowercase();
        assert!(!providers.contains(&name), "{name} is listed as left out but has rules");
    }
}
