//! Output formats, redaction, exit codes, output files and baselines.

use crate::util::{github_pat, Tree};

fn leaky_tree() -> (Tree, Vec<String>) {
    let t = Tree::new();
    let secrets = vec![github_pat(50), github_pat(51)];
    t.write("src/app.py", format!("import os\nTOKEN = \"{}\"\n", secrets[0]));
    t.write("deploy/app.env", format!("GH={}\n", secrets[1]));
    (t, secrets)
}

#[test]
fn no_format_prints_a_full_secret_without_no_redact() {
    let (t, secrets) = leaky_tree();
    for fmt in ["text", "json", "jsonl", "sarif"] {
        let r = t.run(&["dir", ".", "-f", fmt]);
        assert_eq!(r.code, 1, "{fmt}: {}", r.stderr);
        for s in &secrets {
            assert!(
                !r.stdout.contains(s.as_str()) && !r.stderr.contains(s.as_str()),
                "{fmt} leaked a secret"
            );
            assert!(!r.stdout.contains(&s[4..34]), "{fmt} leaked the secret's body");
        }
    }
    let r = t.run(&["dir", ".", "-f", "json", "--no-redact"]);
    assert!(secrets.iter().all(|s| r.stdout.contains(s.as_str())));
}

#[test]
fn json_is_sorted_and_carries_the_scan_summary() {
    let (t, _) = leaky_tree();
    let r = t.run(&["dir", ".", "-f", "json"]);
    let v = r.json();
    let paths: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, vec!["deploy/app.env", "src/app.py"]);
    let scan = &v["scan"];
    assert_eq!(scan["source"], "dir");
    assert_eq!(scan["files_scanned"], 2);
    assert!(scan["bytes_scanned"].as_u64().unwrap() > 60);
    assert!(scan["rules_loaded"].as_u64().unwrap() >= 1);
    assert!(v["version"].is_string());
    for f in v["findings"].as_array().unwrap() {
        assert!(f["fingerprint"].as_str().unwrap().starts_with("lh1:"));
        assert!(f["secret"].as_str().unwrap().contains('…'));
    }
}

#[test]
fn jsonl_is_one_finding_per_line() {
    let (t, _) = leaky_tree();
    let r = t.run(&["dir", ".", "-f", "jsonl"]);
    let lines: Vec<serde_json::Value> = r.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    assert!(lines.iter().all(|f| f["rule_id"] == "github-classic-pat"));
}

#[test]
fn text_names_rule_provider_place_redacted_secret_and_runbook() {
    let (t, _) = leaky_tree();
    let r = t.run(&["dir", "."]);
    assert!(r.stdout.contains("GitHub classic personal access token (GitHub)"));
    assert!(r.stdout.contains("src/app.py:2:10"));
    assert!(r.stdout.contains("revoke  https://"));
    assert!(r.stdout.contains("ghp_…"));
    assert!(r.stderr.contains("2 findings"));
    assert!(!r.stdout.contains("\x1b["), "no colour when not a terminal");
}

#[test]
fn exit_code_flag_and_output_file_with_private_mode() {
    let (t, _) = leaky_tree();
    let r = t.run(&["dir", ".", "--exit-code", "7", "-f", "json", "-o", "report.json"]);
    assert_eq!(r.code, 7);
    assert!(r.stdout.is_empty());
    let path = t.path().join("report.json");
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(v["findings"].as_array().unwrap().len(), 2);
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    let leftovers: Vec<_> = std::fs::read_dir(t.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".leakhound-"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left behind");
}

#[test]
fn bad_flags_exit_2() {
    let t = Tree::new();
    assert_eq!(t.run(&["dir", "--format", "yaml"]).code, 2);
    assert_eq!(t.run(&["dir", "--threads", "0"]).code, 2);
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let (t, _) = leaky_tree();
    for i in 0..300 {
        t.write(&format!("many/f{i}.txt"), github_pat(1000 + i));
    }
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "'{}' dir . | head -n 1; echo \"status=${{PIPESTATUS[0]}}\"",
            crate::util::bin().display()
        ))
        .current_dir(t.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("panicked") && !stderr.contains("Broken pipe"),
        "{stderr}"
    );
}

#[test]
fn baselines_suppress_by_content_survive_moves_and_report_stale_entries() {
    let (t, secrets) = leaky_tree();
    let r = t.run(&["dir", ".", "-f", "json", "--write-baseline", "baseline.json"]);
    assert_eq!(r.code, 1);
    let text = std::fs::read_to_string(t.path().join("baseline.json")).unwrap();
    assert!(
        secrets.iter().all(|s| !text.contains(s.as_str())),
        "baseline holds a secret"
    );
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let fps: Vec<&str> = doc["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["fingerprint"].as_str().unwrap())
        .collect();
    let found: Vec<String> = r
        .findings()
        .iter()
        .map(|f| f["fingerprint"].as_str().unwrap().to_string())
        .collect();
    assert!(
        found.iter().all(|f| fps.contains(&f.as_str())),
        "same fingerprint spelling in JSON and baseline"
    );

    // Move a secret to another file and line: still suppressed. A new secret on the same line is not.
    std::fs::remove_file(t.path().join("src/app.py")).unwrap();
    t.write("lib/moved.py", format!("\n\n\nX = \"{}\"\n", secrets[0]));
    t.write("deploy/app.env", format!("GH={}\n", github_pat(52)));
    let r = t.run(&[
        "dir",
        ".",
        "-f",
        "json",
        "--baseline",
        "baseline.json",
        "--report-stale",
    ]);
    let f = r.findings();
    assert_eq!(f.len(), 1, "{}", r.stdout);
    assert_eq!(f[0]["path"], "deploy/app.env");
    assert_eq!(r.json()["scan"]["suppressed"]["baseline"], 1);
    assert!(r.stderr.contains("stale baseline entry"), "{}", r.stderr);
}

#[test]
fn sarif_is_valid_against_the_official_schema_and_has_what_github_needs() {
    let (t, secrets) = leaky_tree();
    let r = t.run(&["dir", ".", "-f", "sarif"]);
    let sarif = r.json();
    let schema_path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/sarif-schema-2.1.0.json");
    let schema: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");

    let run = &sarif["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "leakhound");
    let rules = driver["rules"].as_array().unwrap();
    let rule = rules.iter().find(|r| r["id"] == "github-classic-pat").unwrap();
    assert!(rule["help"]["markdown"].as_str().unwrap().contains("Revoke"));
    assert!(rule["helpUri"].as_str().unwrap().starts_with("https://"));
    assert!(rule["properties"]["security-severity"].is_string());
    assert!(rule["properties"]["tags"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t == "secret"));
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    for res in results {
        let idx = res["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], res["ruleId"]);
        let loc = &res["locations"][0]["physicalLocation"];
        assert!(!loc["artifactLocation"]["uri"].as_str().unwrap().starts_with('/'));
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
        assert!(loc["region"]["endColumn"].as_u64().is_some());
        assert!(res["partialFingerprints"]["secretFingerprint/v1"]
            .as_str()
            .unwrap()
            .starts_with("lh1:"));
        assert!(res["message"]["text"].as_str().unwrap().contains("GitHub"));
    }
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
    for s in &secrets {
        assert!(
            !r.stdout.contains(s.as_str()) && !r.stdout.contains(&s[4..34]),
            "SARIF holds a secret"
        );
    }
}
