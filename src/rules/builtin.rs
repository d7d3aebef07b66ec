//! The built-in catalogue: every file under `rules/` (the long tail of providers in
//! `rules/providers/`, alphabetically), converted from TOML to JSON by `build.rs` and embedded at
//! compile time. The build script walks the directory, so a new rule file needs no list entry.

/// `(file name relative to rules/, contents as JSON)` of every built-in rule file.
pub const FILES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

#[cfg(test)]
mod tests {
    use super::FILES;

    #[test]
    fn every_rule_file_is_embedded() {
        let root = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/rules"));
        let mut on_disk: Vec<String> = Vec::new();
        let mut dirs = vec![root.to_path_buf()];
        while let Some(dir) = dirs.pop() {
            for e in std::fs::read_dir(&dir).unwrap() {
                let path = e.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|x| x == "toml") {
                    on_disk.push(path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/"));
                }
            }
        }
        on_disk.sort();
        let mut listed: Vec<String> = FILES.iter().map(|(n, _)| n.to_string()).collect();
        listed.sort();
        assert_eq!(on_disk, listed, "rules/ and the embedded catalogue disagree");
    }
}
