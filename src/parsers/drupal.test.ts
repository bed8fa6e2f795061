import { test } from 'node:test';
import { drupalParser } from './drupal.js';
import { expectFields, expectNoMatch, failure } from './testing/service-cases.js';

test('drupal: failed logins and sessions from the syslog module (fail2ban drupal-auth sample lines)', () => {
  expectFields(
    drupalParser,
    'https://example.com|1430068525|user|1.2.3.4|https://example.com/?q=user|https://example.com/?q=user|0||Login attempt failed for drupaladmin.',
    { ...failure('login_failed', '1.2.3.4', 'drupaladmin'), 'url.original': 'https://example.com/?q=user', 'drupal.base_url': 'https://example.com', 'user.id': '0' },
  );
  expectFields(
    drupalParser,
    'https://www.example.com|1613058599|user|192.0.2.7|https://www.example.com/en/user/login|https://www.example.com/en/user/login|0||Login attempt failed from Jack Sparrow.',
    failure('login_failed', '192.0.2.7', 'Jack Sparrow'),
  );
  // pipes in the request URI: the referrer and URI are not split, the address and message still are
  expectFields(
    drupalParser,
    'https://example.com|1613063581|user|192.0.2.4|https://example.com/user/login?test=%7C&test2=%7C|https://example.com/user/login?test=|&test2=||0||Login attempt failed from 192.0.2.4.',
    { ...failure('login_failed', '192.0.2.4', '192.0.2.4'), 'url.original': undefined },
  );
  expectFields(
    drupalParser,
    'https://example.com|1430068748|user|1.2.3.4|https://example.com/user|https://example.com/user|1||Session opened for drupaladmin.',
    { 'event.outcome': 'success', 'user.name': 'drupaladmin', 'source.ip': '1.2.3.4', 'user.id': '1' },
  );
  // a forged "Login attempt failed" inside the referrer: the real message is the last field
  const forged = expectFields(
    drupalParser,
    'https://example.com|1613063581|user|192.0.2.5|https://example.com/user/login?test=%7C&test2=%7C...|https://example.com/user/login?test=|&test2=|0||Login attempt failed for tester|2||Session revisited for drupaladmin.',
    { 'event.outcome': undefined, 'source.ip': '192.0.2.5', 'user.id': '2', 'event.reason': 'Session revisited for drupaladmin.' },
  );
  void forged;
  expectNoMatch(drupalParser, 'https://example.com but not a drupal line');
  expectNoMatch(drupalParser, 'Accepted password for root from 192.0.2.1 port 22 ssh2');
});
