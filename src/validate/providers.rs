//! The validators, as data: for each provider the rules it checks, its documented read-only
//! identity endpoint, how the secret is sent, which status means live or revoked, and which JSON
//! fields become the triage detail. Endpoints come from each provider's API reference (linked in
//! `docs`). The README's provider table is generated from this table (`validate::table_markdown`).

/// How a secret is put into the request.
#[derive(Debug, Clone, Copy)]
pub enum Auth {
    /// Header `name: prefix + secret` (`Authorization: Bearer …`, `DD-API-KEY: …`).
    Header(&'static str, &'static str),
    /// HTTP Basic with the given user and the secret as password (`api:KEY`; `""` for `:PAT`).
    BasicPassword(&'static str),
    /// HTTP Basic with the companion value as user and the secret as password (Twilio SID:token).
    BasicCompanion,
    /// The secret is part of the URL (`{secret}` in the path); only URL-safe secrets are sent.
    InUrl,
    /// The secret is itself a URL on one of these host/path prefixes (webhooks); any other URL is
    /// never requested.
    WholeUrl(&'static [&'static str]),
}

/// How the check is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// One HTTPS request described by the table.
    Http,
    /// STS GetCallerIdentity signed with SigV4 (`aws.rs`).
    Aws,
    /// No safe read-only endpoint: the verdict is `unknown`, with this reason.
    NoEndpoint(&'static str),
}

/// A value that must sit near the secret for it to be checked (the Twilio Account SID).
#[derive(Debug, Clone, Copy)]
pub struct Companion {
    /// Regex for the value, searched in the secret's file (or blob).
    pub regex: &'static str,
    /// What it is, for the `unknown` detail when it is missing.
    pub what: &'static str,
}

/// One provider endpoint.
#[derive(Debug, Clone, Copy)]
pub struct Validator {
    /// Short name: `[validate] providers` entries, `LEAKHOUND_VALIDATE_BASE_<ID>` (upper case).
    pub id: &'static str,
    /// Provider shown in reports.
    pub provider: &'static str,
    /// Rule ids checked by this validator.
    pub rules: &'static [&'static str],
    /// How the check is made.
    pub kind: Kind,
    /// `GET` or `POST`.
    pub method: &'static str,
    /// Scheme and host (`{dc}`: Mailchimp's data centre, from the key's suffix).
    pub base: &'static str,
    /// Path and query (`{secret}`, `{companion}` placeholders).
    pub path: &'static str,
    /// How the secret is sent.
    pub auth: Auth,
    /// Extra request headers.
    pub headers: &'static [(&'static str, &'static str)],
    /// POST body and its content type.
    pub body: Option<(&'static str, &'static str)>,
    /// Statuses that mean the provider accepted the secret.
    pub live: &'static [u16],
    /// If not empty, a live status also needs one of these (case-insensitive) in the body.
    pub live_body: &'static [&'static str],
    /// Statuses that mean rejected.
    pub revoked: &'static [u16],
    /// If not empty, a revoked status also needs one of these in the body (else `unknown`).
    pub revoked_body: &'static [&'static str],
    /// JSON pointer that must be true or a non-null value on a live status (`/ok` for Slack);
    /// when it is not, `revoked_body` decides between revoked and unknown.
    pub ok_field: Option<&'static str>,
    /// Detail fields: label and JSON pointer, or `header:scopes` for GitHub's `X-OAuth-Scopes`.
    pub detail: &'static [(&'static str, &'static str)],
    /// A value needed beside the secret.
    pub companion: Option<Companion>,
    /// Other regions tried, in order, while the answer is `revoked` (Mailgun EU, Datadog sites).
    pub fallback_bases: &'static [&'static str],
    /// The provider's documentation of the endpoint.
    pub docs: &'static str,
}

const BEARER: Auth = Auth::Header("Authorization", "Bearer ");

/// Defaults for the table: GET, bearer token, 200 live, 401 revoked.
const D: Validator = Validator {
    id: "",
    provider: "",
    rules: &[],
    kind: Kind::Http,
    method: "GET",
    base: "",
    path: "",
    auth: BEARER,
    headers: &[],
    body: None,
    live: &[200],
    live_body: &[],
    revoked: &[401],
    revoked_body: &[],
    ok_field: None,
    detail: &[],
    companion: None,
    fallback_bases: &[],
    docs: "",
};

const GITHUB_HEADERS: &[(&str, &str)] = &[
    ("Accept", "application/vnd.github+json"),
    ("X-GitHub-Api-Version", "2022-11-28"),
];

/// Every validator.
pub const VALIDATORS: &[Validator] = &[
    Validator {
        id: "aws",
        provider: "AWS",
        rules: &["aws-secret-access-key"],
        kind: Kind::Aws,
        method: "POST",
        base: super::aws::STS_BASE,
        path: "/ (Action=GetCallerIdentity, SigV4)",
        revoked: &[403],
        detail: &[("arn", "Arn"), ("account", "Account")],
        docs: "https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html",
        ..D
    },
    Validator {
        id: "github",
        provider: "GitHub",
        rules: &["github-classic-pat", "github-fine-grained-pat", "github-oauth-token", "github-user-to-server-token"],
        base: "https://api.github.com",
        path: "/user",
        headers: GITHUB_HEADERS,
        detail: &[("login", "/login"), ("scopes", "header:scopes")],
        docs: "https://docs.github.com/en/rest/users/users#get-the-authenticated-user",
        ..D
    },
    Validator {
        id: "github",
        provider: "GitHub",
        rules: &["github-server-to-server-token"],
        base: "https://api.github.com",
        path: "/installation/repositories?per_page=1",
        headers: GITHUB_HEADERS,
        detail: &[("repositories", "/total_count")],
        docs: "https://docs.github.com/en/rest/apps/installations#list-repositories-accessible-to-the-app-installation",
        ..D
    },
    Validator {
        id: "github",
        provider: "GitHub",
        rules: &["github-refresh-token"],
        kind: Kind::NoEndpoint(
            "a refresh token is accepted only by the OAuth token endpoint, which would mint a new token",
        ),
        base: "https://github.com",
        docs: "https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/refreshing-user-access-tokens",
        ..D
    },
    Validator {
        id: "gitlab",
        provider: "GitLab",
        rules: &["gitlab-personal-access-token"],
        base: "https://gitlab.com",
        path: "/api/v4/personal_access_tokens/self",
        auth: Auth::Header("PRIVATE-TOKEN", ""),
        detail: &[("token", "/name"), ("scopes", "/scopes"), ("expires", "/expires_at"), ("user id", "/user_id")],
        docs: "https://docs.gitlab.com/api/personal_access_tokens/#get-single-personal-access-token",
        ..D
    },
    Validator {
        id: "slack",
        provider: "Slack",
        rules: &["slack-bot-token", "slack-user-token", "slack-legacy-token"],
        method: "POST",
        base: "https://slack.com",
        path: "/api/auth.test",
        body: Some(("application/x-www-form-urlencoded", "")),
        live: &[200],
        revoked: &[200],
        ok_field: Some("/ok"),
        revoked_body: &["invalid_auth", "token_revoked", "account_inactive", "token_expired", "not_authed"],
        detail: &[("team", "/team"), ("user", "/user"), ("workspace", "/url")],
        docs: "https://api.slack.com/methods/auth.test",
        ..D
    },
    Validator {
        id: "slack_webhook",
        provider: "Slack",
        rules: &["slack-webhook-url", "slack-workflow-webhook-url"],
        method: "POST",
        base: "https://hooks.slack.com",
        path: "(the webhook URL, an empty JSON payload that Slack rejects without posting)",
        auth: Auth::WholeUrl(&["hooks.slack.com/services/", "hooks.slack.com/workflows/", "hooks.slack.com/triggers/"]),
        body: Some(("application/json", "{}")),
        live: &[400],
        live_body: &["no_text", "invalid_payload", "missing_text", "invalid_workflow_input"],
        revoked: &[403, 404],
        revoked_body: &["invalid_token", "no_service", "no_team", "team_disabled", "invalid_trigger"],
        docs: "https://api.slack.com/messaging/webhooks#handling_errors",
        ..D
    },
    Validator {
        id: "stripe",
        provider: "Stripe",
        rules: &["stripe-secret-key", "stripe-restricted-key", "stripe-test-secret-key", "stripe-test-restricted-key"],
        base: "https://api.stripe.com",
        path: "/v1/account",
        live: &[200, 403],
        detail: &[("account", "/id"), ("email", "/email"), ("country", "/country")],
        docs: "https://docs.stripe.com/api/accounts/retrieve",
        ..D
    },
    Validator {
        id: "openai",
        provider: "OpenAI",
        rules: &["openai-project-key", "openai-service-account-key", "openai-legacy-api-key"],
        base: "https://api.openai.com",
        path: "/v1/models",
        docs: "https://platform.openai.com/docs/api-reference/models/list",
        ..D
    },
    Validator {
        id: "openai",
        provider: "OpenAI",
        rules: &["openai-admin-key"],
        base: "https://api.openai.com",
        path: "/v1/organization/projects?limit=1",
        docs: "https://platform.openai.com/docs/api-reference/projects/list",
        ..D
    },
    Validator {
        id: "anthropic",
        provider: "Anthropic",
        rules: &["anthropic-api-key"],
        base: "https://api.anthropic.com",
        path: "/v1/models?limit=1",
        auth: Auth::Header("x-api-key", ""),
        headers: &[("anthropic-version", "2023-06-01")],
        docs: "https://docs.anthropic.com/en/api/models-list",
        ..D
    },
    Validator {
        id: "anthropic",
        provider: "Anthropic",
        rules: &["anthropic-admin-key"],
        base: "https://api.anthropic.com",
        path: "/v1/organizations/me",
        auth: Auth::Header("x-api-key", ""),
        headers: &[("anthropic-version", "2023-06-01")],
        detail: &[("organization", "/name"), ("id", "/id")],
        docs: "https://platform.claude.com/docs/en/api/admin/organizations/me",
        ..D
    },
    Validator {
        id: "google",
        provider: "Google Cloud",
        rules: &["google-api-key"],
        base: "https://generativelanguage.googleapis.com",
        path: "/v1beta/models?pageSize=1&key={secret}",
        auth: Auth::InUrl,
        live: &[200, 403],
        revoked: &[400],
        revoked_body: &["API_KEY_INVALID", "API key not valid"],
        docs: "https://ai.google.dev/api/models#method:-models.list",
        ..D
    },
    Validator {
        id: "sendgrid",
        provider: "SendGrid",
        rules: &["sendgrid-api-key"],
        base: "https://api.sendgrid.com",
        path: "/v3/scopes",
        detail: &[("scopes", "/scopes")],
        docs: "https://www.twilio.com/docs/sendgrid/api-reference/api-key-permissions/retrieve-a-list-of-scopes-for-which-this-user-has-access",
        ..D
    },
    Validator {
        id: "mailgun",
        provider: "Mailgun",
        rules: &["mailgun-api-key", "mailgun-api-key-v2"],
        base: "https://api.mailgun.net",
        path: "/v3/domains?limit=1",
        auth: Auth::BasicPassword("api"),
        detail: &[("domains", "/total_count")],
        fallback_bases: &["https://api.eu.mailgun.net"],
        docs: "https://documentation.mailgun.com/docs/mailgun/api-reference/openapi-final/tag/Domains/",
        ..D
    },
    Validator {
        id: "twilio",
        provider: "Twilio",
        rules: &["twilio-auth-token"],
        base: "https://api.twilio.com",
        path: "/2010-04-01/Accounts/{companion}.json",
        auth: Auth::BasicCompanion,
        companion: Some(Companion {
            regex: r"\bAC[0-9a-f]{32}\b",
            what: "the Account SID (AC…) in the same file",
        }),
        detail: &[("account", "/friendly_name"), ("status", "/status"), ("type", "/type")],
        docs: "https://www.twilio.com/docs/iam/api/account#fetch-an-account-resource",
        ..D
    },
    Validator {
        id: "twilio",
        provider: "Twilio",
        rules: &["twilio-api-key-secret"],
        base: "https://api.twilio.com",
        path: "/2010-04-01/Accounts.json?PageSize=1",
        auth: Auth::BasicCompanion,
        companion: Some(Companion {
            regex: r"\bSK[0-9a-f]{32}\b",
            what: "the API key SID (SK…) in the same file",
        }),
        detail: &[("account", "/accounts/0/friendly_name")],
        docs: "https://www.twilio.com/docs/iam/api/account#read-multiple-account-resources",
        ..D
    },
    Validator {
        id: "npm",
        provider: "npm",
        rules: &["npm-access-token"],
        base: "https://registry.npmjs.org",
        path: "/-/whoami",
        revoked: &[401, 403],
        detail: &[("login", "/username")],
        docs: "https://docs.npmjs.com/cli/v10/commands/npm-whoami",
        ..D
    },
    Validator {
        id: "pypi",
        provider: "PyPI",
        rules: &["pypi-api-token", "pypi-test-api-token"],
        kind: Kind::NoEndpoint(
            "PyPI has no read-only endpoint that checks an upload token (only an upload would); revoke it at pypi.org/manage/account/",
        ),
        base: "https://upload.pypi.org",
        docs: "https://pypi.org/help/#apitoken",
        ..D
    },
    Validator {
        id: "huggingface",
        provider: "Hugging Face",
        rules: &["huggingface-access-token", "huggingface-org-api-token"],
        base: "https://huggingface.co",
        path: "/api/whoami-v2",
        detail: &[("login", "/name"), ("role", "/auth/accessToken/role"), ("token", "/auth/accessToken/displayName")],
        docs: "https://huggingface.co/docs/hub/api#get-apiwhoami-v2",
        ..D
    },
    Validator {
        id: "digitalocean",
        provider: "DigitalOcean",
        rules: &["digitalocean-personal-access-token", "digitalocean-oauth-token"],
        base: "https://api.digitalocean.com",
        path: "/v2/account",
        detail: &[("email", "/account/email"), ("status", "/account/status"), ("team", "/account/team/name")],
        docs: "https://docs.digitalocean.com/reference/api/digitalocean/#tag/Account",
        ..D
    },
    Validator {
        id: "heroku",
        provider: "Heroku",
        rules: &["heroku-api-key", "heroku-legacy-api-key"],
        base: "https://api.heroku.com",
        path: "/account",
        headers: &[("Accept", "application/vnd.heroku+json; version=3")],
        detail: &[("email", "/email")],
        docs: "https://devcenter.heroku.com/articles/platform-api-reference#account-info",
        ..D
    },
    Validator {
        id: "datadog",
        provider: "Datadog",
        rules: &["datadog-api-key"],
        base: "https://api.datadoghq.com",
        path: "/api/v1/validate",
        auth: Auth::Header("DD-API-KEY", ""),
        revoked: &[403],
        fallback_bases: &[
            "https://api.us3.datadoghq.com",
            "https://api.us5.datadoghq.com",
            "https://api.datadoghq.eu",
            "https://api.ap1.datadoghq.com",
        ],
        docs: "https://docs.datadoghq.com/api/latest/authentication/#validate-api-key",
        ..D
    },
    Validator {
        id: "newrelic",
        provider: "New Relic",
        rules: &["new-relic-user-api-key"],
        method: "POST",
        base: "https://api.newrelic.com",
        path: "/graphql",
        auth: Auth::Header("API-Key", ""),
        body: Some(("application/json", r#"{"query":"{ actor { user { email name } } }"}"#)),
        revoked: &[401, 403],
        ok_field: Some("/data/actor/user"),
        detail: &[("email", "/data/actor/user/email"), ("name", "/data/actor/user/name")],
        fallback_bases: &["https://api.eu.newrelic.com"],
        docs: "https://docs.newrelic.com/docs/apis/nerdgraph/get-started/introduction-new-relic-nerdgraph/",
        ..D
    },
    Validator {
        id: "discord",
        provider: "Discord",
        rules: &["discord-bot-token"],
        base: "https://discord.com",
        path: "/api/v10/users/@me",
        auth: Auth::Header("Authorization", "Bot "),
        detail: &[("bot", "/username"), ("id", "/id")],
        docs: "https://discord.com/developers/docs/resources/user#get-current-user",
        ..D
    },
    Validator {
        id: "discord_webhook",
        provider: "Discord",
        rules: &["discord-webhook-url"],
        base: "https://discord.com",
        path: "(the webhook URL: Get Webhook with Token)",
        auth: Auth::WholeUrl(&[
            "discord.com/api/webhooks/",
            "discordapp.com/api/webhooks/",
            "ptb.discord.com/api/webhooks/",
            "canary.discord.com/api/webhooks/",
        ]),
        revoked: &[401, 404],
        detail: &[("webhook", "/name"), ("channel", "/channel_id"), ("guild", "/guild_id")],
        docs: "https://discord.com/developers/docs/resources/webhook#get-webhook-with-token",
        ..D
    },
    Validator {
        id: "telegram",
        provider: "Telegram",
        rules: &["telegram-bot-token", "telegram-bot-token-context"],
        base: "https://api.telegram.org",
        path: "/bot{secret}/getMe",
        auth: Auth::InUrl,
        ok_field: Some("/ok"),
        detail: &[("bot", "/result/username")],
        docs: "https://core.telegram.org/bots/api#getme",
        ..D
    },
    Validator {
        id: "linear",
        provider: "Linear",
        rules: &["linear-api-key"],
        method: "POST",
        base: "https://api.linear.app",
        path: "/graphql",
        auth: Auth::Header("Authorization", ""),
        body: Some(("application/json", r#"{"query":"{ viewer { email name } }"}"#)),
        ok_field: Some("/data/viewer"),
        revoked: &[400, 401],
        revoked_body: &["AUTHENTICATION_ERROR", "authentication"],
        detail: &[("email", "/data/viewer/email"), ("name", "/data/viewer/name")],
        docs: "https://linear.app/developers/graphql#authentication",
        ..D
    },
    Validator {
        id: "notion",
        provider: "Notion",
        rules: &["notion-integration-token"],
        base: "https://api.notion.com",
        path: "/v1/users/me",
        headers: &[("Notion-Version", "2022-06-28")],
        detail: &[("bot", "/name"), ("workspace", "/bot/workspace_name")],
        docs: "https://developers.notion.com/reference/get-self",
        ..D
    },
    Validator {
        id: "airtable",
        provider: "Airtable",
        rules: &["airtable-personal-access-token"],
        base: "https://api.airtable.com",
        path: "/v0/meta/whoami",
        detail: &[("user", "/id"), ("email", "/email"), ("scopes", "/scopes")],
        docs: "https://airtable.com/developers/web/api/get-user-id-scopes",
        ..D
    },
    Validator {
        id: "postmark",
        provider: "Postmark",
        rules: &["postmark-server-token"],
        base: "https://api.postmarkapp.com",
        path: "/server",
        auth: Auth::Header("X-Postmark-Server-Token", ""),
        detail: &[("server", "/Name")],
        docs: "https://postmarkapp.com/developer/api/server-api#get-server",
        ..D
    },
    Validator {
        id: "mailchimp",
        provider: "Mailchimp",
        rules: &["mailchimp-api-key"],
        base: "https://{dc}.api.mailchimp.com",
        path: "/3.0/",
        auth: Auth::BasicPassword("leakhound"),
        detail: &[("account", "/account_name"), ("email", "/email")],
        docs: "https://mailchimp.com/developer/marketing/api/root/list-api-root-resources/",
        ..D
    },
    Validator {
        id: "square",
        provider: "Square",
        rules: &["square-access-token", "square-legacy-access-token"],
        base: "https://connect.squareup.com",
        path: "/v2/merchants/me",
        detail: &[("business", "/merchant/business_name"), ("country", "/merchant/country")],
        docs: "https://developer.squareup.com/reference/square/merchants-api/retrieve-merchant",
        ..D
    },
    Validator {
        id: "doppler",
        provider: "Doppler",
        rules: &["doppler-token"],
        base: "https://api.doppler.com",
        path: "/v3/me",
        detail: &[("token", "/name"), ("type", "/type"), ("workplace", "/workplace/name")],
        docs: "https://docs.doppler.com/reference/auth-me",
        ..D
    },
    Validator {
        id: "sentry",
        provider: "Sentry",
        rules: &["sentry-user-auth-token", "sentry-org-auth-token", "sentry-legacy-auth-token"],
        base: "https://sentry.io",
        path: "/api/0/",
        ok_field: Some("/auth"),
        detail: &[("user", "/user/username"), ("scopes", "/auth/scopes")],
        docs: "https://docs.sentry.io/api/users/retrieve-the-current-credentials/",
        ..D
    },
    Validator {
        id: "circleci",
        provider: "CircleCI",
        rules: &["circleci-token", "circleci-legacy-token"],
        base: "https://circleci.com",
        path: "/api/v2/me",
        auth: Auth::Header("Circle-Token", ""),
        detail: &[("login", "/login")],
        docs: "https://circleci.com/docs/api/v2/index.html#operation/getCurrentUser",
        ..D
    },
    Validator {
        id: "travis",
        provider: "Travis CI",
        rules: &["travis-ci-token"],
        base: "https://api.travis-ci.com",
        path: "/user",
        auth: Auth::Header("Authorization", "token "),
        headers: &[("Travis-API-Version", "3")],
        revoked: &[401, 403],
        detail: &[("login", "/login")],
        docs: "https://developer.travis-ci.com/resource/user",
        ..D
    },
    Validator {
        id: "netlify",
        provider: "Netlify",
        rules: &["netlify-personal-access-token"],
        base: "https://api.netlify.com",
        path: "/api/v1/user",
        detail: &[("email", "/email"), ("name", "/full_name")],
        docs: "https://open-api.netlify.com/#tag/user/operation/getCurrentUser",
        ..D
    },
    Validator {
        id: "vercel",
        provider: "Vercel",
        rules: &["vercel-access-token"],
        base: "https://api.vercel.com",
        path: "/v2/user",
        revoked: &[401, 403],
        detail: &[("login", "/user/username"), ("email", "/user/email")],
        docs: "https://vercel.com/docs/rest-api/reference/endpoints/user/get-the-user",
        ..D
    },
    Validator {
        id: "cloudflare",
        provider: "Cloudflare",
        rules: &["cloudflare-api-token", "cloudflare-scannable-api-token"],
        base: "https://api.cloudflare.com",
        path: "/client/v4/user/tokens/verify",
        ok_field: Some("/success"),
        revoked: &[400, 401],
        detail: &[("status", "/result/status"), ("expires", "/result/expires_on")],
        docs: "https://developers.cloudflare.com/api/resources/user/subresources/tokens/methods/verify/",
        ..D
    },
    Validator {
        id: "groq",
        provider: "Groq",
        rules: &["groq-api-key"],
        base: "https://api.groq.com",
        path: "/openai/v1/models",
        docs: "https://console.groq.com/docs/api-reference#models-list",
        ..D
    },
    Validator {
        id: "mistral",
        provider: "Mistral AI",
        rules: &["mistral-api-key"],
        base: "https://api.mistral.ai",
        path: "/v1/models",
        docs: "https://docs.mistral.ai/api/#tag/models/operation/list_models_v1_models_get",
        ..D
    },
    Validator {
        id: "cohere",
        provider: "Cohere",
        rules: &["cohere-api-key"],
        method: "POST",
        base: "https://api.cohere.com",
        path: "/v1/check-api-key",
        ok_field: Some("/valid"),
        detail: &[("organization", "/organization_id")],
        docs: "https://docs.cohere.com/reference/check-api-key",
        ..D
    },
    Validator {
        id: "replicate",
        provider: "Replicate",
        rules: &["replicate-api-token"],
        base: "https://api.replicate.com",
        path: "/v1/account",
        detail: &[("account", "/username"), ("type", "/type")],
        docs: "https://replicate.com/docs/reference/http#accounts.get",
        ..D
    },
    Validator {
        id: "buildkite",
        provider: "Buildkite",
        rules: &["buildkite-api-token"],
        base: "https://api.buildkite.com",
        path: "/v2/access-token",
        detail: &[("scopes", "/scopes")],
        docs: "https://buildkite.com/docs/apis/rest-api/access-token",
        ..D
    },
    Validator {
        id: "asana",
        provider: "Asana",
        rules: &["asana-personal-access-token"],
        base: "https://app.asana.com",
        path: "/api/1.0/users/me",
        detail: &[("user", "/data/name"), ("email", "/data/email")],
        docs: "https://developers.asana.com/reference/getuser",
        ..D
    },
    Validator {
        id: "postman",
        provider: "Postman",
        rules: &["postman-api-key"],
        base: "https://api.getpostman.com",
        path: "/me",
        auth: Auth::Header("X-Api-Key", ""),
        detail: &[("user", "/user/username")],
        docs: "https://learning.postman.com/docs/developer/postman-api/authentication/",
        ..D
    },
    Validator {
        id: "pagerduty",
        provider: "PagerDuty",
        rules: &["pagerduty-api-key"],
        base: "https://api.pagerduty.com",
        path: "/abilities",
        auth: Auth::Header("Authorization", "Token token="),
        headers: &[("Accept", "application/vnd.pagerduty+json;version=2")],
        detail: &[("abilities", "/abilities")],
        docs: "https://developer.pagerduty.com/api-reference/b3A6Mjc0ODEwMQ-list-abilities",
        ..D
    },
    Validator {
        id: "dropbox",
        provider: "Dropbox",
        rules: &["dropbox-access-token", "dropbox-long-lived-access-token"],
        method: "POST",
        base: "https://api.dropboxapi.com",
        path: "/2/users/get_current_account",
        body: Some(("application/json", "null")),
        detail: &[("email", "/email"), ("name", "/name/display_name")],
        docs: "https://www.dropbox.com/developers/documentation/http/documentation#users-get_current_account",
        ..D
    },
    Validator {
        id: "azure_devops",
        provider: "Azure DevOps",
        rules: &["azure-devops-pat", "azure-devops-pat-legacy"],
        base: "https://app.vssps.visualstudio.com",
        path: "/_apis/profile/profiles/me?api-version=7.1",
        auth: Auth::BasicPassword(""),
        revoked: &[401, 203],
        detail: &[("user", "/displayName"), ("email", "/emailAddress")],
        docs: "https://learn.microsoft.com/en-us/rest/api/azure/devops/profile/profiles/get",
        ..D
    },
    Validator {
        id: "xai",
        provider: "xAI",
        rules: &["xai-api-key"],
        base: "https://api.x.ai",
        path: "/v1/api-key",
        revoked: &[400, 401],
        detail: &[("key", "/name"), ("blocked", "/api_key_blocked")],
        docs: "https://docs.x.ai/docs/api-reference#get-api-key-info",
        ..D
    },
    Validator {
        id: "openrouter",
        provider: "OpenRouter",
        rules: &["openrouter-api-key"],
        base: "https://openrouter.ai",
        path: "/api/v1/key",
        detail: &[("key", "/data/label")],
        docs: "https://openrouter.ai/docs/api-reference/api-keys/get-current-key",
        ..D
    },
    Validator {
        id: "deepseek",
        provider: "DeepSeek",
        rules: &["deepseek-api-key"],
        base: "https://api.deepseek.com",
        path: "/user/balance",
        detail: &[("available", "/is_available")],
        docs: "https://api-docs.deepseek.com/api/get-user-balance",
        ..D
    },
    Validator {
        id: "terraform",
        provider: "HashiCorp Terraform Cloud",
        rules: &["terraform-cloud-api-token"],
        base: "https://app.terraform.io",
        path: "/api/v2/account/details",
        detail: &[("login", "/data/attributes/username"), ("email", "/data/attributes/email")],
        docs: "https://developer.hashicorp.com/terraform/cloud-docs/api-docs/account#get-your-account-details",
        ..D
    },
    Validator {
        id: "elevenlabs",
        provider: "ElevenLabs",
        rules: &["elevenlabs-api-key"],
        base: "https://api.elevenlabs.io",
        path: "/v1/user",
        auth: Auth::Header("xi-api-key", ""),
        detail: &[("user", "/user_id")],
        docs: "https://elevenlabs.io/docs/api-reference/user/get",
        ..D
    },
    Validator {
        id: "atlassian",
        provider: "Atlassian",
        rules: &["atlassian-api-token", "atlassian-api-token-classic"],
        kind: Kind::NoEndpoint("an Atlassian API token is checked with the account e-mail and the site, which a finding does not carry"),
        base: "https://api.atlassian.com",
        docs: "https://support.atlassian.com/atlassian-account/docs/manage-api-tokens-for-your-atlassian-account/",
        ..D
    },
    Validator {
        id: "cloudflare",
        provider: "Cloudflare",
        rules: &["cloudflare-global-api-key", "cloudflare-scannable-global-api-key"],
        kind: Kind::NoEndpoint("a global API key is checked with the account e-mail, which a finding does not carry"),
        base: "https://api.cloudflare.com",
        docs: "https://developers.cloudflare.com/fundamentals/api/get-started/keys/",
        ..D
    },
];

/// The validator for a rule, if any.
pub fn for_rule(rule_id: &str) -> Option<&'static Validator> {
    VALIDATORS.iter().find(|v| v.rules.contains(&rule_id))
}
