//! Hostile inputs (issue #9): names and content that try to drive the terminal, files that are huge,
//! sparse, one endless line, mostly NUL, devices, links out of the root, files that change while
//! they are read, files the user may not read (as `nobody` through `setpriv` when run as root),
//! rule sets that are empty, enormous or explosive, and scans that fail after the report file was
//! opened. Every case: the documented exit status, a clear message, and no crash. Archives, images
//! and repositories have their hostile cases in archive.rs, image.rs and git.rs.

use std::io::{Seek, SeekFrom, Write};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::util::{github_pat, run_in, Tree};

/// Characters that can move the cursor, change colours, set the title or reorder what is shown.
fn assert_terminal_safe(what: &str, s: &str) {
    let bad: Vec<char> = s
        .chars()
        .filter(|&c| {
            (c.is_control() && c != '\n')
                || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        })
        .collect();
    assert!(bad.is_empty(), "{what} printed raw control characters {bad:?}:\n{s}");
}

fn rule_toml(id: &str, keyword: &str, regex: &str, extra: &str) -> String {
    format!(
        r#"
[[rules]]
id = "{id}"
name = "Evil token"
provider = "Evil Corp"
description = "Grants everything."
regex = '''{regex}'''
keywords = ["{keyword}"]
severity = "high"
confidence = "high"
{extra}
[rules.runbook]
url = "https://evil.example/revoke"
steps = "1. Revoke it."
"#
    )
}

#[test]
fn control_characters_in_names_content_and_rule_fields_never_reach_the_terminal() {
    let t = Tree::new();
    // A file name that sets the window title, clears the screen and starts a fake new line, and
    // one with a raw 8-bit CSI byte (not UTF-8).
    let evil_name = "evil\x1b]0;pwned\x07\x1b[2J\nleakhound: clean.txt";
    t.write(evil_name, format!("TOKEN={}\n", github_pat(900)));
    std::fs::write(
        t.path().join(std::ffi::OsStr::from_bytes(b"csi\x9b2J.txt")),
        format!("TOKEN={}\n", github_pat(901)),
    )
    .unwrap();
    // Matched content carrying escapes, found by a custom rule whose description and runbook
    // steps carry more (and a bidi override in its name).
    t.write(
        "content.txt",
        "evilkey=\x1b[31mred\x1b]0;title\x07\u{9b}2J\u{202e}drowssap\n",
    );
    let config = rule_toml("evil-token", "evilkey=", r"(?P<secret>evilkey=[^\n]{8,80})", "")
        .replace("Evil token", "Evil \u{202e}token")
        .replace("Grants everything.", "Grants\\u001b[2J everything.\\u0007")
        .replace("1. Revoke it.", "1. Revoke \\u001b]0;x\\u0007it.");
    t.write("cfg/leakhound.toml", config);
    let cfg = ["-c", "cfg/leakhound.toml"];

    for redact in [true, false] {
        for fmt in ["text", "markdown"] {
            let mut args = vec!["dir", ".", "-f", fmt];
            args.extend(cfg);
            if !redact {
                args.push("--no-redact");
            }
            let r = t.run(&args);
            assert_eq!(r.code, 1, "{fmt}: {}", r.stderr);
            assert_terminal_safe(fmt, &r.stdout);
            assert_terminal_safe("stderr", &r.stderr);
            if fmt == "text" {
                assert!(
                    r.stdout
                        .contains("evil\\u{1b}]0;pwned\\u{7}\\u{1b}[2J\\nleakhound: clean.txt"),
                    "{}",
                    r.stdout
                );
                assert_eq!(r.stdout.matches("  where   ").count(), 3, "{}", r.stdout);
                if !redact {
                    assert!(r.stdout.contains("evilkey=\\u{1b}[31mred"), "{}", r.stdout);
                }
            }
        }
    }
    for args in [
        vec!["rules", "show", "evil-token", "-c", "cfg/leakhound.toml"],
        vec!["rules", "list", "-c", "cfg/leakhound.toml"],
        vec!["rules", "list", "-f", "markdown", "-c", "cfg/leakhound.toml"],
    ] {
        let r = t.run(&args);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        assert_terminal_safe(&args.join(" "), &r.stdout);
    }

    // Machine formats keep the real bytes and stay valid.
    let r = t.run(&["dir", ".", "-f", "json", "--no-redact", "-c", "cfg/leakhound.toml"]);
    let paths: Vec<String> = r
        .findings()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    assert!(paths.iter().any(|p| p == evil_name), "{paths:?}");
    assert!(r
        .findings()
        .iter()
        .any(|f| f["secret"].as_str().unwrap().contains("\x1b[31m")));
    let r = t.run(&["dir", ".", "-f", "jsonl", "-c", "cfg/leakhound.toml"]);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", r.stdout);
    for l in lines {
        serde_json::from_str::<serde_json::Value>(l).expect("each JSON line parses");
    }
    let r = t.run(&["dir", ".", "-f", "sarif", "-c", "cfg/leakhound.toml"]);
    assert_eq!(r.json()["runs"][0]["results"].as_array().unwrap().len(), 3);

    // Error messages naming a hostile path stay on one line.
    std::os::unix::fs::symlink(t.path().join("gone"), t.path().join("dangling\x1b[2J\nname")).unwrap();
    let r = t.run(&["dir", ".", "--follow", "-c", "cfg/leakhound.toml"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_terminal_safe("stderr", &r.stderr);
    assert!(r.stderr.contains("dangling\\u{1b}[2J\\nname"), "{}", r.stderr);
}

#[test]
fn a_custom_rule_with_control_characters_in_its_link_or_name_is_rejected() {
    let t = Tree::new();
    t.write("x.txt", "hello\n");
    let base = rule_toml("evil-token", "evilkey=", r"(?P<secret>evilkey=\S+)", "");
    for (bad, field) in [
        (
            base.replace("https://evil.example/revoke", "https://evil.example/\\u001b]8;;x"),
            "runbook.url",
        ),
        (
            base.replace("https://evil.example/revoke", "https://evil.example/a b"),
            "runbook.url",
        ),
        (base.replace("Evil token", "Evil\\u001b[2J token"), "name"),
    ] {
        t.write("bad.toml", bad);
        let r = t.run(&["dir", ".", "-c", "bad.toml"]);
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(
            r.stderr.contains(field) && r.stderr.contains("evil-token"),
            "{}",
            r.stderr
        );
        assert_terminal_safe("stderr", &r.stderr);
    }
}

/// Writes a sparse file of `len` bytes: 16 KiB of text lines (so it does not look binary), a hole,
/// and `tail` at the very end. Returns the number of lines in the head.
fn sparse_file(path: &Path, len: u64, tail: &[u8]) -> u64 {
    let mut f = std::fs::File::create(path).unwrap();
    let head = b"2026-11-23 INFO starting up\n".repeat(16 << 10 >> 5);
    f.write_all(&head).unwrap();
    f.set_len(len - tail.len() as u64).unwrap();
    f.seek(SeekFrom::End(0)).unwrap();
    f.write_all(tail).unwrap();
    head.iter().filter(|&&b| b == b'\n').count() as u64
}

#[test]
fn a_4gb_sparse_file_is_skipped_at_once_and_streamed_to_its_last_byte_when_allowed() {
    let t = Tree::new();
    let len = 4u64 << 30;
    let tail = format!("\nTOKEN={}\n", github_pat(902));
    let head_lines = sparse_file(&t.path().join("huge.img"), len, tail.as_bytes());
    t.write("small.txt", format!("{}\n", github_pat(903)));

    let started = Instant::now();
    let r = t.run(&["dir", ".", "-f", "json"]);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.json()["scan"]["files_skipped"]["too_large"], 1);
    assert_eq!(r.findings().len(), 1);

    let r = t.run(&["dir", "huge.img", "-f", "json", "--max-file-size", "8G"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let f = r.findings();
    assert_eq!(f.len(), 1);
    // The hole has no newline: the tail's newline ends the line it started.
    assert_eq!(f[0]["line"].as_u64(), Some(head_lines + 2));
    assert_eq!(r.json()["scan"]["bytes_scanned"], len);
}

#[test]
fn a_100mb_file_of_one_line_is_scanned_to_the_secret_at_its_end() {
    let t = Tree::new();
    let filler = 100_000_000usize;
    let mut body = Vec::with_capacity(filler + 64);
    // Words and spaces, so every window edge search has work to do, and no keyword anywhere.
    while body.len() < filler {
        body.extend_from_slice(b"lorem ipsum ");
    }
    body.truncate(filler - 1);
    body.push(b' ');
    body.extend_from_slice(github_pat(904).as_bytes());
    t.write("one-line.min.js", &body);
    let r = t.run(&["dir", ".", "-f", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let f = r.findings();
    assert_eq!(f.len(), 1);
    assert_eq!(
        (f[0]["line"].as_u64(), f[0]["column"].as_u64()),
        (Some(1), Some(filler as u64 + 1))
    );
}

#[test]
fn nul_heavy_binaries_are_skipped_unless_asked_and_never_taken_for_text() {
    let t = Tree::new();
    // Mostly NULs with runs of noise and a token in the middle: a core dump or a disk image.
    let mut body = vec![0u8; 1 << 20];
    let mut x = 0x2545_f491_4f6c_dd1du64;
    for i in (0..body.len()).step_by(97) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        body[i] = x as u8;
    }
    let pat = github_pat(905);
    body[500_000..500_000 + pat.len()].copy_from_slice(pat.as_bytes());
    t.write("core.dump", &body);
    // Every other byte NUL but also NUL runs: not UTF-16.
    let mut pairs = Vec::new();
    for i in 0..20_000u32 {
        pairs.extend_from_slice(&[(i % 251) as u8, 0, 0, 0]);
    }
    t.write("table.bin", &pairs);
    let r = t.run(&["dir", ".", "-f", "json"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(r.json()["scan"]["files_skipped"]["binary"], 2);
    let r = t.run(&["dir", ".", "-f", "json", "--include-binary"]);
    assert_eq!(r.findings().len(), 1, "{}", r.stderr);
}

fn is_root() -> bool {
    let out = std::process::Command::new("id").arg("-u").output().unwrap();
    String::from_utf8_lossy(&out.stdout).trim() == "0"
}

#[test]
fn device_files_are_never_opened_even_through_a_followed_link() {
    let t = Tree::new();
    t.write("a.txt", format!("{}\n", github_pat(906)));
    // Not /dev/null: a process elsewhere on a shared machine that renames a file onto it turns it
    // into a regular file, and the test would then be about that machine, not about leakhound.
    std::os::unix::fs::symlink("/dev/urandom", t.path().join("urandom")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", t.path().join("zero")).unwrap();
    let r = t.run(&["dir", ".", "-f", "json"]);
    assert_eq!(r.json()["scan"]["files_skipped"]["symlink"], 2);
    let r = t.run(&["dir", ".", "-f", "json", "--follow"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.json()["scan"]["files_skipped"]["special"], 2);
    assert_eq!(r.findings().len(), 1);
    // Named directly, too.
    let r = t.run(&["dir", "/dev/zero", "-f", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["scan"]["files_skipped"]["special"], 1);

    if !is_root() {
        eprintln!("skipped the mknod case: creating a device node needs root");
        return;
    }
    // A character device like /dev/zero inside the tree: reading it would never end.
    let made = std::process::Command::new("mknod")
        .arg(t.path().join("endless"))
        .args(["c", "1", "5"])
        .output()
        .unwrap();
    if !made.status.success() {
        eprintln!(
            "skipped the mknod case: mknod failed ({})",
            String::from_utf8_lossy(&made.stderr).trim()
        );
        return;
    }
    let started = Instant::now();
    let r = t.run(&["dir", ".", "-f", "json"]);
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.json()["scan"]["files_skipped"]["special"], 1);
}

#[test]
fn symlinks_leading_out_of_the_root_are_not_followed_by_default() {
    let outside = Tree::new();
    outside.write("secret/creds.txt", format!("{}\n", github_pat(907)));
    let t = Tree::new();
    t.write("inside.txt", "nothing here\n");
    let rel = pathdiff(outside.path(), t.path());
    std::os::unix::fs::symlink(&rel, t.path().join("up")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret/creds.txt"), t.path().join("creds")).unwrap();
    let r = t.run(&["dir", ".", "-f", "json"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(r.json()["scan"]["files_skipped"]["symlink"], 2);
    let r = t.run(&["dir", ".", "-f", "json", "--follow"]);
    assert_eq!(r.findings().len(), 2, "{}", r.stderr);
}

/// `to` spelled relative to `from` through `..`, as a hostile repository would.
fn pathdiff(to: &Path, from: &Path) -> std::path::PathBuf {
    let mut up = std::path::PathBuf::new();
    for _ in from.components().skip(1) {
        up.push("..");
    }
    up.join(to.strip_prefix("/").unwrap())
}

#[test]
fn files_truncated_or_grown_while_being_read_do_not_crash_the_scan() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    let t = Tree::new();
    let line = format!("line {} end\n", github_pat(908));
    let big: Vec<u8> = line.as_bytes().repeat((12 << 20) / line.len());
    for i in 0..4 {
        t.write(&format!("f{i}.log"), &big);
    }
    let stop = Arc::new(AtomicBool::new(false));
    let (flag, dir) = (stop.clone(), t.path().to_path_buf());
    let churn = std::thread::spawn(move || {
        let mut round = 0u64;
        while !flag.load(Ordering::Relaxed) {
            for i in 0..4 {
                let p = dir.join(format!("f{i}.log"));
                let Ok(mut f) = std::fs::OpenOptions::new().write(true).open(&p) else {
                    continue;
                };
                match (round + i) % 3 {
                    0 => f.set_len(0).unwrap(),
                    1 => {
                        f.seek(SeekFrom::End(0)).unwrap();
                        f.write_all(&big[..1 << 20]).unwrap();
                    }
                    _ => f.set_len(20 << 20).unwrap(),
                }
            }
            round += 1;
        }
    });
    for _ in 0..8 {
        let r = t.run(&["dir", ".", "-f", "json", "-j", "4"]);
        assert!((0..=2).contains(&r.code), "exit {}: {}", r.code, r.stderr);
        assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
        r.json();
    }
    stop.store(true, Ordering::Relaxed);
    churn.join().unwrap();
}

#[test]
fn an_empty_rule_set_is_an_error_never_a_clean_report() {
    let t = Tree::new();
    t.write("a.txt", format!("{}\n", github_pat(909)));
    t.write("none.toml", "builtin_rules = false\n");
    let r = t.run(&["dir", ".", "-c", "none.toml", "-f", "json"]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    assert!(
        r.stderr.contains("none.toml") && r.stderr.contains("no rules"),
        "{}",
        r.stderr
    );

    let r = run_in(t.path(), &["rules", "list", "-f", "json"]);
    let ids: Vec<String> = serde_json::from_str::<serde_json::Value>(&r.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|r| format!("{:?}", r["id"].as_str().unwrap()))
        .collect();
    t.write("all-off.toml", format!("disable = [{}]\n", ids.join(", ")));
    let r = t.run(&["dir", ".", "-c", "all-off.toml", "-f", "sarif"]);
    assert_eq!(r.code, 2);
    assert!(r.stdout.is_empty() && r.stderr.contains("every rule"), "{}", r.stderr);
    let r = crate::util::run_stdin(t.path(), &["stdin", "-c", "none.toml"], b"hello\n");
    assert_eq!(r.code, 2, "{}", r.stderr);
}

#[test]
fn thousands_of_custom_rules_load_and_scan() {
    let t = Tree::new();
    let mut config = String::from("builtin_rules = false\n");
    for i in 0..3000 {
        config.push_str(&rule_toml(
            &format!("custom-{i}"),
            &format!("kw{i:04}_"),
            &format!(r"\b(?P<secret>kw{i:04}_[a-z0-9]{{16}})\b"),
            "",
        ));
    }
    t.write("many.toml", config);
    t.write(
        "a.txt",
        "x = kw0042_abcdefgh12345678\ny = kw2999_zyxwvuts98765432\nz = kw3000_abcdefgh12345678\n",
    );
    let started = Instant::now();
    let r = t.run(&["dir", "a.txt", "-c", "many.toml", "-f", "json"]);
    eprintln!("3000 rules: loaded and scanned in {:?}", started.elapsed());
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.rule_ids(), vec!["custom-42", "custom-2999"]);
    assert_eq!(r.json()["scan"]["rules_loaded"], 3000);
}

#[test]
fn patterns_that_would_compile_huge_are_rejected_with_a_clear_message() {
    let t = Tree::new();
    t.write("x.txt", "hello\n");
    let huge = r"(?u:\w{1000}){1000}";
    let cases = [
        (
            rule_toml("evil-token", "evilkey=", &format!("(?P<secret>evilkey={huge})"), ""),
            "evil-token",
        ),
        (
            rule_toml(
                "evil-token",
                "evilkey=",
                r"(?P<secret>evilkey=\S+)",
                &format!("path = '''{huge}'''"),
            ),
            "evil-token",
        ),
        (format!("[allow]\nsecrets = ['''{huge}''']\n"), "allow.secrets"),
    ];
    for (config, named) in cases {
        t.write("big.toml", config);
        let started = Instant::now();
        let r = t.run(&["dir", ".", "-c", "big.toml"]);
        assert!(started.elapsed() < Duration::from_secs(20));
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(
            r.stderr.contains(named) && r.stderr.contains("size limit"),
            "{}",
            r.stderr
        );
    }
}

fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".leakhound-"))
        .collect()
}

#[test]
fn a_scan_that_fails_leaves_no_partial_report_and_keeps_the_old_one() {
    let t = Tree::new();
    t.write("src/a.txt", format!("{}\n", github_pat(910)));
    std::fs::create_dir(t.path().join("out")).unwrap();
    for fmt in ["json", "jsonl", "sarif", "text"] {
        // The walk fails after the report file was opened (an invalid glob is found then).
        let r = t.run(&["dir", "src", "-f", fmt, "-o", "out/report", "--exclude", "[z-a"]);
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(!t.path().join("out/report").exists(), "{fmt} left a partial report");
        assert!(leftovers(&t.path().join("out")).is_empty());
    }
    t.write("out/report", "previous report\n");
    let r = t.run(&["dir", "src", "-f", "jsonl", "-o", "out/report", "--exclude", "[z-a"]);
    assert_eq!(r.code, 2);
    assert_eq!(
        std::fs::read_to_string(t.path().join("out/report")).unwrap(),
        "previous report\n"
    );
    // The destination is a directory: the report cannot be renamed into place.
    let r = t.run(&["dir", "src", "-f", "json", "-o", "out"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("out"), "{}", r.stderr);
    assert!(leftovers(&t.path().join(".")).is_empty() && leftovers(&t.path().join("out")).is_empty());
    let r = t.run(&["dir", "src", "-o", "out/report"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(std::fs::read_to_string(t.path().join("out/report"))
        .unwrap()
        .contains("where"));
}

fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
    let mark = if bom { Some(0xFEFF) } else { None };
    mark.into_iter()
        .chain(text.encode_utf16())
        .flat_map(|u| if big_endian { u.to_be_bytes() } else { u.to_le_bytes() })
        .collect()
}

#[test]
fn utf16_files_are_transcoded_not_skipped_and_positions_stay_right() {
    let t = Tree::new();
    let (a, b, c) = (github_pat(911), github_pat(912), github_pat(913));
    // What PowerShell's `>` writes: UTF-16LE with a mark, CRLF line ends, non-ASCII before the token.
    t.write(
        "ps-out.txt",
        utf16(&format!("header\r\ncafé ☕\r\nkey = {a}\r\n"), false, true),
    );
    t.write("dump.reg", utf16(&format!("x\n\u{1f511} {b}\n"), true, false));
    // Over the stream threshold: the transcoding reader, chunk by chunk.
    let filler = "lorem ipsum dolor sit amet\n".repeat(400_000);
    t.write("big.log", utf16(&format!("{filler}token {c}\n"), false, true));
    let r = t.run(&["dir", ".", "-f", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let got: Vec<(String, u64, u64)> = r
        .findings()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("big.log".to_string(), 400_001, 7),
            ("dump.reg".to_string(), 2, 4), // the key emoji is two UTF-16 units
            ("ps-out.txt".to_string(), 3, 7),
        ]
    );
    assert!(r.json()["scan"]["files_skipped"].get("binary").is_none());

    let r = crate::util::run_stdin(
        t.path(),
        &["stdin", "-f", "json"],
        &utf16(&format!("a\nb {a}\n"), false, false),
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        (r.findings()[0]["line"].as_u64(), r.findings()[0]["column"].as_u64()),
        (Some(2), Some(3))
    );
}

#[test]
fn an_unreadable_file_is_an_error_naming_it_and_the_rest_is_still_scanned() {
    use std::os::unix::fs::PermissionsExt;
    let t = Tree::new();
    t.write("good.txt", format!("{}\n", github_pat(920)));
    let locked = t.write("locked.txt", format!("{}\n", github_pat(921)));
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    // An unprivileged user must reach the tree and write the report.
    std::fs::set_permissions(t.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::create_dir(t.path().join("out")).unwrap();
    std::fs::set_permissions(t.path().join("out"), std::fs::Permissions::from_mode(0o777)).unwrap();
    let args = ["dir", ".", "-f", "json", "-o", "out/report.json"];
    let out = if !is_root() {
        std::process::Command::new(crate::util::bin())
            .args(args)
            .current_dir(t.path())
            .output()
            .unwrap()
    } else {
        // Root reads a 0000 file anyway: drop to `nobody` with util-linux's setpriv.
        let has_setpriv = std::process::Command::new("setpriv")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        if !has_setpriv {
            eprintln!("skipped: running as root and setpriv (util-linux) is not installed, so no unprivileged user can be used");
            return;
        }
        std::process::Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .arg(crate::util::bin())
            .args(args)
            .current_dir(t.path())
            .output()
            .unwrap()
    };
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr
            .lines()
            .any(|l| l.contains("error") && l.contains("locked.txt") && l.contains("ermission denied")),
        "no error naming the unreadable file: {stderr}"
    );
    let doc = crate::util::whole_report(&t.path().join("out"), "report.json");
    let paths: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["good.txt"], "{stderr}");
}
