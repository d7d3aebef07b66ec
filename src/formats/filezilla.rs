//! FileZilla's site manager and recent servers (`sitemanager.xml`, `recentservers.xml`): each
//! `<Server>` holds `<Host>`, `<User>` and `<Pass>`, base64 when `encoding="base64"` (FileZilla
//! 3.26 and later), plain text before that. `encoding="crypt"` (a master password is set) is
//! encrypted and reported as stored.
//! Format: <https://wiki.filezilla-project.org/Site_Manager> and
//! <https://wiki.filezilla-project.org/Fzdefaults.xml>.

use std::sync::OnceLock;

use memchr::memmem;
use regex::bytes::Regex;

use super::{base64_decode, label, printable, Hit};

/// The rule `format` this parser reports.
pub const FORMAT: &str = "filezilla";

fn patterns() -> &'static (Regex, Regex) {
    static RE: OnceLock<(Regex, Regex)> = OnceLock::new();
    RE.get_or_init(|| {
        (
            Regex::new(r#"<Pass(?:\s+encoding\s*=\s*"([A-Za-z0-9]*)")?\s*>([^<]*)</Pass>"#).expect("static pattern"),
            Regex::new(r#"<Host>([^<]*)</Host>"#).expect("static pattern"),
        )
    })
}

/// Appends each saved server's password.
pub fn parse(bytes: &[u8], out: &mut Vec<Hit>) {
    let (pass, host_re) = patterns();
    for caps in pass.captures_iter(bytes) {
        let v = caps.get(2).expect("group 2");
        let value = v.as_bytes().trim_ascii();
        if value.is_empty() {
            continue;
        }
        let start = v.start() + (v.as_bytes().len() - v.as_bytes().trim_ascii_start().len());
        let before = &bytes[..v.start()];
        let server = memmem::rfind(before, b"<Server").unwrap_or(0);
        let host = host_re
            .captures_iter(&before[server..])
            .last()
            .map(|c| label(&c[1]))
            .unwrap_or_else(|| "an unnamed server".into());
        let (secret, how) = match caps.get(1).map(|m| m.as_bytes()) {
            Some(b"base64") => match base64_decode(value) {
                Some(d) if !d.is_empty() && printable(&d) => (d, "saved password"),
                _ => continue,
            },
            Some(b"crypt") => (value.to_vec(), "saved password (encrypted with the master password)"),
            _ => (value.to_vec(), "saved password"),
        };
        out.push(Hit {
            format: FORMAT,
            start,
            end: start + value.len(),
            secret,
            detail: format!("FileZilla {how} for {host}"),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_base64_and_plain_passwords() {
        let text = format!("<?xml version=\"1.0\"?>\n<FileZilla3>\n<Servers>\n<Server>\n<Host>ftp.example.com</Host>\n<User>bob</User>\n<Pass encoding=\"base64\">aHVudGVyMlh5eg==</Pass>\n</Server>\n<Server><Host>b.example.org</Host><Pass>{}</Pass></Server>\n<Server><Host>c</Host><Pass encoding=\"base64\" /></Server>\n</Servers>\n</FileZilla3>\n", ["plain", "Pw9"].concat());
        let mut out = Vec::new();
        parse(text.as_bytes(), &mut out);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].secret, b"hunter2Xyz");
        assert_eq!(out[0].detail, "FileZilla saved password for ftp.example.com");
        assert_eq!(out[1].secret, b"plainPw9");
        assert_eq!(out[1].detail, "FileZilla saved password for b.example.org");
    }
}
