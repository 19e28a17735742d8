import { normalizeDatabaseUrl, redactDatabaseUrl } from './database-url';

describe('normalizeDatabaseUrl', () => {
  it.each([
    ['postgresql+asyncpg://user:pass@host:5432/db', 'postgresql://user:pass@host:5432/db'],
    ['postgresql+psycopg2://user:pass@host/db', 'postgresql://user:pass@host/db'],
    ['postgresql://user:pass@host:5432/db', 'postgresql://user:pass@host:5432/db'],
    ['postgres://user:pass@host:5432/db', 'postgresql://user:pass@host:5432/db'],
    ['  postgres://h/db  ', 'postgresql://h/db'],
    ['postgresql+asyncpg://u:p@h/db?ssl=require', 'postgresql://u:p@h/db?sslmode=require'],
    ['postgresql+asyncpg://u:p@h/db?a=1&ssl=disable', 'postgresql://u:p@h/db?a=1&sslmode=disable'],
    ['postgresql://u:p@h/db?sslmode=require', 'postgresql://u:p@h/db?sslmode=require'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeDatabaseUrl(input)).toBe(expected);
  });

  it.each(['mysql://u:secret@h/db', 'http://h/db', 'postgresql:/h/db', ''])('rejects %j', (input) => {
    expect(() => normalizeDatabaseUrl(input)).toThrow(/DATABASE_URL must start with postgresql:\/\//);
  });

  it('never puts the password in the error', () => {
    expect(() => normalizeDatabaseUrl('mysql://u:secret@h/db')).toThrow('"mysql://u:***@h/db"');
  });
});

describe('redactDatabaseUrl', () => {
  it.each([
    ['postgresql+asyncpg://user:s3cr%40t@host:5432/db', 'postgresql+asyncpg://user:***@host:5432/db'],
    ['postgres://user@host/db', 'postgres://user@host/db'],
    ['postgres://host/db', 'postgres://host/db'],
  ])('%s → %s', (input, expected) => {
    expect(redactDatabaseUrl(input)).toBe(expected);
  });
});
