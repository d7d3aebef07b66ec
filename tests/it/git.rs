//! `leakhound git`: full history (provenance, unique blobs, unreachable objects, corrupt packs,
//! shallow clones), `--staged` and `--range`. Repositories are built with the `git` binary, with
//! pinned dates and no global configuration, so commit ids repeat across runs.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::util::{git_in, github_pat, run_in, whole_report, Run, Tree};

/// A repository under construction.
struct Repo {
    tree: Tree,
    commits: u32,
}

impl Repo {
    fn new() -> Repo {
        let r = Repo {
            tree: Tree::new(),
            commits: 0,
        };
        r.git(&["init", "-q", "-b", "main"]);
        r
    }

    fn path(&self) -> &Path {
        self.tree.path()
    }

    /// Runs git in the repository and returns its trimmed stdout.
    fn git(&self, args: &[&str]) -> String {
        git_in(self.path(), args, self.commits)
    }

    fn write(&self, rel: &str, content: impl AsRef<[u8]>) {
        self.tree.write(rel, content);
    }

    /// Stages everything and commits; returns the commit id.
    fn commit(&mut self, message: &str) -> String {
        self.commits += 1;
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--allow-empty", "-m", message]);
        self.git(&["rev-parse", "HEAD"])
    }

    fn run(&self, args: &[&str]) -> Run {
        run_in(self.path(), args)
    }
}

fn pats(r: &Run) -> Vec<Value> {
    r.findings()
        .into_iter()
        .filter(|f| f["rule_id"] == "github-classic-pat")
        .collect()
}

fn coverage(r: &Run) -> Value {
    r.json()["scan"]["git"].clone()
}

#[test]
fn a_secret_added_then_deleted_is_found_with_its_commit_and_not_in_head() {
    let mut repo = Repo::new();
    repo.write("README.md", "hello\n");
    repo.commit("initial");
    let tok = github_pat(101);
    repo.write("config.env", format!("A=1\nTOKEN={tok}\n"));
    let added = repo.commit("add config\n\nlonger body");
    repo.write("config.env", "A=1\n");
    repo.commit("remove the token");
    let r = repo.run(&["git", ".", "-f", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let found = pats(&r);
    assert_eq!(found.len(), 1, "{found:#?}");
    let f = &found[0];
    assert_eq!(f["commit"], added.as_str());
    assert_eq!(f["path"], "config.env");
    assert_eq!((f["line"].as_u64(), f["column"].as_u64()), (Some(2), Some(7)));
    assert_eq!(f["in_head"], false);
    assert_eq!(f["author"], "Ada Author");
    assert_eq!(f["email"], "ada@example.com");
    assert_eq!(f["date"], "2024-01-02T12:00:00Z");
    assert_eq!(f["summary"], "add config");
    assert!(f.get("ref").is_none());
    let blob = repo.git(&["rev-parse", &format!("{added}:config.env")]);
    assert_eq!(f["blob"], blob.as_str());
    let c = coverage(&r);
    assert_eq!(c["complete"], true);
    assert_eq!(c["commits"], 3);
}

#[test]
fn a_secret_still_in_head_says_so() {
    let mut repo = Repo::new();
    repo.write("app/settings.py", format!("TOKEN = '{}'\n", github_pat(102)));
    repo.commit("settings");
    let r = repo.run(&["git", "-f", "json"]);
    let found = pats(&r);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["in_head"], true);
    assert_eq!(found[0]["path"], "app/settings.py");
}

#[test]
fn the_same_blob_in_many_commits_and_paths_is_scanned_once() {
    let mut repo = Repo::new();
    let content = format!("token: {}\n", github_pat(103));
    for i in 0..5 {
        repo.write(&format!("copy{i}/secret.yml"), &content);
        repo.write("counter.txt", format!("{i}\n"));
        repo.commit(&format!("copy {i}"));
    }
    let r = repo.run(&["git", ".", "-f", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let listed = repo.git(&["cat-file", "--batch-all-objects", "--batch-check=%(objecttype)"]);
    let blobs = listed.lines().filter(|l| *l == "blob").count() as u64;
    let c = coverage(&r);
    // Five counter versions plus one secret blob, each scanned once.
    assert_eq!(blobs, 6);
    assert_eq!(c["blobs_scanned"].as_u64(), Some(blobs), "{c}");
    assert_eq!(r.json()["scan"]["files_scanned"].as_u64(), Some(blobs));
    let found = pats(&r);
    let mut paths: Vec<&str> = found.iter().map(|f| f["path"].as_str().unwrap()).collect();
    paths.sort();
    assert_eq!(
        paths,
        [
            "copy0/secret.yml",
            "copy1/secret.yml",
            "copy2/secret.yml",
            "copy3/secret.yml",
            "copy4/secret.yml"
        ]
    );
    assert!(found.iter().all(|f| f["blob"] == found[0]["blob"]));
}

#[test]
fn a_secret_only_on_an_unmerged_branch_names_the_branch() {
    let mut repo = Repo::new();
    repo.write("README.md", "hello\n");
    repo.commit("initial");
    repo.git(&["checkout", "-q", "-b", "feature/x"]);
    repo.write("deploy.sh", format!("export GH={}\n", github_pat(104)));
    let c = repo.commit("wip deploy");
    repo.git(&["checkout", "-q", "main"]);
    let r = repo.run(&["git", ".", "-f", "json"]);
    let found = pats(&r);
    assert_eq!(found.len(), 1, "{}", r.stdout);
    assert_eq!(found[0]["commit"], c.as_str());
    assert_eq!(found[0]["ref"], "refs/heads/feature/x");
    assert_eq!(found[0]["in_head"], false);
}

#[test]
fn a_dangling_blob_is_reported_without_a_commit() {
    let mut repo = Repo::new();
    repo.write("README.md", "hello\n");
    repo.commit("initial");
    let loose = repo.tree.write("outside.txt", format!("key={}\n", github_pat(105)));
    let id = repo.git(&["hash-object", "-w", loose.to_str().unwrap()]);
    std::fs::remove_file(&loose).unwrap();
    let r = repo.run(&["git", ".", "-f", "json"]);
    let found = pats(&r);
    assert_eq!(found.len(), 1, "{}", r.stdout);
    assert_eq!(found[0]["blob"], id.as_str());
    assert_eq!(found[0]["commit"], Value::Null);
    // Packed too: the dangling blob is still read after a repack.
    repo.git(&["repack", "-adq", "--keep-unreachable"]);
    let r = repo.run(&["git", ".", "-f", "json"]);
    assert_eq!(pats(&r).len(), 1, "{}", r.stderr);
}

#[test]
fn staged_scans_the_index_not_the_working_file() {
    let mut repo = Repo::new();
    repo.write("a.txt", "one\n");
    repo.commit("initial");
    let tok = github_pat(106);
    repo.write("a.txt", format!("one\nkey={tok}\n"));
    repo.git(&["add", "a.txt"]);
    repo.write("a.txt", "one\n");
    let r = repo.run(&["git", "--staged", "-f", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let found = pats(&r);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["path"], "a.txt");
    assert_eq!(found[0]["line"], 2);
    assert_eq!(found[0]["commit"], Value::Null);

    // The other way round: the secret is only in the working file.
    repo.git(&["reset", "-q"]);
    repo.write("b.txt", format!("key={}\n", github_pat(107)));
    let r = repo.run(&["git", "--staged", "-f", "json"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
}

#[test]
fn staged_reports_only_added_lines() {
    let mut repo = Repo::new();
    repo.write("old.txt", format!("key={}\n", github_pat(108)));
    repo.commit("old secret");
    repo.write("old.txt", format!("key={}\nmore=1\n", github_pat(108)));
    repo.git(&["add", "-A"]);
    let r = repo.run(&["git", "--staged", "-f", "json"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
}

#[test]
fn staged_works_before_the_first_commit() {
    let repo = Repo::new();
    repo.write("first.txt", format!("key={}\n", github_pat(109)));
    repo.git(&["add", "first.txt"]);
    let r = repo.run(&["git", "--staged", "-f", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(pats(&r).len(), 1);
}

#[test]
fn a_range_reports_added_lines_of_its_commits_and_handles_merges() {
    let mut repo = Repo::new();
    let old = github_pat(110);
    repo.write("base.txt", format!("key={old}\n"));
    let base = repo.commit("base with an old secret");
    repo.git(&["checkout", "-q", "-b", "topic"]);
    let topic_tok = github_pat(111);
    repo.write("topic.txt", format!("t={topic_tok}\n"));
    let topic = repo.commit("topic secret");
    repo.git(&["checkout", "-q", "main"]);
    let main_tok = github_pat(112);
    repo.write("base.txt", format!("key={old}\nnew={main_tok}\n"));
    let main = repo.commit("main secret next to the old one");
    repo.commits += 1;
    repo.git(&["merge", "-q", "--no-ff", "-m", "merge topic", "topic"]);
    let r = repo.run(&["git", "--range", &format!("{base}..HEAD"), "-f", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let found = pats(&r);
    let mut seen: Vec<(String, String, u64)> = found
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["commit"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        vec![
            ("base.txt".to_string(), main.clone(), 2),
            ("topic.txt".to_string(), topic.clone(), 1)
        ],
        "the old secret and the merge commit report nothing"
    );
    assert_eq!(coverage(&r)["commits"], 3);
    let r = repo.run(&["git", "--since-commit", &main, "-f", "json"]);
    let found = pats(&r);
    assert_eq!(found.len(), 1, "{}", r.stdout);
    assert_eq!(found[0]["path"], "topic.txt");
}

#[test]
fn a_conflict_resolution_in_a_merge_is_scanned() {
    let mut repo = Repo::new();
    repo.write("f.txt", "a\n");
    let base = repo.commit("base");
    repo.git(&["checkout", "-q", "-b", "other"]);
    repo.write("f.txt", "b\n");
    repo.commit("other");
    repo.git(&["checkout", "-q", "main"]);
    repo.write("f.txt", "c\n");
    repo.commit("main");
    repo.commits += 1;
    let out = Command::new("git")
        .args(["merge", "-q", "other"])
        .current_dir(repo.path())
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap();
    assert!(!out.status.success(), "expected a conflict");
    repo.write("f.txt", format!("resolved={}\n", github_pat(113)));
    let merge = repo.commit("merge with resolution");
    let r = repo.run(&["git", "--range", &format!("{base}..HEAD"), "-f", "json"]);
    let found = pats(&r);
    assert_eq!(found.len(), 1, "{}", r.stdout);
    assert_eq!(found[0]["commit"], merge.as_str());
}

#[test]
fn a_shallow_clone_fails_unless_allowed_and_a_missing_base_says_how_to_fix_it() {
    let mut repo = Repo::new();
    repo.write("a.txt", format!("key={}\n", github_pat(114)));
    let first = repo.commit("first");
    repo.write("a.txt", "gone\n");
    repo.commit("second");
    let clones = Tree::new();
    let url = format!("file://{}", repo.path().display());
    git_in(clones.path(), &["clone", "-q", "--depth", "1", &url, "shallow"], 1);
    let shallow = clones.path().join("shallow");
    let r = run_in(&shallow, &["git", ".", "-f", "json"]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(r.stderr.contains("shallow"), "{}", r.stderr);
    assert!(r.stderr.contains("--allow-shallow"), "{}", r.stderr);
    let r = run_in(&shallow, &["git", ".", "-f", "json", "--allow-shallow"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(coverage(&r)["complete"], false);
    assert_eq!(coverage(&r)["shallow"], true);
    let r = run_in(&shallow, &["git", "--range", &format!("{first}..HEAD")]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("fetch-depth: 0"), "{}", r.stderr);
}

#[test]
fn a_corrupt_pack_is_reported_and_the_rest_is_still_scanned() {
    let mut repo = Repo::new();
    for i in 0..20 {
        repo.write(
            &format!("f{i}.txt"),
            format!("file {i}\n{}\n", "filler line ".repeat(50 + i)),
        );
    }
    repo.commit("many files");
    repo.git(&["repack", "-adq"]);
    repo.git(&["prune-packed"]);
    repo.write("loose.txt", format!("key={}\n", github_pat(115)));
    repo.commit("secret, loose");
    let pack_dir = repo.path().join(".git/objects/pack");
    let pack = std::fs::read_dir(&pack_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "pack"))
        .unwrap();
    let mut bytes = std::fs::read(&pack).unwrap();
    let len = bytes.len();
    bytes.truncate(len * 2 / 3);
    std::fs::set_permissions(
        &pack,
        <std::fs::Permissions as std::os::unix::fs::PermissionsExt>::from_mode(0o644),
    )
    .unwrap();
    std::fs::write(&pack, bytes).unwrap();
    let r = repo.run(&["git", ".", "-f", "json"]);
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.to_lowercase().contains("pack"), "{}", r.stderr);
    assert_eq!(pats(&r).len(), 1, "the loose secret is still found: {}", r.stdout);
    assert_eq!(coverage(&r)["complete"], false);
}

#[test]
fn a_bare_repository_and_a_linked_worktree_are_scanned() {
    let mut repo = Repo::new();
    repo.write("a.txt", format!("key={}\n", github_pat(116)));
    repo.commit("secret");
    let other = Tree::new();
    let bare = other.path().join("bare.git");
    git_in(
        other.path(),
        &["clone", "-q", "--bare", repo.path().to_str().unwrap(), "bare.git"],
        1,
    );
    let r = run_in(&bare, &["git", ".", "-f", "json"]);
    assert_eq!(pats(&r).len(), 1, "{}", r.stderr);
    let wt = other.path().join("wt");
    repo.git(&["worktree", "add", "-q", wt.to_str().unwrap()]);
    let r = run_in(&wt, &["git", ".", "-f", "json"]);
    assert_eq!(pats(&r).len(), 1, "{}", r.stderr);
}

#[test]
fn not_a_repository_is_a_clear_error() {
    let t = Tree::new();
    t.write("x.txt", "nothing\n");
    let r = t.run(&["git", "."]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("not in a git repository"), "{}", r.stderr);
}

#[test]
fn coverage_is_in_the_sarif_invocation() {
    let mut repo = Repo::new();
    repo.write("a.txt", "clean\n");
    repo.commit("clean");
    let r = repo.run(&["git", ".", "-f", "sarif"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let doc: Value = serde_json::from_str(&r.stdout).unwrap();
    let props = &doc["runs"][0]["invocations"][0]["properties"];
    assert_eq!(props["git"]["blobs_scanned"], 1);
    assert_eq!(props["git"]["complete"], true);
}

/// Issue 10: exposure. One key pushed to a (bare) remote, one only in local commits, a tracked
/// `.env` and an ignored one, the same key in a dev and a prod config.
#[test]
fn exposure_pushed_first_seen_tracked_env_and_shared_keys() {
    let mut repo = Repo::new();
    let pushed_key = github_pat(900);
    let local_key = github_pat(901);
    let remote = Tree::new();
    git_in(remote.path(), &["init", "-q", "--bare", "-b", "main"], 1);
    repo.git(&["remote", "add", "origin", remote.path().to_str().unwrap()]);
    repo.write("config/dev.yml", format!("token: {pushed_key}\n"));
    repo.write(".gitignore", "local.env\n");
    repo.write("local.env", "A=1\n");
    repo.write(".env", "DEBUG=1\npassword=hello\n");
    repo.commit("add dev config");
    repo.write("config/prod.yml", format!("token: {pushed_key}\n"));
    repo.commit("add prod config");
    repo.git(&["push", "-q", "origin", "main"]);
    repo.write("notes.txt", format!("{local_key}\n"));
    repo.commit("local only");

    let r = repo.run(&["git", ".", "-f", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let f = r.findings();
    let by_path = |p: &str| {
        f.iter()
            .find(|x| x["path"] == p)
            .unwrap_or_else(|| panic!("no finding at {p}: {f:#?}"))
    };
    let dev = by_path("config/dev.yml");
    let prod = by_path("config/prod.yml");
    let notes = by_path("notes.txt");
    assert_eq!(dev["pushed"], true);
    assert_eq!(prod["pushed"], true);
    assert_eq!(notes["pushed"], false);
    // The same key: one group, first seen in the earlier commit, shared across environments.
    assert_eq!(dev["group"], prod["group"]);
    assert_eq!(dev["occurrences"], 2);
    assert_eq!(prod["first_seen"], dev["date"]);
    assert!(prod["exposed_days"].as_u64().unwrap() > 365);
    assert_eq!(dev["shared_environments"], serde_json::json!(["dev", "prod"]));
    // Pushed outranks local-only at the same severity.
    assert_eq!(dev["priority"], "critical");
    assert_eq!(notes["priority"], "high");
    assert!(dev["group"].as_u64() < notes["group"].as_u64());
    // A tracked .env is a finding; an ignored one never reaches history.
    assert!(
        f.iter().any(|x| x["rule_id"] == "dotenv-file" && x["path"] == ".env"),
        "{f:#?}"
    );
    assert!(!f.iter().any(|x| x["path"] == "local.env"));

    let md = repo.run(&["git", ".", "-f", "markdown"]).stdout;
    assert!(
        md.contains("It was pushed: everyone with access to the remote has it"),
        "{md}"
    );
    assert!(md.contains("It has not been pushed"), "{md}");
    assert!(md.find("It was pushed").unwrap() < md.find("It has not been pushed").unwrap());
    assert!(!md.contains(&pushed_key) && !md.contains(&local_key));
}

#[test]
fn staged_findings_say_staged_not_deleted_from_history() {
    let mut repo = Repo::new();
    repo.write("README.md", "hello\n");
    repo.commit("init");
    repo.write("app.py", format!("TOKEN = '{}'\n", github_pat(902)));
    repo.git(&["add", "app.py"]);
    let r = repo.run(&["git", "--staged"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.contains("staged for the next commit"), "{}", r.stdout);
    assert!(!r.stdout.contains("reachable from no commit") && !r.stdout.contains("deleted from HEAD"));
    let j = repo.run(&["git", "--staged", "-f", "json"]);
    assert_eq!(j.findings()[0]["staged"], true);
    assert_eq!(j.findings()[0]["pushed"], false);
}

#[test]
fn a_partial_clone_is_scanned_but_never_called_complete() {
    let mut repo = Repo::new();
    repo.write("old.txt", format!("key={}\n", github_pat(131)));
    repo.commit("a key that only history holds");
    repo.write("old.txt", "rotated\n");
    repo.commit("remove it");
    repo.git(&["config", "uploadpack.allowFilter", "true"]);
    let clones = Tree::new();
    let url = format!("file://{}", repo.path().display());
    // Blobs not needed for the checkout (the old key's) are left on the "server".
    git_in(
        clones.path(),
        &["clone", "-q", "--filter=blob:none", &url, "partial"],
        1,
    );
    let partial = clones.path().join("partial");
    let r = run_in(&partial, &["git", ".", "-f", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(coverage(&r)["partial_clone"], true);
    assert_eq!(
        coverage(&r)["complete"],
        false,
        "missing objects must not pass for a complete scan"
    );
    assert!(r.stderr.contains("partial clone"), "{}", r.stderr);
    // A full clone of the same history is complete and finds the key.
    git_in(clones.path(), &["clone", "-q", &url, "full"], 1);
    let r = run_in(&clones.path().join("full"), &["git", ".", "-f", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(coverage(&r)["partial_clone"], false);
    assert_eq!(coverage(&r)["complete"], true);
}

#[test]
fn a_mirror_or_a_pull_request_ref_counts_as_pushed() {
    let mut repo = Repo::new();
    repo.write("a.txt", "hello\n");
    let base = repo.commit("base");
    // A commit only a hosting service's pull-request ref reaches, plus one stray remote-tracking
    // ref elsewhere, as a `git clone --mirror` of GitHub has.
    repo.git(&["checkout", "-q", "-b", "contributor"]);
    repo.write("pr.txt", format!("key={}\n", github_pat(140)));
    let pr = repo.commit("a pull request");
    repo.git(&["checkout", "-q", "main"]);
    repo.git(&["branch", "-q", "-D", "contributor"]);
    repo.git(&["update-ref", "refs/pull/7/head", &pr]);
    repo.git(&["update-ref", "refs/remotes/origin/old", &base]);
    let r = repo.run(&["git", ".", "-f", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let f = &pats(&r)[0];
    assert_eq!(f["ref"], "refs/pull/7/head");
    assert_eq!(f["pushed"], true, "a pull-request ref lives on the server");
    // In a bare mirror every ref is the server's.
    let mirror = Tree::new();
    git_in(
        mirror.path(),
        &["clone", "-q", "--mirror", repo.path().to_str().unwrap(), "m.git"],
        1,
    );
    let r = run_in(&mirror.path().join("m.git"), &["git", ".", "-f", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(pats(&r)[0]["pushed"], true);
}

/// Lines of filler text, `n` of them, about 40 bytes each.
fn filler(n: usize) -> String {
    (0..n)
        .map(|i| format!("line {i:05} of a large generated file\n"))
        .collect()
}

/// Blobs over --max-file-size are skipped from their headers, never inflated: loose objects, whole
/// objects in a pack, deltas whose result is too large, and deltas of a skipped base.
#[test]
fn blobs_over_the_size_limit_are_skipped_without_being_inflated() {
    let mut repo = Repo::new();
    let (small_key, big_key, cut_key) = (github_pat(120), github_pat(121), github_pat(122));
    repo.write("small.txt", format!("key={small_key}\n"));
    let big = format!("key={big_key}\n{}", filler(1000));
    repo.write("big.txt", &big);
    repo.commit("a large file");
    repo.write("big.txt", big.replacen("line 00500", "LINE 00500", 1));
    repo.commit("edit the large file");
    // A small version, mostly a copy of the large one: packed, it becomes a delta of it.
    let cut = format!("key={cut_key}\n{}", filler(60));
    repo.write("big.txt", &cut);
    repo.commit("cut the large file down");
    let args = ["git", ".", "-f", "json", "--no-redact", "--max-file-size", "10K"];
    let secrets = |r: &Run| {
        let mut s: Vec<String> = pats(r)
            .iter()
            .map(|f| f["secret"].as_str().unwrap().to_string())
            .collect();
        s.sort();
        s
    };

    let r = repo.run(&args);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let c = coverage(&r);
    assert_eq!(c["blobs_skipped"], serde_json::json!({"too-large": 2}), "{c}");
    assert!(c["bytes_decompressed"].as_u64().unwrap() < 10_000, "{c}");
    let mut want = vec![small_key.clone(), cut_key.clone()];
    want.sort();
    assert_eq!(secrets(&r), want);

    repo.git(&["gc", "-q"]);
    let cut_id = repo.git(&["rev-parse", "HEAD:big.txt"]);
    let listed = repo.git(&[
        "cat-file",
        "--batch-check=%(objectname) %(deltabase)",
        "--batch-all-objects",
    ]);
    let base = listed
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{cut_id} ")))
        .expect("the cut blob is packed");
    let big_ids = [
        repo.git(&["rev-parse", "HEAD~1:big.txt"]),
        repo.git(&["rev-parse", "HEAD~2:big.txt"]),
    ];
    assert!(
        big_ids.iter().any(|id| id == base),
        "git stored the small version as a delta of a large one"
    );
    let r = repo.run(&args);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let c = coverage(&r);
    assert_eq!(
        c["blobs_skipped"],
        serde_json::json!({"too-large": 2, "delta-base-too-large": 1}),
        "{c}"
    );
    assert!(c["bytes_decompressed"].as_u64().unwrap() < 10_000, "{c}");
    assert_eq!(secrets(&r), vec![small_key.clone()]);
    assert_eq!(c["complete"], true);

    // With the limit raised, everything is read again.
    let r = repo.run(&["git", ".", "-f", "json", "--no-redact"]);
    let mut all = secrets(&r);
    all.dedup();
    assert_eq!(all.len(), 3, "{}", r.stdout);
    assert_eq!(coverage(&r)["blobs_skipped"], serde_json::json!({}));
}

/// `git add` streams a file over core.bigFileThreshold straight into a pack of its own, where it is
/// the first entry: the one a pack traversal must start from. It is skipped without being inflated.
#[test]
fn a_large_blob_at_the_start_of_a_pack_is_skipped_without_being_inflated() {
    let mut repo = Repo::new();
    let key = github_pat(123);
    repo.write("big.txt", format!("key={key}\n{}", filler(1000)));
    repo.git(&["-c", "core.bigFileThreshold=10k", "add", "big.txt"]);
    repo.write("small.txt", format!("key={key}\n"));
    repo.commit("one large, one small");
    let id = repo.git(&["rev-parse", "HEAD:big.txt"]);
    let loose = repo.path().join(".git/objects").join(&id[..2]).join(&id[2..]);
    assert!(!loose.exists(), "git wrote the large blob to a pack of its own");
    let r = repo.run(&["git", ".", "-f", "json", "--max-file-size", "10K"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let c = coverage(&r);
    assert_eq!(c["blobs_skipped"], serde_json::json!({"too-large": 1}), "{c}");
    assert!(c["bytes_decompressed"].as_u64().unwrap() < 10_000, "{c}");
    let found = pats(&r);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0]["path"], "small.txt");
    let r = repo.run(&["git", ".", "-f", "json"]);
    assert_eq!(pats(&r).len(), 2, "{}", r.stdout);
}

/// `in_head` is about the secret, not the blob: an unrelated edit to the file keeps it true.
#[test]
fn in_head_follows_the_secret_when_the_file_changes_around_it() {
    let mut repo = Repo::new();
    let key = github_pat(124);
    repo.write("app.env", format!("NAME=app\nTOKEN={key}\n"));
    repo.commit("add the token");
    repo.write("app.env", format!("NAME=renamed\nTOKEN={key}\n"));
    repo.commit("an unrelated edit");
    let r = repo.run(&["git", ".", "-f", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let found = pats(&r);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(found.iter().all(|f| f["in_head"] == true), "{found:#?}");

    repo.write("app.env", "NAME=renamed\n");
    repo.commit("remove the token");
    let r = repo.run(&["git", ".", "-f", "json"]);
    let found = pats(&r);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(found.iter().all(|f| f["in_head"] == false), "{found:#?}");
    // The text report no longer calls the first one "deleted" while the key is still there.
}

fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in files {
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn utf16le(text: &str) -> Vec<u8> {
    std::iter::once(0xFEFF)
        .chain(text.encode_utf16())
        .flat_map(u16::to_le_bytes)
        .collect()
}

/// A committed zip holding a `.env` and a UTF-16 file are read like `dir` reads them, in full
/// history and in `--staged`, with nested paths and the outer blob's provenance.
#[test]
fn archive_and_utf16_blobs_are_opened_in_history_and_staged() {
    let mut repo = Repo::new();
    let (zipped, wide, staged_zip, staged_wide) = (github_pat(125), github_pat(126), github_pat(127), github_pat(128));
    repo.write("README.md", "hello\n");
    repo.commit("initial");
    let env = format!("A=1\nTOKEN={zipped}\n");
    repo.write(
        "deploy/config.zip",
        zip_of(&[(".env", env.as_bytes()), ("logo.bin", b"\x00\x01\x02")]),
    );
    repo.write("notes.txt", utf16le(&format!("line one\r\nkey = {wide}\r\n")));
    let added = repo.commit("config bundle and notes");
    let r = repo.run(&["git", ".", "-f", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let found = pats(&r);
    let at = |p: &str| {
        found
            .iter()
            .find(|f| f["path"] == p)
            .unwrap_or_else(|| panic!("no finding at {p}: {found:#?}"))
    };
    let z = at("deploy/config.zip!/.env");
    assert_eq!((z["line"].as_u64(), z["column"].as_u64()), (Some(2), Some(7)));
    assert_eq!(z["commit"], added.as_str());
    assert_eq!(z["blob"], repo.git(&["rev-parse", "HEAD:deploy/config.zip"]).as_str());
    assert_eq!(z["in_head"], true);
    let w = at("notes.txt");
    assert_eq!((w["line"].as_u64(), w["column"].as_u64()), (Some(2), Some(7)));
    assert_eq!(w["in_head"], true);
    assert_eq!(found.len(), 2, "{found:#?}");
    // Without archives, the zip is a binary blob again.
    let r = repo.run(&["git", ".", "-f", "json", "--archive-depth", "0"]);
    assert_eq!(pats(&r).len(), 1, "{}", r.stdout);
    assert_eq!(coverage(&r)["blobs_skipped"]["binary"], 1);

    // Staged: a new zip and an edited UTF-16 file; only the added line of the latter is new.
    repo.write(
        "ci/secrets.zip",
        zip_of(&[("ci/.npmrc", format!("//r/:_authToken={staged_zip}\n").as_bytes())]),
    );
    repo.write(
        "notes.txt",
        utf16le(&format!("line one\r\nkey = {wide}\r\nother = {staged_wide}\r\n")),
    );
    repo.git(&["add", "-A"]);
    let r = repo.run(&["git", "--staged", "-f", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let mut got: Vec<(String, u64)> = pats(&r)
        .iter()
        .map(|f| (f["path"].as_str().unwrap().to_string(), f["line"].as_u64().unwrap()))
        .collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            ("ci/secrets.zip!/ci/.npmrc".to_string(), 1),
            ("notes.txt".to_string(), 3)
        ]
    );
    assert!(pats(&r).iter().all(|f| f["staged"] == true));
}

/// Keys pasted into commit messages and annotated tag messages are found, at `commit:<id>` and
/// `tag:<name>`, in full history; `--range` reads the messages of its own commits only.
#[test]
fn commit_and_tag_messages_are_scanned() {
    let mut repo = Repo::new();
    let (in_commit, in_tag, in_range) = (github_pat(129), github_pat(130), github_pat(131));
    repo.write("a.txt", "one\n");
    let first = repo.commit(&format!("fix the deploy\n\nused this to test: {in_commit}\n"));
    repo.git(&["tag", "-a", "v1.0", "-m", &format!("release\n\nci token {in_tag}")]);
    repo.write("a.txt", "two\n");
    let second = repo.commit("clean message");
    let r = repo.run(&["git", ".", "-f", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let found = pats(&r);
    assert_eq!(found.len(), 2, "{found:#?}");
    let c = found
        .iter()
        .find(|f| f["message"] == "commit")
        .expect("commit message finding");
    assert_eq!(c["path"], format!("commit:{first}").as_str());
    assert_eq!(c["commit"], first.as_str());
    assert_eq!(c["blob"], first.as_str());
    assert_eq!((c["line"].as_u64(), c["column"].as_u64()), (Some(3), Some(20)));
    assert_eq!(c["summary"], "fix the deploy");
    assert_eq!(c["in_head"], true);
    let t = found
        .iter()
        .find(|f| f["message"] == "tag")
        .expect("tag message finding");
    assert_eq!(t["path"], "tag:v1.0");
    assert_eq!(t["ref"], "refs/tags/v1.0");
    assert_eq!(t["blob"], repo.git(&["rev-parse", "v1.0"]).as_str());
    assert_eq!(t["line"], 3);
    assert_eq!(t["email"], "ada@example.com");
    // Messages are not files: the file count is the blob count.
    assert_eq!(r.json()["scan"]["files_scanned"], 2);
    let text = repo.run(&["git", "."]);
    assert!(text.stdout.contains("in the commit message"), "{}", text.stdout);
    assert!(
        text.stdout.contains("in the message of annotated tag refs/tags/v1.0"),
        "{}",
        text.stdout
    );
    assert!(!text.stdout.contains("deleted from HEAD"), "{}", text.stdout);

    repo.write("a.txt", "three\n");
    let third = repo.commit(&format!("add a thing\n\ntoken={in_range}"));
    let r = repo.run(&["git", "--range", &format!("{second}..HEAD"), "-f", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let found = pats(&r);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0]["path"], format!("commit:{third}").as_str());
    assert_eq!(found[0]["line"], 3);
}

/// A repository with no commits is not reported as a clean history: stderr says there is none and
/// the JSON coverage says so too.
#[test]
fn an_empty_repository_says_it_has_no_commits() {
    let mut repo = Repo::new();
    let r = repo.run(&["git", "."]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("has no commits yet"), "{}", r.stderr);
    let r = repo.run(&["git", ".", "-f", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let c = coverage(&r);
    assert_eq!(
        (c["no_commits"].as_bool(), c["commits"].as_u64()),
        (Some(true), Some(0)),
        "{c}"
    );
    assert_eq!(c["blobs_scanned"], 0);
    repo.write("a.txt", "hello\n");
    repo.commit("first");
    let r = repo.run(&["git", ".", "-f", "json"]);
    assert_eq!(coverage(&r)["no_commits"], false);
    assert!(!r.stderr.contains("no commits"), "{}", r.stderr);
}

// --- Hostile repositories (issue #9): every case exits 2 with a message naming the bad object,
// still finds the key planted in a good commit, and writes a whole report with `-o`.

/// Findings of the report written with `-o report.json`, checked whole.
fn report_pats(repo: &Repo) -> Vec<Value> {
    let doc = whole_report(repo.path(), "report.json");
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "github-classic-pat")
        .cloned()
        .collect()
}

/// Writes a loose object under the id `id`, whatever its content hashes to (as a hostile or
/// damaged repository may hold it).
fn write_loose(repo: &Repo, id: &str, kind: &str, content: &[u8]) {
    let mut raw = format!("{kind} {}\0", content.len()).into_bytes();
    raw.extend_from_slice(content);
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut z, &raw).unwrap();
    let dir = repo.path().join(".git/objects").join(&id[..2]);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(&id[2..]), z.finish().unwrap()).unwrap();
}

fn hex_bytes(id: &str) -> Vec<u8> {
    (0..id.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&id[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn a_pack_with_flipped_bytes_is_reported_and_the_rest_is_still_scanned() {
    let mut repo = Repo::new();
    for i in 0..20 {
        repo.write(
            &format!("f{i}.txt"),
            format!("file {i}\n{}\n", "filler words ".repeat(60 + i)),
        );
    }
    repo.commit("many files");
    repo.git(&["repack", "-adq"]);
    repo.git(&["prune-packed"]);
    repo.write("loose.txt", format!("key={}\n", github_pat(120)));
    repo.commit("secret, loose");
    let pack = std::fs::read_dir(repo.path().join(".git/objects/pack"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "pack"))
        .unwrap();
    let mut bytes = std::fs::read(&pack).unwrap();
    // Same length, garbage in the middle: the deflate streams there no longer decode.
    let mid = bytes.len() / 2;
    for b in &mut bytes[mid..mid + 64] {
        *b ^= 0x5a;
    }
    std::fs::set_permissions(
        &pack,
        <std::fs::Permissions as std::os::unix::fs::PermissionsExt>::from_mode(0o644),
    )
    .unwrap();
    std::fs::write(&pack, bytes).unwrap();
    let r = repo.run(&["git", ".", "-f", "json", "-o", "report.json"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let name = pack.file_name().unwrap().to_string_lossy().into_owned();
    assert!(r.stderr.contains(&name), "the message names the pack: {}", r.stderr);
    assert_eq!(report_pats(&repo).len(), 1, "the loose secret is still found");
}

#[test]
fn a_tree_pointing_to_a_missing_blob_is_reported_and_the_rest_is_still_scanned() {
    let mut repo = Repo::new();
    repo.write("gone.txt", "this blob will be deleted\n");
    repo.write("ok.txt", format!("key={}\n", github_pat(121)));
    repo.commit("two files");
    let gone = repo.git(&["rev-parse", "HEAD:gone.txt"]);
    std::fs::remove_file(repo.path().join(".git/objects").join(&gone[..2]).join(&gone[2..])).unwrap();
    let r = repo.run(&["git", ".", "-f", "json", "-o", "report.json"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains(&gone),
        "the message names the missing object {gone}: {}",
        r.stderr
    );
    let found = report_pats(&repo);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["path"], "ok.txt");
}

/// Commits `files` (path, content) on `main` with `git fast-import`, which takes paths of any depth.
fn fast_import(repo: &Repo, files: &[(&str, &str)]) {
    use std::io::Write;
    let mut stream =
        String::from("commit refs/heads/main\ncommitter Ada <ada@example.com> 1704067200 +0000\ndata 5\ndeep\n");
    for (path, content) in files {
        stream.push_str(&format!("M 100644 inline {path}\ndata {}\n{content}\n", content.len()));
    }
    let mut child = Command::new("git")
        .args(["fast-import", "--quiet"])
        .current_dir(repo.path())
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stream.as_bytes()).unwrap();
    assert!(child.wait().unwrap().success());
}

#[test]
fn a_tree_2000_directories_deep_is_walked_to_its_bottom() {
    let repo = Repo::new();
    let deep = format!("{}key.txt", "d/".repeat(2000));
    let (k1, k2) = (format!("key={}", github_pat(122)), format!("key={}", github_pat(123)));
    fast_import(&repo, &[(deep.as_str(), k1.as_str()), ("top.txt", k2.as_str())]);
    assert_eq!(repo.git(&["rev-list", "--objects", "HEAD"]).lines().count(), 2004);
    let started = std::time::Instant::now();
    let r = repo.run(&["git", ".", "-f", "json", "-o", "report.json"]);
    assert!(started.elapsed() < std::time::Duration::from_secs(60));
    assert_eq!(r.code, 1, "{}", r.stderr);
    let mut paths: Vec<String> = report_pats(&repo)
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    paths.sort();
    assert_eq!(paths, [deep, "top.txt".to_string()]);
}

/// Git's own tools refuse to build a tree that contains itself (`git mktree` and `git
/// hash-object` write objects under their true hash, and a tree cannot hold its own hash), and
/// reading one fails with "hash mismatch". A damaged or hostile repository can still hold one
/// written by hand under a made-up id, so that is how this test builds it.
#[test]
fn a_tree_that_contains_itself_is_reported_not_walked_forever() {
    let mut repo = Repo::new();
    repo.write("ok.txt", format!("key={}\n", github_pat(124)));
    let good = repo.commit("good");
    let inner = repo.tree.write("inner.txt", format!("key={}\n", github_pat(125)));
    let blob = repo.git(&["hash-object", "-w", inner.to_str().unwrap()]);
    std::fs::remove_file(&inner).unwrap();
    // Tree `loop` holds itself as `loop/` (twice, so a walk that follows it fans out) and a blob.
    let id = "c0ffeec0ffeec0ffeec0ffeec0ffeec0ffeec0ff";
    let mut tree = Vec::new();
    for (mode, name, child) in [
        ("100644", "inner.txt", blob.as_str()),
        ("40000", "loop", id),
        ("40000", "loop2", id),
    ] {
        tree.extend_from_slice(format!("{mode} {name}\0").as_bytes());
        tree.extend_from_slice(&hex_bytes(child));
    }
    write_loose(&repo, id, "tree", &tree);
    let commit = format!(
        "tree {id}\nparent {good}\nauthor Ada <ada@example.com> 1704153600 +0000\ncommitter Ada <ada@example.com> 1704153600 +0000\n\nloop\n"
    );
    let c = repo.tree.write("commit.txt", commit);
    let cid = repo.git(&["hash-object", "-t", "commit", "--literally", "-w", c.to_str().unwrap()]);
    std::fs::remove_file(&c).unwrap();
    repo.git(&["update-ref", "refs/heads/main", &cid]);

    let started = std::time::Instant::now();
    let mut child = Command::new(crate::util::bin())
        .args(["git", ".", "-f", "json", "-o", "report.json"])
        .current_dir(repo.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > std::time::Duration::from_secs(60) {
            child.kill().unwrap();
            panic!("still walking the looping tree after 60 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(id), "the message names the looping tree: {stderr}");
    let found = report_pats(&repo);
    let paths: Vec<&str> = found.iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert!(paths.contains(&"ok.txt"), "{paths:?}");
    assert!(
        paths.contains(&"inner.txt"),
        "the blob inside the loop is still scanned: {paths:?}"
    );

    // The other modes walk the same tree: `--range` from the good commit, `--staged` against it.
    let range = format!("{good}..{cid}");
    for args in [
        vec!["git", ".", "--range", range.as_str()],
        vec!["git", ".", "--staged"],
    ] {
        let (code, stderr) = run_bounded(repo.path(), &args);
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains(id),
            "{args:?}: the message names the looping tree: {stderr}"
        );
    }
}

/// Runs leakhound in `dir`, killing it (and failing) if it runs for more than 60 s.
fn run_bounded(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let started = std::time::Instant::now();
    let mut child = Command::new(crate::util::bin())
        .args(args)
        .current_dir(dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > std::time::Duration::from_secs(60) {
            child.kill().unwrap();
            panic!("{args:?} still running after 60 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// Thirty valid tree objects, each listing the one below twice (`a` and `b`), name 2^30 paths to
/// one blob. Every walk of the tree stops at its path budget with an error instead of running
/// for hours, and a key elsewhere in the repository is still found.
#[test]
fn a_tree_that_repeats_its_subtree_at_every_level_is_cut_off_not_walked_for_hours() {
    let mut repo = Repo::new();
    repo.write("ok.txt", format!("key={}\n", github_pat(126)));
    let good = repo.commit("good");
    let inner = repo.tree.write("inner.txt", format!("key={}\n", github_pat(127)));
    let blob = repo.git(&["hash-object", "-w", inner.to_str().unwrap()]);
    std::fs::remove_file(&inner).unwrap();
    let mktree = |listing: String| -> String {
        let f = repo.tree.write("listing.txt", listing);
        let out = Command::new("sh")
            .arg("-c")
            .arg(format!("git mktree < {}", f.display()))
            .current_dir(repo.path())
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    };
    let mut tree = mktree(format!("100644 blob {blob}\tinner.txt\n"));
    for _ in 0..30 {
        tree = mktree(format!("040000 tree {tree}\ta\n040000 tree {tree}\tb\n"));
    }
    std::fs::remove_file(repo.path().join("listing.txt")).unwrap();
    let ok_blob = repo.git(&["rev-parse", "HEAD:ok.txt"]);
    let root = mktree(format!("040000 tree {tree}\tbomb\n100644 blob {ok_blob}\tok.txt\n"));
    let commit = repo.git(&["commit-tree", &root, "-p", &good, "-m", "bomb"]);
    repo.git(&["update-ref", "refs/heads/main", &commit]);

    let (code, stderr) = run_bounded(repo.path(), &["git", ".", "-f", "json", "-o", "report.json"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("subtrees repeated level after level"), "{stderr}");
    let found = report_pats(&repo);
    let paths: Vec<&str> = found.iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert!(paths.contains(&"ok.txt"), "{paths:?}");
    assert!(paths.len() <= 1 + 1_000, "places are capped: {}", paths.len());
    let range = format!("{good}..{commit}");
    for args in [
        vec!["git", ".", "--range", range.as_str()],
        vec!["git", ".", "--staged"],
    ] {
        let (code, stderr) = run_bounded(repo.path(), &args);
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("subtrees repeated level after level"),
            "{args:?}: {stderr}"
        );
    }
}

/// Issue 16: `allow.paths` is policy, so it holds for every git scan a user or a hook runs, as it
/// does for `dir`: a key committed under an allowlisted directory is never reported, and a key
/// outside it still is.
#[test]
fn allow_paths_holds_in_full_history_staged_range_and_pre_push_as_in_dir() {
    let mut repo = Repo::new();
    repo.write(".leakhound.toml", "[allow]\npaths = [\"vendor/**\"]\n");
    repo.write("README", "hello\n");
    let base = repo.commit("base");
    repo.write("vendor/x.py", format!("TOKEN = \"{}\"\n", github_pat(160)));
    repo.commit("vendored code with a key");

    let quiet = |r: &Run, what: &str| {
        assert_eq!(r.code, 0, "{what}: {:?}\n{}", r.findings(), r.stderr);
    };
    quiet(&repo.run(&["dir", ".", "-f", "json"]), "dir");
    quiet(&repo.run(&["git", ".", "-f", "json"]), "git (full history)");
    quiet(
        &repo.run(&["git", "--range", &format!("{base}..HEAD"), "-f", "json"]),
        "git --range",
    );
    let head = repo.git(&["rev-parse", "HEAD"]);
    let push = format!("refs/heads/main {head} refs/heads/main {}\n", "0".repeat(40));
    let r = crate::util::run_stdin(repo.path(), &["pre-push"], push.as_bytes());
    assert_eq!(r.code, 0, "pre-push of a new branch: {}", r.stderr);

    repo.write("vendor/y.py", format!("TOKEN = \"{}\"\n", github_pat(161)));
    repo.git(&["add", "vendor/y.py"]);
    quiet(&repo.run(&["git", "--staged", "-f", "json"]), "git --staged");

    // The same key outside the allowlisted directory is reported by every one of them.
    repo.write("src/y.py", format!("TOKEN = \"{}\"\n", github_pat(162)));
    repo.git(&["add", "src/y.py"]);
    let r = repo.run(&["git", "--staged", "-f", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(pats(&r).len(), 1);
    assert_eq!(pats(&r)[0]["path"], "src/y.py");
    repo.commit("a key outside vendor/");
    for args in [
        vec!["git", ".", "-f", "json"],
        vec!["git", "--range", &*format!("{base}..HEAD"), "-f", "json"],
    ] {
        let r = repo.run(&args);
        assert_eq!(r.code, 1, "{args:?}: {}", r.stderr);
        let paths: Vec<Value> = pats(&r).iter().map(|f| f["path"].clone()).collect();
        assert_eq!(paths, vec![Value::from("src/y.py")], "{args:?}");
    }
}
