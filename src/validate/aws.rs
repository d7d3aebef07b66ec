//! AWS key pairs: STS `GetCallerIdentity` (read-only, needs no permission, answers for any active
//! key), signed with Signature Version 4 as the AWS IAM User Guide ("Create a signed AWS API
//! request") describes: canonical request, string to sign, a signing key derived from the date,
//! region and service, and the HMAC-SHA256 signature.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// STS's global endpoint (documented in the STS API reference; region us-east-1).
pub const STS_BASE: &str = "https://sts.amazonaws.com";
/// The form body of the call.
pub const BODY: &str = "Action=GetCallerIdentity&Version=2011-06-15";
/// Its content type.
pub const CONTENT_TYPE: &str = "application/x-www-form-urlencoded; charset=utf-8";

type HmacSha256 = Hmac<Sha256>;

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut m = HmacSha256::new_from_slice(key).expect("HMAC takes any key length");
    m.update(data);
    m.finalize().into_bytes().to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What one request signs.
pub struct SignInput<'a> {
    /// HTTP method.
    pub method: &'a str,
    /// Canonical URI (already URI-encoded), `/` for the root.
    pub path: &'a str,
    /// Canonical query string (sorted, encoded), may be empty.
    pub query: &'a str,
    /// Headers to sign as (lowercase name, trimmed value), sorted by name; `host` and
    /// `x-amz-date` among them.
    pub headers: &'a [(&'a str, &'a str)],
    /// Request body.
    pub payload: &'a [u8],
    /// `YYYYMMDDTHHMMSSZ`.
    pub amz_date: &'a str,
    /// Region, e.g. `us-east-1`.
    pub region: &'a str,
    /// Service, e.g. `sts`.
    pub service: &'a str,
}

/// The signing key for a date (`YYYYMMDD`), region and service.
pub fn signing_key(secret: &str, date: &str, region: &str, service: &str) -> Vec<u8> {
    let k_date = hmac(format!("AWS4{secret}").as_bytes(), date.as_bytes());
    let k_region = hmac(&k_date, region.as_bytes());
    let k_service = hmac(&k_region, service.as_bytes());
    hmac(&k_service, b"aws4_request")
}

/// The hex signature and the `Authorization` header value for `input`.
pub fn sign(input: &SignInput<'_>, access_key: &str, secret: &str) -> (String, String) {
    let mut canonical_headers = String::new();
    let mut signed = Vec::new();
    for (name, value) in input.headers {
        canonical_headers.push_str(name);
        canonical_headers.push(':');
        canonical_headers.push_str(value.trim());
        canonical_headers.push('\n');
        signed.push(*name);
    }
    let signed_headers = signed.join(";");
    let canonical_request = format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        input.method,
        input.path,
        input.query,
        canonical_headers,
        signed_headers,
        hex(&Sha256::digest(input.payload))
    );
    let date = &input.amz_date[..8];
    let scope = format!("{date}/{}/{}/aws4_request", input.region, input.service);
    let string_to_sign = format!(
        "AWS4-HMAC-SHA256\n{}\n{scope}\n{}",
        input.amz_date,
        hex(&Sha256::digest(canonical_request.as_bytes()))
    );
    let key = signing_key(secret, date, input.region, input.service);
    let signature = hex(&hmac(&key, string_to_sign.as_bytes()));
    let authorization = format!(
        "AWS4-HMAC-SHA256 Credential={access_key}/{scope}, SignedHeaders={signed_headers}, Signature={signature}"
    );
    (signature, authorization)
}

/// `YYYYMMDDTHHMMSSZ` for Unix seconds.
pub fn amz_date(unix: i64) -> String {
    crate::source::git::iso8601(unix).replace(['-', ':'], "")
}

/// The value of the first `<tag>…</tag>` in an XML answer (STS answers are small and flat).
pub fn xml_field<'a>(xml: &'a str, tag: &str) -> Option<&'a str> {
    let open = format!("<{tag}>");
    let start = xml.find(&open)? + open.len();
    let end = xml[start..].find("</")? + start;
    Some(xml[start..end].trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    // The documented example credentials of the AWS SigV4 documentation and test suite.
    const KEY_ID: &str = "AKIDEXAMPLE";
    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    #[test]
    fn signing_key_matches_the_documented_derivation_example() {
        let key = signing_key(SECRET, "20150830", "us-east-1", "iam");
        assert_eq!(
            hex(&key),
            "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9"
        );
    }

    #[test]
    fn iam_list_users_example_signs_as_documented() {
        let (sig, auth) = sign(
            &SignInput {
                method: "GET",
                path: "/",
                query: "Action=ListUsers&Version=2010-05-08",
                headers: &[
                    ("content-type", "application/x-www-form-urlencoded; charset=utf-8"),
                    ("host", "iam.amazonaws.com"),
                    ("x-amz-date", "20150830T123600Z"),
                ],
                payload: b"",
                amz_date: "20150830T123600Z",
                region: "us-east-1",
                service: "iam",
            },
            KEY_ID,
            SECRET,
        );
        assert_eq!(sig, "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
        assert!(auth.starts_with(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, \
             SignedHeaders=content-type;host;x-amz-date, Signature=5d67"
        ));
    }

    #[test]
    fn test_suite_get_vanilla_signs_as_documented() {
        let (sig, _) = sign(
            &SignInput {
                method: "GET",
                path: "/",
                query: "",
                headers: &[("host", "example.amazonaws.com"), ("x-amz-date", "20150830T123600Z")],
                payload: b"",
                amz_date: "20150830T123600Z",
                region: "us-east-1",
                service: "service",
            },
            KEY_ID,
            SECRET,
        );
        assert_eq!(sig, "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    }

    #[test]
    fn amz_dates_and_xml_fields() {
        assert_eq!(amz_date(1_440_938_160), "20150830T123600Z");
        let xml = "<GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/ci</Arn><Account>123456789012</Account></GetCallerIdentityResult>";
        assert_eq!(xml_field(xml, "Account"), Some("123456789012"));
        assert_eq!(xml_field(xml, "Arn"), Some("arn:aws:iam::123456789012:user/ci"));
        assert_eq!(xml_field(xml, "UserId"), None);
    }
}
