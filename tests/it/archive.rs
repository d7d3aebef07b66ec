//! Archives inside `dir` and `stdin`: nested jar in a zip, a gz inside a tar, a zip bomb skipped
//! and counted, `--archive-depth` (issue #5); and hostile archives (issue #9): truncated and corrupt
//! tar, gzip and zstd, bombs by ratio and by entry count beside good files, 40 levels of nesting,
//! member names with `..`, absolute paths and duplicates. Each checks the message naming the
//! archive, the key in a good file, and a whole `-o` report.

use std::io::{Cursor, Write};
use std::path::Path;

use crate::util::{github_pat, run_in, run_stdin, whole_report, Tree};

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
    let (_, paths) = scan_to_report(&t, &[]);
    assert_eq!(paths, ["ok.txt"], "the report is whole (issue #9)");
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
    t.write("ok.txt", format!("token {}\n", github_pat(604)));
    let (r, paths) = scan_to_report(&t, &[]);
    assert_eq!(r.code, 1, "the rest is still scanned (issue #9): {}", r.stderr);
    assert!(
        r.stderr.contains("many.zip: archive skipped: more than 100000 entries"),
        "{}",
        r.stderr
    );
    assert_eq!(paths, ["ok.txt"]);
}

// --- Hostile archives (issue #9). A corrupt archive is a warning, not an error (README
// "Archives, in every source"): what could be read is scanned, the rest of the scan goes on, and
// the exit status follows the findings.

/// Runs `dir . -f json -o report.json` and returns the run and the paths of the report's findings.
fn scan_to_report(t: &Tree, extra: &[&str]) -> (crate::util::Run, Vec<String>) {
    let mut args = vec!["dir", ".", "-f", "json", "-o", "report.json"];
    args.extend(extra);
    let r = t.run(&args);
    let doc = whole_report(t.path(), "report.json");
    let mut paths: Vec<String> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    paths.sort();
    std::fs::remove_file(t.path().join("report.json")).unwrap();
    (r, paths)
}

#[test]
fn truncated_and_corrupt_tar_gzip_and_zstd_warn_by_name_and_keep_what_was_read() {
    let t = Tree::new();
    t.write("good.txt", format!("token {}\n", github_pat(610)));
    let first = format!("token {}\n", github_pat(611));
    let filler = "filler words for the second member\n".repeat(200);
    let tar = tar_of(&[("a.txt", first.as_bytes()), ("b.txt", filler.as_bytes())]);
    // Cut inside b.txt's data: a.txt was read whole.
    t.write("cut.tar", &tar[..512 * 3 + 100]);
    // b.txt's header overwritten with garbage: its checksum no longer matches.
    let mut bad = tar.clone();
    for b in &mut bad[1024..1024 + 512] {
        *b = b'Z';
    }
    t.write("bad.tar", &bad);
    let tgz = gz(&tar);
    t.write("cut.tar.gz", &tgz[..tgz.len() * 3 / 4]);
    // zstd decodes whole blocks (up to 128 KiB of output): a member must fill more than one for
    // a cut frame to give anything back.
    let big = "more filler words, numbered differently each line: ".repeat(12_000);
    let tar_big = tar_of(&[("a.txt", first.as_bytes()), ("b.txt", big.as_bytes())]);
    let tzst = zstd::stream::encode_all(&tar_big[..], 1).unwrap();
    t.write("cut.tar.zst", &tzst[..tzst.len() - 2]);
    // Single compressed files whose streams break: nothing decodes, the raw bytes are scanned.
    let mut g = gz(filler.as_bytes());
    let n = g.len();
    for b in &mut g[12..n - 12] {
        *b ^= 0xa5;
    }
    t.write("bad.log.gz", &g);
    let mut z = zstd::stream::encode_all(filler.as_bytes(), 1).unwrap();
    let n = z.len();
    z.truncate(n / 2);
    t.write("cut.log.zst", &z);

    let (r, paths) = scan_to_report(&t, &[]);
    assert_eq!(
        r.code, 1,
        "corrupt archives are warnings; findings decide: {}",
        r.stderr
    );
    for name in [
        "cut.tar",
        "bad.tar",
        "cut.tar.gz",
        "cut.tar.zst",
        "bad.log.gz",
        "cut.log.zst",
    ] {
        assert!(
            r.stderr
                .lines()
                .any(|l| l.contains("warning") && l.contains(&format!(" {name}"))),
            "no warning naming {name}:\n{}",
            r.stderr
        );
    }
    assert_eq!(
        paths,
        [
            "bad.tar!/a.txt",
            "cut.tar!/a.txt",
            "cut.tar.gz!/a.txt",
            "cut.tar.zst!/a.txt",
            "good.txt"
        ],
        "{}",
        r.stderr
    );
}

#[test]
fn deeply_nested_archives_open_to_the_depth_asked_and_no_further() {
    let t = Tree::new();
    t.write("good.txt", format!("token {}\n", github_pat(612)));
    // 40 zips, each inside the next; a key at level 2 and one at the bottom.
    let mut inner = zip_of(&[("bottom.txt", format!("token {}\n", github_pat(613)).as_bytes())]);
    for level in (1..40).rev() {
        let note = if level == 2 {
            format!("token {}\n", github_pat(614))
        } else {
            format!("level {level}\n")
        };
        inner = zip_of(&[("next.zip", &inner), ("note.txt", note.as_bytes())]);
    }
    t.write("deep.zip", &inner);
    let started = std::time::Instant::now();
    let (r, paths) = scan_to_report(&t, &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(paths, ["deep.zip!/next.zip!/note.txt", "good.txt"]);
    let (r, paths) = scan_to_report(&t, &["--archive-depth", "64"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let bottom = format!("deep.zip{}!/bottom.txt", "!/next.zip".repeat(39));
    assert_eq!(paths, [bottom.as_str(), "deep.zip!/next.zip!/note.txt", "good.txt"]);
    assert!(started.elapsed() < std::time::Duration::from_secs(60));
}

#[test]
fn member_names_with_dotdot_absolute_paths_and_duplicates_are_reported_as_written_never_extracted() {
    let t = Tree::new();
    std::fs::create_dir(t.path().join("scan")).unwrap();
    t.write("scan/good.txt", format!("token {}\n", github_pat(615)));
    // The tar crate's builder refuses these names, as a careful writer would: write the name
    // field of each header by hand, as a hostile archive does.
    let mut b = tar::Builder::new(Vec::new());
    for (name, seed) in [
        ("../../escape.txt", 616),
        ("/etc/abs.txt", 617),
        ("dup.txt", 618),
        ("dup.txt", 619),
    ] {
        let data = format!("token {}\n", github_pat(seed));
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_entry_type(tar::EntryType::Regular);
        h.as_gnu_mut().unwrap().name[..name.len()].copy_from_slice(name.as_bytes());
        h.set_cksum();
        b.append(&h, data.as_bytes()).unwrap();
    }
    t.write("scan/evil.tar", b.into_inner().unwrap());
    let before = list_all(t.path());
    let r = run_in(&t.path().join("scan"), &["dir", ".", "-f", "json", "-o", "report.json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let doc = whole_report(&t.path().join("scan"), "report.json");
    let mut paths: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    paths.sort();
    assert_eq!(
        paths,
        [
            "evil.tar!/../../escape.txt",
            "evil.tar!//etc/abs.txt",
            "evil.tar!/dup.txt",
            "evil.tar!/dup.txt",
            "good.txt"
        ]
    );
    std::fs::remove_file(t.path().join("scan/report.json")).unwrap();
    assert_eq!(list_all(t.path()), before, "nothing was written outside the report");
    assert!(!Path::new("/etc/abs.txt").exists());
}

/// Every path under `dir`, sorted.
fn list_all(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            out.push(p.strip_prefix(dir).unwrap().display().to_string());
            if p.is_dir() {
                stack.push(p);
            }
        }
    }
    out.sort();
    out
}
