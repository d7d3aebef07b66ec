//! Helpers for the integration tests: running the real binary, building trees, and assembling
//! real-looking credentials at run time (so no test source holds one).

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Path of the binary under test.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_leakhound"))
}

/// A finished run.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }

    /// Findings of a `-f json` run.
    pub fn findings(&self) -> Vec<serde_json::Value> {
        self.json()["findings"].as_array().cloned().unwrap_or_default()
    }

    pub fn rule_ids(&self) -> Vec<String> {
        self.findings()
            .iter()
            .map(|f| f["rule_id"].as_str().unwrap().to_string())
            .collect()
    }
}

fn finish(out: Output) -> Run {
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs leakhound with `args` in `cwd`.
pub fn run_in(cwd: &Path, args: &[&str]) -> Run {
    let out = Command::new(bin())
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("run leakhound");
    finish(out)
}

/// Runs leakhound with `input` on its standard input.
pub fn run_stdin(cwd: &Path, args: &[&str], input: &[u8]) -> Run {
    use std::io::Write;
    let mut child = Command::new(bin())
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn leakhound");
    let mut stdin = child.stdin.take().unwrap();
    let data = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&data);
    });
    let out = child.wait_with_output().expect("wait");
    writer.join().unwrap();
    finish(out)
}

/// A temporary directory with helpers to create files in it.
pub struct Tree {
    pub dir: tempfile::TempDir,
}

impl Tree {
    pub fn new() -> Tree {
        Tree {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, rel: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let p = self.dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, content).unwrap();
        p
    }

    pub fn run(&self, args: &[&str]) -> Run {
        run_in(self.path(), args)
    }
}

/// Deterministic pseudo-random alphanumerics (xorshift), so tokens look random but tests repeat.
pub fn alnum(seed: u64, n: usize) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            A[(x % A.len() as u64) as usize] as char
        })
        .collect()
}

/// A GitHub classic PAT with a valid checksum.
pub fn github_pat(seed: u64) -> String {
    let random = alnum(seed, 30);
    let check = leakhound::scan::checksum::base62_6(leakhound::scan::checksum::crc32(random.as_bytes()));
    format!("{}{}{}", "ghp", "_", random) + std::str::from_utf8(&check).unwrap()
}

/// The JSON report a run wrote with `-o dir/name`: it must be whole (it parses) and no temporary
/// file (`.leakhound-*`) may be left beside it.
pub fn whole_report(dir: &Path, name: &str) -> serde_json::Value {
    let left: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".leakhound-"))
        .collect();
    assert!(left.is_empty(), "temporary files left beside the report: {left:?}");
    let text = std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("no report {name}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("report {name} is not whole JSON ({e}):\n{text}"))
}

/// Runs git in `dir` with pinned identity and dates (day `n` of January 2024).
pub fn git_in(dir: &Path, args: &[&str], n: u32) -> String {
    let date = format!("2024-01-{:02}T12:00:00Z", n.clamp(1, 28));
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Ada Author")
        .env("GIT_AUTHOR_EMAIL", "ada@example.com")
        .env("GIT_COMMITTER_NAME", "Ada Author")
        .env("GIT_COMMITTER_EMAIL", "ada@example.com")
        .env("GIT_AUTHOR_DATE", &date)
        .env("GIT_COMMITTER_DATE", &date)
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// An uncompressed tar of regular files (image layers and archives built by tests).
pub fn tar_of<S: AsRef<str>>(files: &[(S, Vec<u8>)]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in files {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_entry_type(tar::EntryType::Regular);
        b.append_data(&mut h, name.as_ref(), &data[..]).unwrap();
    }
    b.into_inner().unwrap()
}

/// Lower-case hex SHA-256 of `data` (image digests).
pub fn sha256_hex(data: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(data).iter().map(|b| format!("{b:02x}")).collect()
}
