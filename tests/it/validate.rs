//! `--validate` and `leakhound validate`: every provider is reached through the same base-URL
//! override a self-hosted user would configure, pointed at an HTTPS server on 127.0.0.1 with a
//! certificate from a CA this test makes. The server speaks the providers' documented answers and
//! can "revoke" a key between runs. No test reaches the internet.

use std::collections::HashSet;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crate::util::{alnum, bin, git_in, github_pat, Run, Tree};

/// Providers the tests point at the local server (env var suffixes).
const PROVIDERS: &[&str] = &[
    "GITHUB", "SLACK", "STRIPE", "AWS", "TELEGRAM", "OPENAI", "GROQ", "TWILIO",
];

/// A test CA and the local HTTPS server's certificate, signed by it.
struct Pki {
    ca_pem: String,
    cert_der: Vec<u8>,
    key_der: Vec<u8>,
}

fn pki() -> Pki {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "leakhound test CA");
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()])
        .unwrap()
        .signed_by(&leaf_key, &issuer)
        .unwrap();
    Pki {
        ca_pem: ca_cert.pem(),
        cert_der: leaf.der().to_vec(),
        key_der: leaf_key.serialize_der(),
    }
}

/// One parsed request.
struct Req {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Req {
    fn header(&self, name: &str) -> &str {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map_or("", |(_, v)| v.as_str())
    }
}

/// The provider stand-in: keys in `live` are accepted, everything else is rejected.
struct Server {
    port: u16,
    live: Arc<Mutex<HashSet<String>>>,
    requests: Arc<Mutex<Vec<String>>>,
    connections: Arc<AtomicUsize>,
    ca_file: PathBuf,
    _dir: tempfile::TempDir,
}

impl Server {
    fn start() -> Server {
        let pki = pki();
        let dir = tempfile::tempdir().unwrap();
        let ca_file = dir.path().join("ca.pem");
        std::fs::write(&ca_file, &pki.ca_pem).unwrap();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(
                vec![pki.cert_der.into()],
                rustls::pki_types::PrivateKeyDer::Pkcs8(pki.key_der.into()),
            )
            .unwrap();
        let config = Arc::new(config);
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let live = Arc::new(Mutex::new(HashSet::new()));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let connections = Arc::new(AtomicUsize::new(0));
        let (l, r, c) = (live.clone(), requests.clone(), connections.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                c.fetch_add(1, Ordering::SeqCst);
                let (config, l, r) = (config.clone(), l.clone(), r.clone());
                std::thread::spawn(move || {
                    let Ok(conn) = rustls::ServerConnection::new(config) else {
                        return;
                    };
                    let mut tls = rustls::StreamOwned::new(conn, stream);
                    if let Some(req) = read_request(&mut tls) {
                        r.lock()
                            .unwrap()
                            .push(format!("{} {}", req.method, req.path.split('?').next().unwrap_or("")));
                        let live = l.lock().unwrap().clone();
                        let (status, headers, body) = answer(&req, &live, port);
                        let mut head = format!(
                            "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n",
                            body.len()
                        );
                        for (k, v) in headers {
                            head.push_str(&format!("{k}: {v}\r\n"));
                        }
                        head.push_str("\r\n");
                        let _ = tls.write_all(head.as_bytes());
                        let _ = tls.write_all(&body);
                        let _ = tls.flush();
                        tls.conn.send_close_notify();
                        let _ = tls.flush();
                    }
                });
            }
        });
        Server {
            port,
            live,
            requests,
            connections,
            ca_file,
            _dir: dir,
        }
    }

    fn base(&self) -> String {
        format!("https://127.0.0.1:{}", self.port)
    }

    fn accept(&self, key: &str) {
        self.live.lock().unwrap().insert(key.to_string());
    }

    fn revoke(&self, key: &str) {
        self.live.lock().unwrap().remove(key);
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }

    /// Runs leakhound in `cwd` with every provider pointed at this server.
    fn run(&self, cwd: &Path, args: &[&str]) -> Run {
        self.run_with(cwd, args, true, b"")
    }

    fn run_with(&self, cwd: &Path, args: &[&str], trust: bool, input: &[u8]) -> Run {
        let mut cmd = Command::new(bin());
        cmd.args(args).current_dir(cwd).env("NO_COLOR", "1");
        for p in PROVIDERS {
            cmd.env(format!("LEAKHOUND_VALIDATE_BASE_{p}"), self.base());
        }
        if trust {
            cmd.env("LEAKHOUND_VALIDATE_CA_FILE", &self.ca_file);
        }
        cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(input).unwrap();
        drop(stdin);
        let out = child.wait_with_output().unwrap();
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

fn read_request(s: &mut impl Read) -> Option<Req> {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        if s.read(&mut byte).ok()? == 0 {
            return None;
        }
        buf.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&buf).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let (method, path) = (first.next()?.to_string(), first.next()?.to_string());
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let len: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; len];
    s.read_exact(&mut body).ok()?;
    Some(Req {
        method,
        path,
        headers,
        body,
    })
}

/// The documented answers of each provider, live or revoked.
fn answer(req: &Req, live: &HashSet<String>, port: u16) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let auth = req.header("authorization");
    let ok = live
        .iter()
        .any(|k| auth.contains(k.as_str()) || req.path.contains(k.as_str()));
    let json = |s: u16, b: &str| {
        (
            s,
            vec![("Content-Type".to_string(), "application/json".to_string())],
            b.as_bytes().to_vec(),
        )
    };
    let path = req.path.split('?').next().unwrap_or("");
    match (req.method.as_str(), path) {
        ("GET", "/user") if ok => {
            let (s, mut h, b) = json(200, r#"{"login":"octocat","id":1}"#);
            h.push(("X-OAuth-Scopes".into(), "repo, admin:org".into()));
            (s, h, b)
        }
        ("GET", "/user") => json(401, r#"{"message":"Bad credentials"}"#),
        ("POST", "/api/auth.test") if ok => json(
            200,
            r#"{"ok":true,"team":"Acme","user":"deploy-bot","url":"https://acme.slack.com/"}"#,
        ),
        ("POST", "/api/auth.test") => json(200, r#"{"ok":false,"error":"invalid_auth"}"#),
        ("GET", "/v1/account") if ok => json(
            200,
            r#"{"id":"acct_1Test","email":"billing@example.com","country":"DE"}"#,
        ),
        ("GET", "/v1/account") => json(401, r#"{"error":{"type":"invalid_request_error"}}"#),
        ("POST", "/") if req.header("authorization").starts_with("AWS4-HMAC-SHA256 Credential=") => {
            let signed = req.header("authorization").contains("/us-east-1/sts/aws4_request")
                && String::from_utf8_lossy(&req.body).contains("Action=GetCallerIdentity");
            if ok && signed {
                (200, vec![], b"<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/ci</Arn><UserId>AIDAEXAMPLE</UserId><Account>123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>".to_vec())
            } else {
                (403, vec![], b"<ErrorResponse><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid.</Message></Error></ErrorResponse>".to_vec())
            }
        }
        ("GET", p) if p.starts_with("/bot") && p.ends_with("/getMe") => (
            429,
            vec![("Retry-After".into(), "30".into())],
            br#"{"ok":false,"error_code":429}"#.to_vec(),
        ),
        ("GET", "/v1/models") => (
            302,
            vec![("Location".into(), format!("https://elsewhere.invalid:{port}/steal"))],
            vec![],
        ),
        ("GET", "/openai/v1/models") => (200, vec![], vec![b'x'; 200 * 1024]),
        _ => json(404, r#"{"error":"not found"}"#),
    }
}

/// A tree holding keys of several providers; returns the keys.
struct Keys {
    github: String,
    slack: String,
    stripe: String,
    aws_id: String,
    aws_secret: String,
    telegram: String,
    pypi: String,
}

fn keys_tree(t: &Tree) -> Keys {
    let k = Keys {
        github: github_pat(4242),
        slack: format!("xox{}-{}-{}-{}", "b", "757969552167", "5967395166538", alnum(7, 24)),
        stripe: format!("sk_{}_{}", "live", alnum(8, 32)),
        aws_id: format!("{}{}", "AKIA", alnum(9, 16).to_ascii_uppercase()),
        aws_secret: alnum(10, 40),
        telegram: format!("{}:AA{}", "6125378240", alnum(11, 33)),
        pypi: format!("pypi-{}{}", "AgEIcHlwaS5vcmc", alnum(12, 80)),
    };
    t.write("config/github.env", format!("GITHUB_TOKEN={}\n", k.github));
    t.write("deploy/also.env", format!("GH_TOKEN={}\n", k.github));
    t.write("config/slack.env", format!("SLACK_BOT_TOKEN={}\n", k.slack));
    t.write("billing/stripe.py", format!("stripe.api_key = \"{}\"\n", k.stripe));
    t.write(
        "aws/credentials",
        format!(
            "[default]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
            k.aws_id, k.aws_secret
        ),
    );
    t.write("bot/telegram.env", format!("TELEGRAM_TOKEN={}\n", k.telegram));
    t.write("release/.pypirc", format!("[pypi]\npassword = {}\n", k.pypi));
    k
}

fn status_of<'a>(findings: &'a [serde_json::Value], rule: &str) -> (&'a str, &'a str) {
    let f = findings
        .iter()
        .find(|f| f["rule_id"] == rule)
        .unwrap_or_else(|| panic!("no {rule} finding"));
    (
        f["validation"]["status"].as_str().unwrap_or("(none)"),
        f["validation"]["detail"].as_str().unwrap_or(""),
    )
}

fn assert_no_secret(k: &Keys, text: &str) {
    for s in [&k.github, &k.slack, &k.stripe, &k.aws_secret, &k.telegram, &k.pypi] {
        assert!(!text.contains(s.as_str()), "a secret leaked into the output");
    }
}

#[test]
fn dir_validate_reports_live_revoked_and_unknown_in_every_format() {
    let server = Server::start();
    let t = Tree::new();
    let k = keys_tree(&t);
    server.accept(&k.github);
    server.accept(&k.stripe);
    server.accept(&k.aws_id);
    let r = server.run(t.path(), &["dir", ".", "--validate", "-f", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_no_secret(&k, &r.stdout);
    assert_no_secret(&k, &r.stderr);
    let findings = r.findings();
    let (s, d) = status_of(&findings, "github-classic-pat");
    assert_eq!(s, "live");
    assert!(
        d.contains("login octocat") && d.contains("scopes repo, admin:org"),
        "{d}"
    );
    let (s, d) = status_of(&findings, "stripe-secret-key");
    assert_eq!(s, "live");
    assert!(d.contains("acct_1Test"), "{d}");
    let (s, d) = status_of(&findings, "aws-secret-access-key");
    assert_eq!(s, "live", "{d}");
    assert!(d.contains("arn:aws:iam::123456789012:user/ci"), "{d}");
    let (s, d) = status_of(&findings, "slack-bot-token");
    assert_eq!(s, "revoked");
    assert!(d.contains("invalid_auth"), "{d}");
    let (s, d) = status_of(&findings, "telegram-bot-token");
    assert_eq!(s, "unknown");
    assert!(d.contains("429") && d.contains("Retry-After 30"), "{d}");
    let (s, d) = status_of(&findings, "pypi-api-token");
    assert_eq!(s, "unknown");
    assert!(d.contains("no read-only endpoint"), "{d}");
    // Live keys come first in triage order.
    assert_eq!(
        findings.iter().find(|f| f["group"] == 1).unwrap()["validation"]["status"],
        "live"
    );
    // One request per unique secret: the PAT in two files is checked once; PyPI never.
    let reqs = server.requests();
    assert_eq!(reqs.iter().filter(|r| *r == "GET /user").count(), 1, "{reqs:?}");
    assert_eq!(reqs.len(), 5, "{reqs:?}");
    assert!(
        r.stderr
            .contains("validate: 3 live, 1 revoked, 2 unknown, 0 error (5 requests)"),
        "{}",
        r.stderr
    );

    let text = server.run(t.path(), &["dir", ".", "--validate"]);
    assert_no_secret(&k, &text.stdout);
    assert!(
        text.stdout.contains("LIVE: login octocat, scopes repo, admin:org"),
        "{}",
        text.stdout
    );
    assert!(text.stdout.contains("REVOKED: rejected by Slack"), "{}", text.stdout);
    assert!(
        text.stdout.contains("UNKNOWN: rate limited by Telegram"),
        "{}",
        text.stdout
    );
    let first = text.stdout.lines().next().unwrap();
    assert!(
        !first.contains("Slack") && !first.contains("Telegram") && !first.contains("PyPI"),
        "{first}"
    );

    let sarif = server.run(t.path(), &["dir", ".", "--validate", "-f", "sarif"]);
    assert_no_secret(&k, &sarif.stdout);
    let doc: serde_json::Value = serde_json::from_str(&sarif.stdout).unwrap();
    let results = doc["runs"][0]["results"].as_array().unwrap();
    let gh = results.iter().find(|r| r["ruleId"] == "github-classic-pat").unwrap();
    assert_eq!(gh["level"], "error");
    assert!(gh["message"]["text"]
        .as_str()
        .unwrap()
        .contains("LIVE: GitHub accepts this key"));
    let slack = results.iter().find(|r| r["ruleId"] == "slack-bot-token").unwrap();
    assert!(slack["message"]["text"]
        .as_str()
        .unwrap()
        .contains("Validation: revoked"));
    assert_eq!(slack["properties"]["validation"]["status"], "revoked");

    let md = server.run(t.path(), &["dir", ".", "--validate", "-f", "markdown"]);
    assert_no_secret(&k, &md.stdout);
    assert!(
        md.stdout
            .contains("**LIVE: the provider still accepts this key. Revoke it first.** login octocat"),
        "{}",
        md.stdout
    );
    assert!(
        md.stdout.contains("**Revoked:** the provider rejects this key."),
        "{}",
        md.stdout
    );
    assert!(
        md.stdout.contains("leakhound validate -i"),
        "the runbook ends with the proof step"
    );

    let jsonl = server.run(t.path(), &["dir", ".", "--validate", "-f", "jsonl"]);
    assert_no_secret(&k, &jsonl.stdout);
    let lines: Vec<serde_json::Value> = jsonl.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(status_of(&lines, "github-classic-pat").0, "live");
}

#[test]
fn validate_turns_live_into_revoked_once_the_provider_revokes_the_key() {
    let server = Server::start();
    let t = Tree::new();
    let k = keys_tree(&t);
    server.accept(&k.github);
    server.accept(&k.aws_id);
    // The scan itself sends nothing; its reports stay redacted.
    let scan = server.run(t.path(), &["dir", ".", "-f", "json", "-o", "report.json"]);
    assert_eq!(scan.code, 1, "{}", scan.stderr);
    let scan = server.run(t.path(), &["dir", ".", "-f", "jsonl", "-o", "report.jsonl"]);
    assert_eq!(scan.code, 1, "{}", scan.stderr);
    assert!(server.requests().is_empty());

    let before = server.run(t.path(), &["validate", "-i", "report.json", "-f", "json"]);
    assert_eq!(before.code, 1, "a live key exits 1: {}", before.stderr);
    assert_no_secret(&k, &before.stdout);
    let findings = before.findings();
    assert_eq!(status_of(&findings, "github-classic-pat").0, "live");
    assert_eq!(status_of(&findings, "aws-secret-access-key").0, "live");
    assert_eq!(status_of(&findings, "slack-bot-token").0, "revoked");

    server.revoke(&k.github);
    server.revoke(&k.aws_id);
    for report in ["report.json", "report.jsonl"] {
        let after = server.run(t.path(), &["validate", "-i", report, "-f", "json"]);
        assert_eq!(after.code, 0, "nothing live exits 0: {}", after.stderr);
        let findings = after.findings();
        let (s, d) = status_of(&findings, "github-classic-pat");
        assert_eq!((s, d), ("revoked", "rejected by GitHub (HTTP 401)"));
        let (s, d) = status_of(&findings, "aws-secret-access-key");
        assert_eq!(s, "revoked");
        assert!(d.contains("InvalidClientTokenId"), "{d}");
    }

    // A value no longer at its place is not checked and says how to reach it.
    t.write("config/slack.env", "SLACK_BOT_TOKEN=${SLACK_BOT_TOKEN}\n");
    let gone = server.run(t.path(), &["validate", "-i", "report.json", "-f", "json"]);
    let gone = gone.findings();
    let (s, d) = status_of(&gone, "slack-bot-token");
    assert_eq!(s, "unknown");
    assert!(
        d.contains("no longer at config/slack.env:1") && d.contains("leakhound git --validate"),
        "{d}"
    );
}

#[test]
fn validate_rereads_git_findings_from_their_blob() {
    let server = Server::start();
    let t = Tree::new();
    let pat = github_pat(777);
    server.accept(&pat);
    git_in(t.path(), &["init", "-q"], 0);
    t.write("app.env", format!("GITHUB_TOKEN={pat}\n"));
    git_in(t.path(), &["add", "."], 0);
    git_in(t.path(), &["commit", "-qm", "add config"], 1);
    t.write("app.env", "GITHUB_TOKEN=\n");
    git_in(t.path(), &["commit", "-qam", "remove the token"], 2);
    let scan = server.run(t.path(), &["git", ".", "-f", "json", "-o", "history.json"]);
    assert_eq!(scan.code, 1, "{}", scan.stderr);
    let r = server.run(t.path(), &["validate", "-i", "history.json", "-f", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(!r.stdout.contains(&pat));
    let findings = r.findings();
    let (s, d) = status_of(&findings, "github-classic-pat");
    assert_eq!((s, d), ("live", "login octocat, scopes repo, admin:org"));
}

#[test]
fn without_validate_no_scan_opens_a_connection() {
    let server = Server::start();
    let t = Tree::new();
    let k = keys_tree(&t);
    server.accept(&k.github);
    git_in(t.path(), &["init", "-q"], 0);
    git_in(t.path(), &["add", "."], 0);
    git_in(t.path(), &["commit", "-qm", "keys"], 1);
    for args in [
        &["dir", "."][..],
        &["dir", ".", "-f", "json"],
        &["dir", ".", "-f", "sarif"],
        &["git", "."],
        &["git", ".", "--staged"],
    ] {
        let r = server.run(t.path(), args);
        assert_ne!(r.code, 2, "{args:?}: {}", r.stderr);
    }
    let r = server.run_with(t.path(), &["stdin"], true, format!("token {}\n", k.github).as_bytes());
    assert_eq!(r.code, 1, "{}", r.stderr);
    let r = server.run_with(t.path(), &["redact"], true, format!("token {}\n", k.github).as_bytes());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        server.connections.load(Ordering::SeqCst),
        0,
        "a scan without --validate connected"
    );
}

#[test]
fn stdin_validate_checks_the_stream_it_read() {
    let server = Server::start();
    let t = Tree::new();
    let pat = github_pat(31337);
    server.accept(&pat);
    let r = server.run_with(
        t.path(),
        &["stdin", "--validate", "-f", "json"],
        true,
        format!("export GH={pat}\n").as_bytes(),
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(!r.stdout.contains(&pat));
    assert_eq!(status_of(&r.findings(), "github-classic-pat").0, "live");
}

#[test]
fn unsafe_answers_are_errors_not_verdicts() {
    let server = Server::start();
    let t = Tree::new();
    let openai = format!("sk-{}-{}", "proj", alnum(20, 60));
    let groq = format!("gsk_{}", alnum(21, 52));
    let pat = github_pat(99);
    t.write("ai.env", format!("OPENAI_API_KEY={openai}\nGROQ_API_KEY={groq}\n"));
    t.write("gh.env", format!("GITHUB_TOKEN={pat}\n"));
    server.accept(&pat);
    let r = server.run(t.path(), &["dir", ".", "--validate", "-f", "json"]);
    assert_eq!(
        r.code, 1,
        "findings are reported whatever the checks said: {}",
        r.stderr
    );
    let findings = r.findings();
    let (s, d) = status_of(&findings, "openai-project-key");
    assert_eq!(s, "error");
    assert!(d.contains("redirect not followed"), "{d}");
    assert!(!server.requests().iter().any(|q| q.contains("/steal")));
    let (s, d) = status_of(&findings, "groq-api-key");
    assert_eq!(s, "error");
    assert!(d.contains("larger than 64 KiB"), "{d}");

    // A certificate from a CA nobody configured is refused, and the findings are still written.
    let untrusted = server.run_with(t.path(), &["dir", ".", "--validate", "-f", "json"], false, b"");
    assert_eq!(untrusted.code, 1, "{}", untrusted.stderr);
    let untrusted_findings = untrusted.findings();
    let (s, d) = status_of(&untrusted_findings, "github-classic-pat");
    assert_eq!(s, "error");
    assert!(d.contains("TLS"), "{d}");
    assert!(!untrusted.stdout.contains(&pat) && !untrusted.stderr.contains(&pat));

    // The request budget bounds the run.
    let capped = server.run(
        t.path(),
        &["dir", ".", "--validate", "--validate-max-requests", "1", "-f", "json"],
    );
    let capped_findings = capped.findings();
    let statuses: Vec<&str> = capped_findings
        .iter()
        .filter_map(|f| f["validation"]["detail"].as_str())
        .filter(|d| d.contains("request budget"))
        .collect();
    assert_eq!(statuses.len(), 2, "{}", capped.stdout);
}

#[test]
fn twilio_auth_tokens_are_checked_with_the_account_sid_beside_them() {
    let server = Server::start();
    let t = Tree::new();
    let sid = format!("AC{}", "0123456789abcdef0123456789abcdef");
    let hex = |seed| -> String {
        alnum(seed, 32)
            .bytes()
            .map(|b| char::from(b"0123456789abcdef"[usize::from(b % 16)]))
            .collect()
    };
    let token = hex(40);
    t.write(
        "twilio.env",
        format!("TWILIO_ACCOUNT_SID={sid}\nTWILIO_AUTH_TOKEN={token}\n"),
    );
    t.write("lonely/twilio.env", format!("TWILIO_AUTH_TOKEN={}\n", hex(41)));
    let r = server.run(t.path(), &["dir", ".", "--validate", "-f", "json"]);
    let findings = r.findings();
    let with_sid = findings.iter().find(|f| f["path"] == "twilio.env").unwrap();
    // The stand-in knows no Twilio account: the SID was found and the request was sent.
    assert_eq!(with_sid["validation"]["status"], "unknown", "{}", r.stdout);
    assert!(server
        .requests()
        .iter()
        .any(|q| q.starts_with(&format!("GET /2010-04-01/Accounts/{sid}.json"))));
    let lonely = findings.iter().find(|f| f["path"] == "lonely/twilio.env").unwrap();
    assert!(lonely["validation"]["detail"]
        .as_str()
        .unwrap()
        .contains("needs the Account SID"));
}

#[test]
fn the_readme_provider_table_is_generated_from_the_validators() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let table = leakhound::validate::table_markdown();
    if !readme.contains(&table) {
        let fresh = concat!(env!("CARGO_TARGET_TMPDIR"), "/validation-table.md");
        std::fs::write(fresh, &table).unwrap();
    }
    assert!(
        readme.contains(&table),
        "README.md's validation table is stale; the current one is in target/tmp/validation-table.md"
    );
}

#[test]
fn a_self_hosted_github_is_reached_through_the_configuration() {
    let server = Server::start();
    let t = Tree::new();
    let pat = github_pat(2026);
    let bot = format!("xox{}-{}-{}-{}", "b", "757969552167", "5967395166538", alnum(70, 24));
    server.accept(&pat);
    server.accept(&bot);
    t.write("app.env", format!("GITHUB_TOKEN={pat}\nSLACK_BOT_TOKEN={bot}\n"));
    std::fs::copy(&server.ca_file, t.path().join("corp-ca.pem")).unwrap();
    t.write(
        ".leakhound.toml",
        format!(
            "[validate]\nproviders = [\"github\"]\ngithub_url = \"{}/\"\nca_file = \"corp-ca.pem\"\n",
            server.base()
        ),
    );
    // No test-only variables: only what a GitHub Enterprise Server user would write.
    let out = Command::new(bin())
        .args(["dir", ".", "--validate", "-f", "json"])
        .current_dir(t.path())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let findings = doc["findings"].as_array().unwrap().clone();
    assert_eq!(
        status_of(&findings, "github-classic-pat"),
        ("live", "login octocat, scopes repo, admin:org")
    );
    let (s, d) = status_of(&findings, "slack-bot-token");
    assert_eq!(s, "unknown");
    assert!(d.contains("not enabled"), "{d}");
    assert_eq!(server.requests(), vec!["GET /user".to_string()]);
}
