import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { getPath, type EcsEvent } from '../schema/event.js';
import { F } from '../schema/fields.js';
import { A } from './auth-common.js';
import { LineParser } from './line.js';
import { resetSshdState, sshdParser } from './sshd.js';
import { assertLinear } from './testing/adversarial.js';

// Lines from loghub OpenSSH_2k (host LabSZ) and fail2ban's sshd sample log.
const parser = new LineParser(() => Date.UTC(2026, 5, 15));
const parse = (line: string): EcsEvent => parser.parse({ message: line, receivedAt: 0 });
const get = getPath;

describe('sshd logins', () => {
  test('failed password, with the fields of the issue', () => {
    const e = parse('Dec 10 07:13:43 LabSZ sshd[24227]: Failed password for root from 5.36.59.76 port 42393 ssh2');
    assert.deepEqual(get(e, F.eventCategory), ['authentication']);
    assert.equal(get(e, F.eventOutcome), 'failure');
    assert.equal(get(e, F.eventAction), 'ssh_login');
    assert.equal(get(e, F.userName), 'root');
    assert.equal(get(e, F.sourceIp), '5.36.59.76');
    assert.equal(get(e, F.sourcePort), 42393);
    assert.equal(get(e, A.userAuthMethod), 'password');
    assert.equal(get(e, F.eventDataset), 'sshd');
  });

  test('accepted password, publickey and keyboard-interactive', () => {
    const a = parse('Dec 10 09:32:20 LabSZ sshd[24680]: Accepted password for fztu from 119.137.62.142 port 49116 ssh2');
    assert.equal(get(a, F.eventOutcome), 'success');
    assert.deepEqual(get(a, F.eventType), ['start']);
    const k = parse('Nov 28 09:16:03 srv sshd[32307]: Accepted publickey for git from 192.0.2.1 port 57904 ssh2: DSA 36:48:xx:xx:xx:xx:xx:xx:xx:xx:xx:xx:xx:xx:xx:xx');
    assert.equal(get(k, F.eventOutcome), 'success');
    assert.equal(get(k, A.userAuthMethod), 'publickey');
    assert.equal(get(k, F.userName), 'git');
    const ki = parse('Apr 30 01:42:12 Jamess-iMac.local sshd[2554]: Failed keyboard-interactive/pam for invalid user jamedds from 205.186.180.77 port 33723 ssh2');
    assert.equal(get(ki, F.eventOutcome), 'failure');
    assert.equal(get(ki, A.userAuthMethod), 'keyboard-interactive/pam');
    assert.equal(get(ki, F.userName), 'jamedds');
    assert.equal(get(ki, A.userInvalid), true);
  });

  test('Solaris and kernel-timestamp prefixes, IPv6, no port', () => {
    const s = parse('Mar 29 05:20:09 dusky sshd[19558]: [ID 800047 auth.info] Failed keyboard-interactive for james from 205.186.180.30 port 54520 ssh2');
    assert.equal(get(s, F.userName), 'james');
    assert.equal(get(s, F.sourceIp), '205.186.180.30');
    const v6 = parse('Feb 25 14:34:11 belka sshd[31603]: Failed password for invalid user ROOT from aaaa:bbbb:cccc:1234::1:1');
    assert.equal(get(v6, F.sourceIp), 'aaaa:bbbb:cccc:1234::1:1');
    assert.equal(get(v6, F.sourcePort), undefined);
  });

  test('injected user names and auth info do not choose the source', () => {
    const cases: [string, string, string][] = [
      ['Failed password for invalid user from 10.10.1.1 from 127.0.0.1 port 58946 ssh2', 'from 10.10.1.1', '127.0.0.1'],
      ['Failed password for invalid user test from 10.10.1.2 port 55555 ssh2 from 127.0.0.1 port 58946 ssh2', 'test from 10.10.1.2 port 55555 ssh2', '127.0.0.1'],
      ['Failed password for invalid user test from 127.0.0.1 port 58946 ssh2: from 10.10.1.2 port 55555 ssh2', 'test', '127.0.0.1'],
      ['Failed password for user from 127.0.0.1 port 20000 ssh1: ruser from 1.2.3.4', 'user', '127.0.0.1'],
    ];
    for (const [msg, user, ip] of cases) {
      const e = parse(`Nov 11 08:04:52 redbamboo sshd[2737]: ${msg}`);
      assert.equal(get(e, F.userName), user, msg);
      assert.equal(get(e, F.sourceIp), ip, msg);
    }
  });

  test('invalid and illegal users, empty user name', () => {
    const a = parse('Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186');
    assert.equal(get(a, F.eventAction), 'invalid_user');
    assert.equal(get(a, F.eventOutcome), 'failure');
    assert.equal(get(a, F.userName), 'webmaster');
    const b = parse('Jun  6 04:17:04 host sshd[1189074]: Invalid user  from 192.0.2.68 port 34916');
    assert.equal(get(b, F.userName), '');
    assert.equal(get(b, F.sourcePort), 34916);
    const c = parse('Dec 12 20:04:39 aragorn sshd[1328]: error: PAM: User not known to the underlying authentication module for illegal user kernelitshell from 10.215.4.227 ');
    assert.equal(get(c, F.userName), 'kernelitshell');
    assert.equal(get(c, F.sourceIp), '10.215.4.227');
  });

  test('PAM lines: error: PAM: … and pam_unix(sshd:auth) (the PAM parser, under the sshd dataset)', () => {
    const a = parse('May 29 20:56:52 imago sshd[28732]: error: PAM: Authentication failure for stefanor from example.com');
    assert.equal(get(a, F.eventOutcome), 'failure');
    assert.equal(get(a, F.userName), 'stefanor');
    assert.equal(get(a, F.sourceDomain), 'example.com');
    assert.equal(get(a, F.sourceIp), undefined);
    const b = parse('Apr 29 12:53:38 Jamess-iMac.local sshd[47831]: error: PAM: authentication failure for james from 205.186.180.88 via 192.168.1.201');
    assert.equal(get(b, F.sourceIp), '205.186.180.88');
    const c = parse('Dec 10 06:55:46 LabSZ sshd[24200]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=173.234.31.186 ');
    assert.equal(get(c, F.eventOutcome), 'failure');
    assert.equal(get(c, F.sourceIp), '173.234.31.186');
    assert.equal(get(c, F.eventDataset), 'sshd');
    const d = parse('Dec 10 07:13:31 LabSZ sshd[24227]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=5.36.59.76.dynamic-dsl-ip.omantel.net.om  user=root');
    assert.equal(get(d, F.userName), 'root');
    assert.equal(get(d, F.sourceDomain), '5.36.59.76.dynamic-dsl-ip.omantel.net.om');
  });

  test('message repeated N times: the inner message, with the count', () => {
    const e = parse('Dec 10 07:13:56 LabSZ sshd[24227]: message repeated 5 times: [ Failed password for root from 5.36.59.76 port 42393 ssh2]');
    assert.equal(get(e, F.eventOutcome), 'failure');
    assert.equal(get(e, F.userName), 'root');
    assert.equal(get(e, F.sourceIp), '5.36.59.76');
    assert.equal(get(e, F.sourcePort), 42393);
    assert.equal(get(e, A.repeatCount), 5);
  });

  test('too many authentication failures, maximum attempts exceeded', () => {
    const a = parse('Nov 23 21:50:38 myhost sshd[109798]: error: maximum authentication attempts exceeded for invalid user xxx from 192.0.2.7 port 49941 ssh2 [preauth]');
    assert.equal(get(a, F.eventOutcome), 'failure');
    assert.equal(get(a, F.userName), 'xxx');
    assert.equal(get(a, F.sourceIp), '192.0.2.7');
    assert.equal(get(a, F.sourcePort), 49941);
    const b = parse('Dec 10 10:14:13 LabSZ sshd[24833]: Disconnecting: Too many authentication failures for admin [preauth]');
    assert.equal(get(b, F.eventOutcome), 'failure');
    assert.equal(get(b, F.userName), 'admin');
  });

  test('a failure that names no peer takes the peer of its connection (same host and pid)', () => {
    resetSshdState();
    parse('Feb 12 04:09:18 localhost sshd[26713]: Connection from 115.249.163.77 port 51353 on 127.0.0.1 port 22');
    const e = parse('Feb 12 04:09:21 localhost sshd[26713]: Disconnecting: Too many authentication failures [preauth]');
    assert.equal(get(e, F.sourceIp), '115.249.163.77');
    const other = parse('Feb 12 04:09:21 otherhost sshd[26713]: Disconnecting: Too many authentication failures [preauth]');
    assert.equal(get(other, F.sourceIp), undefined);
    // a pending failure makes the connection's next close a failure
    parse('Jun  7 04:10:35 host sshd[424228]: error: kex_exchange_identification: Connection closed by remote host');
    const closed = parse('Jun  7 04:10:35 host sshd[424228]: Connection closed by 192.0.2.15 port 35352');
    assert.equal(get(closed, F.eventOutcome), 'failure');
    assert.equal(get(closed, F.sourceIp), '192.0.2.15');
  });
});

describe('sshd disconnects and connection-level failures', () => {
  test('connection closed / reset by [invalid|authenticating] user before authentication', () => {
    const a = parse('Jul 17 23:03:05 srv sshd[1296]: Connection closed by authenticating user root 192.0.2.10 port 46038 [preauth]');
    assert.equal(get(a, F.eventOutcome), 'failure');
    assert.equal(get(a, F.eventAction), 'ssh_connection_closed');
    assert.equal(get(a, F.userName), 'root');
    assert.equal(get(a, F.sourceIp), '192.0.2.10');
    assert.equal(get(a, F.sourcePort), 46038);
    const b = parse('Jul 17 23:04:01 srv sshd[1300]: Connection closed by authenticating user test 127.0.0.1 port 12345 192.0.2.11 port 46039 [preauth]');
    assert.equal(get(b, F.userName), 'test 127.0.0.1 port 12345');
    assert.equal(get(b, F.sourceIp), '192.0.2.11');
    const c = parse('Mar 16 09:29:50 host sshd[19131]: Connection reset by authenticating user root 192.0.2.20 port 1558 [preauth]');
    assert.equal(get(c, F.eventAction), 'ssh_connection_reset');
    assert.equal(get(c, F.sourceIp), '192.0.2.20');
    const d = parse('Dec 10 06:55:48 LabSZ sshd[24200]: Connection closed by 173.234.31.186 [preauth]');
    assert.equal(get(d, F.eventOutcome), 'failure');
    assert.equal(get(d, F.sourcePort), undefined);
  });

  test('a close after a session is not a failure', () => {
    const e = parse('Sep 29 16:28:05 localhost sshd[16700]: Connection closed by 192.0.2.5');
    assert.equal(get(e, F.eventOutcome), undefined);
    assert.equal(get(e, F.sourceIp), '192.0.2.5');
    const d = parse('Dec 10 09:45:06 LabSZ sshd[24761]: Received disconnect from 119.137.62.142: 11: disconnected by user');
    assert.equal(get(d, F.eventOutcome), undefined);
    assert.equal(get(d, F.eventAction), 'ssh_disconnect');
  });

  test('disconnected / received disconnect before authentication', () => {
    const a = parse('Jul 18 17:19:11 srv sshd[2101]: Disconnected from 192.0.2.4 port 36985 [preauth]');
    assert.equal(get(a, F.eventOutcome), 'failure');
    assert.equal(get(a, F.eventAction), 'ssh_disconnect');
    const b = parse('May 27 00:16:33 host sshd[2364]: Received disconnect from 198.51.100.76 port 58846:11: Bye Bye [preauth]');
    assert.equal(get(b, F.eventOutcome), 'failure');
    assert.equal(get(b, F.sourceIp), '198.51.100.76');
    assert.equal(get(b, F.sourcePort), 58846);
    assert.equal(get(b, A.sshReason), 'Bye Bye');
    const c = parse('Mar 19 16:47:49 test sshd[5672]: Disconnecting invalid user admin 192.0.2.117 port 44004: Change of username or service not allowed: (admin,ssh-connection) -> (user,ssh-connection) [preauth]');
    assert.equal(get(c, F.userName), 'admin');
    assert.equal(get(c, F.sourceIp), '192.0.2.117');
    assert.equal(get(c, A.sshReason), 'Change of username or service not allowed: (admin,ssh-connection) -> (user,ssh-connection)');
  });

  test('identification, protocol and negotiation failures', () => {
    const a = parse('Dec 10 07:51:09 LabSZ sshd[24323]: Did not receive identification string from 195.154.37.122');
    assert.equal(get(a, F.eventOutcome), 'failure');
    assert.deepEqual(get(a, F.eventCategory), ['network', 'intrusion_detection']);
    assert.equal(get(a, F.sourceIp), '195.154.37.122');
    const b = parse("Jun  7 01:11:58 host sshd[8783]: Bad protocol version identification 'dummy string' from 192.0.2.1' from 69.61.56.115 port 31778");
    assert.equal(get(b, F.sourceIp), '69.61.56.115');
    const c = parse('Nov 26 13:03:30 srv sshd[45]: fatal: Unable to negotiate with 192.0.2.2 port 55419: no matching key exchange method found. Their offer: diffie-hellman-group1-sha1');
    assert.equal(get(c, F.eventAction), 'ssh_negotiation_failure');
    assert.equal(get(c, F.sourceIp), '192.0.2.2');
    assert.equal(get(c, F.sourcePort), 55419);
  });

  test('users not allowed, root login refused', () => {
    const a = parse('Apr 16 22:01:15 al-ribat sshd[5154]: User root from 46.45.128.3 not allowed because listed in DenyUsers');
    assert.equal(get(a, F.eventAction), 'user_not_allowed');
    assert.equal(get(a, F.userName), 'root');
    assert.equal(get(a, F.sourceIp), '46.45.128.3');
    const b = parse('Mar 26 04:56:27 angel sshd[9739]: User allena from example.com not allowed because not in any group');
    assert.equal(get(b, F.sourceDomain), 'example.com');
    const c = parse('Jan  5 01:31:41 www sshd[1643]: ROOT LOGIN REFUSED FROM ::ffff:1.2.3.4');
    assert.equal(get(c, F.sourceIp), '1.2.3.4');
    assert.equal(get(c, F.userName), 'root');
  });

  test('break-in attempts: reverse mapping and forward mismatch', () => {
    const a = parse('Dec 10 06:55:46 LabSZ sshd[24200]: reverse mapping checking getaddrinfo for ns.marryaldkfaczcz.com [173.234.31.186] failed - POSSIBLE BREAK-IN ATTEMPT!');
    assert.equal(get(a, F.eventAction), 'break_in_attempt');
    assert.deepEqual(get(a, F.eventCategory), ['network', 'intrusion_detection']);
    assert.equal(get(a, F.sourceIp), '173.234.31.186');
    assert.equal(get(a, F.sourceDomain), 'ns.marryaldkfaczcz.com');
    assert.equal(get(a, F.eventOutcome), undefined);
    const b = parse('Oct 15 19:51:35 server sshd[7592]: Address 1.2.3.4 maps to 1234.bbbbbb.com, but this does not map back to the address - POSSIBLE BREAK-IN ATTEMPT!');
    assert.equal(get(b, F.eventAction), 'break_in_attempt');
    assert.equal(get(b, F.sourceIp), '1.2.3.4');
    assert.equal(get(b, F.sourceDomain), '1234.bbbbbb.com');
  });

  test('sshd-session (OpenSSH 9.8+) is routed to this parser', () => {
    const e = parse('Jul  3 14:59:17 host sshd-session[1571]: Failed password for root from 192.0.2.1 port 56502 ssh2');
    assert.equal(get(e, F.eventOutcome), 'failure');
    assert.equal(get(e, F.eventDataset), 'sshd');
  });

  test('unknown messages set nothing', () => {
    const e: EcsEvent = {};
    assert.equal(sshdParser.parse('Server listening on 0.0.0.0 port 22.', e), false);
    assert.deepEqual(e, {});
    assert.equal(sshdParser.parse('Failed password for root from not-an-address! port 1 ssh2', e), false);
  });
});

describe('sshd on hostile input', () => {
  test('64 KiB adversarial messages finish in well under 100 ms each', (t) => {
    const slowest = assertLinear(sshdParser, [
      'Failed password for ',
      'Failed password for invalid user ',
      'Invalid user ',
      'error: PAM: Authentication failure for ',
      'Connection closed by authenticating user ',
      'Disconnecting invalid user x ',
      'User ',
      'message repeated 2 times: [ Failed password for ',
      'Received disconnect from ',
      'Bad protocol version identification ',
      'maximum authentication attempts exceeded for ',
      'reverse mapping checking getaddrinfo for ',
    ]);
    t.diagnostic(`slowest: ${slowest.toFixed(2)} ms`);
  });
});
