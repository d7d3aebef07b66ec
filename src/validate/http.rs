//! The one HTTP client leakhound has: HTTPS only, verified certificates (Mozilla's roots, or the
//! CA bundle the user names), a global timeout per request, no redirects, a capped body, a
//! User-Agent naming leakhound, and private, loopback and link-local addresses refused after DNS
//! resolution unless the host was configured explicitly. Errors describe what failed, never the
//! URL (a Telegram token is part of its URL) nor a response body.

use std::collections::HashSet;
use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};

/// Largest response body read; the rest is never read and the answer is an error.
pub const MAX_BODY: u64 = 64 * 1024;

/// What every request says it is.
pub const USER_AGENT: &str = concat!(
    "leakhound/",
    env!("CARGO_PKG_VERSION"),
    " (secret validation, read-only; +https://github.com/leakhound/leakhound)"
);

/// A request to one provider endpoint.
pub struct Request {
    /// `GET` or `POST`.
    pub method: &'static str,
    /// Full `https://` URL.
    pub url: String,
    /// Header names and values (may hold the secret; never printed).
    pub headers: Vec<(String, String)>,
    /// Content type and body, for POST.
    pub body: Option<(&'static str, Vec<u8>)>,
}

/// A provider's answer, reduced to what a verdict needs.
pub struct Response {
    /// HTTP status.
    pub status: u16,
    /// Body, at most [`MAX_BODY`] bytes; dropped once the detail fields are extracted.
    pub body: Vec<u8>,
    /// `X-OAuth-Scopes` (GitHub classic tokens), when present.
    pub scopes: Option<String>,
    /// `Retry-After` in seconds, when present.
    pub retry_after: Option<String>,
}

/// A configured client.
pub struct Client {
    agent: ureq::Agent,
}

impl Client {
    /// A client with `timeout` per request, trusting `ca_file` instead of Mozilla's roots when
    /// given, and reaching private addresses only for the hosts in `trusted_hosts`.
    pub fn new(timeout: Duration, ca_file: Option<&Path>, trusted_hosts: HashSet<String>) -> anyhow::Result<Client> {
        let mut tls = ureq::tls::TlsConfig::builder().provider(ureq::tls::TlsProvider::Rustls);
        if let Some(path) = ca_file {
            let pem =
                std::fs::read(path).map_err(|e| anyhow::anyhow!("cannot read CA bundle {}: {e}", path.display()))?;
            let certs: Vec<ureq::tls::Certificate<'static>> = ureq::tls::parse_pem(&pem)
                .filter_map(|item| match item {
                    Ok(ureq::tls::PemItem::Certificate(c)) => Some(c),
                    _ => None,
                })
                .collect();
            if certs.is_empty() {
                anyhow::bail!("CA bundle {} holds no PEM certificate", path.display());
            }
            tls = tls.root_certs(ureq::tls::RootCerts::new_with_certs(&certs));
        }
        let config = ureq::Agent::config_builder()
            .https_only(true)
            .http_status_as_error(false)
            .max_redirects(0)
            .max_redirects_will_error(false)
            .timeout_global(Some(timeout))
            .user_agent(USER_AGENT)
            .accept("application/json")
            .tls_config(tls.build())
            .build();
        let resolver = GuardedResolver {
            inner: DefaultResolver::default(),
            trusted: Arc::new(trusted_hosts),
        };
        Ok(Client {
            agent: ureq::Agent::with_parts(config, DefaultConnector::default(), resolver),
        })
    }

    /// Sends one request. The error is a short description safe to print.
    pub fn send(&self, req: Request) -> Result<Response, String> {
        let result = match (req.method, req.body) {
            ("POST", Some((ctype, body))) => {
                let mut r = self.agent.post(&req.url).header("Content-Type", ctype);
                for (k, v) in &req.headers {
                    r = r.header(k.as_str(), v.as_str());
                }
                r.send(&body[..])
            }
            ("POST", None) => {
                let mut r = self.agent.post(&req.url);
                for (k, v) in &req.headers {
                    r = r.header(k.as_str(), v.as_str());
                }
                r.send_empty()
            }
            _ => {
                let mut r = self.agent.get(&req.url);
                for (k, v) in &req.headers {
                    r = r.header(k.as_str(), v.as_str());
                }
                r.call()
            }
        };
        let mut resp = result.map_err(describe)?;
        let status = resp.status().as_u16();
        let header = |name: &str| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.chars().take(200).collect::<String>())
        };
        let scopes = header("x-oauth-scopes");
        let retry_after = header("retry-after");
        if (300..400).contains(&status) {
            return Err(format!(
                "HTTP {status} redirect not followed (validators never follow redirects)"
            ));
        }
        let body = resp
            .body_mut()
            .with_config()
            .limit(MAX_BODY)
            .read_to_vec()
            .map_err(|e| match e {
                ureq::Error::BodyExceedsLimit(_) => {
                    format!("response body larger than {} KiB, dropped", MAX_BODY / 1024)
                }
                other => describe(other),
            })?;
        Ok(Response {
            status,
            body,
            scopes,
            retry_after,
        })
    }
}

/// A short, URL-free description of a transport error.
fn describe(e: ureq::Error) -> String {
    match e {
        ureq::Error::Timeout(_) => "timed out".into(),
        ureq::Error::HostNotFound => "host not found".into(),
        ureq::Error::ConnectionFailed => "connection failed".into(),
        ureq::Error::Rustls(e) => format!("TLS: {e}"),
        ureq::Error::Tls(e) => format!("TLS: {e}"),
        ureq::Error::RequireHttpsOnly(_) => "refused: not HTTPS".into(),
        ureq::Error::Io(e) if e.kind() == std::io::ErrorKind::PermissionDenied => e.to_string(),
        // rustls reports certificate problems through an InvalidData I/O error.
        ureq::Error::Io(e) if e.kind() == std::io::ErrorKind::InvalidData => format!("TLS: {e}"),
        ureq::Error::Io(e) => format!("I/O: {}", e.kind()),
        ureq::Error::BodyExceedsLimit(_) => format!("response body larger than {} KiB, dropped", MAX_BODY / 1024),
        _ => "request failed".into(),
    }
}

/// Resolves with the system resolver, then drops private, loopback, link-local and unspecified
/// addresses unless the host was configured explicitly (a self-hosted GitLab, a test server).
#[derive(Debug)]
struct GuardedResolver {
    inner: DefaultResolver,
    trusted: Arc<HashSet<String>>,
}

impl Resolver for GuardedResolver {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let addrs = self.inner.resolve(uri, config, timeout)?;
        let host = uri
            .host()
            .unwrap_or_default()
            .trim_matches(['[', ']'])
            .to_ascii_lowercase();
        if self.trusted.contains(&host) {
            return Ok(addrs);
        }
        let mut kept = self.inner.empty();
        for a in addrs.iter().filter(|a| is_public(a)) {
            kept.push(*a);
        }
        if kept.is_empty() {
            return Err(ureq::Error::Io(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                "refused: the host resolves to a private, loopback or link-local address (configure it explicitly to allow it)",
            )));
        }
        Ok(kept)
    }
}

/// Whether an address is on the public internet.
pub fn is_public(a: &SocketAddr) -> bool {
    match a.ip() {
        IpAddr::V4(ip) => {
            !(ip.is_private()
                || ip.is_loopback()
                || ip.is_link_local()
                || ip.is_unspecified()
                || ip.is_broadcast()
                || ip.is_documentation()
                || ip.octets()[0] == 100 && (ip.octets()[1] & 0xc0) == 64
                || ip.octets()[0] == 0)
        }
        IpAddr::V6(ip) => {
            if let Some(v4) = ip.to_ipv4_mapped() {
                return is_public(&SocketAddr::new(IpAddr::V4(v4), a.port()));
            }
            let seg = ip.segments()[0];
            !(ip.is_loopback() || ip.is_unspecified() || (seg & 0xfe00) == 0xfc00 || (seg & 0xffc0) == 0xfe80)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_loopback_and_link_local_addresses_are_not_public() {
        for a in [
            "127.0.0.1:443",
            "10.1.2.3:443",
            "192.168.0.1:443",
            "169.254.169.254:80",
            "[::1]:443",
            "[fe80::1]:443",
            "[fd00::1]:443",
            "100.64.0.1:443",
            "[::ffff:127.0.0.1]:443",
        ] {
            assert!(!is_public(&a.parse().unwrap()), "{a}");
        }
        for a in ["140.82.112.5:443", "[2606:4700::1111]:443"] {
            assert!(is_public(&a.parse().unwrap()), "{a}");
        }
    }
}
