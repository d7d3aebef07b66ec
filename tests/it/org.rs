//! Organisation-scale audits (issue 18): `scan-list` over 30 local repositories served through
//! `file://` and `git daemon` on 127.0.0.1, in 4 shards started exactly as the Kubernetes Indexed
//! Job starts them (`JOB_COMPLETION_INDEX`, `LEAKHOUND_SHARDS`, `--shard-from-env`), then `merge`;
//! a failing target that stops nothing; stable shard assignment; hostile repository configuration.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::util::{bin, git_in, github_pat, Tree};

fn repo(root: &Path, name: &str, files: &[(&str, String)]) -> std::path::PathBuf {
    let dir = root.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    git_in(&dir, &["init", "-q", "-b", "main"], 1);
    for (i, (f, body)) in files.iter().enumerate() {
        std::fs::write(dir.join(f), body).unwrap();
        git_in(&dir, &["add", "."], 1);
        git_in(&dir, &["commit", "-q", "-m", &format!("c{i}")], i as u32 + 1);
    }
    dir
}

fn leakhound(args: &[&str], env: &[(&str, String)]) -> (i32, String, String) {
    let mut c = Command::new(bin());
    c.args(args).env("NO_COLOR", "1").stdin(Stdio::null());
    for (k, v) in env {
        c.env(k, v);
    }
    let o = c.output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `git daemon` on 127.0.0.1 serving `base`, or `None` (with a message) when it is unavailable.
fn daemon(base: &Path) -> Option<(std::process::Child, u16)> {
    let port = free_port();
    let child = Command::new("git")
        .arg("daemon")
        .arg(format!("--base-path={}", base.display()))
        .args(["--export-all", "--reuseaddr", "--listen=127.0.0.1"])
        .arg(format!("--port={port}"))
        .arg(base)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    let Ok(mut child) = child else {
        eprintln!("org: skipping git daemon: cannot start `git daemon`");
        return None;
    };
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Some((child, port));
        }
        if let Ok(Some(_)) = child.try_wait() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let _ = child.kill();
    eprintln!("org: skipping git daemon: it did not listen on 127.0.0.1:{port}");
    None
}

fn merged(files: &[&Path], extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["merge", "-f", "json"];
    let names: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    args.extend(names.iter().map(String::as_str));
    args.extend(extra);
    let (_, out, err) = leakhound(&args, &[]);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("merge output is not JSON ({e}): {out}\n{err}"))
}

#[test]
fn org_thirty_repositories_in_four_shards_merge_to_the_single_scan() {
    let t = Tree::new();
    let src = t.path().join("src");
    let shared = github_pat(900);
    for i in 0..30u64 {
        let mut files = vec![("README.md", format!("repository {i}\n"))];
        if i % 4 == 0 {
            files.push(("deploy.env", format!("GITHUB_TOKEN={}\n", github_pat(100 + i))));
        }
        if i == 3 || i == 13 || i == 23 {
            files.push(("ci.env", format!("GH_TOKEN={shared}\n")));
        }
        repo(&src, &format!("r{i:02}"), &files);
    }
    // r27: a blob removed from the object database. r28: a shallow clone of r01.
    let r27 = src.join("r27");
    let blob = git_in(&r27, &["rev-parse", "HEAD:README.md"], 1);
    std::fs::remove_file(r27.join(".git/objects").join(&blob[..2]).join(&blob[2..])).unwrap();
    std::fs::remove_dir_all(src.join("r28")).unwrap();
    git_in(
        &src,
        &[
            "clone",
            "-q",
            "--depth",
            "1",
            &format!("file://{}", src.join("r01").display()),
            "r28",
        ],
        1,
    );

    let d = daemon(&src);
    let mut list = String::from("# the organisation\n\n");
    for i in 0..30 {
        let id = format!("r{i:02}");
        let target = match (i, &d) {
            (0..=9, _) => format!("file://{}", src.join(&id).display()),
            (10..=19, Some((_, port))) => format!("git://127.0.0.1:{port}/{id}"),
            _ => src.join(&id).display().to_string(),
        };
        list.push_str(&serde_json::json!({"id": id, "target": target}).to_string());
        list.push('\n');
    }
    let list_path = t.write("list.jsonl", &list);
    let list_arg = list_path.display().to_string();

    let single = t.path().join("single.jsonl");
    let (code, _, err) = leakhound(
        &[
            "scan-list",
            &list_arg,
            "-j",
            "2",
            "-q",
            "-o",
            &single.display().to_string(),
        ],
        &[],
    );
    assert_eq!(code, 2, "corrupt and shallow targets make the exit status 2: {err}");
    let mut shards = Vec::new();
    for i in 0..4 {
        let out = t.path().join(format!("shard-{i}.jsonl"));
        // The command line of deploy/kubernetes/indexed-job.yaml.
        let (code, _, err) = leakhound(
            &[
                "scan-list",
                &list_arg,
                "--shard-from-env",
                "--jobs",
                "2",
                "-o",
                &out.display().to_string(),
            ],
            &[
                ("JOB_COMPLETION_INDEX", i.to_string()),
                ("LEAKHOUND_SHARDS", "4".into()),
            ],
        );
        assert!(code == 0 || code == 1 || code == 2, "shard {i}: {err}");
        shards.push(out);
    }
    if let Some((mut c, _)) = d {
        let _ = c.kill();
        let _ = c.wait();
    }
    let refs: Vec<&Path> = shards.iter().map(|p| p.as_path()).collect();
    let by_shards = merged(&refs, &["--list", &list_arg]);
    let by_one = merged(&[&single], &["--list", &list_arg]);
    assert_eq!(by_shards["findings"], by_one["findings"]);
    let findings = by_one["findings"].as_array().unwrap();
    // r00, r04, ..., r24: 7 repositories with a key of their own (r28 became a shallow copy of r01,
    // which has none), and 3 sharing one.
    assert_eq!(findings.len(), 10, "{findings:#?}");
    assert!(findings.iter().all(|f| f["target"].is_string()));
    assert!(!by_one.to_string().contains(&shared), "merge output must stay redacted");
    let shared_group: Vec<&serde_json::Value> = findings.iter().filter(|f| f["target"] == "r03").collect();
    assert_eq!(
        shared_group[0]["occurrences"], 3,
        "the shared key is counted across targets"
    );
    let incomplete: Vec<String> = by_shards["scan"]["incomplete_targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(incomplete, ["r27", "r28"], "{by_shards:#}");
    assert_eq!(by_shards["scan"]["missing_targets"], serde_json::json!([]));
    // A lost shard is visible: without shard 0, its targets are reported missing.
    let partial = merged(&refs[1..], &["--list", &list_arg]);
    assert!(!partial["scan"]["missing_targets"].as_array().unwrap().is_empty());
    let (_, text, _) = leakhound(
        &[
            "merge",
            "-f",
            "text",
            &shards[0].display().to_string(),
            &shards[1].display().to_string(),
            &shards[2].display().to_string(),
            &shards[3].display().to_string(),
        ],
        &[],
    );
    assert!(text.contains("the same key in `r03`, `r13` and `r23`"), "{text}");
}

#[test]
fn org_failing_targets_stop_nothing_and_are_reported_once() {
    let t = Tree::new();
    let key = github_pat(7);
    t.write("good/app.env", format!("GITHUB_TOKEN={key}\n"));
    let list = format!(
        "{}\n{}/missing\nfile://{}/nothing.git\nhttp://127.0.0.1:1/refused.git\n",
        t.path().join("good").display(),
        t.path().display(),
        t.path().display()
    );
    let list_path = t.write("list.txt", list);
    let (code, out, err) = leakhound(&["scan-list", &list_path.display().to_string()], &[]);
    assert_eq!(code, 2, "{err}");
    let lines: Vec<serde_json::Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let records: Vec<&serde_json::Value> = lines.iter().filter(|l| l["type"] == "target").collect();
    assert_eq!(records.len(), 4);
    assert_eq!(records.iter().filter(|r| r["complete"] == true).count(), 1);
    assert_eq!(lines.iter().filter(|l| l["rule_id"].is_string()).count(), 1);
    assert!(!out.contains(&key));
    for r in records.iter().filter(|r| r["complete"] == false) {
        assert_eq!(r["errors"].as_array().unwrap().len(), 1, "{r}");
    }
}

#[test]
fn org_shard_assignment_is_stable_when_a_target_is_added() {
    let ids: Vec<String> = (0..200).map(|i| format!("org/repo-{i}")).collect();
    let before: Vec<u64> = ids.iter().map(|id| leakhound::org::fnv1a(id.as_bytes()) % 4).collect();
    let after: Vec<u64> = ids.iter().map(|id| leakhound::org::fnv1a(id.as_bytes()) % 4).collect();
    assert_eq!(before, after);
    // Each shard takes a fair share.
    for s in 0..4 {
        let n = before.iter().filter(|&&x| x == s).count();
        assert!((25..=75).contains(&n), "shard {s} has {n} of 200");
    }
    // Adding a target to the list leaves every other target in its shard.
    let t = Tree::new();
    let a = t.write("a.txt", "x\ny\nz\n");
    let b = t.write("b.txt", "x\ny\nz\nw\n");
    for shard in ["0/2", "1/2"] {
        let (_, oa, _) = leakhound(&["scan-list", &a.display().to_string(), "--shard", shard], &[]);
        let (_, ob, _) = leakhound(&["scan-list", &b.display().to_string(), "--shard", shard], &[]);
        let ids = |o: &str| -> Vec<String> {
            o.lines()
                .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
                .filter(|v| v["type"] == "target" && v["id"] != "w")
                .map(|v| v["id"].as_str().unwrap().to_string())
                .collect()
        };
        assert_eq!(ids(&oa), ids(&ob), "shard {shard}");
    }
}

#[test]
fn org_hostile_repository_configuration_runs_nothing() {
    let t = Tree::new();
    let r = repo(t.path(), "evil", &[("README.md", "hi\n".into())]);
    let marker = t.path().join("pwned");
    let cmd = format!("touch {}", marker.display());
    git_in(&r, &["config", "core.fsmonitor", &cmd], 1);
    git_in(&r, &["config", "core.sshCommand", &cmd], 1);
    git_in(&r, &["config", "core.hooksPath", "hooks"], 1);
    let list = format!("{}\nfile://{}\n", r.display(), r.display());
    let list_path = t.write("list.txt", list);
    let (code, _, err) = leakhound(&["scan-list", &list_path.display().to_string()], &[]);
    assert_eq!(code, 0, "{err}");
    assert!(!marker.exists(), "a repository's configuration ran a program");
}
