import { F } from '../schema/fields.js';
import { A, apply, type Fields } from './auth-common.js';
import type { MessageParser } from './message-parser.js';

/*
 * shadow-utils account management (useradd, usermod, userdel, groupadd, groupmod, groupdel, gpasswd, passwd, chpasswd,
 * chage):
 *   new user: name=bob, UID=1001, GID=1001, home=/home/bob, shell=/bin/bash, from=/dev/pts/0
 *   new group: name=bob, GID=1001
 *   add 'bob' to group 'sudo'            add 'bob' to shadow group 'sudo'
 *   delete user 'bob'                    removed group 'bob' owned by 'bob'
 *   change user 'bob' shell from '/bin/sh' to '/bin/bash'       lock user 'bob' password
 *   pam_unix(passwd:chauthtok): password changed for bob         password for 'bob' changed by 'root'
 */

const NEW = /^new (user|group): name=([^,\s]{1,256}),/;
const ADD_TO_GROUP = /^add '([^']{1,256})' to (?:shadow )?group '([^']{1,256})'$/;
const REMOVE_FROM_GROUP = /^delete '([^']{1,256})' from (?:shadow )?group '([^']{1,256})'$/;
const DELETE_USER = /^delete user '([^']{1,256})'$/;
const DELETE_GROUP = /^(?:removed|delete) (?:shadow )?group '([^']{1,256})'/;
const CHANGE_USER = /^(change|lock|unlock) user '([^']{1,256})'/;
const GROUP_CHANGE = /^group changed in \S{1,64} \(group ([^,\s]{1,256}),/;
const PASSWORD_CHANGED = /^(?:pam_unix\(\w{1,32}:chauthtok\): )?password (?:changed for (\S{1,256})|for '([^']{1,256})' changed by '([^']{1,256})')$/;
const KV = /(?:^|, )(UID|GID|home|shell|from)=([^,]{0,4096})/g;

function iam(types: string[], action: string): Fields {
  return { [F.eventCategory]: ['iam'], [F.eventType]: types, [F.eventAction]: action, [F.eventOutcome]: 'success' };
}

export function useraddFields(message: string): Fields | undefined {
  const n = NEW.exec(message);
  if (n) {
    const user = n[1] === 'user';
    const f: Fields = user ? { ...iam(['user', 'creation'], 'user_created'), [A.userTargetName]: n[2], [F.userName]: n[2] } : { ...iam(['group', 'creation'], 'group_created'), [A.groupName]: n[2] };
    for (const kv of message.matchAll(KV)) {
      const [, k, v] = kv as unknown as [string, string, string];
      if (k === 'UID' && user) f[A.userId] = v;
      else if (k === 'GID') f[A.groupId] = v;
      else if (k === 'home') f[A.userHome] = v;
      else if (k === 'shell') f[A.userShell] = v;
      else if (k === 'from' && v !== 'none') f[A.processTtyName] = v.replace(/^\/dev\//, '');
    }
    return f;
  }
  const add = ADD_TO_GROUP.exec(message);
  if (add) return { ...iam(['group', 'change'], 'user_added_to_group'), [F.userName]: add[1], [A.userTargetName]: add[1], [A.groupName]: add[2] };
  const rm = REMOVE_FROM_GROUP.exec(message);
  if (rm) return { ...iam(['group', 'change'], 'user_removed_from_group'), [F.userName]: rm[1], [A.userTargetName]: rm[1], [A.groupName]: rm[2] };
  const du = DELETE_USER.exec(message);
  if (du) return { ...iam(['user', 'deletion'], 'user_deleted'), [F.userName]: du[1], [A.userTargetName]: du[1] };
  const dg = DELETE_GROUP.exec(message);
  if (dg) return { ...iam(['group', 'deletion'], 'group_deleted'), [A.groupName]: dg[1] };
  const ch = CHANGE_USER.exec(message);
  if (ch) return { ...iam(['user', 'change'], `user_${(ch[1] as string).toLowerCase()}`), [F.userName]: ch[2], [A.userTargetName]: ch[2], [A.iamChange]: message };
  const gc = GROUP_CHANGE.exec(message);
  if (gc) return { ...iam(['group', 'change'], 'group_changed'), [A.groupName]: gc[1], [A.iamChange]: message };
  const pw = PASSWORD_CHANGED.exec(message);
  if (pw) {
    const f: Fields = { ...iam(['user', 'change'], 'password_changed'), [F.userName]: pw[1] ?? pw[2], [A.userTargetName]: pw[1] ?? pw[2] };
    // "password for 'bob' changed by 'root'": the actor is root, the changed account bob
    if (pw[3] !== undefined) f[F.userName] = pw[3];
    return f;
  }
  return undefined;
}

/** shadow-utils user and group management. */
export const useraddParser: MessageParser = {
  name: 'useradd',
  dataset: 'iam',
  programs: ['useradd', 'usermod', 'userdel', 'groupadd', 'groupmod', 'groupdel', 'gpasswd', 'passwd', 'chpasswd', 'chage', 'newusers', 'adduser', 'deluser'],
  parse(message, event) {
    const f = useraddFields(message);
    if (!f) return false;
    apply(event, f);
    return true;
  },
};
