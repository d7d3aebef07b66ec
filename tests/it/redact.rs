//! `leakhound redact`: byte-for-byte pass-through, masking of every rule's examples, secrets split
//! across pipe writes, JSON lines, live output and bounded memory on a long stream.

use std::io::{Read, Write};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use leakhound::scan::{Scanner, Scratch, SecretAllow};

use crate::util::{alnum, bin, github_pat, run_stdin, Tree};

/// Starts `leakhound redact ARGS` in `cwd` with piped stdin and stdout.
fn spawn(cwd: &std::path::Path, args: &[&str]) -> Child {
    Command::new(bin())
        .arg("redact")
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn leakhound redact")
}

/// Reads the child's stdout on a thread, chunk by chunk, as it arrives.
fn reader(child: &mut Child) -> mpsc::Receiver<Vec<u8>> {
    let mut out = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = vec![0u8; 1 << 16];
        loop {
            match out.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if tx.send(buf[..n].to_vec()).is_err() {
                        break;
                    }
                }
            }
        }
    });
    rx
}

/// Collects output from `rx` until it holds `want` bytes ending with `\n` or `timeout` passes.
fn receive_line(rx: &mpsc::Receiver<Vec<u8>>, got: &mut Vec<u8>, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    while !got.ends_with(b"\n") {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(chunk) => got.extend_from_slice(&chunk),
            Err(_) => return false,
        }
    }
    true
}

fn redact(t: &Tree, args: &[&str], input: &[u8]) -> (i32, Vec<u8>, String) {
    let mut child = spawn(t.path(), args);
    let mut stdin = child.stdin.take().unwrap();
    let data = input.to_vec();
    let w = std::thread::spawn(move || {
        let _ = stdin.write_all(&data);
    });
    let out = child.wait_with_output().unwrap();
    w.join().unwrap();
    (
        out.status.code().unwrap_or(-1),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn clean_input_passes_byte_for_byte_including_binary_and_invalid_utf8() {
    let t = Tree::new();
    let mut input = Vec::new();
    input.extend_from_slice(b"plain line\r\nno secrets here\n\n\n");
    input.extend_from_slice(b"invalid utf-8: \xff\xfe\xc3\x28 \xe2\x82 and NUL \x00\x00 bytes\n");
    let mut x = 0x2545_f491_4f6c_dd1du64;
    for _ in 0..300_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        input.push(x as u8);
    }
    // A line longer than the redactor's long-line limit, then input that ends without a newline.
    input.extend(b"lorem ipsum dolor sit amet ".iter().cycle().take(3 << 20));
    input.extend_from_slice(b"\nlast line without newline \xf0\x9f\x90");
    let (code, out, err) = redact(&t, &[], &input);
    assert_eq!(code, 0, "{err}");
    assert!(
        out == input,
        "output differs from clean input ({} vs {} bytes)",
        out.len(),
        input.len()
    );
    assert!(err.contains("0 secrets masked"), "{err}");
    let (code, out, _) = redact(&t, &["-q"], b"");
    assert_eq!((code, out.len()), (0, 0));
}

#[test]
fn every_builtin_rule_example_is_masked_with_its_provider_visible() {
    let t = Tree::new();
    let rules = std::sync::Arc::new(leakhound::config::builtin_rules().unwrap());
    let scanner = Scanner::new(rules.clone(), SecretAllow::default()).unwrap();
    let mut scratch = Scratch::default();
    let (mut checked, mut path_only) = (0, Vec::new());
    for rule in &rules.rules {
        for ex in &rule.spec.examples {
            let input = format!("{ex}\n");
            let mut found = Vec::new();
            scanner.scan(input.as_bytes(), &mut scratch, &mut found);
            // Rules restricted to some paths do not apply to a stream (as in `leakhound stdin`).
            found.retain(|m| {
                rules.rules[m.rule]
                    .path_regex()
                    .is_none_or(|re| re.is_match(b"<stdin>"))
            });
            if found.is_empty() {
                path_only.push(rule.spec.id.clone());
                continue;
            }
            let (code, out, err) = redact(&t, &["-q"], input.as_bytes());
            assert_eq!(code, 0, "{err}");
            let mut covered = 0;
            for m in &found {
                let secret = input.as_bytes()[m.start..m.end].trim_ascii();
                let id = &rules.rules[m.rule].spec.id;
                assert!(
                    !contains(&out, secret),
                    "{}: secret left in output:\n{}",
                    rule.spec.id,
                    String::from_utf8_lossy(&out)
                );
                // A secret inside another one (a PEM key inside a service-account file) goes
                // with the outer mask.
                if m.end > covered {
                    let mask = format!("[REDACTED:{id}:");
                    assert!(contains(&out, mask.as_bytes()), "{}: no {mask} in output", rule.spec.id);
                }
                covered = covered.max(m.end);
            }
            assert_eq!(
                out.iter().filter(|&&b| b == b'\n').count(),
                input.matches('\n').count(),
                "{}: line count changed",
                rule.spec.id
            );
            checked += 1;
        }
    }
    assert!(
        checked >= rules.len() * 3 / 4 && path_only.len() < rules.len() / 4,
        "only {checked} examples checked for {} rules; skipped as path-restricted: {path_only:?}",
        rules.len()
    );
}

#[test]
fn a_secret_split_across_pipe_writes_is_masked() {
    let t = Tree::new();
    let token = github_pat(7);
    let pem_body: String = (0..6).map(|i| alnum(40 + i, 64) + "\n").collect();
    let stream = format!(
        "first line\nexport GITHUB_TOKEN={token}\nbetween\n-----BEGIN RSA PRIVATE KEY-----\n{pem_body}-----END RSA PRIVATE KEY-----\nlast\n"
    );
    let mut child = spawn(t.path(), &["-q"]);
    let rx = reader(&mut child);
    let mut stdin = child.stdin.take().unwrap();
    // Small timed writes: the token is cut inside its keyword and inside its body, the key block
    // arrives over many reads.
    for piece in stream.as_bytes().chunks(7) {
        stdin.write_all(piece).unwrap();
        stdin.flush().unwrap();
        std::thread::sleep(Duration::from_millis(3));
    }
    drop(stdin);
    let mut out = Vec::new();
    while let Ok(chunk) = rx.recv_timeout(Duration::from_secs(20)) {
        out.extend_from_slice(&chunk);
    }
    assert!(child.wait().unwrap().success());
    let out = String::from_utf8(out).unwrap();
    assert!(!out.contains(&token[4..]), "{out}");
    assert!(
        out.contains("export GITHUB_TOKEN=[REDACTED:github-classic-pat:ghp_…"),
        "{out}"
    );
    for line in pem_body.lines() {
        assert!(!out.contains(line), "key body line left in output:\n{out}");
    }
    assert!(
        out.contains("-----BEGIN RSA PRIVATE KEY-----\n[REDACTED:private-key-pem:"),
        "{out}"
    );
    assert_eq!(out.lines().count(), stream.lines().count(), "{out}");
    assert!(out.starts_with("first line\n") && out.ends_with("-----END RSA PRIVATE KEY-----\nlast\n"));
}

#[test]
fn output_for_a_line_arrives_before_input_ends() {
    let t = Tree::new();
    let mut child = spawn(t.path(), &["-q"]);
    let rx = reader(&mut child);
    let mut stdin = child.stdin.take().unwrap();
    let mut got = Vec::new();
    stdin.write_all(b"starting agent\n").unwrap();
    stdin.flush().unwrap();
    assert!(receive_line(&rx, &mut got, Duration::from_secs(10)), "no live output");
    assert_eq!(got, b"starting agent\n");
    got.clear();
    let token = github_pat(8);
    stdin
        .write_all(format!("Authorization: token {token}\n").as_bytes())
        .unwrap();
    stdin.flush().unwrap();
    assert!(receive_line(&rx, &mut got, Duration::from_secs(10)), "no live output");
    let line = String::from_utf8(got).unwrap();
    assert!(
        line.starts_with("Authorization: token [REDACTED:github-classic-pat:"),
        "{line}"
    );
    // A key header holds output only while a key may follow; a mere mention does not.
    let mut got = Vec::new();
    stdin
        .write_all(b"grep -rn 'BEGIN RSA PRIVATE KEY-----' src/\n")
        .unwrap();
    stdin.flush().unwrap();
    assert!(
        receive_line(&rx, &mut got, Duration::from_secs(10)),
        "a mention was held back"
    );
    drop(stdin);
    assert!(child.wait().unwrap().success());
}

#[test]
fn json_lines_stay_valid_json_with_secrets_masked_in_strings() {
    let t = Tree::new();
    let token = github_pat(9);
    let escaped_token = format!("\\u0067{}", &token[1..]);
    let pem = format!(
        "-----BEGIN PRIVATE KEY-----\\n{}\\n{}\\n-----END PRIVATE KEY-----\\n",
        alnum(60, 64),
        alnum(61, 64)
    );
    let lines = [
        format!(r#"{{"z":1,"role":"tool","content":"export GH={token} done","n":1.50e3}}"#),
        format!(r#"  [{{"deep":{{"list":["a","{token}"]}}}}, "x\"y"]"#),
        format!(r#"{{"escaped":"{escaped_token}","key":"{pem}"}}"#),
        format!(r#"{{"AWS_SECRET_ACCESS_KEY": "{}"}}"#, alnum(62, 40)),
        format!("not json: {token}"),
        r#"{"clean":"line","with":["no",{"secret":false}]}"#.to_string(),
        format!(
            r#"{{"note":"\u0067{}","why":"test fixture, leakhound:allow"}}"#,
            &github_pat(12)[1..]
        ),
    ];
    let input = lines.join("\n") + "\n";
    let (code, out, err) = redact(&t, &["--json-lines", "-q"], input.as_bytes());
    assert_eq!(code, 0, "{err}");
    let out = String::from_utf8(out).unwrap();
    let got: Vec<&str> = out.lines().collect();
    assert_eq!(got.len(), lines.len(), "{out}");
    assert!(
        !out.contains(&token[4..]) && !out.contains(&alnum(60, 64)) && !out.contains(&alnum(62, 40)),
        "{out}"
    );
    for (i, l) in got.iter().enumerate() {
        if i != 4 {
            let v: serde_json::Value =
                serde_json::from_str(l).unwrap_or_else(|e| panic!("line {i} invalid ({e}): {l}"));
            assert!(!v.is_null());
        }
    }
    // Only the masked string changes: key order, spacing and numbers stay as written.
    assert!(
        got[0].starts_with(r#"{"z":1,"role":"tool","content":"export GH=[REDACTED:github-classic-pat:ghp_…"#),
        "{}",
        got[0]
    );
    assert!(got[0].ends_with(r#" done","n":1.50e3}"#), "{}", got[0]);
    assert!(
        got[1].starts_with(r#"  [{"deep":{"list":["a","[REDACTED:github-classic-pat:"#),
        "{}",
        got[1]
    );
    assert!(
        got[2].contains("private-key-pem") && got[2].contains(r#""escaped":"[REDACTED:github-classic-pat:"#),
        "{}",
        got[2]
    );
    assert!(got[3].contains("[REDACTED:aws-secret-access-key:"), "{}", got[3]);
    assert!(
        got[4].starts_with("not json: [REDACTED:github-classic-pat:"),
        "{}",
        got[4]
    );
    assert_eq!(got[5], lines[5]);
    assert_eq!(got[6], lines[6], "a line with an allow comment passes unchanged");
}

#[test]
fn allow_comments_config_mask_report_and_exit_code() {
    let t = Tree::new();
    let token = github_pat(10);
    let other = github_pat(11);
    t.write(".leakhound.toml", format!("[allow]\nsecrets = ['{}']\n", &other));
    let input = format!("a {token} # leakhound:allow\nb {other}\nc {token}\n");
    let report = t.path().join("found.jsonl");
    let (code, out, err) = redact(
        &t,
        &[
            "--mask",
            "<{provider}:{rule}:{fingerprint}>",
            "--report",
            report.to_str().unwrap(),
            "--exit-code",
            "3",
        ],
        input.as_bytes(),
    );
    assert_eq!(code, 3, "{err}");
    let out = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], format!("a {token} # leakhound:allow"));
    assert_eq!(lines[1], format!("b {other}"));
    assert!(
        lines[2].starts_with("c <GitHub:github-classic-pat:lh1:") && lines[2].ends_with('>'),
        "{out}"
    );
    assert!(err.contains("1 secret masked"), "{err}");
    let text = std::fs::read_to_string(&report).unwrap();
    let findings: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(findings.len(), 1, "{text}");
    let f = &findings[0];
    assert_eq!(
        (f["rule_id"].as_str(), f["line"].as_u64(), f["column"].as_u64()),
        (Some("github-classic-pat"), Some(3), Some(3))
    );
    assert!(f["runbook"]["url"].as_str().unwrap().starts_with("https://"));
    assert!(!text.contains(&token[4..]), "the report holds the secret");
    assert!(lines[2].contains(f["fingerprint"].as_str().unwrap()));
    // Without --exit-code, masking is not a failure; a bad mask is.
    let (code, _, _) = redact(&t, &["-q"], input.as_bytes());
    assert_eq!(code, 0);
    let r = run_stdin(t.path(), &["redact", "--mask", "{secret}"], b"x\n");
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("unknown placeholder"), "{}", r.stderr);
}

#[test]
fn secrets_inside_a_very_long_line_are_masked_across_chunks() {
    let t = Tree::new();
    let mut input = Vec::new();
    let mut tokens = Vec::new();
    for i in 0..12 {
        input.extend(std::iter::repeat_n(b'x', 250_000 + i * 7919));
        input.push(b' ');
        let tok = github_pat(200 + i as u64);
        input.extend_from_slice(tok.as_bytes());
        input.push(b' ');
        tokens.push(tok);
    }
    input.push(b'\n');
    let (code, out, err) = redact(&t, &["-q"], &input);
    assert_eq!(code, 0, "{err}");
    let mut expected = input.clone();
    for tok in &tokens {
        assert!(!contains(&out, tok.as_bytes()));
        let at = expected.windows(tok.len()).position(|w| w == tok.as_bytes()).unwrap();
        let mask = format!("[REDACTED:github-classic-pat:{}…{}]", &tok[..4], &tok[tok.len() - 2..]);
        expected.splice(at..at + tok.len(), mask.bytes());
    }
    assert!(out == expected, "output differs beyond the masks");
}

#[test]
fn a_long_stream_is_redacted_with_bounded_memory() {
    let t = Tree::new();
    let mut child = spawn(t.path(), &["-q"]);
    let pid = child.id();
    let rx = reader(&mut child);
    let counter = std::thread::spawn(move || {
        let (mut bytes, mut masks) = (0usize, 0usize);
        let needle = b"[REDACTED:github-classic-pat:";
        let mut carry = Vec::new();
        while let Ok(chunk) = rx.recv() {
            bytes += chunk.len();
            carry.extend_from_slice(&chunk);
            masks += carry.windows(needle.len()).filter(|w| w == needle).count();
            let keep = carry.len().saturating_sub(needle.len() - 1);
            carry.drain(..keep);
        }
        (bytes, masks)
    });
    let mut stdin = child.stdin.take().unwrap();
    let line = b"2026-11-23T10:00:00Z INFO worker=7 request ok path=/v1/items status=200 bytes=5123\n";
    let mut block = Vec::new();
    while block.len() < 1 << 20 {
        block.extend_from_slice(line);
    }
    let total_mb = 128;
    let mut tokens = 0;
    for i in 0..total_mb {
        stdin.write_all(&block).unwrap();
        stdin
            .write_all(format!("auth {}\n", github_pat(500 + i)).as_bytes())
            .unwrap();
        tokens += 1;
    }
    stdin.flush().unwrap();
    // Give the child a moment to drain the pipe, then read its peak memory while it is alive.
    std::thread::sleep(Duration::from_millis(300));
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    drop(stdin);
    assert!(child.wait().unwrap().success());
    let (bytes, masks) = counter.join().unwrap();
    assert_eq!(masks, tokens);
    assert!(bytes > total_mb as usize * (1 << 20));
    if let Some(hwm) = status.lines().find(|l| l.starts_with("VmHWM:")) {
        let kb: u64 = hwm.split_whitespace().nth(1).unwrap().parse().unwrap();
        assert!(kb < 64 * 1024, "peak RSS {kb} kB after {total_mb} MB of input");
    }
}

/// Found by the `redact` fuzz target (issue #9): with `--json-lines`, a secret that runs over
/// several raw lines (a PEM key pasted into a log) was sliced as if it ended on its first line,
/// and the filter panicked.
#[test]
fn json_lines_with_a_raw_multi_line_key_masks_it_instead_of_panicking() {
    let t = Tree::new();
    let body: String = (0..6).map(|i| alnum(70 + i, 64) + "\n").collect();
    let input = format!(
        "{{\"a\":1}}\n-----BEGIN RSA PRIVATE KEY-----\n{body}-----END RSA PRIVATE KEY-----\n{{\"k\":\"v\"}}\nlast"
    );
    let (code, out, err) = redact(&t, &["--json-lines", "-q"], input.as_bytes());
    assert_eq!(code, 0, "{err}");
    let out = String::from_utf8(out).unwrap();
    for line in body.lines() {
        assert!(!out.contains(line), "key body line left in output:\n{out}");
    }
    assert!(out.contains("[REDACTED:private-key-pem:"), "{out}");
    assert_eq!(out.lines().count(), input.lines().count(), "{out}");
    assert!(out.starts_with("{\"a\":1}\n-----BEGIN RSA PRIVATE KEY-----\n"), "{out}");
    assert!(
        out.ends_with("-----END RSA PRIVATE KEY-----\n{\"k\":\"v\"}\nlast"),
        "{out}"
    );
}
