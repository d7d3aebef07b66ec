//! Triage in directory scans: grouping by secret, shared environments, priority order, and the
//! markdown remediation report. (Exposure in git history is covered by the git tests.)

use crate::util::{github_pat, Tree};

/// A high-entropy password, assembled at run time.
fn generic_password() -> String {
    ["kQ9vX2mL", "w8ZpR4tN", "7bY1"].concat()
}

fn shared_key_tree() -> (Tree, String) {
    let t = Tree::new();
    let shared = github_pat(70);
    t.write("config/dev.yml", format!("github:\n  token: {shared}\n"));
    t.write("config/prod.yml", format!("github:\n  token: {shared}\n"));
    t.write("scripts/seed.py", format!("DB_PASSWORD = \"{}\"\n", generic_password()));
    (t, shared)
}

#[test]
fn the_same_secret_is_one_group_with_occurrences_and_shared_environments() {
    let (t, _) = shared_key_tree();
    // The generic assignment is low confidence: shown only when asked for.
    let r = t.run(&["dir", ".", "-f", "json", "--min-confidence", "low"]);
    let f = r.findings();
    let gh: Vec<_> = f.iter().filter(|x| x["rule_id"] == "github-classic-pat").collect();
    assert_eq!(gh.len(), 2);
    assert_eq!(gh[0]["group"], gh[1]["group"]);
    assert_eq!(gh[0]["occurrences"], 2);
    assert_eq!(gh[0]["shared_environments"], serde_json::json!(["dev", "prod"]));
    let generic = f
        .iter()
        .find(|x| x["rule_id"] == "generic-secret-assignment")
        .expect("generic finding");
    assert_ne!(generic["group"], gh[0]["group"]);
    assert_eq!(generic["occurrences"], 1);
    assert!(generic.get("shared_environments").is_none());
    // Priority: a critical, high-confidence token outranks a low-confidence generic assignment.
    assert_eq!(gh[0]["priority"], "critical");
    assert_ne!(generic["priority"], "critical");
    assert_eq!(gh[0]["group"], 1);
}

#[test]
fn text_prints_each_secret_once_with_locations_beneath_in_priority_order() {
    let (t, _) = shared_key_tree();
    let r = t.run(&["dir", ".", "--min-confidence", "low"]);
    let first = r.stdout.find("GitHub classic personal access token").unwrap();
    let generic = r.stdout.find("Generic").unwrap();
    assert!(first < generic, "highest priority first:\n{}", r.stdout);
    assert_eq!(r.stdout.matches("secret  ghp_").count(), 1, "{}", r.stdout);
    assert!(r.stdout.contains("where   config/dev.yml:2:10"));
    assert!(r.stdout.contains("where   config/prod.yml:2:10"));
    assert!(r.stdout.contains("shared across environments: dev, prod"));
}

#[test]
fn markdown_report_has_a_checklist_per_unique_secret_and_no_secret() {
    let (t, shared) = shared_key_tree();
    let r = t.run(&["dir", ".", "-f", "markdown", "--min-confidence", "low"]);
    assert_eq!(r.code, 1);
    let md = &r.stdout;
    assert!(md.contains("found **2 unique secrets** in 3 locations"), "{md}");
    assert_eq!(md.matches("- [ ] **Revoke**").count(), 2);
    assert_eq!(
        md.matches("- [ ] **Issue a replacement** and store it in a secrets manager")
            .count(),
        2
    );
    assert!(md.contains("- [ ] **Update every consumer**"));
    assert!(md.contains("- [ ] **Check the provider's usage and audit logs**"));
    assert!(md.contains("Purging never replaces revocation"));
    assert!(md.contains("## 1. [critical] GitHub classic personal access token"));
    assert!(md.find("## 1.").unwrap() < md.find("## 2.").unwrap());
    assert!(!md.contains(&shared) && !md.contains(&generic_password()));
}

/// Issue 15: a path rule alone is reported only where the file is shared. In a work tree that
/// means git's index lists it; an untracked or ignored file, or one outside any work tree, is not.
#[test]
fn sensitive_files_are_flagged_by_path_only_when_git_tracks_them() {
    let t = Tree::new();
    let git = |args: &[&str]| {
        let ok = std::process::Command::new("git")
            .args(args)
            .current_dir(t.path().join("repo"))
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .status()
            .unwrap();
        assert!(ok.success());
    };
    std::fs::create_dir_all(t.path().join("repo")).unwrap();
    git(&["init", "-q"]);
    t.write("repo/.gitignore", "local/.env\n");
    t.write("repo/.env", "DEBUG=1\npassword=hello\n");
    t.write("repo/local/.env", "DEBUG=1\n");
    t.write("repo/.env.example", "DEBUG=1\n");
    t.write("repo/certs/release.keystore", [0u8, 1, 2, 3]);
    t.write("repo/untracked/.env", "DEBUG=1\n");
    t.write("outside/.env", "DEBUG=1\n");
    git(&["add", ".env", ".env.example", "certs/release.keystore"]);
    let r = t.run(&["dir", "repo", "outside", "-f", "json"]);
    let found: Vec<(String, String, String)> = r
        .findings()
        .iter()
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap().to_string();
            (s("rule_id"), s("path"), s("severity"))
        })
        .collect();
    assert!(
        found.contains(&("dotenv-file".into(), "repo/.env".into(), "high".into())),
        "{found:?}"
    );
    assert!(
        found.contains(&(
            "keystore-file".into(),
            "repo/certs/release.keystore".into(),
            "high".into()
        )),
        "{found:?}"
    );
    assert_eq!(
        found.len(),
        2,
        "untracked, ignored and outside files are not findings: {found:?}"
    );
    let runbook = r.findings()[0]["runbook"]["steps"].as_str().unwrap().to_string();
    assert!(runbook.contains("Rotate") || runbook.contains("Revoke"));
}
