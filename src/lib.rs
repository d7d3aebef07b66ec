//! leakhound: find leaked secrets in directories, git history, container images and streams, and
//! pair each finding with the runbook to revoke it. `run` executes one parsed command line.

pub mod app;
pub mod baseline;
pub mod cli;
pub mod config;
pub mod explain;
pub mod finding;
pub mod formats;
pub mod hooks;
pub mod messages;
pub mod org;
pub mod pipeline;
pub mod progress;
pub mod redact;
pub mod report;
pub mod rules;
pub mod scan;
pub mod source;
pub mod triage;
pub mod validate;

pub use app::run;
