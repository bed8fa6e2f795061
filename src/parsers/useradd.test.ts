import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { getPath, type EcsEvent } from '../schema/event.js';
import { F } from '../schema/fields.js';
import { A } from './auth-common.js';
import { LineParser } from './line.js';
import { assertLinear } from './testing/adversarial.js';
import { useraddParser } from './useradd.js';

const parser = new LineParser(() => Date.UTC(2026, 5, 15));
const parse = (line: string): EcsEvent => parser.parse({ message: line, receivedAt: 0 });

describe('useradd, usermod, groupadd, userdel, passwd, chpasswd', () => {
  test('new user (the line quoted in Sigma rule lnx_privileged_user_creation)', () => {
    const e = parse('Dec 21 17:13:54 testserver useradd[1337]: new user: name=john, UID=0, GID=0, home=/home/john, shell=/bin/bash');
    assert.deepEqual(getPath(e, F.eventCategory), ['iam']);
    assert.deepEqual(getPath(e, F.eventType), ['user', 'creation']);
    assert.equal(getPath(e, F.eventAction), 'user_created');
    assert.equal(getPath(e, F.userName), 'john');
    assert.equal(getPath(e, A.userTargetName), 'john');
    assert.equal(getPath(e, A.userId), '0');
    assert.equal(getPath(e, A.groupId), '0');
    assert.equal(getPath(e, F.eventDataset), 'iam');
  });

  test('new user with from=, new group', () => {
    const a = parse('Jun  1 10:00:00 host useradd[900]: new user: name=bob, UID=1001, GID=1001, home=/home/bob, shell=/bin/bash, from=/dev/pts/0');
    assert.equal(getPath(a, A.userId), '1001');
    assert.equal(getPath(a, A.processTtyName), 'pts/0');
    const b = parse('Jun  1 10:00:00 host groupadd[899]: new group: name=bob, GID=1001');
    assert.deepEqual(getPath(b, F.eventType), ['group', 'creation']);
    assert.equal(getPath(b, A.groupName), 'bob');
    assert.equal(getPath(b, A.groupId), '1001');
  });

  test('group membership, deletion, changes', () => {
    const a = parse("Jun  1 10:00:01 host usermod[901]: add 'bob' to group 'sudo'");
    assert.deepEqual(getPath(a, F.eventType), ['group', 'change']);
    assert.equal(getPath(a, F.userName), 'bob');
    assert.equal(getPath(a, A.groupName), 'sudo');
    const s = parse("Jun  1 10:00:01 host usermod[901]: add 'bob' to shadow group 'sudo'");
    assert.equal(getPath(s, A.groupName), 'sudo');
    const d = parse("Jun  1 10:00:02 host userdel[902]: delete user 'bob'");
    assert.deepEqual(getPath(d, F.eventType), ['user', 'deletion']);
    assert.equal(getPath(d, F.userName), 'bob');
    const g = parse("Jun  1 10:00:02 host userdel[902]: removed group 'bob' owned by 'bob'");
    assert.deepEqual(getPath(g, F.eventType), ['group', 'deletion']);
    const c = parse("Jun  1 10:00:03 host usermod[903]: change user 'bob' shell from '/bin/sh' to '/bin/bash'");
    assert.deepEqual(getPath(c, F.eventType), ['user', 'change']);
    assert.equal(getPath(c, F.userName), 'bob');
  });

  test('password changes', () => {
    const a = parse('Jun  1 10:00:04 host passwd[904]: pam_unix(passwd:chauthtok): password changed for bob');
    assert.deepEqual(getPath(a, F.eventCategory), ['iam']);
    assert.deepEqual(getPath(a, F.eventType), ['user', 'change']);
    assert.equal(getPath(a, F.userName), 'bob');
    const b = parse("Jun  1 10:00:05 host chpasswd[905]: password for 'bob' changed by 'root'");
    assert.equal(getPath(b, F.userName), 'root');
    assert.equal(getPath(b, A.userTargetName), 'bob');
    // from a program without its own parser, the PAM parser reads it
    const c = parse('Jun  1 10:00:04 host chfn[906]: pam_unix(chfn:chauthtok): password changed for bob');
    assert.equal(getPath(c, F.eventAction), 'password_changed');
  });

  test('other text is not claimed', () => {
    const e: EcsEvent = {};
    assert.equal(useraddParser.parse('new user name=bob', e), false);
    assert.deepEqual(e, {});
  });

  test('64 KiB adversarial messages finish in well under 100 ms each', (t) => {
    const slowest = assertLinear(useraddParser, ['new user: name=x', "add '", "delete user '", 'password changed for ', "change user '"]);
    t.diagnostic(`slowest: ${slowest.toFixed(2)} ms`);
  });
});
