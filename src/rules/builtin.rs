//! The built-in catalogue: every file under `rules/` (the long tail of providers in
//! `rules/providers/`, alphabetically) embedded at compile time through an explicit
//! list (a test checks the list against the directory, because directory-embedding macros miss new
//! files on incremental builds).

/// `(file name, contents)` of every built-in rule file.
pub const FILES: &[(&str, &str)] = &[
    ("ai.toml", include_str!("../../rules/ai.toml")),
    ("anthropic.toml", include_str!("../../rules/anthropic.toml")),
    ("aws.toml", include_str!("../../rules/aws.toml")),
    ("azure.toml", include_str!("../../rules/azure.toml")),
    ("cloud.toml", include_str!("../../rules/cloud.toml")),
    ("crypto.toml", include_str!("../../rules/crypto.toml")),
    ("database.toml", include_str!("../../rules/database.toml")),
    ("databases.toml", include_str!("../../rules/databases.toml")),
    ("devtools-more.toml", include_str!("../../rules/devtools-more.toml")),
    ("devtools.toml", include_str!("../../rules/devtools.toml")),
    ("generic.toml", include_str!("../../rules/generic.toml")),
    ("github.toml", include_str!("../../rules/github.toml")),
    ("gitlab.toml", include_str!("../../rules/gitlab.toml")),
    ("google.toml", include_str!("../../rules/google.toml")),
    ("huggingface.toml", include_str!("../../rules/huggingface.toml")),
    ("jwt.toml", include_str!("../../rules/jwt.toml")),
    ("messaging.toml", include_str!("../../rules/messaging.toml")),
    ("observability.toml", include_str!("../../rules/observability.toml")),
    ("openai.toml", include_str!("../../rules/openai.toml")),
    ("payments.toml", include_str!("../../rules/payments.toml")),
    ("private-keys.toml", include_str!("../../rules/private-keys.toml")),
    ("registries.toml", include_str!("../../rules/registries.toml")),
    ("saas.toml", include_str!("../../rules/saas.toml")),
    ("sensitive-files.toml", include_str!("../../rules/sensitive-files.toml")),
    ("slack.toml", include_str!("../../rules/slack.toml")),
    ("stripe.toml", include_str!("../../rules/stripe.toml")),
    ("twilio.toml", include_str!("../../rules/twilio.toml")),
    ("providers/a-b.toml", include_str!("../../rules/providers/a-b.toml")),
    ("providers/c-d.toml", include_str!("../../rules/providers/c-d.toml")),
    ("providers/e-h.toml", include_str!("../../rules/providers/e-h.toml")),
    ("providers/i-m.toml", include_str!("../../rules/providers/i-m.toml")),
    ("providers/n-r.toml", include_str!("../../rules/providers/n-r.toml")),
    ("providers/s-z.toml", include_str!("../../rules/providers/s-z.toml")),
];

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
                    let rel = path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
                    on_disk.push(rel);
                }
            }
        }
        on_disk.sort();
        let mut listed: Vec<String> = FILES.iter().map(|(n, _)| n.to_string()).collect();
        listed.sort();
        assert_eq!(on_disk, listed, "rules/ and src/rules/builtin.rs FILES disagree");
    }
}
