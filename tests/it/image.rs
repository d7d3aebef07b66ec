//! `leakhound image`: image archives built here with the tar crate and gzip/zstd encoders, in every
//! layout (legacy `docker save`, Docker 25 OCI-in-tar, OCI layout directory, compressed outer tar):
//! a key in a layer file, one deleted by a whiteout, one under an opaque directory, one in `Env`
//! and one in `history` (issue #5). Hostile images (issue #9): an index that lists itself, a
//! manifest naming missing blobs, a `docker save` manifest naming itself as config and layer.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use crate::util::{github_pat, sha256_hex, tar_of, whole_report, Tree};

#[derive(Clone, Copy)]
enum Comp {
    Plain,
    Gzip,
    Zstd,
}

fn compress(c: Comp, data: &[u8]) -> Vec<u8> {
    match c {
        Comp::Plain => data.to_vec(),
        Comp::Gzip => {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(data).unwrap();
            e.finish().unwrap()
        }
        Comp::Zstd => zstd::stream::encode_all(data, 1).unwrap(),
    }
}

/// Keys planted in every image: (where, token).
struct Keys {
    kept: String,
    whiteout: String,
    opaque: String,
    env: String,
    history: String,
}

fn keys() -> Keys {
    Keys {
        kept: github_pat(501),
        whiteout: github_pat(502),
        opaque: github_pat(503),
        env: github_pat(504),
        history: github_pat(505),
    }
}

fn layers(k: &Keys) -> Vec<Vec<u8>> {
    vec![
        tar_of(&[
            ("app/.env", format!("GITHUB_TOKEN={}\n", k.whiteout).into_bytes()),
            ("etc/creds/token.txt", format!("token: {}\n", k.opaque).into_bytes()),
            ("opt/app/config.yml", format!("github: {}\n", k.kept).into_bytes()),
            ("bin/tool", b"\x7fELF\0\0binary".to_vec()),
        ]),
        tar_of(&[
            ("app/.wh..env", Vec::new()),
            ("etc/creds/.wh..wh..opq", Vec::new()),
            ("etc/creds/readme", b"rotated".to_vec()),
        ]),
    ]
}

fn config(k: &Keys, diff_ids: &[String]) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "architecture": "amd64", "os": "linux",
        "config": {"Env": ["PATH=/usr/bin", format!("GH_TOKEN={}", k.env)], "Cmd": ["/bin/app"]},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": [
            {"created_by": "ADD rootfs.tar /"},
            {"created_by": format!("RUN git clone https://x:{}@github.com/o/r", k.history)},
        ]
    }))
    .unwrap()
}

/// Legacy `docker save` (Docker 24 and older): `<id>/layer.tar`, `<hex>.json`, `manifest.json`.
fn legacy(k: &Keys) -> Vec<u8> {
    let layers = layers(k);
    let diff_ids: Vec<String> = layers.iter().map(|l| format!("sha256:{}", sha256_hex(l))).collect();
    let cfg = config(k, &diff_ids);
    let cfg_name = format!("{}.json", sha256_hex(&cfg));
    let mut files = vec![(cfg_name.clone(), cfg)];
    let mut paths = Vec::new();
    for (i, l) in layers.into_iter().enumerate() {
        paths.push(format!("{i:064}/layer.tar"));
        files.push((paths[i].clone(), l));
    }
    let manifest = json!([{"Config": cfg_name, "RepoTags": ["shop/api:1.0"], "Layers": paths}]);
    files.push(("manifest.json".into(), serde_json::to_vec(&manifest).unwrap()));
    let refs: Vec<(&str, Vec<u8>)> = files.iter().map(|(n, d)| (n.as_str(), d.clone())).collect();
    tar_of(&refs)
}

/// OCI layout files (Docker 25+ adds `manifest.json`): one image, an attestation manifest beside it.
fn oci(k: &Keys, comp: Comp, docker: bool) -> Vec<(String, Vec<u8>)> {
    let mut files = vec![("oci-layout".to_string(), br#"{"imageLayoutVersion":"1.0.0"}"#.to_vec())];
    let mut blob = |data: Vec<u8>| -> String {
        let h = sha256_hex(&data);
        files.push((format!("blobs/sha256/{h}"), data));
        format!("sha256:{h}")
    };
    let layers = layers(k);
    let diff_ids: Vec<String> = layers.iter().map(|l| format!("sha256:{}", sha256_hex(l))).collect();
    let cfg = blob(config(k, &diff_ids));
    let descs: Vec<Value> = layers
        .iter()
        .map(|l| json!({"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": blob(compress(comp, l)), "size": 1}))
        .collect();
    let manifest = json!({"schemaVersion": 2, "config": {"digest": cfg, "size": 1}, "layers": descs});
    let m = blob(serde_json::to_vec(&manifest).unwrap());
    let att = blob(br#"{"schemaVersion":2,"layers":[]}"#.to_vec());
    let index = json!({"schemaVersion": 2, "manifests": [
        {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": m, "size": 1,
         "annotations": {"io.containerd.image.name": "docker.io/shop/api:1.0"}},
        {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": att, "size": 1,
         "annotations": {"vnd.docker.reference.type": "attestation-manifest"}}]});
    let layer_paths: Vec<String> = descs
        .iter()
        .map(|d| format!("blobs/sha256/{}", &d["digest"].as_str().unwrap()[7..]))
        .collect();
    files.push(("index.json".into(), serde_json::to_vec(&index).unwrap()));
    if docker {
        let dm = json!([{"Config": format!("blobs/sha256/{}", &cfg[7..]), "RepoTags": ["shop/api:1.0"], "Layers": layer_paths}]);
        files.push(("manifest.json".into(), serde_json::to_vec(&dm).unwrap()));
    }
    files
}

fn oci_tar(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let refs: Vec<(&str, Vec<u8>)> = files.iter().map(|(n, d)| (n.as_str(), d.clone())).collect();
    tar_of(&refs)
}

fn oci_dir(t: &Tree, name: &str, files: &[(String, Vec<u8>)]) -> PathBuf {
    for (k, d) in files {
        t.write(&format!("{name}/{k}"), d);
    }
    t.path().join(name)
}

/// Runs `image -f json` and checks the five planted keys and their places.
fn check(t: &Tree, input: &Path, image: &str) {
    let k = keys();
    let r = t.run(&["image", "-f", "json", input.to_str().unwrap()]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let findings = r.findings();
    let place = |secret_seed: &str| -> Value {
        findings
            .iter()
            .find(|f| f["fingerprint"] == leakhound::finding::fingerprint("github-classic-pat", secret_seed.as_bytes()))
            .unwrap_or_else(|| panic!("no finding for a planted key in {findings:#?}"))
            .clone()
    };
    let kept = place(&k.kept);
    assert_eq!(kept["path"], "opt/app/config.yml");
    assert_eq!(kept["image"], image);
    assert_eq!(kept["layer_index"], 0);
    assert!(kept["layer"].as_str().unwrap().starts_with("sha256:"));
    assert!(kept.get("deleted_in_layer").is_none());
    let wh = place(&k.whiteout);
    assert_eq!(
        (wh["path"].as_str(), wh["deleted_in_layer"].as_u64()),
        (Some("app/.env"), Some(1))
    );
    let op = place(&k.opaque);
    assert_eq!(
        (op["path"].as_str(), op["deleted_in_layer"].as_u64()),
        (Some("etc/creds/token.txt"), Some(1))
    );
    let env = place(&k.env);
    assert_eq!(env["path"], "config:Env[1]");
    assert!(env.get("layer_index").is_none());
    assert_eq!(place(&k.history)["path"], "config:history[1].created_by");
    assert_eq!(findings.len(), 5, "{findings:#?}");
    assert!(r.json()["scan"]["images"].as_array().is_some_and(|a| a.len() == 1));
}

#[test]
fn legacy_docker_save_plain_and_gzipped() {
    let t = Tree::new();
    let p = t.write("api.tar", legacy(&keys()));
    check(&t, &p, "shop/api:1.0");
    let p = t.write("api.tar.gz", compress(Comp::Gzip, &legacy(&keys())));
    check(&t, &p, "shop/api:1.0");
}

#[test]
fn docker25_oci_in_tar() {
    let t = Tree::new();
    let p = t.write("d25.tar", oci_tar(&oci(&keys(), Comp::Plain, true)));
    check(&t, &p, "docker.io/shop/api:1.0");
}

#[test]
fn oci_layout_directory_with_zstd_layers_and_an_attestation() {
    let t = Tree::new();
    let p = oci_dir(&t, "layout", &oci(&keys(), Comp::Zstd, false));
    check(&t, &p, "docker.io/shop/api:1.0");
}

#[test]
fn oci_archive_with_gzip_layers_compressed_with_zstd() {
    let t = Tree::new();
    let p = t.write(
        "api.oci.tar.zst",
        compress(Comp::Zstd, &oci_tar(&oci(&keys(), Comp::Gzip, false))),
    );
    check(&t, &p, "docker.io/shop/api:1.0");
}

#[test]
fn text_report_says_a_deleted_key_still_ships() {
    let t = Tree::new();
    let p = t.write("api.tar", legacy(&keys()));
    let r = t.run(&["image", p.to_str().unwrap()]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.contains("image shop/api:1.0 layer 0 (sha256:"), "{}", r.stdout);
    assert!(
        r.stdout.contains("deleted in layer 1 but still ships in the image"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("image shop/api:1.0 config (sha256:"), "{}", r.stdout);
}

#[test]
fn a_missing_blob_is_an_error_and_the_rest_is_still_scanned() {
    let t = Tree::new();
    let mut files = oci(&keys(), Comp::Gzip, false);
    let top = sha256_hex(&compress(Comp::Gzip, &layers(&keys())[1]));
    files.retain(|(k, _)| !k.ends_with(&top));
    let p = t.write("broken.tar", oci_tar(&files));
    let r = t.run(&["image", "-f", "json", p.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("missing blob"), "{}", r.stderr);
    // The base layer and the config are still read; without the top layer nothing is deleted.
    assert_eq!(r.findings().len(), 5);
}

#[test]
fn not_an_image_is_an_error() {
    let t = Tree::new();
    let p = t.write("notes.txt", "hello");
    let r = t.run(&["image", p.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("not a container image"), "{}", r.stderr);
}

// --- Hostile images (issue #9): each is an error (exit 2) naming what is wrong, the good image
// beside it is still read whole (its five keys), and the `-o` report is whole.

/// Runs `image -f json -o report.json` on `input` and returns the run and the report's findings.
fn scan_to_report(t: &Tree, input: &Path) -> (crate::util::Run, Vec<Value>) {
    let r = t.run(&["image", "-f", "json", "-o", "report.json", input.to_str().unwrap()]);
    let doc = whole_report(t.path(), "report.json");
    (r, doc["findings"].as_array().unwrap().clone())
}

#[test]
fn an_index_that_references_itself_and_a_manifest_naming_missing_blobs_are_errors() {
    let t = Tree::new();
    let mut files = oci(&keys(), Comp::Gzip, false);
    // A nested index stored under a digest it lists itself (nothing checks a blob's hash).
    let looping = format!("sha256:{}", "ab".repeat(32));
    let index_mt = "application/vnd.oci.image.index.v1+json";
    let nested = json!({"schemaVersion": 2, "mediaType": index_mt,
        "manifests": [{"mediaType": index_mt, "digest": looping, "size": 1}]});
    files.push((
        format!("blobs/sha256/{}", "ab".repeat(32)),
        serde_json::to_vec(&nested).unwrap(),
    ));
    // A manifest whose config and layer are not in the archive.
    let (no_config, no_layer) = ("cd".repeat(32), "ef".repeat(32));
    let broken = serde_json::to_vec(&json!({"schemaVersion": 2,
        "config": {"digest": format!("sha256:{no_config}"), "size": 1},
        "layers": [{"digest": format!("sha256:{no_layer}"), "size": 1}]}))
    .unwrap();
    let broken_digest = format!("sha256:{}", sha256_hex(&broken));
    files.push((format!("blobs/sha256/{}", sha256_hex(&broken)), broken));
    let at = files.iter().position(|(k, _)| k == "index.json").unwrap();
    let mut index: Value = serde_json::from_slice(&files[at].1).unwrap();
    let list = index["manifests"].as_array_mut().unwrap();
    list.push(json!({"mediaType": index_mt, "digest": looping, "size": 1}));
    list.push(json!({"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": broken_digest, "size": 1}));
    files[at].1 = serde_json::to_vec(&index).unwrap();
    let p = t.write("hostile.tar", oci_tar(&files));

    let (r, findings) = scan_to_report(&t, &p);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!("index {looping} leads back to itself")),
        "{}",
        r.stderr
    );
    for missing in [&no_config, &no_layer] {
        assert!(
            r.stderr.contains("names missing blob") && r.stderr.contains(missing.as_str()),
            "no error naming missing blob {missing}: {}",
            r.stderr
        );
    }
    assert_eq!(findings.len(), 5, "the good image is still read whole: {findings:#?}");
}

#[test]
fn a_docker_save_manifest_that_names_itself_as_config_and_layer_is_an_error() {
    let t = Tree::new();
    let mut tar = tar::Archive::new(std::io::Cursor::new(legacy(&keys())));
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for e in tar.entries().unwrap() {
        let mut e = e.unwrap();
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut e, &mut data).unwrap();
        files.push((e.path().unwrap().display().to_string(), data));
    }
    let at = files.iter().position(|(k, _)| k == "manifest.json").unwrap();
    let mut manifest: Value = serde_json::from_slice(&files[at].1).unwrap();
    // A second image whose config and only layer are manifest.json itself.
    let mut second = manifest[0].clone();
    second["RepoTags"] = json!(["loop:1"]);
    second["Config"] = json!("manifest.json");
    second["Layers"] = json!(["manifest.json"]);
    manifest.as_array_mut().unwrap().push(second);
    files[at].1 = serde_json::to_vec(&manifest).unwrap();
    let p = t.write("loop.tar", oci_tar(&files));

    let (r, findings) = scan_to_report(&t, &p);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .lines()
            .any(|l| l.contains("loop:1") && l.contains("manifest.json")),
        "the error names the image and the blob: {}",
        r.stderr
    );
    let images: Vec<&str> = findings.iter().map(|f| f["image"].as_str().unwrap()).collect();
    assert_eq!(
        images, ["shop/api:1.0"; 5],
        "the good image is still read whole: {findings:#?}"
    );
}
