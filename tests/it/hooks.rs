//! `leakhound install-hook`: where the hook goes (plain repositories, `core.hooksPath`, linked
//! worktrees whose `.git` is a file), that it never clobbers a hook it did not write unless
//! `--force`, and that the installed hook blocks a commit adding a secret.

use std::path::Path;
use std::process::Command;

use crate::util::{github_pat, run_in, Tree};

/// Runs git with a pinned identity and no user or system configuration.
fn git(dir: &Path, args: &[&str]) -> std::process::Output {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_AUTHOR_DATE", "2026-01-01T00:00:00Z")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_DATE", "2026-01-01T00:00:00Z")
        .output()
        .expect("run git");
    out
}

fn git_ok(dir: &Path, args: &[&str]) -> String {
    let out = git(dir, args);
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// A repository with one commit.
fn repo() -> Tree {
    let t = Tree::new();
    git_ok(t.path(), &["init", "-q", "-b", "main", "."]);
    t.write("README", "hello\n");
    git_ok(t.path(), &["add", "."]);
    git_ok(t.path(), &["commit", "-q", "-m", "initial"]);
    t
}

#[cfg(unix)]
fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o111 == 0o111
}

#[cfg(not(unix))]
fn is_executable(_: &Path) -> bool {
    true
}

#[test]
fn install_hook_writes_an_executable_pre_commit_hook() {
    let t = repo();
    let sub = t.path().join("src");
    std::fs::create_dir_all(&sub).unwrap();
    // From a subdirectory: the hook still goes to the repository's hooks directory.
    let r = run_in(&sub, &["install-hook"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let hook = t.path().join(".git/hooks/pre-commit");
    let text = std::fs::read_to_string(&hook).unwrap();
    assert!(text.starts_with("#!/bin/sh\n"), "{text}");
    assert!(text.contains(r#"exec "$leakhound" git --staged"#), "{text}");
    assert!(text.contains(&crate::util::bin().display().to_string()), "{text}");
    assert!(is_executable(&hook));
    assert!(r.stderr.contains("installed pre-commit hook"), "{}", r.stderr);

    // Reinstalling over our own hook is fine (an upgrade); no stray temporary files remain.
    assert_eq!(run_in(t.path(), &["install-hook"]).code, 0);
    let names: Vec<String> = std::fs::read_dir(t.path().join(".git/hooks"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".leakhound"))
        .collect();
    assert!(names.is_empty(), "{names:?}");

    let r = run_in(t.path(), &["install-hook", "--hook", "pre-push"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let push = std::fs::read_to_string(t.path().join(".git/hooks/pre-push")).unwrap();
    assert!(push.contains(r#"pre-push --remote "$1""#), "{push}");
}

#[test]
fn install_hook_refuses_to_overwrite_a_foreign_hook_without_force() {
    let t = repo();
    let hook = t.write(".git/hooks/pre-commit", "#!/bin/sh\nexec make lint\n");
    let r = run_in(t.path(), &["install-hook"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("already exists") && r.stderr.contains("--force"),
        "{}",
        r.stderr
    );
    assert_eq!(std::fs::read_to_string(&hook).unwrap(), "#!/bin/sh\nexec make lint\n");

    let r = run_in(t.path(), &["install-hook", "--force"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(std::fs::read_to_string(&hook).unwrap().contains("git --staged"));
    assert!(is_executable(&hook));
}

#[test]
fn install_hook_respects_core_hooks_path() {
    let t = repo();
    git_ok(t.path(), &["config", "core.hooksPath", ".githooks"]);
    let sub = t.path().join("deep/er");
    std::fs::create_dir_all(&sub).unwrap();
    let r = run_in(&sub, &["install-hook"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Relative hooksPath is relative to the work tree root, not to where we ran.
    assert!(t.path().join(".githooks/pre-commit").is_file());
    assert!(!t.path().join(".git/hooks/pre-commit").exists());
    assert!(!sub.join(".githooks").exists());
}

#[test]
fn install_hook_works_in_a_linked_worktree() {
    let t = repo();
    let wt = t.path().join("wt");
    git_ok(t.path(), &["worktree", "add", "-q", "-b", "side", wt.to_str().unwrap()]);
    assert!(wt.join(".git").is_file(), ".git of a linked worktree is a file");
    let r = run_in(&wt, &["install-hook"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Hooks are shared by all worktrees: they live in the common git directory.
    assert!(t.path().join(".git/hooks/pre-commit").is_file());
}

#[test]
fn install_hook_outside_a_repository_is_a_clear_error() {
    let t = Tree::new();
    let r = run_in(t.path(), &["install-hook"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("not in a git repository"), "{}", r.stderr);
}

/// True when this build has the `git` scan (it lands separately from the hooks).
fn has_git_scan() -> bool {
    run_in(Path::new("."), &["git", "--help"]).code == 0
}

#[test]
fn the_installed_hook_blocks_a_commit_adding_a_secret_and_passes_clean_and_allowed_ones() {
    if !has_git_scan() {
        eprintln!("SKIPPED: this build has no `leakhound git` yet");
        return;
    }
    let t = repo();
    assert_eq!(run_in(t.path(), &["install-hook"]).code, 0);

    t.write("config.py", format!("TOKEN = \"{}\"\n", github_pat(61)));
    git_ok(t.path(), &["add", "config.py"]);
    let out = git(t.path(), &["commit", "-m", "add config"]);
    // git runs hooks with their standard output sent to standard error.
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!out.status.success(), "commit with a secret went through:\n{all}");
    assert!(all.contains("config.py:1:"), "{all}");
    assert!(all.contains("revoke  https://"), "runbook link: {all}");
    assert!(!all.contains(&github_pat(61)), "secret printed in full");
    assert!(
        all.contains("commit blocked") && all.contains("leakhound:allow"),
        "{all}"
    );
    assert_eq!(
        git_ok(t.path(), &["rev-list", "--count", "HEAD"]),
        "1",
        "the commit was made"
    );

    t.write(
        "config.py",
        format!("TOKEN = \"{}\"  # leakhound:allow test fixture\n", github_pat(61)),
    );
    git_ok(t.path(), &["add", "config.py"]);
    let out = git(t.path(), &["commit", "-q", "-m", "allowed"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    t.write("notes.txt", "nothing secret here\n");
    git_ok(t.path(), &["add", "notes.txt"]);
    let out = git(t.path(), &["commit", "-q", "-m", "clean"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}
