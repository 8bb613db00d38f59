// A real OpenID Connect provider (oidc-provider, a certified implementation) for the single
// sign-on tests, on a free loopback port.
//
//   node provider.mjs REDIRECT_URI
//
// prints "listening PORT" once it answers. Its one client is "scorecards" (secret
// "scorecards-secret"). The test signs in by posting to /interaction/UID/login the subject
// ("sub") and that account's claims as JSON ("claims"); the provider then asks nothing more.
// A claim "_id_token" makes the token endpoint spoil the id token it returns:
//   "wrong_audience"  re-signed with the provider's own key, for another client
//   "expired"         re-signed with the provider's own key, expired an hour ago
//   "tampered"        its payload changed without signing it again
import crypto from 'node:crypto';
import http from 'node:http';

import Provider from 'oidc-provider';

const redirectUri = process.argv[2];
const accounts = new Map();
const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key', use: 'sig', alg: 'RS256' };

const base64url = (value) => Buffer.from(value).toString('base64url');
const decode = (part) => JSON.parse(Buffer.from(part, 'base64url').toString());

function spoil(idToken, how) {
  const [header, payload, signature] = idToken.split('.');
  const claims = decode(payload);
  const now = Math.floor(Date.now() / 1000);
  if (how === 'tampered') {
    return `${header}.${base64url(JSON.stringify({ ...claims, sub: 'someone-else' }))}.${signature}`;
  }
  if (how === 'wrong_audience') {
    claims.aud = 'another-application';
    delete claims.azp;
  } else if (how === 'expired') {
    claims.iat = now - 7200;
    claims.exp = now - 3600;
  } else {
    return idToken;
  }
  const signed = `${header}.${base64url(JSON.stringify(claims))}`;
  return `${signed}.${crypto.sign('sha256', Buffer.from(signed), privateKey).toString('base64url')}`;
}

function readForm(req) {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => resolve(Object.fromEntries(new URLSearchParams(body))));
    req.on('error', reject);
  });
}

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const provider = new Provider(`http://127.0.0.1:${port}`, {
    clients: [{
      client_id: 'scorecards',
      client_secret: 'scorecards-secret',
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    }],
    jwks: { keys: [jwk] },
    cookies: { keys: ['test-cookie-key'] },
    scopes: ['openid', 'email', 'profile', 'groups'],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name'],
      groups: ['groups'],
    },
    pkce: { required: () => true },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(ctx, sub) {
      if (!accounts.has(sub)) return undefined;
      const { _id_token: ignored, ...claims } = accounts.get(sub);
      return { accountId: sub, claims: async () => ({ ...claims, sub }) };
    },
  });
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.path === '/token' && ctx.body && ctx.body.id_token) {
      const { sub } = decode(ctx.body.id_token.split('.')[1]);
      const how = (accounts.get(sub) || {})._id_token;
      if (how) ctx.body = { ...ctx.body, id_token: spoil(ctx.body.id_token, how) };
    }
  });
  const callback = provider.callback();
  server.on('request', async (req, res) => {
    const login = req.url.match(/^\/interaction\/([\w-]+)\/login$/);
    if (!login || req.method !== 'POST') {
      callback(req, res);
      return;
    }
    try {
      const form = await readForm(req);
      accounts.set(form.sub, JSON.parse(form.claims));
      const { params } = await provider.interactionDetails(req, res);
      const grant = new provider.Grant({ accountId: form.sub, clientId: params.client_id });
      grant.addOIDCScope(params.scope);
      const grantId = await grant.save();
      await provider.interactionFinished(req, res, {
        login: { accountId: form.sub }, consent: { grantId },
      }, { mergeWithLastSubmission: false });
    } catch (error) {
      res.statusCode = 400;
      res.end(String(error));
    }
  });
  process.stdout.write(`listening ${port}\n`);
});
