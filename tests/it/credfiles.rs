//! Credential files in their native formats (issue 20): a home directory and a project holding every
//! supported format, written here with passwords made at run time, several entries per file, and
//! comment lines, disabled entries, placeholders and empty passwords that must not be reported. The
//! same files are scanned as a directory, committed into a git repository, zipped and baked into an
//! image layer; each credential line must be reported at its line by its rule, the same way each time.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

use serde_json::{json, Value};

use crate::util::{alnum, git_in, run_in, sha256_hex, tar_of, Tree};

/// What a written line must produce.
#[derive(Clone, Copy, Debug)]
enum Want {
    /// A credential: reported by one of these rules (any rule when empty: another family owns it).
    Pos(&'static [&'static str]),
    /// A comment, disabled entry, placeholder or empty password: nothing may be reported.
    Neg,
    /// Structure (a host, a user, an access key ID): not counted either way.
    Plain,
}

/// One line of a written file and what it must produce.
type Line = (String, Want);

fn pos(text: impl Into<String>, rules: &'static [&'static str]) -> Line {
    (text.into(), Want::Pos(rules))
}
fn neg(text: impl Into<String>) -> Line {
    (text.into(), Want::Neg)
}
fn plain(text: impl Into<String>) -> Line {
    (text.into(), Want::Plain)
}

fn b64(data: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in data.chunks(3) {
        let n =
            (u32::from(c[0]) << 16) | (u32::from(*c.get(1).unwrap_or(&0)) << 8) | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Characters of crypt(3)'s alphabet, deterministic.
fn crypt(seed: u64, n: usize) -> String {
    alnum(seed, n).replace('q', ".").replace('Q', "/")
}

fn hexs(seed: u64, n: usize) -> String {
    let s: String = alnum(seed, n * 2);
    s.bytes().map(|b| format!("{:x}", b % 16)).take(n).collect()
}

/// Every format's file: (path, lines).
fn files() -> Vec<(&'static str, Vec<Line>)> {
    let p = |seed: u64| format!("{}{}", alnum(seed, 12), "7Kq");
    let mut s = 1000u64;
    let mut next = || {
        s += 1;
        p(s)
    };
    let n = &mut next;
    let mut v: Vec<(&'static str, Vec<Line>)> = Vec::new();
    const NETRC: &[&str] = &["netrc-password"];
    v.push((
        "home/alice/.netrc",
        vec![
            neg(format!("# machine old.example.com login me password {}", n())),
            plain("machine git.example.com"),
            plain("  login alice"),
            pos(format!("  password {}", n()), NETRC),
            pos(
                format!("machine api.heroku.com login alice@example.com password {}", n()),
                NETRC,
            ),
            neg("machine ci.example.com login ci password $CI_TOKEN"),
            pos(format!("default login anonymous password {}", n()), NETRC),
        ],
    ));
    v.push((
        "home/win/_netrc",
        vec![pos(
            format!("machine files.example.com login bob password {}", n()),
            NETRC,
        )],
    ));
    const GIT: &[&str] = &["git-credential-store-password"];
    v.push((
        "home/alice/.git-credentials",
        vec![
            pos(format!("https://alice:{}%40{}@github.com", n(), n()), GIT),
            pos(format!("https://bob:{}@gitlab.example.com", n()), GIT),
            neg("https://carol:@bitbucket.org"),
        ],
    ));
    const NPM: &[&str] = &["npmrc-auth-token"];
    v.push((
        "home/alice/.npmrc",
        vec![
            plain("registry=https://registry.npmjs.org/"),
            pos(format!("//registry.npmjs.org/:_authToken={}-{}", n(), n()), NPM),
            neg("//npm.pkg.github.com/:_authToken=${GITHUB_TOKEN}"),
            neg(format!("; _auth={}", b64(format!("old:{}", n()).as_bytes()))),
            pos(format!("//npm.example.com/:_password={}", b64(n().as_bytes())), NPM),
            pos(format!("_auth={}", b64(format!("bob:{}", n()).as_bytes())), NPM),
        ],
    ));
    const PYPI: &[&str] = &["pypirc-password"];
    v.push((
        "home/alice/.pypirc",
        vec![
            plain("[distutils]"),
            plain("index-servers = pypi testpypi"),
            plain("[pypi]"),
            plain("username = __token__"),
            pos(format!("password = {}", n()), PYPI),
            plain("[testpypi]"),
            plain("username = bob"),
            pos(format!("password = {}", n()), PYPI),
            neg(format!("# password = {}", n())),
        ],
    ));
    const DOCKER: &[&str] = &["docker-config-auth"];
    v.push((
        "home/alice/.docker/config.json",
        vec![
            plain("{"),
            plain("  \"auths\": {"),
            plain("    \"registry.example.com\": {"),
            pos(
                format!("      \"auth\": \"{}\"", b64(format!("ci:{}", n()).as_bytes())),
                DOCKER,
            ),
            plain("    },"),
            plain("    \"ghcr.io\": {"),
            pos(
                format!("      \"auth\": \"{}\"", b64(format!("bob:{}", n()).as_bytes())),
                DOCKER,
            ),
            plain("    },"),
            plain("    \"quay.io\": {},"),
            plain("    \"empty.example.com\": {"),
            neg(format!("      \"auth\": \"{}\"", b64(b"nobody:"))),
            plain("    },"),
            plain("    \"acr.example.io\": {"),
            pos(format!("      \"identitytoken\": \"{}.{}\"", n(), n()), DOCKER),
            plain("    }"),
            plain("  },"),
            plain("  \"credsStore\": \"desktop\""),
            plain("}"),
        ],
    ));
    v.push((
        "home/old/.dockercfg",
        vec![
            plain("{\"https://index.docker.io/v1/\": {"),
            pos(
                format!("  \"auth\": \"{}\",", b64(format!("olduser:{}", n()).as_bytes())),
                DOCKER,
            ),
            plain("  \"email\": \"old@example.com\"}}"),
        ],
    ));
    const MAVEN: &[&str] = &["maven-settings-password"];
    v.push((
        "home/alice/.m2/settings.xml",
        vec![
            plain("<settings>"),
            plain("  <servers>"),
            plain("    <server>"),
            plain("      <id>nexus</id>"),
            plain("      <username>deploy</username>"),
            pos(format!("      <password>{}</password>", n()), MAVEN),
            plain("    </server>"),
            plain("    <server>"),
            plain("      <id>ci</id>"),
            neg("      <password>${env.CI_PASSWORD}</password>"),
            plain("    </server>"),
            plain("    <server>"),
            plain("      <id>signing</id>"),
            pos(format!("      <passphrase>{}</passphrase>", n()), MAVEN),
            plain("    </server>"),
            plain("  </servers>"),
            plain("</settings>"),
        ],
    ));
    const NUGET: &[&str] = &["nuget-config-cleartext-password"];
    v.push((
        "project/NuGet.Config",
        vec![
            plain("<configuration>"),
            plain("  <packageSourceCredentials>"),
            plain("    <acme>"),
            plain("      <add key=\"Username\" value=\"ci\" />"),
            pos(
                format!("      <add key=\"ClearTextPassword\" value=\"{}\" />", n()),
                NUGET,
            ),
            plain("    </acme>"),
            plain("    <other>"),
            neg("      <add key=\"ClearTextPassword\" value=\"%FEED_PASSWORD%\" />"),
            plain("    </other>"),
            plain("    <third>"),
            pos(
                format!("      <add key=\"ClearTextPassword\" value=\"{}\" />", n()),
                NUGET,
            ),
            plain("    </third>"),
            plain("    <fourth>"),
            pos(
                format!(
                    "      <add key=\"Password\" value=\"AQAAANCMnd8BFdERjHoAwE/Cl+sBAAAA{}\" />",
                    alnum(77, 60)
                ),
                &["nuget-config-password"],
            ),
            plain("    </fourth>"),
            plain("  </packageSourceCredentials>"),
            plain("</configuration>"),
        ],
    ));
    const GEM: &[&str] = &["gem-credentials-api-key"];
    v.push((
        "home/alice/.gem/credentials",
        vec![
            plain("---"),
            pos(format!(":rubygems_api_key: {}", hexs(1, 32)), GEM),
            neg(format!("# :old_key: {}", hexs(2, 32))),
            pos(format!("https://gems.example.com: {}", hexs(3, 32)), GEM),
        ],
    ));
    const COMPOSER_P: &[&str] = &["composer-auth-password"];
    const COMPOSER_T: &[&str] = &["composer-auth-token"];
    v.push((
        "project/auth.json",
        vec![
            plain("{"),
            plain("    \"http-basic\": {"),
            plain("        \"repo.example.org\": {"),
            plain("            \"username\": \"bob\","),
            pos(format!("            \"password\": \"{}\"", n()), COMPOSER_P),
            plain("        }"),
            plain("    },"),
            plain("    \"github-oauth\": {"),
            pos(format!("        \"github.com\": \"{}\"", hexs(4, 40)), COMPOSER_T),
            plain("    },"),
            plain("    \"gitlab-token\": {"),
            pos(format!("        \"gitlab.example.org\": \"{}\"", n()), COMPOSER_T),
            plain("    },"),
            plain("    \"bearer\": {"),
            pos(format!("        \"packages.example.org\": \"{}\"", n()), COMPOSER_T),
            plain("    }"),
            plain("}"),
        ],
    ));
    const YARN: &[&str] = &["yarnrc-npm-auth-token"];
    v.push((
        "project/.yarnrc.yml",
        vec![
            plain("npmScopes:"),
            plain("  acme:"),
            pos(format!("    npmAuthToken: \"{}\"", n()), YARN),
            plain("  other:"),
            neg("    npmAuthToken: \"${NPM_TOKEN}\""),
            pos(format!("npmAuthToken: {}", n()), YARN),
        ],
    ));
    const PG: &[&str] = &["pgpass-password"];
    v.push((
        "home/alice/.pgpass",
        vec![
            neg(format!("# db.example.com:5432:app:old:{}", n())),
            pos(format!("db.example.com:5432:app:app_user:{}", n()), PG),
            pos(format!("*:*:*:replicator:{}\\:{}", n(), n()), PG),
            neg("localhost:5432:test:tester:"),
            pos(format!("10.0.0.5:*:reports:report:{}", n()), PG),
        ],
    ));
    const MY: &[&str] = &["mysql-option-file-password"];
    v.push((
        "home/alice/.my.cnf",
        vec![
            plain("[client]"),
            plain("user=root"),
            pos(format!("password={}", n()), MY),
            neg(format!("#password={}", n())),
            plain("[mysqldump]"),
            pos(format!("password = \"{}\"", n()), MY),
            neg("password="),
        ],
    ));
    v.push((
        "home/alice/.mongorc.js",
        vec![
            plain("// auto-login"),
            pos(
                format!("db.getSiblingDB('admin').auth('x', 'y'); db.auth('admin', '{}');", n()),
                &["mongorc-db-auth-password"],
            ),
        ],
    ));
    const ODBC: &[&str] = &["odbc-tns-password"];
    v.push((
        "etc/odbc.ini",
        vec![
            plain("[sales]"),
            plain("Driver = PostgreSQL"),
            plain("Servername = db.example.com"),
            pos(format!("Password = {}", n()), ODBC),
            neg(format!("; Password = {}", n())),
            plain("[dw]"),
            pos(format!("PWD={}", n()), ODBC),
        ],
    ));
    v.push((
        "home/alice/.local/share/DBeaverData/workspace6/General/.dbeaver/data-sources.json",
        vec![
            plain("{\"connections\": {\"postgres-1\": {\"configuration\": {"),
            plain("  \"host\": \"db.example.com\", \"user\": \"app\","),
            pos(
                format!("  \"password\": \"{}\"", n()),
                &["dbeaver-data-source-password"],
            ),
            plain("}}, \"mysql-2\": {\"configuration\": {"),
            neg("  \"password\": \"\""),
            plain("}}}}"),
        ],
    ));
    v.push((
        "home/alice/.local/share/DBeaverData/workspace6/General/.dbeaver/credentials-config.json",
        vec![pos(alnum(9, 48), &["dbeaver-credentials-file"])],
    ));
    const JB: &[&str] = &["jetbrains-saved-password"];
    v.push((
        "project/.idea/webServers.xml",
        vec![
            plain("<project version=\"4\">"),
            plain("  <component name=\"WebServers\">"),
            pos(format!("    <webServer id=\"1\" name=\"prod\"><fileTransfer host=\"ftp.example.com\" port=\"21\" accessType=\"FTP\" login=\"deploy\" password=\"{}\" /></webServer>", hexs(5, 40)), JB),
            pos(format!("    <webServer id=\"2\" name=\"stage\"><fileTransfer host=\"stage.example.com\" accessType=\"SFTP\" login=\"deploy\" password=\"{}\" /></webServer>", hexs(6, 40)), JB),
            neg("    <webServer id=\"3\" name=\"dev\"><fileTransfer host=\"dev.example.com\" login=\"deploy\" password=\"\" /></webServer>"),
            plain("  </component>"),
            plain("</project>"),
        ],
    ));
    v.push((
        "project/.idea/dataSources.local.xml",
        vec![
            plain("<project version=\"4\">"),
            plain("  <data-source name=\"prod\">"),
            plain("    <user-name>app</user-name>"),
            pos(format!("    <user-password>{}</user-password>", n()), JB),
            plain("  </data-source>"),
            plain("</project>"),
        ],
    ));
    v.push((
        "home/alice/.3T/robo-3t/1.4.4/robo3t.json",
        vec![
            plain("{\"connections\": [{\"serverHost\": \"mongo.example.com\", \"credentials\": [{"),
            plain("  \"userName\": \"admin\","),
            pos(
                format!("  \"userPassword\": \"{}\"", n()),
                &["robomongo-studio3t-password"],
            ),
            plain("}]}]}"),
        ],
    ));
    const FZ: &[&str] = &["filezilla-saved-password"];
    v.push((
        "home/alice/.config/filezilla/sitemanager.xml",
        vec![
            plain("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\" ?>"),
            plain("<FileZilla3 version=\"3.66.4\" platform=\"*nix\">"),
            plain("  <Servers>"),
            plain("    <Server>"),
            plain("      <Host>ftp.example.com</Host>"),
            plain("      <User>bob</User>"),
            pos(
                format!("      <Pass encoding=\"base64\">{}</Pass>", b64(n().as_bytes())),
                FZ,
            ),
            plain("    </Server>"),
            plain("    <Server>"),
            plain("      <Host>sftp.example.org</Host>"),
            pos(
                format!("      <Pass encoding=\"base64\">{}</Pass>", b64(n().as_bytes())),
                FZ,
            ),
            plain("    </Server>"),
            plain("    <Server>"),
            plain("      <Host>old.example.net</Host>"),
            pos(format!("      <Pass>{}</Pass>", n()), FZ),
            plain("    </Server>"),
            plain("    <Server>"),
            plain("      <Host>anon.example.net</Host>"),
            neg("      <Pass encoding=\"base64\"></Pass>"),
            plain("    </Server>"),
            plain("  </Servers>"),
            plain("</FileZilla3>"),
        ],
    ));
    v.push((
        "home/alice/.config/filezilla/recentservers.xml",
        vec![
            plain("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\" ?>"),
            plain("<FileZilla3><RecentServers><Server><Host>files.example.com</Host><Port>21</Port>"),
            pos(format!("<Pass encoding=\"base64\">{}</Pass>", b64(n().as_bytes())), FZ),
            plain("</Server></RecentServers></FileZilla3>"),
        ],
    ));
    const WINSCP: &[&str] = &["winscp-stored-password"];
    v.push((
        "users/bob/AppData/Roaming/WinSCP.ini",
        vec![
            plain("[Sessions\\deploy@web.example.com]"),
            plain("HostName=web.example.com"),
            plain("UserName=deploy"),
            pos(format!("Password={}", hexs(7, 48).to_uppercase()), WINSCP),
            plain("[Sessions\\ops@db.example.com]"),
            neg(format!("; Password={}", hexs(8, 48).to_uppercase())),
            pos(format!("Password={}", hexs(9, 48).to_uppercase()), WINSCP),
        ],
    ));
    const SFTP: &[&str] = &["sftp-plugin-password"];
    v.push((
        "project/sftp-config.json",
        vec![
            plain("{"),
            plain("    \"type\": \"sftp\","),
            plain("    \"host\": \"web.example.com\","),
            plain("    \"user\": \"deploy\","),
            pos(format!("    \"password\": \"{}\",", n()), SFTP),
            // Sublime SFTP's template line, left commented out.
            neg("    //\"password\": \"password\","),
            plain("}"),
        ],
    ));
    v.push((
        "project2/.ftpconfig",
        vec![
            plain("{"),
            plain("    \"protocol\": \"ftp\", \"host\": \"ftp.example.com\", \"user\": \"web\","),
            pos(format!("    \"pass\": \"{}\",", n()), SFTP),
            plain("}"),
        ],
    ));
    v.push((
        "project3/.remote-sync.json",
        vec![
            plain("{"),
            plain("  \"transport\": \"ftp\", \"hostname\": \"ftp.example.org\", \"username\": \"sync\","),
            pos(format!("  \"password\": \"{}\",", n()), SFTP),
            plain("}"),
        ],
    ));
    v.push((
        "project4/.vscode/sftp.json",
        vec![
            plain("{"),
            plain("  \"name\": \"prod\", \"host\": \"sftp.example.net\", \"username\": \"deploy\","),
            pos(format!("  \"password\": \"{}\"", n()), SFTP),
            plain("}"),
        ],
    ));
    v.push((
        "users/bob/Documents/jump.rdp",
        vec![
            plain("full address:s:rdp.example.com"),
            plain("username:s:ACME\\bob"),
            pos(
                format!(
                    "password 51:b:01000000D08C9DDF0115D1118C7A00C04FC297EB{}",
                    hexs(10, 64).to_uppercase()
                ),
                &["rdp-file-password"],
            ),
        ],
    ));
    v.push((
        "users/bob/putty-sessions.reg",
        vec![
            plain("[HKEY_CURRENT_USER\\Software\\SimonTatham\\PuTTY\\Sessions\\bastion]"),
            plain("\"ProxyUsername\"=\"bob\""),
            pos(format!("\"ProxyPassword\"=\"{}\"", n()), &["putty-proxy-password"]),
            plain("[HKEY_CURRENT_USER\\Software\\SimonTatham\\PuTTY\\Sessions\\other]"),
            neg("\"ProxyPassword\"=\"\""),
        ],
    ));
    const AWS: &[&str] = &["aws-secret-access-key"];
    let aws_secret = |seed: u64| format!("{}/{}", alnum(seed, 20), alnum(seed + 1, 19));
    v.push((
        "home/alice/.aws/credentials",
        vec![
            plain("[default]"),
            plain(format!("aws_access_key_id = AKIA{}", alnum(11, 16).to_uppercase())),
            pos(format!("aws_secret_access_key = {}", aws_secret(12)), AWS),
            plain("[prod]"),
            plain(format!("aws_access_key_id = AKIA{}", alnum(13, 16).to_uppercase())),
            pos(format!("aws_secret_access_key = {}", aws_secret(14)), AWS),
        ],
    ));
    v.push((
        "home/alice/.s3cfg",
        vec![
            plain("[default]"),
            plain(format!("access_key = {}", alnum(15, 20).to_uppercase())),
            pos(format!("secret_key = {}", aws_secret(16)), &["s3cfg-secret-key"]),
            neg("secret_key = "),
        ],
    ));
    v.push((
        "home/alice/.boto",
        vec![
            plain("[Credentials]"),
            plain(format!("gs_access_key_id = GOOG1E{}", alnum(17, 30).to_uppercase())),
            pos(
                format!("gs_secret_access_key = {}", aws_secret(18)),
                &["boto-secret-access-key"],
            ),
            pos(
                format!("aws_secret_access_key = {}", aws_secret(19)),
                &["boto-secret-access-key", "aws-secret-access-key"],
            ),
        ],
    ));
    const GC: &[&str] = &["gcloud-adc-refresh-token"];
    v.push((
        "home/alice/.config/gcloud/application_default_credentials.json",
        vec![
            plain("{"),
            plain("  \"client_id\": \"764086051850-6qr4p6gpi6hn506pt8ejuq83di341hur.apps.googleusercontent.com\","),
            pos(format!("  \"client_secret\": \"{}\",", alnum(20, 24)), GC),
            pos(format!("  \"refresh_token\": \"1//0g{}\",", alnum(21, 60)), GC),
            plain("  \"type\": \"authorized_user\""),
            plain("}"),
        ],
    ));
    const AZ: &[&str] = &["azure-cli-token-cache"];
    v.push((
        "home/alice/.azure/accessTokens.json",
        vec![
            plain("[{"),
            plain("  \"tokenType\": \"Bearer\", \"expiresIn\": 3599, \"userId\": \"bob@example.com\","),
            pos(
                format!(
                    "  \"accessToken\": \"eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.{}.{}\",",
                    alnum(22, 80),
                    alnum(23, 40)
                ),
                AZ,
            ),
            pos(format!("  \"refreshToken\": \"0.AXkA{}\"", alnum(24, 120)), AZ),
            plain("}]"),
        ],
    ));
    const TUG: &[&str] = &["tugboat-digitalocean-token"];
    v.push((
        "home/alice/.tugboat",
        vec![
            plain("---"),
            plain("authentication:"),
            pos(format!("  client_key: x\n  api_key: {}", hexs(25, 64)), TUG),
            neg(format!("  # access_token: {}", hexs(26, 64))),
            pos(format!("  access_token: {}", hexs(27, 64)), TUG),
        ],
    ));
    const KUBE: &[&str] = &["kubeconfig-credentials"];
    v.push((
        "home/alice/.kube/config",
        vec![
            plain("apiVersion: v1"),
            plain("kind: Config"),
            plain("users:"),
            plain("- name: admin"),
            plain("  user:"),
            pos(format!("    client-key-data: {}", b64(alnum(28, 90).as_bytes())), KUBE),
            plain("- name: robot"),
            plain("  user:"),
            pos(format!("    token: {}.{}", alnum(29, 40), alnum(30, 40)), KUBE),
            plain("- name: basic"),
            plain("  user:"),
            plain("    username: admin"),
            pos(format!("    password: {}", alnum(31, 24)), KUBE),
        ],
    ));
    const K8S: &[&str] = &["kubernetes-secret-data"];
    v.push((
        "project/k8s/secret.yaml",
        vec![
            plain("apiVersion: v1"),
            plain("kind: Secret"),
            plain("metadata:"),
            plain("  name: app-db"),
            plain("type: Opaque"),
            plain("data:"),
            neg(format!("  username: {}", b64(b"app"))),
            pos(format!("  password: {}", b64(n().as_bytes())), K8S),
            neg(format!("  # old-password: {}", b64(n().as_bytes()))),
            pos(format!("  api-token: \"{}\"", b64(n().as_bytes())), K8S),
            plain("stringData:"),
            pos(format!("  smtp-password: {}", n()), K8S),
            plain("---"),
            plain("apiVersion: v1"),
            plain("kind: ConfigMap"),
            plain("metadata:"),
            plain("  name: settings"),
            plain("data:"),
            neg(format!("  password_policy: {}", b64(n().as_bytes()))),
        ],
    ));
    v.push((
        "home/alice/.terraform.d/credentials.tfrc.json",
        vec![
            plain("{"),
            plain("  \"credentials\": {"),
            plain("    \"app.terraform.io\": {"),
            pos(
                format!("      \"token\": \"{}.atlasv1.{}\"", alnum(32, 14), alnum(33, 60)),
                &["terraform-credentials-token", "terraform-cloud-api-token"],
            ),
            plain("    }"),
            plain("  }"),
            plain("}"),
        ],
    ));
    const MAIL: &[&str] = &["mail-client-rc-password"];
    v.push((
        "home/alice/.msmtprc",
        vec![
            plain("defaults"),
            plain("account work"),
            plain("host smtp.example.com"),
            plain("user bob"),
            pos(format!("password {}", n()), MAIL),
            plain("account home"),
            neg("passwordeval \"gpg -d ~/.msmtp.gpg\""),
            neg(format!("# password {}", n())),
            plain("account other"),
            pos(format!("password {}", n()), MAIL),
        ],
    ));
    v.push((
        "home/alice/.esmtprc",
        vec![
            plain("hostname = smtp.example.com:587"),
            plain("username = \"bob\""),
            pos(format!("password = \"{}\"", n()), MAIL),
        ],
    ));
    v.push((
        "home/alice/.fetchmailrc",
        vec![
            pos(
                format!("poll imap.example.com protocol IMAP user \"bob\" password \"{}\"", n()),
                MAIL,
            ),
            neg(format!("# poll old.example.com user \"bob\" password \"{}\"", n())),
            pos(
                format!("poll pop.example.org protocol POP3 user \"carol\" pass {}", n()),
                MAIL,
            ),
        ],
    ));
    const MUTT: &[&str] = &["muttrc-password"];
    v.push((
        "home/alice/.muttrc",
        vec![
            plain("set imap_user = bob@example.com"),
            pos(format!("set imap_pass = \"{}\"", n()), MUTT),
            pos(format!("set smtp_pass={}", n()), MUTT),
            neg(format!("# set pop_pass = {}", n())),
            neg("set smtp_pass = \"`pass show mail`\""),
        ],
    ));
    const PURPLE: &[&str] = &["pidgin-account-password"];
    v.push((
        "home/alice/.purple/accounts.xml",
        vec![
            plain("<?xml version='1.0' encoding='UTF-8' ?>"),
            plain("<account version='1.0'>"),
            plain("  <account><protocol>prpl-jabber</protocol><name>bob@example.com/home</name>"),
            pos(format!("  <password>{}</password>", n()), PURPLE),
            plain("  </account>"),
            plain("  <account><protocol>prpl-irc</protocol><name>bob@irc.example.net</name>"),
            pos(format!("  <password>{}</password>", n()), PURPLE),
            plain("  </account>"),
            plain("</account>"),
        ],
    ));
    const WP: &[&str] = &["wordpress-db-password"];
    const SALT: &[&str] = &["wordpress-auth-salt"];
    v.push((
        "site/wp-config.php",
        vec![
            plain("<?php"),
            plain("define( 'DB_NAME', 'wordpress' );"),
            plain("define( 'DB_USER', 'wp' );"),
            pos(format!("define( 'DB_PASSWORD', '{}' );", n()), WP),
            pos(format!("define( 'AUTH_KEY',         '{}' );", alnum(34, 64)), SALT),
            pos(format!("define( 'SECURE_AUTH_KEY',  '{}' );", alnum(35, 64)), SALT),
            pos(format!("define( 'LOGGED_IN_SALT',   '{}' );", alnum(36, 64)), SALT),
            neg("define( 'NONCE_KEY',        'put your unique phrase here' );"),
        ],
    ));
    v.push((
        "drupal/sites/default/settings.php",
        vec![
            plain("<?php"),
            plain("/**"),
            neg(" *   'password' => 'sqlpassword',"),
            plain(" */"),
            plain("$databases['default']['default'] = array ("),
            plain("  'database' => 'drupal',"),
            plain("  'username' => 'drupal',"),
            pos(format!("  'password' => '{}',", n()), &["drupal-settings-db-password"]),
            plain("  'host' => 'localhost',"),
            plain(");"),
        ],
    ));
    v.push((
        "django/app/settings.py",
        vec![
            plain("import os"),
            pos(
                format!("SECRET_KEY = 'django-insecure-{}'", alnum(37, 50)),
                &["django-secret-key"],
            ),
            neg("OTHER_SECRET_KEY = os.environ['OTHER']"),
        ],
    ));
    const RAILS: &[&str] = &["rails-database-yml-password"];
    v.push((
        "rails/config/database.yml",
        vec![
            plain("development:"),
            plain("  adapter: postgresql"),
            neg("  password: <%= ENV['DATABASE_PASSWORD'] %>"),
            plain("production:"),
            plain("  adapter: postgresql"),
            plain("  username: app"),
            pos(format!("  password: {}", n()), RAILS),
            neg(format!("  # password: {}", n())),
        ],
    ));
    v.push((
        "rails/config/secrets.yml",
        vec![
            plain("production:"),
            pos(
                format!("  secret_key_base: {}", hexs(38, 128)),
                &["rails-secret-key-base"],
            ),
            plain("test:"),
            neg("  secret_key_base: <%= ENV[\"SECRET_KEY_BASE\"] %>"),
        ],
    ));
    v.push((
        "laravel/.env",
        vec![
            pos(
                format!("APP_KEY=base64:{}", b64(alnum(39, 32).as_bytes())),
                &["laravel-app-key", "dotenv-file"],
            ),
            plain("DB_HOST=127.0.0.1"),
            pos(format!("DB_PASSWORD={}", n()), &[]),
        ],
    ));
    const SPRING: &[&str] = &["spring-property-password"];
    v.push((
        "spring/src/main/resources/application.properties",
        vec![
            plain("spring.datasource.url=jdbc:postgresql://db.example.com/app"),
            plain("spring.datasource.username=app"),
            pos(format!("spring.datasource.password={}", n()), SPRING),
            neg("spring.datasource.password=${DB_PASSWORD}"),
            neg(format!("#spring.mail.password={}", n())),
            pos(format!("spring.mail.password={}", n()), SPRING),
        ],
    ));
    const FF: &[&str] = &["firefox-saved-logins"];
    v.push((
        "home/alice/.mozilla/firefox/abcd1234.default-release/logins.json",
        vec![
            plain("{\"nextId\": 3, \"logins\": ["),
            plain(format!("  {{\"id\": 1, \"hostname\": \"https://shop.example.com\", \"encryptedUsername\": \"MDoEEPgAAAAAAAAAAAAAAAAAAAEwFAYIKoZIhvcNAwcE{}\",", alnum(40, 16))),
            pos(format!("   \"encryptedPassword\": \"MDoEEPgAAAAAAAAAAAAAAAAAAAEwFAYIKoZIhvcNAwcE{}\"}},", alnum(41, 16)), FF),
            plain(format!("  {{\"id\": 2, \"hostname\": \"https://mail.example.com\", \"encryptedUsername\": \"MDoEEPgAAAAAAAAAAAAAAAAAAAEwFAYIKoZIhvcNAwcE{}\",", alnum(42, 16))),
            pos(format!("   \"encryptedPassword\": \"MDoEEPgAAAAAAAAAAAAAAAAAAAEwFAYIKoZIhvcNAwcE{}\"}}", alnum(43, 16)), FF),
            plain("]}"),
        ],
    ));
    const GAME: &[&str] = &["game-server-admin-password"];
    v.push((
        "ark/ShooterGame/Saved/Config/LinuxServer/GameUserSettings.ini",
        vec![
            plain("[ServerSettings]"),
            pos(format!("ServerPassword={}", n()), GAME),
            pos(format!("ServerAdminPassword={}", n()), GAME),
            neg(format!("; SpectatorPassword={}", n())),
            neg("ServerPassword="),
            plain("[SessionSettings]"),
            plain("SessionName=My Server"),
        ],
    ));
    v.push((
        "csgo/cfg/server.cfg",
        vec![
            plain("hostname \"x\""),
            pos(format!("rcon_password = \"{}\"", n()), GAME),
        ],
    ));
    // Password hashes.
    const HASH: &[&str] = &["unix-password-hash"];
    v.push((
        "site/.htpasswd",
        vec![
            neg(format!("# old:$apr1${}${}", crypt(50, 8), crypt(51, 22))),
            pos(format!("admin:$apr1${}${}", crypt(52, 8), crypt(53, 22)), HASH),
            pos(format!("bob:$2y$10${}", crypt(54, 53)), HASH),
            pos(
                format!("carol:{{SHA}}{}=", b64(alnum(55, 20).as_bytes()).trim_end_matches('=')),
                HASH,
            ),
        ],
    ));
    v.push((
        "etc/shadow",
        vec![
            pos(
                format!("root:$6${}${}:19700:0:99999:7:::", crypt(56, 16), crypt(57, 86)),
                HASH,
            ),
            neg("daemon:*:19700:0:99999:7:::"),
            pos(
                format!("bob:$y$j9T${}${}:19700:0:99999:7:::", crypt(58, 22), crypt(59, 43)),
                HASH,
            ),
            neg("nobody:!:19700::::::"),
            pos(
                format!("svc:$5${}${}:19700:0:99999:7:::", crypt(60, 16), crypt(61, 43)),
                HASH,
            ),
        ],
    ));
    const SQL: &[&str] = &["sql-dump-password-hash"];
    v.push((
        "backup/dump.sql",
        vec![
            plain("-- MySQL dump"),
            plain("CREATE TABLE `users` (`id` int, `email` varchar(255), `password` varchar(255));"),
            pos(
                format!(
                    "INSERT INTO `users` VALUES (1,'bob@example.com','$2y$10${}');",
                    crypt(62, 53)
                ),
                SQL,
            ),
            pos(
                format!(
                    "INSERT INTO `wp_users` VALUES (1,'admin','$P${}','admin');",
                    crypt(63, 31)
                ),
                SQL,
            ),
            neg("INSERT INTO `users` VALUES (2,'carol@example.com','');"),
        ],
    ));
    v.push((
        "ldap/people.ldif",
        vec![
            plain("dn: uid=bob,ou=people,dc=example,dc=com"),
            pos(
                format!(
                    "userPassword:: {}",
                    b64(format!("{{SSHA}}{}", alnum(64, 28)).as_bytes())
                ),
                &["ldap-password-hash"],
            ),
            plain(""),
            plain("dn: uid=carol,ou=people,dc=example,dc=com"),
            pos(
                format!("userPassword: {{SSHA}}{}", b64(alnum(65, 24).as_bytes())),
                &["ldap-password-hash"],
            ),
        ],
    ));
    v
}

/// Writes the files under `root` (a `Tree` or a repository).
fn write_all(t: &Tree, prefix: &str, files: &[(&'static str, Vec<Line>)]) {
    for (path, lines) in files {
        let text: String = lines.iter().map(|(l, _)| format!("{l}\n")).collect();
        t.write(&format!("{prefix}{path}"), text);
    }
}

/// The file contents as one would write them.
fn contents(files: &[(&'static str, Vec<Line>)]) -> Vec<(String, Vec<u8>)> {
    files
        .iter()
        .map(|(p, lines)| {
            (
                p.to_string(),
                lines
                    .iter()
                    .map(|(l, _)| format!("{l}\n"))
                    .collect::<String>()
                    .into_bytes(),
            )
        })
        .collect()
}

/// Line numbers of each written line (a line may hold a `\n`, as `.tugboat`'s does).
fn expectations(files: &[(&'static str, Vec<Line>)]) -> Vec<(String, u64, Want)> {
    let mut out = Vec::new();
    for (path, lines) in files {
        let mut n = 1u64;
        for (text, want) in lines {
            let last = n + text.matches('\n').count() as u64;
            out.push((path.to_string(), last, *want));
            n = last + 1;
        }
    }
    out
}

/// Checks a run's findings against the written files; `prefix` is what the source puts before each
/// path. Returns (credential lines reported by their rule, credential lines).
fn check(findings: &[Value], prefix: &str, files: &[(&'static str, Vec<Line>)]) -> (usize, usize) {
    let mut by_line: BTreeMap<(String, u64), Vec<&Value>> = BTreeMap::new();
    for f in findings {
        let path = f["path"].as_str().unwrap();
        let Some(rel) = path.strip_prefix(prefix) else { continue };
        by_line
            .entry((rel.to_string(), f["line"].as_u64().unwrap()))
            .or_default()
            .push(f);
    }
    let (mut found, mut total) = (0, 0);
    let mut missed = Vec::new();
    let mut false_alarms = Vec::new();
    for (path, line, want) in expectations(files) {
        let here = by_line.get(&(path.clone(), line)).cloned().unwrap_or_default();
        // A rule that flags a whole file reports line 1 of it; that is not a finding on the line.
        let content: Vec<&&Value> = here.iter().filter(|f| f["secret"] != "(the whole file)").collect();
        match want {
            Want::Plain => {}
            Want::Neg => {
                if !content.is_empty() {
                    false_alarms.push(format!(
                        "{path}:{line} {:?}",
                        content.iter().map(|f| &f["rule_id"]).collect::<Vec<_>>()
                    ));
                }
            }
            Want::Pos(rules) => {
                total += 1;
                let ok = here
                    .iter()
                    .any(|f| rules.is_empty() || rules.iter().any(|r| f["rule_id"] == *r));
                if ok {
                    found += 1;
                } else {
                    missed.push(format!(
                        "{path}:{line} wanted {rules:?}, got {:?}",
                        here.iter().map(|f| &f["rule_id"]).collect::<Vec<_>>()
                    ));
                }
            }
        }
    }
    assert!(
        false_alarms.is_empty(),
        "findings on comment, disabled, placeholder or empty lines:\n{}",
        false_alarms.join("\n")
    );
    assert!(
        found * 100 >= total * 95,
        "{found} of {total} credential lines reported by their rule; missed:\n{}",
        missed.join("\n")
    );
    (found, total)
}

/// What a run found, as (path, line, rule) without the source's prefix, for comparing sources.
fn places(findings: &[Value], prefix: &str) -> BTreeSet<(String, u64, String)> {
    findings
        .iter()
        .filter(|f| f["secret"] != "(the whole file)")
        .filter_map(|f| {
            let p = f["path"].as_str()?.strip_prefix(prefix)?.to_string();
            Some((p, f["line"].as_u64()?, f["rule_id"].as_str()?.to_string()))
        })
        .collect()
}

#[test]
fn every_credential_file_format_is_reported_at_its_line_and_nothing_else_is() {
    let files = files();
    let t = Tree::new();
    write_all(&t, "", &files);
    let r = t.run(&["dir", ".", "-f", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let findings = r.findings();
    let (found, total) = check(&findings, "", &files);
    assert!(total >= 100, "only {total} credential lines written");
    eprintln!("credential files: {found} of {total} lines reported");
    // The parsers name the format and the entry, and decode what the format encodes.
    let fz: Vec<&Value> = findings
        .iter()
        .filter(|f| f["rule_id"] == "filezilla-saved-password")
        .collect();
    assert!(
        fz.iter()
            .any(|f| f["detail"] == "FileZilla saved password for ftp.example.com"),
        "{fz:#?}"
    );
    let docker = findings.iter().find(|f| f["rule_id"] == "docker-config-auth").unwrap();
    assert!(
        docker["detail"].as_str().unwrap().contains("registry.example.com"),
        "{docker:#}"
    );
    // Hashes are their own kind; secrets carry none.
    let hashes: Vec<&Value> = findings.iter().filter(|f| f["kind"] == "password-hash").collect();
    assert!(hashes.len() >= 10, "{hashes:#?}");
    assert!(hashes
        .iter()
        .all(|f| f["severity"] == "medium" || f["severity"] == "low"));
    assert!(findings
        .iter()
        .filter(|f| f["rule_id"] == "netrc-password")
        .all(|f| f.get("kind").is_none()));
    // Nothing secret in the output.
    let out = &r.stdout;
    for (_, lines) in &files {
        for (l, want) in lines {
            if matches!(want, Want::Pos(w) if !w.is_empty()) {
                let value = l
                    .rsplit([' ', '=', ':', '>'])
                    .next()
                    .unwrap()
                    .trim_matches(['"', '\'', ',', ';', ')', '<', '/']);
                if value.len() >= 12 {
                    assert!(!out.contains(value), "unredacted value from {l:?} in the output");
                }
            }
        }
    }
}

#[test]
fn decoded_values_are_what_the_tool_would_send() {
    let t = Tree::new();
    let pw = format!("{}@{}", alnum(70, 10), alnum(71, 6));
    t.write(
        ".git-credentials",
        format!("https://bob:{}@git.example.com\n", pw.replace('@', "%40")),
    );
    t.write(
        ".docker/config.json",
        format!(
            "{{\"auths\": {{\"r.example.com\": {{\"auth\": \"{}\"}}}}}}\n",
            b64(format!("ci:{pw}").as_bytes())
        ),
    );
    let r = t.run(&["dir", ".", "-f", "json", "--no-redact"]);
    let secrets: BTreeSet<(String, String)> = r
        .findings()
        .iter()
        .filter(|f| f["secret"] != "(the whole file)")
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["secret"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        secrets,
        BTreeSet::from([
            ("docker-config-auth".to_string(), pw.clone()),
            ("git-credential-store-password".to_string(), pw.clone()),
        ])
    );
    // Redacted by default, and the fingerprint is the decoded value's.
    let r = t.run(&["dir", ".", "-f", "json"]);
    let f = r
        .findings()
        .into_iter()
        .find(|f| f["rule_id"] == "docker-config-auth")
        .unwrap();
    assert_ne!(f["secret"], pw.as_str());
    assert_eq!(
        f["fingerprint"],
        leakhound::finding::fingerprint("docker-config-auth", pw.as_bytes())
    );
}

fn zip_of(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in files {
        w.start_file(name.as_str(), opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// A legacy `docker save` archive with one layer holding `files`.
fn image_of(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let layer = tar_of(files);
    let cfg = serde_json::to_vec(&json!({
        "architecture": "amd64", "os": "linux", "config": {"Cmd": ["/bin/sh"]},
        "rootfs": {"type": "layers", "diff_ids": [format!("sha256:{}", sha256_hex(&layer))]},
        "history": [{"created_by": "COPY home /"}]
    }))
    .unwrap();
    let cfg_name = format!("{}.json", sha256_hex(&cfg));
    let layer_path = format!("{:064}/layer.tar", 0);
    let manifest = json!([{"Config": cfg_name, "RepoTags": ["creds/home:1"], "Layers": [layer_path]}]);
    tar_of(&[
        (cfg_name, cfg),
        (layer_path, layer),
        ("manifest.json".to_string(), serde_json::to_vec(&manifest).unwrap()),
    ])
}

#[test]
fn the_same_files_in_git_history_a_zip_and_an_image_layer_are_reported_the_same_way() {
    let files = files();
    let t = Tree::new();
    write_all(&t, "", &files);
    let base = places(&t.run(&["dir", ".", "-f", "json"]).findings(), "");

    let repo = Tree::new();
    git_in(repo.path(), &["init", "-q", "-b", "main"], 2);
    write_all(&repo, "", &files);
    git_in(repo.path(), &["add", "-A"], 2);
    git_in(repo.path(), &["commit", "-q", "-m", "dotfiles"], 2);
    let r = run_in(repo.path(), &["git", ".", "-f", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    check(&r.findings(), "", &files);
    assert_eq!(
        places(&r.findings(), ""),
        base,
        "git history differs from the directory"
    );

    let z = Tree::new();
    z.write("backup/home.zip", zip_of(&contents(&files)));
    let r = z.run(&["dir", ".", "-f", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    check(&r.findings(), "backup/home.zip!/", &files);
    assert_eq!(
        places(&r.findings(), "backup/home.zip!/"),
        base,
        "the zip differs from the directory"
    );

    let i = Tree::new();
    let img = i.write("home.tar", image_of(&contents(&files)));
    let r = i.run(&["image", "-f", "json", img.to_str().unwrap()]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    check(&r.findings(), "", &files);
    assert_eq!(
        places(&r.findings(), ""),
        base,
        "the image layer differs from the directory"
    );
}
