//! Generic detection (issue 15): every assignment syntax the generic parser reads is found, with the
//! scorer's confidence; every rejection class (placeholders, template variables, code expressions,
//! descriptive names, numbers and constants) stays quiet. Values are generated at run time.

use crate::util::{alnum, Tree};

/// A random-looking token with letters and digits, made at run time.
fn token(seed: u64) -> String {
    format!("{}{}{}", alnum(seed, 12), seed % 10, alnum(seed + 1, 11))
}

/// (rule id, confidence) of every finding in a one-file tree.
fn scan(name: &str, content: &str) -> Vec<(String, String)> {
    let t = Tree::new();
    t.write(name, content);
    // Every confidence: these tests check what the scorer finds and how sure it is.
    let r = t.run(&["dir", ".", "-f", "json", "--exit-code", "0", "--min-confidence", "low"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.findings()
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap_or_default().to_string(),
                f["confidence"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[test]
fn every_assignment_syntax_is_found() {
    let v = token(1);
    let cases: Vec<(&str, String)> = vec![
        ("app.py", format!("DB_PASSWORD = \"{v}\"\n")),
        ("main.go", format!("\tcfg := Config{{Token: \"{v}\"}}\n")),
        ("a.go", format!("apiKey := \"{v}\"\n")),
        (
            "application.yml",
            format!("spring:\n  datasource:\n    password: {v}\n"),
        ),
        ("flow.yml", format!("creds: {{user: deploy, password: {v}}}\n")),
        ("config.json", format!("{{\"access_token\": \"{v}\"}}\n")),
        (
            "fixture.json",
            format!("{{\"body\": \"{{\\\"access_token\\\":\\\"{v}\\\"}}\"}}\n"),
        ),
        (".env", format!("API_SECRET={v}\n")),
        ("app.properties", format!("mail.smtp.password={v}\n")),
        ("deploy.sh", format!("export GITLAB_TOKEN={v}\n")),
        ("settings.xml", format!("<server><password>{v}</password></server>\n")),
        ("web.config", format!("<add key=\"DbPassword\" value=\"{v}\" />\n")),
        ("config.php", format!("$cfg['db_password'] => '{v}';\n")),
        ("Props.java", format!("props.put(\"mail.smtp.password\", \"{v}\");\n")),
        ("Conn.java", format!("ds.setPassword(\"{v}\");\n")),
        (
            "Mac.java",
            format!("new SecretKeySpec(\"{v}\".getBytes(), \"HmacSHA256\");\n"),
        ),
        (
            "Auth.java",
            format!("new PasswordAuthentication(\"deploy\", \"{v}\".toCharArray());\n"),
        ),
        ("run.sh", format!("tool login --password {v} --host x\n")),
        ("db.sh", format!("mysql -uroot -p{v} -h db app\n")),
        (
            "call.sh",
            format!("curl -H \"Authorization: Bearer {v}\" https://api.internal\n"),
        ),
        (
            "hooks.yml",
            format!("headers:\n  Authorization:\n    - Bearer {v}{v}\n"),
        ),
        ("sync.sh", format!("curl -u deploy:{v} https://x.internal/\n")),
        (
            "client.py",
            format!("URL = 'https://deploy:{v}@git.internal/repo.git'\n"),
        ),
        (
            "links.md",
            format!("https://api.internal/v1/items?access_token={v}&page=2\n"),
        ),
        ("db.cs", format!("var cs = \"Server=db;User Id=sa;Password={v};\";\n")),
        (
            "docker-compose.yml",
            format!("services:\n  db:\n    environment:\n      - MYSQL_PASSWORD={v}\n"),
        ),
        ("pod.yaml", format!("env:\n  - name: DB_PASSWORD\n    value: \"{v}\"\n")),
        (
            "vars.tf",
            format!("variable \"db_password\" {{\n  type    = string\n  default = \"{v}\"\n}}\n"),
        ),
        ("prod.tfvars", format!("db_password = \"{v}\"\n")),
        ("ci.yml", format!("jobs:\n  build:\n    env:\n      NPM_TOKEN: {v}\n")),
        (
            "oauth.py",
            format!("headers = 'OAuth oauth_consumer_key=\"k\", oauth_token_secret=\"{v}\"'\n"),
        ),
    ];
    for (name, content) in cases {
        let found = scan(name, &content);
        assert!(!found.is_empty(), "nothing found in {name}: {content}");
        assert!(
            found
                .iter()
                .all(|(_, c)| matches!(c.as_str(), "low" | "medium" | "high")),
            "{name}: {found:?}"
        );
    }
}

#[test]
fn a_dictionary_word_after_a_password_name_is_a_password() {
    let found = scan("config.yml", "database:\n  password: wombat\n");
    assert_eq!(found.len(), 1, "{found:?}");
    // ...but the same word is no token.
    assert!(scan("config.yml", "database:\n  access_token: wombat\n").is_empty());
}

#[test]
fn basic_credentials_are_decoded_before_they_are_reported() {
    let real = b64(format!("deploy:{}", token(3)).as_bytes());
    assert!(!scan("req.http", &format!("Authorization: Basic {real}\n")).is_empty());
    let not_pair = b64(token(4).as_bytes());
    assert!(scan("req.http", &format!("Authorization: Basic {not_pair}\n")).is_empty());
}

#[test]
fn confidence_follows_the_score() {
    let strong = scan("a.env", &format!("DB_PASSWORD={}#x\n", token(5)));
    assert_eq!(strong[0].1, "high", "{strong:?}");
    let word = scan("b.yml", "password: wombat\n");
    assert_eq!(word[0].1, "low", "{word:?}");
}

#[test]
fn placeholders_and_template_variables_are_not_reported() {
    for line in [
        "password = \"${DB_PASSWORD}\"",
        "password: \"{{ .Values.password }}\"",
        "password = \"%(db_password)s\"",
        "api_key = \"<your-api-key>\"",
        "PASSWORD=changeme",
        "token: xxxxxxxxxxxxxxxx",
        "password: \"********\"",
        "password = \"password\"",
        "DB_PASSWORD=$DB_PASSWORD",
        "<password>${env.NEXUS_PASSWORD}</password>",
        "curl -u \"$USER:$PASS\" https://x",
        "Authorization: Bearer <token>",
        "password: test1",
    ] {
        assert!(scan("conf.txt", &format!("{line}\n")).is_empty(), "{line}");
    }
}

#[test]
fn code_expressions_and_identifiers_are_not_reported() {
    for line in [
        "password = os.environ[\"DB_PASSWORD\"]",
        "password = self.password",
        "token = getToken()",
        "    password = password_input",
        "args.password = optarg;",
        "fn login(password: &str) -> bool {",
        "let token: TokenKind = next();",
        ".compute_shared_secret = curve25519_compute_value,",
        "war_pass = K_SYS_REVISION_BCM112x_A1;",
        "SET_USER_PASSWORD = 0x70,",
        "dev_err(dev, \"wrong password: 0x%X\\n\", password);",
        "if (self.token.eq_ignore_ascii_case(b\"Signed-off-by\")) {}",
        "pub log_passwd: __u32,",
        "pub signing_key: OsString,",
        "headers = {'Authorization': 'Bearer ' + token}",
        "    pub Credential: IKEEXT_CREDENTIAL0,",
        "sender_password = ops@example.org",
        "token = no-cached-session:retry-later",
    ] {
        assert!(scan("code.txt", &format!("{line}\n")).is_empty(), "{line}");
    }
}

#[test]
fn names_that_describe_a_credential_are_not_reported() {
    let v = token(6);
    for name in [
        "password_field",
        "token_type",
        "secret_name",
        "token_url",
        "SECRET_FILE",
        "api_key_id",
        "show_password",
        "csrf_token",
        "nonMatchingToken",
        "fake_api_key",
    ] {
        let line = format!("{name} = \"{v}\"\n");
        assert!(scan("names.txt", &line).is_empty(), "{name}");
    }
}

/// Standard base64 with padding.
fn b64(b: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::new();
    for c in b.chunks(3) {
        let n =
            (u32::from(c[0]) << 16) | (u32::from(*c.get(1).unwrap_or(&0)) << 8) | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            s.push(if i <= c.len() {
                A[(n >> (18 - 6 * i) & 63) as usize] as char
            } else {
                '='
            });
        }
    }
    s
}

/// Base64 lines generated here: the shape of a key body, no real key.
fn key_lines(n: usize) -> Vec<String> {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    (0..n)
        .map(|_| {
            (0..64)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    A[(x % 64) as usize] as char
                })
                .collect()
        })
        .collect()
}

#[test]
fn private_keys_in_code_are_found() {
    let lines = key_lines(8);
    let begin = format!("-----BEGIN RSA {}-----", "PRIVATE KEY");
    let end = format!("-----END RSA {}-----", "PRIVATE KEY");
    let mut java = format!("String key = \"{begin}\\n\"\n");
    for l in &lines {
        java.push_str(&format!("    + \"{l}\\n\"\n"));
    }
    java.push_str(&format!("    + \"{end}\";\n"));
    assert!(
        scan("Keys.java", &java)
            .iter()
            .any(|(r, _)| r == "private-key-pem-concatenated"),
        "{java}"
    );

    let mut py = format!("KEY = (\n    \"{begin}\\n\"\n");
    for l in &lines {
        py.push_str(&format!("    \"{l}\\n\"\n"));
    }
    py.push_str(&format!("    \"{end}\"\n)\n"));
    assert!(!scan("keys.py", &py).is_empty(), "{py}");

    let escaped = format!("{{\"private_key\": \"{begin}\\n{}\\n{end}\\n\"}}\n", lines.join("\\n"));
    assert!(!scan("sa.json", &escaped).is_empty());

    let bare = format!(
        "String privateKey = \"MIIEvQIBADANBgkqhkiG9w0BAQEFAASC{}\";\n",
        lines.concat()
    );
    assert!(scan("Sign.java", &bare)
        .iter()
        .any(|(r, _)| r == "private-key-base64-assigned"));
    let public = format!(
        "String privateKey = \"MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A{}\";\n",
        lines.concat()
    );
    assert!(!scan("Sign.java", &public)
        .iter()
        .any(|(r, _)| r == "private-key-base64-assigned"));
}

/// A UUID after a qualified token name, a case-scrambled value after a secret name, and OAuth 1.0a
/// parameters are credentials; a certificate's base64 that happens to spell a provider's name is not.
#[test]
fn qualified_token_names_and_scrambled_values_are_reported() {
    let uuid = format!(
        "{}-{}-4{}-a{}-{}",
        hex(1, 8),
        hex(2, 4),
        hex(3, 3),
        hex(4, 3),
        hex(5, 12)
    );
    let found = scan("client.json", &format!("{{\"access_token\": \"{uuid}\"}}\n"));
    assert!(found.iter().any(|(_, c)| c == "medium"), "{found:?}");
    let scrambled: String = alnum(7, 40)
        .chars()
        .filter(|c| c.is_ascii_alphabetic())
        .take(32)
        .collect();
    let scrambled: String = scrambled
        .chars()
        .enumerate()
        .map(|(i, c)| {
            if i % 2 == 0 {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect();
    assert!(!scan("app.yml", &format!("auth:\n  secretkey: {scrambled}\n")).is_empty());
    let t = token(9);
    assert!(!scan("session.py", &format!("    'oauth_token': '{t}',\n")).is_empty());
    // A PEM body line that contains a provider's name by chance (here `Documo`'s) is not its key.
    let body = format!("{}Documo{}", alnum(11, 20), alnum(12, 38));
    let pem = format!(
        "-----BEGIN CERTIFICATE-----\n{body}\n{}\n-----END CERTIFICATE-----\n",
        alnum(13, 64)
    );
    assert!(
        !scan("cert.pem", &pem).iter().any(|(r, _)| r.starts_with("documo")),
        "a name inside base64 is no name"
    );
}

/// `n` lowercase hex digits, made at run time.
fn hex(seed: u64, n: usize) -> String {
    alnum(seed, n)
        .bytes()
        .map(|b| char::from(b"0123456789abcdef"[usize::from(b % 16)]))
        .collect()
}

#[test]
fn assignments_inside_quoted_strings_and_lists_are_reported() {
    let t = token(21);
    for (path, text) in [
        ("deploy.sh", format!("export OPTS=\"ACME_SECRET={t}\"\n")),
        (
            "compose.yml",
            format!("    command: [\"run\", \"--env\", \"ACME_API_TOKEN={t}\"]\n"),
        ),
        ("client.go", format!("const cfg = \"acme_token={t}\";\n")),
    ] {
        assert!(!scan(path, &text).is_empty(), "{path}: {text}");
    }
    // A template or an empty value in a quoted assignment is still nothing.
    assert!(scan("run.sh", "export OPTS=\"ACME_SECRET=${ACME_SECRET}\"\n").is_empty());
    assert!(scan("run.sh", "export OPTS=\"ACME_SECRET=\"\n").is_empty());
}

#[test]
fn long_words_after_a_provider_name_are_not_its_key() {
    // A documentation URL that names a provider before a function's name (`timezoneapi` is also a
    // Windows header) is a link, not a key.
    let text = "// https://learn.microsoft.com/en-us/windows/win32/api/timezoneapi/nf-timezoneapi-systemtimetotzspecificlocaltime\n";
    assert!(scan("windows.rs", text).is_empty());
}
