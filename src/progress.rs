//! A progress line on stderr for long scans: shown only on a terminal, only when allowed, and only
//! once a scan has run for about a second, so quick scans and pipelines never see it.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::pipeline::Stats;

/// Handle that stops the progress thread when finished or dropped.
pub struct Progress {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Progress {
    /// Starts watching `stats` (read through `get`) if `enabled` and stderr is a terminal.
    pub fn start(enabled: bool, get: impl Fn() -> (u64, u64, u64) + Send + 'static) -> Progress {
        let stop = Arc::new(AtomicBool::new(false));
        if !enabled || !std::io::stderr().is_terminal() {
            return Progress { stop, thread: None };
        }
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            for _ in 0..10 {
                if flag.load(Relaxed) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr_with_hz(8));
            bar.set_style(ProgressStyle::with_template("{spinner} {elapsed} {msg}").expect("valid template"));
            while !flag.load(Relaxed) {
                let (files, bytes, findings) = get();
                bar.set_message(format!(
                    "{files} inputs, {} scanned, {findings} findings",
                    crate::report::text::human_bytes(bytes)
                ));
                bar.tick();
                std::thread::sleep(Duration::from_millis(125));
            }
            bar.finish_and_clear();
        });
        Progress {
            stop,
            thread: Some(thread),
        }
    }

    /// Reads a pipeline's counters.
    pub fn reader(stats: Arc<Stats>) -> impl Fn() -> (u64, u64, u64) + Send + 'static {
        move || {
            (
                stats.files_scanned.load(Relaxed),
                stats.bytes_scanned.load(Relaxed),
                stats.findings.load(Relaxed),
            )
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.stop.store(true, Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
