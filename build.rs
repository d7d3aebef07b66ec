//! Build script: converts every rule file under `rules/` (TOML, the form people edit) into JSON
//! once, at compile time, and lists them for `src/rules/builtin.rs`. Start-up then parses JSON,
//! several times faster than TOML for a catalogue of hundreds of rules, and a malformed rule file
//! fails the build with its path and line instead of failing every scan. Cargo reruns this script
//! when anything under `rules/` changes, new files included.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=rules");
    let root = Path::new("rules");
    let mut files = Vec::new();
    collect(root, &mut files);
    files.sort();
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let mut list = String::from("&[\n");
    for path in &files {
        let rel = path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let value: toml::Value = toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let json = serde_json::to_string(&value).expect("TOML values convert to JSON");
        let name = format!("{}.json", rel.replace('/', "__"));
        std::fs::write(out.join(&name), json).expect("OUT_DIR is writable");
        writeln!(
            list,
            "    ({rel:?}, include_str!(concat!(env!(\"OUT_DIR\"), \"/{name}\"))),"
        )
        .unwrap();
    }
    list.push_str("]\n");
    std::fs::write(out.join("builtin_rules.rs"), list).expect("OUT_DIR is writable");
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|x| x == "toml") {
            out.push(path);
        }
    }
}
