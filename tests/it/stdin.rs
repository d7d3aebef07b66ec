//! `leakhound stdin`: streams, labels, start-up.

use crate::util::{github_pat, run_stdin, Tree};

#[test]
fn stdin_findings_carry_the_label_and_line() {
    let t = Tree::new();
    let input = format!("hello\nexport GH={}\n", github_pat(20));
    let r = run_stdin(
        t.path(),
        &["stdin", "--label", "ci.log", "-f", "json"],
        input.as_bytes(),
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let f = &r.findings()[0];
    assert_eq!((f["path"].as_str(), f["line"].as_u64()), (Some("ci.log"), Some(2)));
}

#[test]
fn a_long_stream_is_scanned_in_chunks_without_losing_secrets_at_boundaries() {
    let t = Tree::new();
    let mut input = Vec::new();
    let mut expected_lines = Vec::new();
    let mut line_no = 1u64;
    let mut seed = 100;
    // ~20 MB with a token placed every ~1.3 MB so that some straddle the 4 MiB chunk edges.
    while input.len() < 20 << 20 {
        for _ in 0..20_000 {
            input.extend_from_slice(b"2026-11-23T10:00:00Z INFO request ok path=/v1/items\n");
            line_no += 1;
        }
        input.extend_from_slice(b"auth ");
        input.extend_from_slice(github_pat(seed).as_bytes());
        input.push(b'\n');
        expected_lines.push(line_no);
        line_no += 1;
        seed += 1;
    }
    let r = run_stdin(t.path(), &["stdin", "-f", "jsonl"], &input);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let mut lines: Vec<u64> = r
        .stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["line"]
                .as_u64()
                .unwrap()
        })
        .collect();
    lines.sort();
    assert_eq!(lines, expected_lines);
}

#[test]
fn clean_input_exits_zero() {
    let t = Tree::new();
    let r = run_stdin(t.path(), &["stdin"], b"nothing to see here\n");
    assert_eq!(r.code, 0);
    assert!(r.stdout.is_empty());
    assert!(r.stderr.contains("0 findings"), "{}", r.stderr);
}

/// Regression: a long run of one keyword repeated at every byte (`aaaa…` is a prefix of a rule's
/// keyword) used to create one window per byte and took half a minute per 3 MB.
#[test]
fn a_megabytes_long_run_of_keyword_hits_is_scanned_once() {
    let t = Tree::new();
    let mut input = vec![b'a'; 3 << 20];
    input.extend_from_slice(format!(" {}\n", github_pat(300)).as_bytes());
    let r = run_stdin(t.path(), &["stdin", "-f", "json"], &input);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.rule_ids(), vec!["github-classic-pat"]);
}
