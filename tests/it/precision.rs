//! Precision: every class of false alarm fixed once stays fixed (fixtures/false-positives/).

use crate::util::run_in;

#[test]
fn known_false_alarm_classes_stay_quiet() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let r = run_in(root, &["dir", "fixtures/false-positives", "-f", "json"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(r.json()["scan"]["files_scanned"].as_u64().unwrap() >= 4);
    assert!(r.json()["scan"]["suppressed"]["placeholder"].as_u64().unwrap() >= 6);
}

/// The repository scans itself: everything outside the allowlisted `rules/` and `fixtures/` (and
/// build output) must be free of real-looking credentials, tests included.
#[test]
fn this_repository_reports_nothing() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let r = run_in(root, &["dir", ".", "-f", "json"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
}
