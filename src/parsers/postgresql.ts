import { authFailure, fieldsParser, SF, type Fields } from './service-fields.js';

// `FATAL:  password authentication failed for user "bob"`, `FATAL:  no pg_hba.conf entry for host "192.0.2.1", user "bob", database "db", SSL off`
const FATAL = /FATAL: {1,2}(?:(password|Ident|PAM|LDAP|RADIUS|certificate|GSSAPI|SSPI|peer|md5|scram-sha-256) authentication failed for user "([^"]{0,256})"|no pg_hba\.conf entry for (?:replication connection from )?host "([^"]{0,256})", user "([^"]{0,256})"(?:, database "([^"]{0,256})")?|role "([^"]{0,256})" does not exist)/;
// connection details in log_line_prefix: `%r` as `192.0.2.1(54321)` or `host=192.0.2.1 port=54321`, `user=bob,db=app`
const REMOTE = /(?:^|[\s[,@])([0-9]{1,3}(?:\.[0-9]{1,3}){3}|[0-9A-Fa-f]{0,4}:[0-9A-Fa-f:.]{1,44})\((\d{1,5})\)/;
const HOST_KV = /(?:^|[\s,])(?:host|client|remote)=([0-9A-Fa-f:.]{2,45})(?:[\s,]port=(\d{1,5}))?/;
const DB_KV = /(?:^|[\s,])(?:db|database)=([^\s,[\]]{1,128})/;

export function postgresqlFields(message: string): Fields | undefined {
  const m = FATAL.exec(message);
  if (!m) return undefined;
  const prefix = message.slice(0, m.index);
  const r = REMOTE.exec(prefix);
  const kv = r ? undefined : HOST_KV.exec(prefix);
  const host = m[3] ?? r?.[1] ?? kv?.[1];
  const port = r?.[2] ?? kv?.[2];
  const user = m[2] ?? m[4] ?? m[6];
  const action = m[1] !== undefined ? 'db_login' : m[3] !== undefined ? 'hba_reject' : 'unknown_role';
  const f = authFailure(action, host, user, port);
  f['event.category'] = ['authentication', 'database'];
  if (m[1] !== undefined) f[SF.authMethod] = m[1];
  const db = m[5] ?? DB_KV.exec(prefix)?.[1];
  if (db !== undefined && db !== '[unknown]') f[SF.dbName] = db;
  return f;
}

/** PostgreSQL authentication failures, with the client address from the log line prefix when it is there. */
export const postgresqlParser = fieldsParser({ name: 'postgresql', dataset: 'postgresql', programs: ['postgres', 'postgresql', 'postmaster'] }, postgresqlFields);
