//! Rule files (`rules/*.toml` syntax): parse, validate and compile eagerly as custom rules are;
//! what loads must survive the rule checker (`leakhound rules check`) without panicking.

#![no_main]

use leakhound::rules::{self, Rule, RuleSet};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(file) = rules::parse_rule_file("fuzz.toml", text) else { return };
    let mut set = RuleSet::default();
    for mut spec in file.rules {
        if rules::resolve(&mut spec, &file.providers).is_err() {
            return;
        }
        match Rule::new(spec, "fuzz.toml".to_string(), true) {
            Ok(rule) => set.rules.push(rule),
            Err(_) => return,
        }
    }
    let _ = rules::check::check_all(&set);
});
