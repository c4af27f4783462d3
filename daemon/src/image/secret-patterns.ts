/**
 * What looks like a secret: variable names (DB_PASSWORD, API_KEY, GITHUB_TOKEN…), values with a
 * recognisable shape (cloud keys, tokens, private keys, URLs with a password) and file names
 * (.env, *.pem, id_rsa…). Only the name or the kind of match is ever reported, never the value.
 */
const secretNamePattern =
  /(?:^|_)(?:PASSWORD|PASSWD|SECRET|SECRETS|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|SECRET_?KEY|CLIENT_?SECRET|CREDENTIALS?|AUTH_?TOKEN|SIGNING_?KEY|ENCRYPTION_?KEY|MASTER_?KEY)(?:_|$)/i;
/** Names that point at a secret rather than hold one. */
const referenceNamePattern = /_(?:FILE|PATH|DIR|URL_FILE|TTL|EXPIRY|EXPIRES|LENGTH|MIN_LENGTH|TIMEOUT|HEADER|NAME|ENABLED)$/i;

export const isSecretName = (name: string): boolean => secretNamePattern.test(name) && !referenceNamePattern.test(name);

const valuePatterns: readonly { readonly kind: string; readonly pattern: RegExp }[] = [
  { kind: "an AWS access key id", pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { kind: "a GitHub token", pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})\b/ },
  { kind: "a Slack token", pattern: /\bxox[abprs]-[A-Za-z0-9-]{10,}/ },
  { kind: "an API secret key", pattern: /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}|\bsk-[A-Za-z0-9_-]{20,}/ },
  { kind: "a Google API key", pattern: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  { kind: "a private key", pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ },
  { kind: "a JSON web token", pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/ },
  { kind: "a URL with a password", pattern: /^[a-z][a-z0-9+.-]*:\/\/[^:/\s@]+:[^@/\s$]+@/i },
];

/** The kind of secret the value looks like, or undefined. */
export const secretValueKind = (value: string): string | undefined => valuePatterns.find(({ pattern }) => pattern.test(value))?.kind;

/** Values that cannot be a secret even under a secret-looking name: empty, booleans, numbers, placeholders. */
export const isTrivialValue = (value: string): boolean =>
  /^\s*$/.test(value) || /^(?:true|false|yes|no|on|off|null|none|0|1|-?\d+(?:\.\d+)?)$/i.test(value.trim());

const secretFileNames = new Set([
  ".env",
  "id_rsa",
  "id_dsa",
  "id_ecdsa",
  "id_ed25519",
  ".npmrc",
  ".pypirc",
  ".netrc",
  ".git-credentials",
  ".htpasswd",
  "credentials",
  "secrets.yml",
  "secrets.yaml",
  "secrets.json",
]);
const secretFileExtensions = /\.(?:pem|key|p12|pfx|jks|keystore|kdbx|env|ppk|asc|gpg)$/i;
const harmlessEnvSuffix = /\.(?:example|sample|template|dist|defaults|tmpl|in)$/i;

/** Does this file name (basename) look like it holds a secret? */
export const isSecretFileName = (basename: string): boolean => {
  const name = basename.toLowerCase();
  if (harmlessEnvSuffix.test(name)) return false;
  if (name.endsWith(".pub")) return false;
  return secretFileNames.has(name) || name.startsWith(".env.") || secretFileExtensions.test(name);
};
