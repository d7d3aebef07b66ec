//! Git hooks for people without the pre-commit framework: `leakhound install-hook` writes a plain
//! `pre-commit` (or `pre-push`) script into the repository's hooks directory, and
//! `leakhound pre-push` turns what a pre-push hook is told (pre-commit's `PRE_COMMIT_FROM_REF` /
//! `PRE_COMMIT_TO_REF`, or git's own standard-input protocol) into `leakhound git` scans of the
//! commits being pushed.
//!
//! The hooks directory comes from `git rev-parse --git-path hooks`, which already knows about
//! `core.hooksPath`, linked worktrees (where `.git` is a file) and bare repositories; the `git`
//! binary is always present where git hooks run.

use std::ffi::OsString;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::cli::{HookKind, InstallHookArgs, PrePushArgs};

/// First line after the shebang of every hook we write; how `--force`-less reinstalls recognise
/// their own file.
const MARKER: &str = "# Installed by `leakhound install-hook`";

/// An object id of all zeros: git's "no commit" (a new branch's remote side, a deleted branch's
/// local side).
fn is_null_oid(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b == b'0')
}

/// Runs `git` in `dir` and returns its trimmed standard output.
fn git(dir: &Path, args: &[&str]) -> Result<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .context("cannot run `git` (is it installed and on PATH?)")?;
    if !out.status.success() {
        bail!(
            "`git {}` failed in {}: {}",
            args.join(" "),
            dir.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .trim_end_matches(['\n', '\r'])
        .to_string())
}

/// The directory git runs hooks from for the repository at `repo`: `core.hooksPath` when set,
/// else the common git directory's `hooks` (shared by all linked worktrees).
pub fn hooks_dir(repo: &Path) -> Result<PathBuf> {
    git(repo, &["rev-parse", "--git-dir"]).with_context(|| format!("{} is not in a git repository", repo.display()))?;
    // `--path-format` needs git 2.31; older versions print a path relative to `repo`.
    let dir = match git(repo, &["rev-parse", "--path-format=absolute", "--git-path", "hooks"]) {
        Ok(p) => PathBuf::from(p),
        Err(_) => repo.join(git(repo, &["rev-parse", "--git-path", "hooks"])?),
    };
    Ok(dir)
}

/// The hook script for `kind`. `exe` is the binary that installed it, tried first so that hooks
/// run from GUI clients with a minimal PATH still find it; `leakhound` on PATH is the fallback.
pub fn hook_script(kind: HookKind, exe: &Path) -> String {
    let exe = exe.display().to_string().replace('\'', r"'\''");
    let (what, command) = match kind {
        HookKind::PreCommit => ("Blocks commits that add secrets", r#""$leakhound" git --staged"#),
        HookKind::PrePush => (
            "Blocks pushes of commits that add secrets",
            r#""$leakhound" pre-push --remote "$1""#,
        ),
    };
    format!(
        "#!/bin/sh\n\
         {MARKER} (leakhound {version}).\n\
         # {what}. Uninstall: delete this file.\n\
         leakhound='{exe}'\n\
         if [ ! -x \"$leakhound\" ]; then\n\
         \x20   leakhound=$(command -v leakhound) || {{\n\
         \x20       echo 'leakhound: not installed (cargo install leakhound), so this {hook} hook cannot check for secrets' >&2\n\
         \x20       exit 1\n\
         \x20   }}\n\
         fi\n\
         exec {command}\n",
        version = env!("CARGO_PKG_VERSION"),
        hook = kind.file_name(),
    )
}

/// `leakhound install-hook`: writes the hook file, refusing to replace a hook it did not write
/// unless `--force`.
pub fn run_install(args: InstallHookArgs) -> Result<u8> {
    let dir = hooks_dir(&args.repo)?;
    let path = dir.join(args.hook.file_name());
    if let Ok(existing) = std::fs::read_to_string(&path) {
        if !args.force && !existing.contains(MARKER) {
            bail!(
                "{} already exists and was not written by leakhound; move it aside, or run \
                 `leakhound install-hook --force` to replace it (add `leakhound git --staged` to it \
                 yourself to keep both)",
                path.display()
            );
        }
    } else if path.symlink_metadata().is_ok() && !args.force {
        bail!("{} already exists; use --force to replace it", path.display());
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let exe = std::env::current_exe().context("cannot locate the running leakhound binary")?;
    let script = hook_script(args.hook, &exe);
    // Write beside the target and rename, so a failed write never leaves half a hook behind.
    let mut tmp = tempfile::Builder::new()
        .prefix(".leakhound-hook-")
        .tempfile_in(&dir)
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    tmp.write_all(script.as_bytes())?;
    make_executable(tmp.as_file())?;
    if path.symlink_metadata().is_ok() {
        std::fs::remove_file(&path).with_context(|| format!("cannot replace {}", path.display()))?;
    }
    tmp.persist(&path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    let mut err = std::io::stderr().lock();
    let _ = writeln!(
        err,
        "leakhound: installed {} hook at {}",
        args.hook.file_name(),
        crate::messages::escape_line(&path.display().to_string())
    );
    Ok(0)
}

#[cfg(unix)]
fn make_executable(f: &std::fs::File) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    f.set_permissions(std::fs::Permissions::from_mode(0o755))
        .context("cannot make the hook executable")
}

#[cfg(not(unix))]
fn make_executable(_: &std::fs::File) -> Result<()> {
    Ok(())
}

/// One scan a pre-push hook must run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushScan {
    /// The commits reachable from `to` and not from `from`.
    Range {
        /// Base (already on the remote).
        from: String,
        /// Tip being pushed.
        to: String,
    },
    /// Everything reachable from `to`: the pushed commits reach a root commit the remote does not
    /// have. Scanned in a temporary copy holding only those objects, so local leftovers (the blob
    /// of a commit the pre-commit hook blocked, other branches) cannot block the push.
    Full {
        /// The ref or commit being pushed.
        to: String,
    },
}

/// What pre-commit tells a pre-push hook: `PRE_COMMIT_FROM_REF`/`PRE_COMMIT_TO_REF` for a range, or
/// only `PRE_COMMIT_LOCAL_BRANCH` when the pushed commits include a root commit (pre-commit's "all
/// files" case). `None` when not run by pre-commit at all.
pub fn scans_from_pre_commit_env(
    from: Option<&str>,
    to: Option<&str>,
    local_branch: Option<&str>,
) -> Option<Vec<PushScan>> {
    let nonempty = |s: Option<&str>| s.filter(|s| !s.is_empty()).map(str::to_string);
    match (nonempty(from), nonempty(to), nonempty(local_branch)) {
        (Some(from), Some(to), _) if !is_null_oid(&from) => Some(vec![PushScan::Range { from, to }]),
        (_, Some(to), _) | (_, None, Some(to)) => Some(vec![PushScan::Full { to }]),
        _ => None,
    }
}

/// Turns git's pre-push standard input (`<local ref> <local oid> <remote ref> <remote oid>` per
/// line) into scans. `base_of_new` finds the base of a branch the remote does not have yet: `None`
/// when nothing new is pushed, `Some(None)` when the new commits reach a root commit.
pub fn scans_from_push_lines(
    input: &str,
    has_commit: &dyn Fn(&str) -> bool,
    base_of_new: &dyn Fn(&str) -> Result<Option<Option<String>>>,
) -> Result<Vec<PushScan>> {
    let mut scans = Vec::new();
    for line in input.lines().filter(|l| !l.trim().is_empty()) {
        let parts: Vec<&str> = line.split_whitespace().collect();
        let [local_ref, local, _, remote] = parts[..] else {
            bail!("unexpected pre-push input line {line:?} (expected `<local ref> <oid> <remote ref> <oid>`)");
        };
        if is_null_oid(local) {
            continue; // a branch deletion pushes no content
        }
        let scan = if !is_null_oid(remote) && has_commit(remote) {
            PushScan::Range {
                from: remote.to_string(),
                to: local.to_string(),
            }
        } else {
            match base_of_new(local)? {
                None => continue,
                Some(Some(base)) => PushScan::Range {
                    from: base,
                    to: local.to_string(),
                },
                Some(None) => PushScan::Full {
                    to: local_ref.to_string(),
                },
            }
        };
        if !scans.contains(&scan) {
            scans.push(scan);
        }
    }
    Ok(scans)
}

/// `leakhound pre-push`: runs `leakhound git` on the commits being pushed and exits with the worst
/// status of those runs.
pub fn run_pre_push(args: PrePushArgs) -> Result<u8> {
    let repo = PathBuf::from(".");
    let env = |k: &str| std::env::var(k).ok();
    let scans = match scans_from_pre_commit_env(
        env("PRE_COMMIT_FROM_REF").as_deref(),
        env("PRE_COMMIT_TO_REF").as_deref(),
        env("PRE_COMMIT_LOCAL_BRANCH").as_deref(),
    ) {
        Some(s) => s,
        None => {
            if std::io::stdin().is_terminal() {
                bail!(
                    "`leakhound pre-push` runs inside a pre-push hook (it reads the refs being pushed \
                     on standard input); to scan commits yourself use `leakhound git --range BASE..HEAD`"
                );
            }
            let mut input = String::new();
            for line in std::io::stdin().lock().lines() {
                input.push_str(&line?);
                input.push('\n');
            }
            let remote = args.remote.clone();
            scans_from_push_lines(
                &input,
                &|oid| git(&repo, &["cat-file", "-e", &format!("{oid}^{{commit}}")]).is_ok(),
                &|local| base_of_new_branch(&repo, local, remote.as_deref()),
            )?
        }
    };
    let exe = std::env::current_exe().context("cannot locate the running leakhound binary")?;
    let mut worst = 0u8;
    for scan in scans {
        // `_copy` keeps a full scan's temporary repository alive until its run has ended.
        let (mut argv, _copy): (Vec<OsString>, _) = match &scan {
            PushScan::Range { from, to } => (
                vec!["git".into(), "--range".into(), format!("{from}..{to}").into()],
                None,
            ),
            PushScan::Full { to } => {
                let (dir, argv) = full_scan_args(&repo, to, &args.scan_args)?;
                (argv, Some(dir))
            }
        };
        argv.extend(args.scan_args.iter().cloned());
        let status = Command::new(&exe)
            .args(&argv)
            .status()
            .context("cannot run leakhound git")?;
        let code = status.code().map_or(2, |c| c.clamp(0, 255) as u8);
        worst = worst.max(code);
    }
    Ok(worst)
}

/// A temporary bare repository holding only what `to` reaches, and the `leakhound git` arguments to
/// scan it with the repository's own configuration (which lives in the work tree, not the copy).
fn full_scan_args(repo: &Path, to: &str, user_args: &[OsString]) -> Result<(tempfile::TempDir, Vec<OsString>)> {
    let src = match git(repo, &["rev-parse", "--path-format=absolute", "--git-dir"]) {
        Ok(p) => PathBuf::from(p),
        Err(_) => std::fs::canonicalize(repo.join(git(repo, &["rev-parse", "--git-dir"])?))?,
    };
    let copy = tempfile::Builder::new()
        .prefix("leakhound-push-")
        .tempdir()
        .context("cannot create a temporary repository")?;
    git(copy.path(), &["init", "-q", "--bare", "."])?;
    git(
        copy.path(),
        &[
            "-c",
            "uploadpack.allowAnySHA1InWant=true",
            "fetch",
            "-q",
            "--no-tags",
            &src.display().to_string(),
            &format!("{to}:refs/heads/pushed"),
        ],
    )
    .with_context(|| format!("cannot copy the commits of {to} for scanning"))?;
    git(copy.path(), &["symbolic-ref", "HEAD", "refs/heads/pushed"])?;
    let mut argv: Vec<OsString> = vec!["git".into(), copy.path().as_os_str().to_owned()];
    let has_config = user_args.iter().any(|a| {
        let a = a.to_string_lossy();
        a == "-c" || a == "--config" || a.starts_with("--config=")
    });
    let top = git(repo, &["rev-parse", "--show-toplevel"]).map(PathBuf::from);
    if let (false, Ok(top)) = (has_config, top) {
        let cfg = top.join(crate::config::DEFAULT_CONFIG);
        if cfg.is_file() {
            argv.push("--config".into());
            argv.push(cfg.into_os_string());
        }
    }
    Ok((copy, argv))
}

/// For a branch the remote does not have: the parent of the oldest commit not on any
/// remote-tracking branch of `remote` (all remotes when unknown), like pre-commit does.
fn base_of_new_branch(repo: &Path, local: &str, remote: Option<&str>) -> Result<Option<Option<String>>> {
    let not = match remote {
        Some(r) if !r.is_empty() => format!("--remotes={r}"),
        _ => "--remotes".to_string(),
    };
    let new = git(repo, &["rev-list", local, "--topo-order", "--reverse", "--not", &not])?;
    let Some(first) = new.lines().next() else {
        return Ok(None);
    };
    match git(repo, &["rev-parse", "--verify", "--quiet", &format!("{first}^")]) {
        Ok(parent) if !parent.is_empty() => Ok(Some(Some(parent))),
        _ => Ok(Some(None)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "1111111111111111111111111111111111111111";
    const B: &str = "2222222222222222222222222222222222222222";
    const Z: &str = "0000000000000000000000000000000000000000";

    #[test]
    fn pre_commit_env_gives_a_range_or_a_full_scan() {
        assert_eq!(
            scans_from_pre_commit_env(Some(A), Some(B), Some("refs/heads/main")),
            Some(vec![PushScan::Range {
                from: A.into(),
                to: B.into()
            }])
        );
        let full = |to: &str| Some(vec![PushScan::Full { to: to.into() }]);
        assert_eq!(scans_from_pre_commit_env(Some(Z), Some(B), None), full(B));
        assert_eq!(
            scans_from_pre_commit_env(None, None, Some("refs/heads/main")),
            full("refs/heads/main")
        );
        assert_eq!(scans_from_pre_commit_env(None, None, None), None);
        assert_eq!(scans_from_pre_commit_env(Some(""), Some(""), Some("")), None);
    }

    #[test]
    fn push_lines_skip_deletions_and_find_the_base_of_new_branches() {
        let input = format!(
            "refs/heads/main {B} refs/heads/main {A}\n\
             refs/heads/gone {Z} refs/heads/gone {A}\n\
             refs/heads/new {B} refs/heads/new {Z}\n"
        );
        let scans = scans_from_push_lines(&input, &|oid| oid == A, &|_| Ok(Some(Some(A.to_string())))).unwrap();
        assert_eq!(
            scans,
            vec![PushScan::Range {
                from: A.into(),
                to: B.into()
            }]
        );
        let full = scans_from_push_lines(&input, &|_| false, &|_| Ok(Some(None))).unwrap();
        assert_eq!(
            full,
            vec![
                PushScan::Full {
                    to: "refs/heads/main".into()
                },
                PushScan::Full {
                    to: "refs/heads/new".into()
                }
            ]
        );
        let nothing = scans_from_push_lines(&format!("refs/heads/x {B} refs/heads/x {Z}\n"), &|_| true, &|_| {
            Ok(None)
        });
        assert_eq!(nothing.unwrap(), vec![]);
        assert!(scans_from_push_lines("garbage\n", &|_| true, &|_| Ok(None)).is_err());
    }

    #[test]
    fn hook_script_quotes_the_binary_path() {
        let s = hook_script(HookKind::PreCommit, Path::new("/opt/it's/leakhound"));
        assert!(s.starts_with("#!/bin/sh\n"));
        assert!(s.contains(r"leakhound='/opt/it'\''s/leakhound'"));
        assert!(s.contains(r#"exec "$leakhound" git --staged"#));
    }
}
