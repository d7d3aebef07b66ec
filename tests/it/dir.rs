//! `leakhound dir`: what is walked, what is skipped, and how bad inputs are reported.

use crate::util::{github_pat, Tree};

#[test]
fn finds_a_token_in_a_hidden_gitignored_file_with_position_and_runbook() {
    let t = Tree::new();
    let tok = github_pat(1);
    t.write(".gitignore", ".env\n");
    t.write(".env", format!("A=1\nGITHUB_TOKEN={tok}\n"));
    let r = t.run(&["dir", ".", "-f", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let findings = r.findings();
    let f = findings
        .iter()
        .find(|f| f["rule_id"] == "github-classic-pat")
        .expect("token found");
    assert_eq!(f["path"], ".env");
    assert_eq!((f["line"].as_u64(), f["column"].as_u64()), (Some(2), Some(14)));
    assert_eq!(f["end_column"].as_u64(), Some(14 + 40));
    assert!(f["runbook"]["url"]
        .as_str()
        .unwrap()
        .starts_with("https://docs.github.com/"));
    assert!(!f["runbook"]["steps"].as_str().unwrap().is_empty());
}

#[test]
fn respect_gitignore_skips_ignored_files_and_exclude_skips_globs() {
    let t = Tree::new();
    t.write(".gitignore", "ignored.txt\n");
    t.write("ignored.txt", github_pat(2));
    t.write("vendor/lib.txt", github_pat(3));
    t.write("kept.txt", github_pat(4));
    let all = t.run(&["dir", ".", "-f", "json"]);
    assert_eq!(all.findings().len(), 3);
    let r = t.run(&[
        "dir",
        ".",
        "-f",
        "json",
        "--respect-gitignore",
        "--exclude",
        "vendor/**",
    ]);
    let paths: Vec<String> = r
        .findings()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(paths, vec!["kept.txt"]);
    assert_eq!(r.json()["scan"]["files_skipped"]["excluded"], 1);
}

#[test]
fn the_insides_of_git_directories_are_skipped() {
    let t = Tree::new();
    t.write(".git/config", github_pat(5));
    t.write("src/main.rs", "fn main() {}\n");
    let r = t.run(&["dir", "."]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
}

#[test]
fn symlinks_are_not_followed_unless_asked_and_loops_are_reported() {
    let t = Tree::new();
    let outside = Tree::new();
    outside.write("secret.txt", github_pat(6));
    std::os::unix::fs::symlink(outside.path(), t.path().join("link")).unwrap();
    std::os::unix::fs::symlink(t.path().join("missing"), t.path().join("broken")).unwrap();
    let r = t.run(&["dir", ".", "-f", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["scan"]["files_skipped"]["symlink"], 2);

    let r = t.run(&["dir", ".", "-f", "json", "--follow"]);
    assert_eq!(r.rule_ids(), vec!["github-classic-pat"]);
    assert_eq!(r.code, 2, "a broken link is an unreadable input: {}", r.stderr);
    assert!(r.stderr.contains("broken"), "{}", r.stderr);

    let loopy = Tree::new();
    loopy.write("a/file.txt", github_pat(7));
    std::os::unix::fs::symlink(loopy.path().join("a"), loopy.path().join("a/again")).unwrap();
    let r = loopy.run(&["dir", ".", "-f", "json", "--follow"]);
    assert_eq!(r.findings().len(), 1, "the file is still scanned once");
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("loop"), "{}", r.stderr);
}

#[test]
fn fifos_are_skipped_without_blocking() {
    let t = Tree::new();
    let fifo = t.path().join("pipe");
    let ok = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(ok.success());
    t.write("a.txt", github_pat(8));
    let r = t.run(&["dir", ".", "-f", "json"]);
    assert_eq!(r.findings().len(), 1);
    assert_eq!(r.json()["scan"]["files_skipped"]["special"], 1);
}

#[test]
fn binary_and_oversized_files_are_skipped_and_counted_unless_asked() {
    let t = Tree::new();
    let mut bin = vec![0u8, 1, 2, 3];
    bin.extend_from_slice(format!(" {} ", github_pat(9)).as_bytes());
    t.write("blob.bin", &bin);
    t.write("big.txt", format!("{}\n{}", "x".repeat(5000), github_pat(10)));
    let r = t.run(&["dir", ".", "-f", "json", "--max-file-size", "4K"]);
    assert_eq!(r.code, 0);
    let skipped = &r.json()["scan"]["files_skipped"];
    assert_eq!(
        (skipped["binary"].as_u64(), skipped["too_large"].as_u64()),
        (Some(1), Some(1))
    );
    let r = t.run(&["dir", ".", "-f", "json", "--include-binary"]);
    assert_eq!(r.findings().len(), 2);
}

#[test]
fn a_large_file_is_streamed_and_secrets_across_chunk_boundaries_are_found() {
    let t = Tree::new();
    // Two tokens straddling the 4 MiB chunk edge, well past the 8 MiB stream threshold.
    let mut body = Vec::new();
    let line = b"lorem ipsum dolor sit amet, consectetur adipiscing elit\n";
    while body.len() < (4 << 20) - 20 {
        body.extend_from_slice(line);
    }
    body.extend_from_slice(github_pat(11).as_bytes());
    body.push(b'\n');
    while body.len() < (9 << 20) {
        body.extend_from_slice(line);
    }
    body.extend_from_slice(github_pat(12).as_bytes());
    body.push(b'\n');
    let lines_before_last = body[..body.len() - 41].iter().filter(|&&b| b == b'\n').count() as u64;
    t.write("huge.log", &body);
    let r = t.run(&["dir", ".", "-f", "json"]);
    let f = r.findings();
    assert_eq!(f.len(), 2, "{}", r.stderr);
    assert_eq!(f[1]["line"].as_u64(), Some(lines_before_last + 1));
    assert_eq!(f[1]["column"].as_u64(), Some(1));
}

#[test]
fn non_utf8_names_and_content_are_scanned() {
    use std::os::unix::ffi::OsStrExt;
    let t = Tree::new();
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.txt");
    let mut content = b"\xff\xfe garbage \xc3\x28 token=".to_vec();
    content.extend_from_slice(github_pat(13).as_bytes());
    std::fs::write(t.path().join(name), content).unwrap();
    let r = t.run(&["dir", ".", "-f", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let f = &r.findings()[0];
    assert!(f["path"].as_str().unwrap().starts_with("caf"));
}

#[test]
fn an_unreadable_file_is_reported_the_rest_is_scanned_and_the_exit_code_is_2() {
    let t = Tree::new();
    t.write("ok.txt", github_pat(14));
    let locked = t.write("locked.txt", github_pat(15));
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    std::fs::set_permissions(t.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    // Root reads everything; drop to `nobody` when we are root so the permission really bites.
    let is_root = unsafe_free_uid() == 0;
    let out = if is_root {
        std::process::Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(crate::util::bin())
            .args(["dir", ".", "-f", "json"])
            .current_dir(t.path())
            .output()
            .expect("setpriv")
    } else {
        std::process::Command::new(crate::util::bin())
            .args(["dir", ".", "-f", "json"])
            .current_dir(t.path())
            .output()
            .unwrap()
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("locked.txt"), "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["findings"].as_array().unwrap().len(), 1);
    assert_eq!(v["findings"][0]["path"], "ok.txt");
}

fn unsafe_free_uid() -> u32 {
    let out = std::process::Command::new("id").arg("-u").output().unwrap();
    String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
}

#[test]
fn a_missing_root_is_an_error_not_a_clean_scan() {
    let t = Tree::new();
    let r = t.run(&["dir", "does-not-exist"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("does-not-exist"));
}

#[test]
fn paths_keep_the_root_as_given_and_use_slashes() {
    let t = Tree::new();
    t.write("sub/dir/x.txt", github_pat(16));
    let r = t.run(&["dir", "sub", "-f", "json"]);
    assert_eq!(r.findings()[0]["path"], "sub/dir/x.txt");
    let r = t.run(&["dir", "sub/dir/x.txt", "-f", "json"]);
    assert_eq!(r.findings()[0]["path"], "sub/dir/x.txt");
}
