//! Archives inside `dir` and `stdin`: nested jar in a zip, a gz inside a tar, a zip bomb skipped
//! and counted, `--archive-depth` (issue #5).

use std::io::{Cursor, Write};

use crate::util::{github_pat, run_stdin, Tree};

fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in files {
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn gz(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn tar_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in files {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        b.append_data(&mut h, name, *data).unwrap();
    }
    b.into_inner().unwrap()
}

fn paths(r: &crate::util::Run) -> Vec<String> {
    r.findings()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn nested_jar_in_zip_is_opened_and_named() {
    let t = Tree::new();
    let props = format!("github.token={}\n", github_pat(601));
    let jar = zip_of(&[("config/app.properties", props.as_bytes())]);
    t.write("dist/release.zip", zip_of(&[("lib/app.jar", &jar), ("README", b"hi")]));
    let r = t.run(&["dir", "-f", "json", "."]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(paths(&r), ["dist/release.zip!/lib/app.jar!/config/app.properties"]);

    let r = t.run(&["dir", "-f", "json", "--archive-depth", "1", "."]);
    assert_eq!(r.code, 0, "one level opens the zip but not the jar: {}", r.stdout);
    let r = t.run(&["dir", "-f", "json", "--archive-depth", "0", "."]);
    assert_eq!(r.code, 0, "{}", r.stdout);
}

#[test]
fn gz_inside_a_tar_and_a_tgz_on_stdin() {
    let t = Tree::new();
    let log = format!("auth {}\n", github_pat(602));
    let tar = tar_of(&[("logs/app.log.gz", &gz(log.as_bytes())), ("etc/motd", b"hello")]);
    t.write("backup.tar", &tar);
    let r = t.run(&["dir", "-f", "json", "."]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(paths(&r), ["backup.tar!/logs/app.log.gz!/app.log"]);

    let r = run_stdin(t.path(), &["stdin", "--label", "b.tgz", "-f", "json"], &gz(&tar));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(paths(&r), ["b.tgz!/logs/app.log.gz!/app.log"]);
}

#[test]
fn a_zip_bomb_is_skipped_with_a_warning_and_counted() {
    let t = Tree::new();
    let zeros = vec![0u8; 200 << 20];
    t.write("bomb.zip", zip_of(&[("zeros.bin", &zeros)]));
    t.write("ok.txt", format!("token {}\n", github_pat(603)));
    let r = t.run(&["dir", "-f", "json", "."]);
    assert_eq!(r.code, 1, "the rest is still scanned: {}", r.stderr);
    assert!(
        r.stderr.contains("bomb.zip: archive skipped: compression ratio above"),
        "{}",
        r.stderr
    );
    assert_eq!(r.json()["scan"]["files_skipped"]["archive_limit"], 1);
}

#[test]
fn an_archive_with_too_many_entries_is_skipped() {
    let t = Tree::new();
    let names: Vec<String> = (0..100_001).map(|i| format!("f{i}")).collect();
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for n in &names {
        w.start_file(n.as_str(), opts).unwrap();
    }
    t.write("many.zip", w.finish().unwrap().into_inner());
    let r = t.run(&["dir", "-f", "json", "."]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("more than 100000 entries"), "{}", r.stderr);
}
