//! The container image reader (`source::image`: legacy `docker save` and OCI layouts, plain,
//! gzip or zstd outer tar) on arbitrary bytes given as an image tarball: no panic, no hang,
//! bounded memory (tight layer, file and JSON limits), and every place handed to `emit` consistent
//! (a deletion only by a later layer).

#![no_main]

use std::path::PathBuf;
use std::sync::LazyLock;

use leakhound::source::archive;
use leakhound::source::image::{scan_image, ImageLimits};
use libfuzzer_sys::fuzz_target;

/// One file per fuzzing process, rewritten for each input (the reader takes a path).
static FILE: LazyLock<(tempfile::TempDir, PathBuf)> = LazyLock::new(|| {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("image.tar");
    (dir, path)
});

fn limits() -> ImageLimits {
    ImageLimits {
        max_file_bytes: 1 << 20,
        max_layer_bytes: 8 << 20,
        max_layer_ratio: 1000,
        max_json_bytes: 1 << 20,
        archives: archive::Limits {
            depth: 2,
            max_bytes: 4 << 20,
            max_entries: 1_000,
            max_ratio: 100,
            ratio_grace: 1 << 20,
            max_member_bytes: 1 << 20,
        },
        skip_binary: false,
    }
}

fuzz_target!(|data: &[u8]| {
    let path = &FILE.1;
    std::fs::write(path, data).expect("write the input");
    let limits = limits();
    // Every content gives a result (its length), so every place reaches `emit`.
    let mut scan = |ctx: &leakhound::source::image::EntryCtx, bytes: &[u8]| {
        assert!(ctx.deleted_in_layer.is_none(), "deletions are only known at the end");
        assert!(bytes.len() as u64 <= limits.max_file_bytes.max(limits.archives.max_member_bytes));
        Some(bytes.len())
    };
    let mut emitted = 0u64;
    let mut emit = |ctx: &leakhound::source::image::EntryCtx, _len: &usize| {
        emitted += 1;
        if let (Some(d), Some(i)) = (ctx.deleted_in_layer, ctx.layer_index) {
            assert!(d > i, "{} deleted in layer {d}, not above its layer {i}", ctx.path);
        }
        assert!(ctx.deleted_in_layer.is_none() || ctx.layer_index.is_some(), "config strings are never deleted");
    };
    if let Ok(cov) = scan_image(path, &limits, &mut scan, &mut emit) {
        assert!(emitted <= cov.files, "{emitted} places emitted for {} files", cov.files);
        assert!(cov.duplicates <= cov.files);
    }
});
