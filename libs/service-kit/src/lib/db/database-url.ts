const SCHEME = /^(postgres(?:ql)?)(\+[A-Za-z0-9_]+)?:\/\//;

/**
 * Turns the URL forms our task definitions use into one node-postgres understands:
 * `postgresql+asyncpg://…` (SQLAlchemy's driver suffix is dropped, asyncpg's `ssl=` becomes `sslmode=`),
 * `postgresql://…` and `postgres://…`.
 */
export function normalizeDatabaseUrl(raw: string): string {
  const match = SCHEME.exec(raw.trim());
  if (!match) {
    throw new Error(
      `DATABASE_URL must start with postgresql://, postgres:// or postgresql+<driver>://, got "${redactDatabaseUrl(raw)}"`,
    );
  }
  let rest = raw.trim().slice(match[0].length);
  if (match[2]) {
    rest = rest.replace(/([?&])ssl=/, '$1sslmode=');
  }
  return `postgresql://${rest}`;
}

/** The URL without its password, safe for logs and error messages. */
export function redactDatabaseUrl(raw: string): string {
  return raw.replace(/^([^:/]+(?:\+[^:/]+)?:\/\/[^:@/]+):[^@/]*@/, '$1:***@');
}
