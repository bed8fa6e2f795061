import { randomBytes, randomInt } from 'node:crypto';

/*
 * Attack scenarios for `vigil simulate`: realistic log lines (what sshd, sudo and the kernel's netfilter write) from
 * fresh random TEST-NET addresses (198.51.100.0/24, 203.0.113.0/24) and unique host and user names, so that alerts
 * from an earlier run, or grouping with them, can never make a run pass.
 */

/** One syslog message: sent as RFC 5424 with the time it is sent. */
export interface Msg {
  host: string;
  app: string;
  pid?: number;
  text: string;
}

/** Messages sent together, then a pause (ms) before the next step. */
export interface Step {
  msgs: Msg[];
  pauseMs?: number;
}

export interface Plan {
  /** the value an alert must name (in vigil.alert.group or its evidence) */
  entity: { field: string; value: string };
  steps: Step[];
}

export interface Scenario {
  name: string;
  description: string;
  /** the rule ids that prove it, in order of preference: the first one loaded is expected */
  rules: string[];
  /** seconds after the last event to wait for the alert, unless --deadline says otherwise */
  deadlineS: number;
  plan(): Plan;
}

export const RULE = {
  sshBruteForce: '3f9d6c52-8a1e-4c57-b0d4-6e2a9f41c7a3',
  passwordSpray: '5c2103ed-92d8-458b-a95e-cdaf9da070fc',
  portScan: '25743039-a95d-48d5-bb73-2362f5b3b07a',
  trafficSpike: '70c4ef5e-313f-4014-b21b-25d6ac6d3063',
  sudoFailures: '78eb0745-5d10-47b5-bb81-da343715c433',
  sudoRootShell: '9b3e7a21-4c6d-4f8b-b2e1-0d5c8a7f6e14',
  logSilence: '86b1b492-6cdf-4553-92ea-e8fadc34756f',
} as const;

/** A random address in one of the documentation networks. */
export function testNetAddress(): string {
  const net = randomInt(2) === 0 ? '198.51.100' : '203.0.113';
  return `${net}.${randomInt(1, 255)}`;
}

/** A short random tag for unique host and user names (`sim-3f9a1c`). */
export const tag = (): string => randomBytes(3).toString('hex');

const sshd = (host: string, text: string): Msg => ({ host, app: 'sshd', pid: randomInt(1000, 65000), text });
const kernel = (host: string, text: string): Msg => ({ host, app: 'kernel', text });
const ufw = (action: 'BLOCK' | 'ALLOW', src: string, dst: string, dport: number): string =>
  `[UFW ${action}] IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=${src} DST=${dst} LEN=60 TOS=0x00 PREC=0x00 TTL=52 ID=${randomInt(1, 65535)} DF PROTO=TCP SPT=${randomInt(32768, 61000)} DPT=${dport} WINDOW=64240 RES=0x00 SYN URGP=0`;

const sshBruteforce: Scenario = {
  name: 'ssh-bruteforce',
  description: 'sshd password failures for root and common names from one address, then a successful login',
  rules: [RULE.sshBruteForce],
  deadlineS: 20,
  plan() {
    const ip = testNetAddress();
    const host = `sim-ssh-${tag()}`;
    const user = `sim${tag()}`;
    const names = ['root', 'admin', 'test', 'oracle', 'ubuntu', 'root', 'pi', 'root', 'postgres', 'admin', 'root', 'user'];
    const fails = names.map((n) => sshd(host, `Failed password for ${n === 'root' ? 'root' : `invalid user ${n}`} from ${ip} port ${randomInt(32768, 61000)} ssh2`));
    return {
      entity: { field: 'source.ip', value: ip },
      steps: [{ msgs: fails, pauseMs: 200 }, { msgs: [sshd(host, `Accepted password for ${user} from ${ip} port ${randomInt(32768, 61000)} ssh2`)] }],
    };
  },
};

const passwordSpray: Scenario = {
  name: 'password-spray',
  description: 'one address tries one password against many different user names over sshd',
  rules: [RULE.passwordSpray],
  deadlineS: 20,
  plan() {
    const ip = testNetAddress();
    const host = `sim-spray-${tag()}`;
    const t = tag();
    const msgs = Array.from({ length: 15 }, (_, i) => sshd(host, `Failed password for invalid user sim${t}u${i} from ${ip} port ${randomInt(32768, 61000)} ssh2`));
    return { entity: { field: 'source.ip', value: ip }, steps: [{ msgs }] };
  },
};

const portScan: Scenario = {
  name: 'port-scan',
  description: 'the firewall blocks SYNs from one address to many ports of one host (netfilter / ufw kernel log lines)',
  rules: [RULE.portScan],
  deadlineS: 20,
  plan() {
    const ip = testNetAddress();
    const fw = `sim-fw-${tag()}`;
    const target = `192.0.2.${randomInt(1, 255)}`;
    const ports = new Set<number>([21, 22, 23, 25, 53, 80, 110, 111, 135, 139, 143, 443, 445, 993, 995, 1723, 3306, 3389, 5900, 8080]);
    while (ports.size < 120) ports.add(randomInt(1, 65536));
    const msgs = [...ports].map((p) => kernel(fw, ufw('BLOCK', ip, target, p)));
    return { entity: { field: 'source.ip', value: ip }, steps: [{ msgs }] };
  },
};

const trafficSpike: Scenario = {
  name: 'traffic-spike',
  description: 'one address sends a connection a second for 32 s (its baseline), then 600 at once',
  rules: [RULE.trafficSpike],
  deadlineS: 20,
  plan() {
    const ip = testNetAddress();
    const fw = `sim-edge-${tag()}`;
    const dst = `192.0.2.${randomInt(1, 255)}`;
    const steps: Step[] = Array.from({ length: 32 }, () => ({ msgs: [kernel(fw, ufw('ALLOW', ip, dst, 443))], pauseMs: 1000 }));
    steps.push({ msgs: Array.from({ length: 600 }, () => kernel(fw, ufw('ALLOW', ip, dst, 443))) });
    return { entity: { field: 'source.ip', value: ip }, steps };
  },
};

const privilegeEscalation: Scenario = {
  name: 'privilege-escalation',
  description: 'a user fails sudo\'s password check three times, then gets a root shell through sudo',
  rules: [RULE.sudoFailures, RULE.sudoRootShell],
  deadlineS: 20,
  plan() {
    const user = `sim${tag()}`;
    const host = `sim-priv-${tag()}`;
    const sudo = (text: string): Msg => ({ host, app: 'sudo', text });
    const pam = sudo(`pam_unix(sudo:auth): authentication failure; logname=${user} uid=1001 euid=0 tty=/dev/pts/1 ruser=${user} rhost=  user=${user}`);
    return {
      entity: { field: 'user.name', value: user },
      steps: [
        { msgs: [pam, pam, pam, sudo(`${user} : 3 incorrect password attempts ; TTY=pts/1 ; PWD=/home/${user} ; USER=root ; COMMAND=/usr/bin/id`)], pauseMs: 300 },
        { msgs: [sudo(`${user} : TTY=pts/1 ; PWD=/home/${user} ; USER=root ; COMMAND=/bin/bash`)] },
      ],
    };
  },
};

const logSilence: Scenario = {
  name: 'log-silence',
  description: 'a host logs every second for 22 s, then stops (the shipped rule alerts after 30 s of silence at the least)',
  rules: [RULE.logSilence],
  deadlineS: 60,
  plan() {
    const host = `sim-quiet-${tag()}`;
    const steps: Step[] = Array.from({ length: 22 }, (_, i) => ({ msgs: [{ host, app: 'CRON', pid: 4000 + i, text: `(root) CMD (/usr/local/bin/heartbeat ${i})` }], pauseMs: 1000 }));
    return { entity: { field: 'host.name', value: host }, steps };
  },
};

export const SCENARIOS: readonly Scenario[] = [sshBruteforce, passwordSpray, portScan, trafficSpike, privilegeEscalation, logSilence];

export function scenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
