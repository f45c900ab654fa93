/**
 * `node oidc-discovery.ts PORT`: an OIDC issuer at http://127.0.0.1:PORT that serves only its
 * discovery document and an empty key set (oidc.ts says why). Dependency-free: it runs under
 * the supervisor long after setup exits.
 */
import { createServer } from 'node:http';

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
  process.stderr.write('usage: oidc-discovery.ts PORT\n');
  process.exit(2);
}
const issuer = `http://127.0.0.1:${port}`;
const documents: Record<string, unknown> = {
  '/.well-known/openid-configuration': {
    issuer,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    response_types_supported: ['code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
  },
  '/.well-known/jwks.json': { keys: [] },
};

const server = createServer((req, res) => {
  const doc = documents[(req.url ?? '').split('?')[0] as string];
  res.writeHead(doc ? 200 : 404, { 'content-type': 'application/json' });
  res.end(JSON.stringify(doc ?? { error: 'not found' }));
});
server.listen(port, '127.0.0.1', () => process.stdout.write(`oidc discovery for ${issuer}\n`));
for (const sig of ['SIGTERM', 'SIGINT'] as const) process.on(sig, () => server.close(() => process.exit(0)));
