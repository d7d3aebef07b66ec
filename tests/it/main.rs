//! The integration suite: one test binary that runs the real `leakhound` program on inputs the
//! tests build (files, trees, streams), organised by what is being exercised.

mod util;

mod archive;
mod baseline;
mod config;
mod credfiles;
mod dir;
mod explain;
mod formats;
mod generic;
mod git;
mod hooks;
mod hostile;
mod html;
mod image;
mod org;
mod paths;
mod precision;
mod redact;
mod rules;
mod stdin;
mod triage;
mod validate;
