// A real OpenID Connect provider for the test suite: node-oidc-provider, offline, on one port.
//
//   node tests/oidc/provider.mjs --port 9000 \
//     --client-id contacts-dashboard --client-secret s3cret \
//     --redirect-uri http://localhost:8000/oidc/callback/ \
//     --post-logout-redirect-uri http://localhost:8000/oidc/signed-out/ \
//     --users '{"ana@example.com": {"groups": ["sales"], "given_name": "Ana"}}'
//
// Every option can also come from the environment (OIDC_TEST_PORT, OIDC_TEST_CLIENT_ID,
// OIDC_TEST_CLIENT_SECRET, OIDC_TEST_REDIRECT_URIS and OIDC_TEST_POST_LOGOUT_REDIRECT_URIS as
// space-separated lists, OIDC_TEST_USERS as JSON). The issuer is http://127.0.0.1:<port>.
//
// - One confidential client (client_secret_basic or client_secret_post), authorization code flow.
// - ID tokens are signed RS256 with a key made at start-up (nothing is read from disk or network).
// - Sign-in uses the provider's built-in development login form, which accepts any login and any
//   password; the login is the account id. Consent is skipped for our client (a first-party app,
//   as in a company IdP), so the only page a person sees is the login form.
// - Claims: `email` + `email_verified` (scope email), `name`, `given_name`, `family_name`,
//   `groups` (a list) and `roles` (a comma-separated string) with scope profile. They come from
//   --users, keyed by login; a login not listed gets email = login, verified, and no groups.
//   A user entry may override `email` and `email_verified` to test refusals.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';

import Provider from 'oidc-provider';

const { values: options } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.OIDC_TEST_PORT },
    'client-id': { type: 'string', default: process.env.OIDC_TEST_CLIENT_ID ?? 'contacts-dashboard' },
    'client-secret': { type: 'string', default: process.env.OIDC_TEST_CLIENT_SECRET },
    'redirect-uri': { type: 'string', multiple: true, default: splitList(process.env.OIDC_TEST_REDIRECT_URIS) },
    'post-logout-redirect-uri': {
      type: 'string', multiple: true, default: splitList(process.env.OIDC_TEST_POST_LOGOUT_REDIRECT_URIS),
    },
    users: { type: 'string', default: process.env.OIDC_TEST_USERS ?? '{}' },
  },
});

function splitList(value) {
  return (value ?? '').split(/\s+/).filter(Boolean);
}

function fail(message) {
  process.stderr.write(`provider.mjs: ${message}\n`);
  process.exit(2);
}

const port = Number.parseInt(options.port ?? '', 10);
if (!Number.isInteger(port) || port <= 0 || port > 65535) fail('--port <number> is required');
if (!options['client-secret']) fail('--client-secret (or OIDC_TEST_CLIENT_SECRET) is required');
if (options['redirect-uri'].length === 0) fail('at least one --redirect-uri is required');

let users;
try {
  users = JSON.parse(options.users);
} catch (error) {
  fail(`--users is not JSON: ${error.message}`);
}

const issuer = `http://127.0.0.1:${port}`;
const signingKey = {
  ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }),
  kid: `test-${randomBytes(4).toString('hex')}`,
  alg: 'RS256',
  use: 'sig',
};

function claimsFor(login) {
  const user = users[login] ?? {};
  const groups = user.groups ?? [];
  return {
    sub: login,
    email: 'email' in user ? user.email : login,
    email_verified: user.email_verified ?? true,
    name: user.name ?? ([user.given_name, user.family_name].filter(Boolean).join(' ') || undefined),
    given_name: user.given_name,
    family_name: user.family_name,
    groups,
    roles: groups.join(','),
  };
}

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: options['client-id'],
      client_secret: options['client-secret'],
      redirect_uris: options['redirect-uri'],
      post_logout_redirect_uris: options['post-logout-redirect-uri'],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      id_token_signed_response_alg: 'RS256',
    },
  ],
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name', 'groups', 'roles'],
  },
  scopes: ['openid', 'email', 'profile'],
  ttl: {
    AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Grant: 3600, Interaction: 600, Session: 3600,
  },
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  async findAccount(ctx, sub) {
    return { accountId: sub, async claims() { return claimsFor(sub); } };
  },
  // Our client is first-party: grant what it asks for instead of showing a consent page.
  async loadExistingGrant(ctx) {
    const { client, session, params, result } = ctx.oidc;
    const grantId = result?.consent?.grantId || session.grantIdFor(client.clientId);
    if (grantId) {
      const existing = await ctx.oidc.provider.Grant.find(grantId);
      if (existing) return existing;
    }
    const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
    grant.addOIDCScope(String(params.scope ?? 'openid'));
    await grant.save();
    return grant;
  },
  // The built-in error page is fine; make it say what went wrong in the test log as well.
  async renderError(ctx, out, error) {
    process.stderr.write(`provider.mjs: ${out.error}: ${out.error_description ?? ''}\n`);
    ctx.type = 'html';
    const safe = String(out.error).replace(/[^a-z0-9_.-]/gi, '');
    ctx.body = `<!doctype html><title>Provider error</title><h1>${safe}</h1>`;
  },
});

// Say in the test log why a request was refused (a wrong secret, a used code, a bad redirect…).
for (const event of ['authorization.error', 'grant.error', 'userinfo.error', 'end_session.error']) {
  provider.on(event, (ctx, error) => {
    process.stderr.write(`provider.mjs: ${event}: ${error.error ?? error.name}: ${error.error_description ?? error.message}\n`);
  });
}
provider.on('server_error', (ctx, error) => process.stderr.write(`provider.mjs: ${error.stack}\n`));

const server = provider.listen(port, '127.0.0.1', () => {
  process.stdout.write(`OpenID provider ready: ${issuer}/.well-known/openid-configuration\n`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.closeAllConnections();
    process.exit(0);
  });
}
