import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ConfigSchema, loadConfig } from './config.js';
import { VigilError } from './errors.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function yamlFile(text: string): string {
  const path = join(dir, `config-${++n}.yml`);
  writeFileSync(path, text);
  return path;
}

/** Asserts a VIGIL_ERR_CONFIG whose message matches every pattern; returns the message. */
function configError(fn: () => unknown, ...patterns: RegExp[]): string {
  let message = '';
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof VigilError);
    assert.equal(err.code, 'VIGIL_ERR_CONFIG');
    message = err.message;
    return true;
  });
  for (const p of patterns) assert.match(message, p);
  return message;
}

describe('defaults', () => {
  test('with no file and no environment: the documented defaults', () => {
    const c = loadConfig(undefined, {});
    assert.equal(c.data_dir, './data');
    assert.deepEqual(c.http, { host: '127.0.0.1', port: 8080, body_limit_mb: 16, hec_tokens: [] });
    assert.deepEqual(c.syslog, {
      host: '127.0.0.1',
      port: 5514,
      udp: true,
      tcp: true,
      tls: { port: 6514, client_auth: 'none', min_version: 'TLSv1.2', max_version: 'TLSv1.3' },
      max_message_bytes: 65536,
      max_connections: 15000,
      idle_timeout_seconds: 300,
      handshake_timeout_seconds: 10,
      udp_receive_buffer_bytes: 8388608,
    });
    assert.deepEqual(c.netflow, {
      enabled: true,
      host: '127.0.0.1',
      port: 2055,
      udp_receive_buffer_bytes: 8388608,
      max_templates_per_exporter: 512,
      max_exporters: 1000,
      pending_timeout_seconds: 30,
      max_pending_sets: 1024,
    });
    assert.equal(c.store.sync, 'full');
    assert.equal(c.store.retention_days, undefined);
    assert.equal(c.pipeline.batch_events, 5000);
  });

  test('each call gets its own object', () => {
    const a = loadConfig(undefined, {});
    a.http.port = 1;
    assert.equal(loadConfig(undefined, {}).http.port, 8080);
  });

  test('every option carries a description for the reference docs', () => {
    const shape = ConfigSchema.shape;
    assert.ok(shape.data_dir.description);
    assert.ok(shape.store.unwrap().shape.sync.description);
  });
});

describe('environment and command line', () => {
  test('VIGIL_* variables override the defaults and the file', () => {
    const file = yamlFile('data_dir: /from/file\nhttp:\n  port: 9000\nsyslog:\n  port: 1514\n');
    const c = loadConfig(file, { VIGIL_DATA_DIR: '/from/env', VIGIL_HTTP_PORT: '9443', VIGIL_SYSLOG_PORT: '6514', VIGIL_NETFLOW_PORT: '4739' });
    assert.equal(c.data_dir, '/from/env');
    assert.equal(c.http.port, 9443);
    assert.equal(c.syslog.port, 6514);
    assert.equal(c.netflow.port, 4739);
  });

  test('the --data-dir argument wins over VIGIL_DATA_DIR', () => {
    assert.equal(loadConfig(undefined, { VIGIL_DATA_DIR: '/env' }, '/arg').data_dir, '/arg');
  });

  test('empty variables are ignored', () => {
    const c = loadConfig(undefined, { VIGIL_DATA_DIR: '', VIGIL_HTTP_PORT: '' });
    assert.equal(c.data_dir, './data');
    assert.equal(c.http.port, 8080);
  });

  test('port 0 (any free port) is accepted', () => {
    assert.equal(loadConfig(undefined, { VIGIL_HTTP_PORT: '0' }).http.port, 0);
  });

  for (const [name, value] of [
    ['VIGIL_HTTP_PORT', 'eighty'],
    ['VIGIL_HTTP_PORT', '65536'],
    ['VIGIL_SYSLOG_PORT', '-1'],
    ['VIGIL_NETFLOW_PORT', '20.5'],
  ] as const) {
    test(`${name}=${value} is refused with the variable's name`, () => {
      configError(() => loadConfig(undefined, { [name]: value }), new RegExp(name), new RegExp(value.replace('.', '\\.')));
    });
  }
});

describe('YAML file', () => {
  test('values from the file are used, the rest keeps its defaults', () => {
    const file = yamlFile(`
# comment
data_dir: /var/lib/vigil
http:
  host: 0.0.0.0
  port: 8443
store:
  sync: normal
  retention_days: 30
pipeline:
  batch_events: 100
`);
    const c = loadConfig(file, {});
    assert.equal(c.data_dir, '/var/lib/vigil');
    assert.deepEqual(c.http, { host: '0.0.0.0', port: 8443, body_limit_mb: 16, hec_tokens: [] });
    assert.equal(c.store.sync, 'normal');
    assert.equal(c.store.retention_days, 30);
    assert.equal(c.store.seal_events, 100_000);
    assert.equal(c.pipeline.batch_events, 100);
    assert.equal(c.syslog.port, 5514);
  });

  test('an empty file or a file of comments is the default config', () => {
    assert.deepEqual(loadConfig(yamlFile(''), {}), loadConfig(undefined, {}));
    assert.deepEqual(loadConfig(yamlFile('# nothing here\n'), {}), loadConfig(undefined, {}));
  });

  test('an unknown key is an error naming its full path', () => {
    configError(() => loadConfig(yamlFile('http:\n  prot: 8080\n'), {}), /http\.prot/, /unknown key/);
    configError(() => loadConfig(yamlFile('colour: blue\n'), {}), /\bcolour\b/);
    configError(() => loadConfig(yamlFile('store:\n  sync: full\n  retention: 7\n'), {}), /store\.retention\b/);
  });

  test('all problems of a file are reported together, with the file name', () => {
    const file = yamlFile('http:\n  port: 99999\n  prot: 1\nextra: true\n');
    const msg = configError(() => loadConfig(file, {}), /http\.port/, /http\.prot/, /extra/);
    assert.ok(msg.includes(file));
  });

  for (const [yaml, path] of [
    ['http:\n  port: 99999\n', 'http.port'],
    ['http:\n  port: "8080"\n', 'http.port'],
    ['http:\n  port: 80.5\n', 'http.port'],
    ['store:\n  sync: sometimes\n', 'store.sync'],
    ['store:\n  seal_events: 10\n', 'store.seal_events'],
    ['store:\n  retention_days: -1\n', 'store.retention_days'],
    ['pipeline:\n  batch_events: 0\n', 'pipeline.batch_events'],
    ['data_dir: ""\n', 'data_dir'],
    ['http: 8080\n', 'http'],
  ] as const) {
    test(`a bad value is an error naming ${path}: ${JSON.stringify(yaml)}`, () => {
      configError(() => loadConfig(yamlFile(yaml), {}), new RegExp(`(^|[ :;])${path.replace('.', '\\.')}:`));
    });
  }

  test('syslog: every key of the documented example is read', () => {
    const c = loadConfig(
      yamlFile(`
syslog:
  host: ::1
  port: 0
  udp: false
  tcp: true
  tls:
    host: 127.0.0.1
    port: 16514
    cert: /etc/vigil/server.pem
    key: /etc/vigil/server.key
    ca: /etc/vigil/ca.pem
    client_auth: required
  max_message_bytes: 4096
  max_connections: 100
  idle_timeout_seconds: 30
  handshake_timeout_seconds: 2.5
  udp_receive_buffer_bytes: 1048576
`),
      {},
    );
    assert.deepEqual(c.syslog, {
      host: '::1',
      port: 0,
      udp: false,
      tcp: true,
      tls: { host: '127.0.0.1', port: 16514, cert: '/etc/vigil/server.pem', key: '/etc/vigil/server.key', ca: '/etc/vigil/ca.pem', client_auth: 'required', min_version: 'TLSv1.2', max_version: 'TLSv1.3' },
      max_message_bytes: 4096,
      max_connections: 100,
      idle_timeout_seconds: 30,
      handshake_timeout_seconds: 2.5,
      udp_receive_buffer_bytes: 1048576,
    });
    assert.equal(loadConfig(yamlFile('syslog:\n  port: 1514\n'), { VIGIL_SYSLOG_PORT: '0' }).syslog.port, 0);
  });

  for (const [yaml, path] of [
    ['syslog:\n  tls:\n    cert: /a.pem\n', 'syslog.tls.key'],
    ['syslog:\n  tls:\n    key: /a.key\n', 'syslog.tls.cert'],
    ['syslog:\n  tls:\n    client_auth: sometimes\n', 'syslog.tls.client_auth'],
    ['syslog:\n  tls:\n    prot: 1\n', 'syslog.tls.prot'],
    ['syslog:\n  max_message_bytes: 10\n', 'syslog.max_message_bytes'],
    ['syslog:\n  max_connections: 0\n', 'syslog.max_connections'],
    ['syslog:\n  idle_timeout_seconds: 0\n', 'syslog.idle_timeout_seconds'],
    ['syslog:\n  udp: yes please\n', 'syslog.udp'],
  ] as const) {
    test(`a bad syslog value is an error naming ${path}`, () => {
      configError(() => loadConfig(yamlFile(yaml), {}), new RegExp(`(^|[ :;])${path.replace(/\./g, '\\.')}:`));
    });
  }

  test('a top-level value that is not a mapping is refused', () => {
    configError(() => loadConfig(yamlFile('- a\n- b\n'), {}), /invalid config/);
    configError(() => loadConfig(yamlFile('just a string\n'), {}), /invalid config/);
  });

  test('YAML that does not parse is refused with the file name', () => {
    const file = yamlFile('http:\n  port: [8080\n');
    configError(() => loadConfig(file, {}), /not valid YAML/, new RegExp(file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  });

  test('a missing file is refused with its name', () => {
    configError(() => loadConfig(join(dir, 'missing.yml'), {}), /cannot read config/, /missing\.yml/);
  });
});
