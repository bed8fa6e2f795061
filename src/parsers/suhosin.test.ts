import { test } from 'node:test';
import { suhosinParser } from './suhosin.js';
import { expectFields, expectNoMatch } from './testing/service-cases.js';

test('suhosin: alerts under suhosin and inside lighttpd FastCGI messages (fail2ban suhosin sample lines)', () => {
  expectFields(
    suhosinParser,
    "ALERT - script tried to increase memory_limit to 268435456 bytes which is above the allowed value (attacker '198.51.100.77', file '/var/www/wordpress/wp-admin/includes/image.php', line 161)",
    {
      'event.category': ['intrusion_detection', 'web'],
      'event.type': ['indicator'],
      'event.action': 'suhosin_alert',
      'source.ip': '198.51.100.77',
      'file.path': '/var/www/wordpress/wp-admin/includes/image.php',
      'log.origin.file.line': 161,
    },
  );
  expectFields(
    suhosinParser,
    "ALERT - ASCII-NUL chars not allowed within request variables - dropped variable 'templatefile' (attacker '188.132.244.3', file '/home/ace-hosting/public_html/cart.php')",
    { 'event.type': ['indicator', 'denied'], 'source.ip': '188.132.244.3', 'suhosin.variable': 'templatefile' },
  );
  expectFields(
    suhosinParser,
    "ALERT - configured GET variable value length limit exceeded - dropped variable '_route_' (attacker '38.111.147.83', file '/home/thegoblin/public_html/index.php')",
    { 'source.ip': '38.111.147.83', 'event.reason': "configured GET variable value length limit exceeded - dropped variable '_route_'" },
  );
  // program-less: the header reader leaves `lighttpd[pid]:` in the message
  expectFields(
    suhosinParser,
    "  lighttpd[53690]: (mod_fastcgi.c.2676) FastCGI-stderr: ALERT - configured request variable name length limit exceeded - dropped variable 'upqchi07vFfAFuBjnIKGIwiLrHo3Vt68T3yqvhQu2TqetQ78roy7Q6bpTfDUtYFR593/MA' (attacker '198.51.100.167', file '/usr/local/captiveportal/index.php')",
    { 'source.ip': '198.51.100.167', 'file.path': '/usr/local/captiveportal/index.php' },
  );
  expectNoMatch(suhosinParser, 'session opened for user root by (uid=0)');
  expectNoMatch(suhosinParser, "ALERT - something (attacker 'not-an-address', file '/x.php')");
  // the attacker part must close the message
  expectNoMatch(suhosinParser, "ALERT - x (attacker '192.0.2.1', file '/x.php') and more)");
});
