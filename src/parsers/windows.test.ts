import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { getPath, type EcsEvent } from '../schema/event.js';
import { F } from '../schema/fields.js';
import { LineParser } from './line.js';
import { mapWindowsEvent, mapWindowsJson, parseWindowsXml, windowsDataset, windowsTime, windowsXmlFormat } from './windows.js';
import { decodeEntities, readEventXml, splitEvents } from './windows-xml.js';

const DATA = join(import.meta.dirname, '../../../shared/data');
const ROOTS = [join(DATA, 'evtx-attack-samples'), join(DATA, 'deepbluecli-evtx')];
const get = getPath;

function xmlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...xmlFiles(p));
    else if (p.endsWith('.xml')) out.push(p);
  }
  return out.sort();
}

interface Sample {
  file: string;
  xml: string;
  event: EcsEvent;
}

let cache: Sample[] | undefined;
function samples(): Sample[] {
  if (cache) return cache;
  cache = [];
  for (const root of ROOTS) {
    for (const file of xmlFiles(root)) {
      for (const xml of splitEvents(readFileSync(file, 'utf8'))) {
        const event: EcsEvent = {};
        assert.ok(parseWindowsXml(xml, event), `${file}: not parsed: ${xml.slice(0, 200)}`);
        cache.push({ file, xml, event });
      }
    }
  }
  return cache;
}

function find(fileEnd: string, id: number, pred: (e: EcsEvent) => boolean = () => true): EcsEvent {
  const s = samples().find((x) => x.file.endsWith(fileEnd) && get(x.event, 'winlog.event_id') === id && pred(x.event));
  assert.ok(s, `no ${id} in ${fileEnd}`);
  return s.event;
}

const haveData = ROOTS.every((r) => existsSync(r));

const LOGON_4624 =
  '<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="Microsoft-Windows-Security-Auditing" Guid="{54849625-5478-4994-a5ba-3e3b0328c30d}"/><EventID>4624</EventID><Version>2</Version><Level>0</Level><Task>12544</Task><Opcode>0</Opcode><Keywords>0x8020000000000000</Keywords><TimeCreated SystemTime="2021-03-04T05:06:07.1234567Z"/><EventRecordID>9001</EventRecordID><Correlation/><Execution ProcessID="636" ThreadID="700"/><Channel>Security</Channel><Computer>DC01.corp.example</Computer><Security/></System><EventData><Data Name="SubjectUserSid">S-1-5-18</Data><Data Name="TargetUserName">alice</Data><Data Name="TargetDomainName">CORP</Data><Data Name="LogonType">10</Data><Data Name="IpAddress">::ffff:203.0.113.9</Data><Data Name="IpPort">51234</Data><Data Name="ProcessName">C:\\Windows\\System32\\svchost.exe</Data><Data Name="Note">a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos; &#65;&#x42;</Data></EventData></Event>';

describe('windows Event XML', () => {
  test('one-line 4624: system fields, timestamp, logon mapping, entities', () => {
    const e: EcsEvent = {};
    assert.ok(parseWindowsXml(LOGON_4624, e));
    assert.equal(get(e, 'winlog.event_id'), 4624);
    assert.equal(get(e, 'event.code'), '4624');
    assert.equal(get(e, 'winlog.channel'), 'Security');
    assert.equal(get(e, 'winlog.provider_name'), 'Microsoft-Windows-Security-Auditing');
    assert.equal(get(e, 'winlog.computer_name'), 'DC01.corp.example');
    assert.equal(get(e, F.hostName), 'DC01.corp.example');
    assert.equal(get(e, 'winlog.record_id'), 9001);
    assert.equal(get(e, 'winlog.process.pid'), 636);
    assert.equal(get(e, 'log.level'), 'information');
    assert.equal(e[F.timestamp], '2021-03-04T05:06:07.123Z');
    assert.equal(get(e, F.eventDataset), 'windows.security');
    assert.deepEqual(get(e, F.eventCategory), ['authentication']);
    assert.equal(get(e, F.eventOutcome), 'success');
    assert.equal(get(e, F.eventAction), 'logged-in');
    assert.equal(get(e, F.userName), 'alice');
    assert.equal(get(e, 'user.domain'), 'CORP');
    assert.equal(get(e, F.sourceIp), '203.0.113.9');
    assert.equal(get(e, F.sourcePort), 51234);
    assert.equal(get(e, 'winlog.logon.type'), 'RemoteInteractive');
    assert.equal(get(e, 'winlog.logon.type_code'), 10);
    assert.equal(get(e, 'process.name'), 'svchost.exe');
    assert.equal(get(e, 'winlog.event_data.Note'), 'a <b> & "c" \'d\' AB');
    assert.equal(get(e, 'winlog.event_data.IpAddress'), '::ffff:203.0.113.9');
  });

  test('through the line parser: sniffed as windows-xml, dataset per channel', () => {
    const parser = new LineParser(() => Date.UTC(2026, 0, 1));
    const e = parser.parse({ message: LOGON_4624, receivedAt: 0 });
    assert.equal(get(e, F.eventDataset), 'windows.security');
    assert.equal(get(e, F.userName), 'alice');
    assert.equal(get(e, F.eventOriginal), LOGON_4624);
    const sysmon = LOGON_4624.replace('Microsoft-Windows-Security-Auditing', 'Microsoft-Windows-Sysmon').replace('<EventID>4624', '<EventID>11').replace('>Security<', '>Microsoft-Windows-Sysmon/Operational<');
    const s = parser.parse({ message: sysmon, receivedAt: 0, format: 'windows-xml' });
    assert.equal(get(s, F.eventDataset), 'windows.sysmon');
    assert.ok(windowsXmlFormat.sniff(LOGON_4624));
    assert.ok(!windowsXmlFormat.sniff('<Events>'));
    assert.ok(!windowsXmlFormat.sniff('Jan  1 00:00:00 host sshd[1]: hello'));
  });

  test('unnamed Data, self-closing Data, CDATA, comments, namespace prefixes, RenderingInfo', () => {
    const x = readEventXml(
      '<?xml version="1.0"?><e:Event xmlns:e="x"><e:System><e:EventID Qualifiers="16384">7036</e:EventID><e:Channel>System</e:Channel><e:Provider Name=\'Service Control Manager\' /></e:System><!-- c --><e:EventData><e:Data>one</e:Data><e:Data><![CDATA[<two>]]></e:Data><e:Data Name="Empty"/></e:EventData><RenderingInfo Culture="en-US"><Message>The service entered the running state.</Message></RenderingInfo></e:Event>',
    );
    assert.ok(x);
    assert.equal(x.system.eventId, '7036');
    assert.equal(x.system.qualifiers, '16384');
    assert.equal(x.system.provider, 'Service Control Manager');
    assert.deepEqual({ ...x.eventData }, { param1: 'one', param2: '<two>', Empty: '' });
    assert.equal(x.message, 'The service entered the running state.');
    const e: EcsEvent = {};
    mapWindowsEvent(x.system, x.eventData, e);
    assert.equal(get(e, F.eventDataset), 'windows.system');
  });

  test('entity decoding', () => {
    assert.equal(decodeEntities('&lt;&gt;&amp;&quot;&apos;&#174;&#xAE;&#29999;'), `<>&"'®®${String.fromCodePoint(29999)}`);
    assert.equal(decodeEntities('&5; &196; &bogus; &#xD800; &#99999999;'), '&5; &196; &bogus; &#xD800; &#99999999;');
    assert.equal(decodeEntities('&amp;lt;'), '&lt;');
  });

  test('times', () => {
    assert.equal(windowsTime('2020-07-22 20:29:27.321770'), '2020-07-22T20:29:27.321Z');
    assert.equal(windowsTime('2020-07-22T20:29:27.3217700Z'), '2020-07-22T20:29:27.321Z');
    assert.equal(windowsTime('2020-07-22T20:29:27+02:00'), '2020-07-22T18:29:27.000Z');
    assert.equal(windowsTime('yesterday'), undefined);
    assert.equal(windowsDataset(undefined, 'Windows PowerShell'), 'windows.windows_powershell');
    assert.equal(windowsDataset(undefined, 'Microsoft-Windows-PowerShell/Operational'), 'windows.microsoft_windows_powershell_operational');
  });
});

describe('windows samples (evtx-attack-samples, deepbluecli-evtx)', { skip: !haveData }, () => {
  test('every event of every file parses and keeps winlog.event_id and winlog.event_data', () => {
    const all = samples();
    // SOURCES.md: 3,389 events in evtx-attack-samples and 476 in deepbluecli-evtx
    assert.equal(all.length, 3389 + 476);
    let withData = 0;
    for (const { file, xml, event } of all) {
      assert.equal(typeof get(event, 'winlog.event_id'), 'number', file);
      assert.equal(get(event, 'event.code'), String(get(event, 'winlog.event_id')));
      assert.match(String(event[F.timestamp]), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, file);
      assert.match(String(get(event, F.eventDataset)), /^windows(\.[a-z0-9_]+)?$/, file);
      assert.equal(typeof get(event, F.hostName), 'string', file);
      if (/<EventData>\s*<(?:Data|Binary)/.test(xml)) {
        withData++;
        const d = get(event, 'winlog.event_data');
        assert.ok(d && typeof d === 'object' && Object.keys(d).length > 0, `${file}: event_data missing`);
      }
      if (xml.includes('<UserData>')) assert.equal(typeof get(event, 'winlog.user_data'), 'object', file);
    }
    assert.ok(withData > 3400, `${withData} events with event data`);
  });

  test('4625 logon failure (CA_4624_4625_LogonType2_LogonProc_chrome)', () => {
    const e = find('CA_4624_4625_LogonType2_LogonProc_chrome.xml', 4625);
    assert.deepEqual(get(e, F.eventCategory), ['authentication']);
    assert.equal(get(e, F.eventOutcome), 'failure');
    assert.equal(get(e, F.eventAction), 'logon-failed');
    assert.equal(get(e, F.userName), 'IEUser');
    assert.equal(get(e, 'user.domain'), 'MSEDGEWIN10');
    assert.equal(get(e, F.sourceIp), undefined); // IpAddress "-"
    assert.equal(get(e, 'winlog.logon.type'), 'Interactive');
    assert.equal(get(e, 'winlog.logon.failure.status'), '0xc000006d');
    assert.equal(get(e, 'winlog.logon.failure.sub_status'), '0xc000006a');
    assert.equal(get(e, 'winlog.logon.failure.reason'), 'wrong password');
    assert.equal(get(e, 'process.name'), 'chrome.exe');
    assert.equal(e[F.timestamp], '2020-09-09T13:18:23.627Z');
  });

  test('4648 password spray (deepbluecli password-spray)', () => {
    const spray = samples().filter((s) => s.file.endsWith('password-spray.xml') && get(s.event, 'winlog.event_id') === 4648);
    assert.equal(spray.length, 294);
    const targets = new Set(spray.map((s) => get(s.event, 'user.target.name')));
    assert.ok(targets.size >= 41, `${targets.size} target users`);
    for (const s of spray) {
      assert.equal(get(s.event, F.eventAction), 'logged-in-explicit');
      assert.equal(get(s.event, F.sourceIp), '172.16.144.128');
    }
  });

  test('4720 user created and 4732 member added (deepbluecli new-user-security)', () => {
    const created = find('new-user-security.xml', 4720);
    assert.deepEqual(get(created, F.eventCategory), ['iam']);
    assert.deepEqual(get(created, F.eventType), ['user', 'creation']);
    assert.equal(get(created, 'user.target.name'), 'IEUser');
    assert.equal(get(created, F.userName), 'WIN-QALA5Q3KJ43$');
    const added = samples().filter((s) => s.file.endsWith('new-user-security.xml') && get(s.event, 'winlog.event_id') === 4732).map((s) => s.event);
    assert.deepEqual(added.map((e) => get(e, 'group.name')).sort(), ['Administrators', 'Users']);
    for (const e of added) {
      assert.deepEqual(get(e, F.eventType), ['group', 'change']);
      assert.equal(get(e, 'user.target.id'), 'S-1-5-21-3463664321-2923530833-3546627382-1000');
      assert.equal(get(e, 'winlog.event_data.MemberSid'), 'S-1-5-21-3463664321-2923530833-3546627382-1000');
    }
  });

  test('1102 audit log cleared (UserData)', () => {
    const e = find('DE_RDP_Tunnel_5156.xml', 1102);
    assert.equal(get(e, F.eventAction), 'audit-log-cleared');
    assert.deepEqual(get(e, F.eventCategory), ['configuration']);
    assert.equal(get(e, F.userName), 'admin01');
    assert.equal(get(e, 'winlog.user_data.SubjectUserName'), 'admin01');
    assert.equal(get(e, 'winlog.user_data.xml_name'), 'LogFileCleared');
    const deep = samples().filter((s) => s.file.includes('deepbluecli') && get(s.event, 'winlog.event_id') === 1102);
    assert.ok(deep.length >= 5);
    for (const s of deep) assert.equal(get(s.event, F.eventAction), 'audit-log-cleared');
  });

  test('4688 process creation (deepbluecli powersploit-security)', () => {
    const e = find('powersploit-security.xml', 4688);
    assert.deepEqual(get(e, F.eventCategory), ['process']);
    assert.deepEqual(get(e, F.eventType), ['start']);
    const exe = get(e, 'process.executable');
    assert.equal(typeof exe, 'string');
    assert.equal(get(e, 'process.name'), String(exe).split('\\').pop());
    assert.equal(typeof get(e, F.processPid), 'number');
    assert.equal(get(e, F.processPid), parseInt(String(get(e, 'winlog.event_data.NewProcessId')), 16));
  });

  test('Sysmon 1 process create with hashes, Sysmon 3 network connection, Sysmon 11 file create', () => {
    const p = find('sliver-sysmon.xml', 1, (e) => get(e, 'process.hash.sha256') !== undefined);
    assert.equal(get(p, F.eventDataset), 'windows.sysmon');
    assert.deepEqual(get(p, F.eventCategory), ['process']);
    assert.equal(typeof get(p, 'process.executable'), 'string');
    assert.equal(typeof get(p, 'process.command_line'), 'string');
    assert.equal(typeof get(p, 'process.parent.executable'), 'string');
    assert.match(String(get(p, 'process.hash.sha256')), /^[0-9a-f]{64}$/);
    assert.match(String(get(p, 'process.hash.md5')), /^[0-9a-f]{32}$/);

    const n = find('exec_wmic_xsl_internet_sysmon_3_1_11.xml', 3);
    assert.deepEqual(get(n, F.eventCategory), ['network']);
    assert.equal(get(n, F.sourceIp), '10.0.2.15');
    assert.equal(get(n, F.sourcePort), 49167);
    assert.equal(get(n, F.destinationIp), '45.76.12.27');
    assert.equal(get(n, F.destinationPort), 443);
    assert.equal(get(n, F.networkTransport), 'tcp');
    assert.equal(get(n, 'network.direction'), 'egress');
    assert.equal(get(n, 'process.name'), 'WMIC.exe');
    assert.equal(get(n, F.userName), 'IEUser');
    assert.equal(get(n, 'user.domain'), 'IEWIN7');

    const f = find('exec_wmic_xsl_internet_sysmon_3_1_11.xml', 11);
    assert.deepEqual(get(f, F.eventCategory), ['file']);
    assert.equal(typeof get(f, F.filePath), 'string');
    assert.equal(get(f, F.filePath), get(f, 'winlog.event_data.TargetFilename'));
  });
});

describe('windows JSON forms', () => {
  test('evtx_dump JSON', () => {
    const obj = {
      Event: {
        '#attributes': { xmlns: 'http://schemas.microsoft.com/win/2004/08/events/event' },
        System: {
          Provider: { '#attributes': { Name: 'Microsoft-Windows-Security-Auditing', Guid: '{54849625-5478-4994-a5ba-3e3b0328c30d}' } },
          EventID: 4625,
          TimeCreated: { '#attributes': { SystemTime: '2019-03-19T23:36:41.123456Z' } },
          EventRecordID: 12345,
          Correlation: { '#attributes': { ActivityID: '8E521E2B-7C26-0003-031F-528E267CDB01' } },
          Execution: { '#attributes': { ProcessID: 612, ThreadID: 1988 } },
          Channel: 'Security',
          Computer: 'WS01',
        },
        EventData: { TargetUserName: 'bob', TargetDomainName: 'WS01', LogonType: 3, IpAddress: '198.51.100.7', IpPort: '40100', Status: '0xC000006D', SubStatus: '0xC0000064', __proto__x: 1, Empty: null, 'Source Name': 'Real-Time Protection', 'Process Name': 'a.exe', ProcessName: 'b.exe' },
      },
    };
    const e: EcsEvent = {};
    assert.ok(mapWindowsJson(obj, e));
    assert.equal(get(e, 'winlog.event_id'), 4625);
    assert.equal(get(e, 'winlog.record_id'), 12345);
    assert.equal(get(e, 'winlog.process.pid'), 612);
    assert.equal(e[F.timestamp], '2019-03-19T23:36:41.123Z');
    assert.equal(get(e, F.eventOutcome), 'failure');
    assert.equal(get(e, F.userName), 'bob');
    assert.equal(get(e, F.sourceIp), '198.51.100.7');
    assert.equal(get(e, F.sourcePort), 40100);
    assert.equal(get(e, 'winlog.logon.type'), 'Network');
    assert.equal(get(e, 'winlog.event_data.LogonType'), '3');
    assert.equal(get(e, 'winlog.logon.failure.reason'), 'user name does not exist');
    assert.equal(get(e, 'winlog.activity_id'), '8E521E2B-7C26-0003-031F-528E267CDB01');
    // evtx_dump writes an empty <Data> as null: kept as empty text, like the XML form
    assert.equal(get(e, 'winlog.event_data.Empty'), '');
    // names with spaces are also kept as Sigma names them, without taking over a field of that name
    assert.equal(get(e, 'winlog.event_data.Source Name'), 'Real-Time Protection');
    assert.equal(get(e, 'winlog.event_data.SourceName'), 'Real-Time Protection');
    assert.equal(get(e, 'winlog.event_data.Process Name'), 'a.exe');
    assert.equal(get(e, 'winlog.event_data.ProcessName'), 'b.exe');
  });

  test('evtx_dump EventID with qualifiers, UserData; xmltodict Data list', () => {
    const e: EcsEvent = {};
    assert.ok(
      mapWindowsJson(
        {
          Event: {
            System: { Provider: { '#attributes': { Name: 'Microsoft-Windows-Eventlog' } }, EventID: { '#attributes': { Qualifiers: '' }, '#text': 1102 }, Channel: 'Security', Computer: 'PC01' },
            UserData: { LogFileCleared: { '#attributes': { xmlns: 'x' }, SubjectUserName: 'admin01', SubjectDomainName: 'EXAMPLE' } },
          },
        },
        e,
      ),
    );
    assert.equal(get(e, F.eventAction), 'audit-log-cleared');
    assert.equal(get(e, F.userName), 'admin01');
    const x: EcsEvent = {};
    assert.ok(
      mapWindowsJson(
        {
          Event: {
            System: { Provider: { '@Name': 'Microsoft-Windows-Sysmon' }, EventID: '3', Channel: 'Microsoft-Windows-Sysmon/Operational' },
            EventData: { Data: [{ '@Name': 'SourceIp', '#text': '10.0.0.5' }, { '@Name': 'DestinationIp', '#text': '10.0.0.9' }, { '@Name': 'DestinationPort', '#text': '445' }, { '@Name': 'Protocol', '#text': 'tcp' }] },
          },
        },
        x,
      ),
    );
    assert.equal(get(x, F.eventDataset), 'windows.sysmon');
    assert.equal(get(x, F.destinationIp), '10.0.0.9');
    assert.equal(get(x, F.destinationPort), 445);
  });

  test('Winlogbeat JSON', () => {
    const e: EcsEvent = {};
    const ok = mapWindowsJson(
      {
        '@timestamp': '2024-05-01T10:00:00.000Z',
        message: 'A new process has been created.',
        host: { name: 'ws02' },
        winlog: {
          event_id: '4688',
          channel: 'Security',
          provider_name: 'Microsoft-Windows-Security-Auditing',
          computer_name: 'ws02.corp',
          record_id: 77,
          process: { pid: 4, thread: { id: 8 } },
          event_data: { NewProcessName: 'C:\\Windows\\System32\\cmd.exe', NewProcessId: '0x1a4', CommandLine: 'cmd.exe /c whoami', ProcessId: '0x10', ParentProcessName: 'C:\\Windows\\explorer.exe', SubjectUserName: 'carol', SubjectDomainName: 'CORP' },
        },
      },
      e,
    );
    assert.ok(ok);
    assert.equal(e[F.timestamp], '2024-05-01T10:00:00.000Z');
    assert.equal(get(e, 'winlog.event_id'), 4688);
    assert.equal(get(e, F.hostName), 'ws02.corp');
    assert.deepEqual(get(e, F.eventCategory), ['process']);
    assert.equal(get(e, 'process.executable'), 'C:\\Windows\\System32\\cmd.exe');
    assert.equal(get(e, 'process.name'), 'cmd.exe');
    assert.equal(get(e, 'process.command_line'), 'cmd.exe /c whoami');
    assert.equal(get(e, F.processPid), 420);
    assert.equal(get(e, 'process.parent.pid'), 16);
    assert.equal(get(e, 'process.parent.name'), 'explorer.exe');
    assert.equal(get(e, F.userName), 'carol');
    assert.equal(get(e, F.message), 'A new process has been created.');
  });

  test('not Windows JSON', () => {
    for (const o of [{}, { Event: 'x' }, { winlog: {} }, { winlog: { channel: 'Security' } }, { Event: { System: {} } }, { event: { code: 1 } }]) {
      const e: EcsEvent = {};
      assert.equal(mapWindowsJson(o as Record<string, unknown>, e), false);
      assert.deepEqual(e, {});
    }
  });

  test('hostile JSON names stay data', () => {
    const data = JSON.parse('{"__proto__": {"polluted": 1}, "constructor": "c", "toString": "t", "TargetUserName": "x"}') as Record<string, unknown>;
    const e: EcsEvent = {};
    assert.ok(mapWindowsJson({ winlog: { event_id: 4624, channel: 'Security', event_data: data } }, e));
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    const d = get(e, 'winlog.event_data') as Record<string, unknown>;
    assert.equal(d.constructor, 'c');
    assert.equal(Object.getOwnPropertyDescriptor(d, 'toString')?.value, 't');
    assert.equal(Object.getPrototypeOf(d), Object.prototype);
  });
});

describe('windows hostile XML', () => {
  const wrap = (eventData: string): string => `<Event xmlns="x"><System><EventID>4624</EventID><Channel>Security</Channel></System><EventData>${eventData}</EventData></Event>`;

  test('Data names __proto__, constructor, prototype never pollute', () => {
    const e: EcsEvent = {};
    assert.ok(parseWindowsXml(wrap('<Data Name="__proto__">{"x":1}</Data><Data Name="constructor">c</Data><Data Name="prototype">p</Data><Data Name="hasOwnProperty">h</Data><Data Name="a.b">dotted</Data>'), e));
    const o = {} as Record<string, unknown>;
    assert.equal(o.x, undefined);
    assert.equal(typeof o.constructor, 'function');
    assert.equal(typeof o.hasOwnProperty, 'function');
    assert.equal((Object.prototype as Record<string, unknown>).x, undefined);
    const d = get(e, 'winlog.event_data') as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(d), Object.prototype);
    assert.ok(Object.hasOwn(d, '__proto__'));
    assert.equal(Object.getOwnPropertyDescriptor(d, '__proto__')?.value, '{"x":1}');
    assert.equal(d.constructor, 'c');
    assert.equal(d['a.b'], 'dotted');
    assert.equal(getPath(JSON.parse(JSON.stringify(e)) as EcsEvent, 'winlog.event_data.prototype'), 'p');
    // a missing field named like an Object.prototype member is not read from the prototype
    const e2: EcsEvent = {};
    assert.ok(parseWindowsXml(wrap('<Data Name="x">1</Data>').replace('4624', '4688'), e2));
    assert.equal(get(e2, 'process.command_line'), undefined);
    assert.equal(get(e2, F.userName), undefined);
  });

  test('malformed or foreign input is rejected without throwing', () => {
    const bad = [
      '',
      '<',
      '<Event',
      '<Event xmlns="x"',
      '<Event xmlns="x><System>',
      '<Event><System><EventID>1</EventID></System>',
      '<Event><System><EventID>1</EventID></Sys></Event>',
      '<Event><System><EventID>1</EventID></System><!-- </Event>',
      '<Event><![CDATA[</Event>',
      '<!DOCTYPE x [<!ENTITY a "b">]><Event><System><EventID>1</EventID></System></Event>',
      '<Events><Event><System><EventID>1</EventID></System></Event></Events>',
      '<Event><System></System></Event>',
      '<Event a=b><System><EventID>1</EventID></System></Event>',
      '<Event <System>',
      '<?xml',
      '</Event>',
    ];
    for (const s of bad) {
      const e: EcsEvent = {};
      assert.equal(parseWindowsXml(s, e), false, s);
    }
  });

  const fill = (prefix: string, unit: string, suffix = ''): string => prefix + unit.repeat(Math.ceil(65536 / unit.length)).slice(0, 65536 - prefix.length - suffix.length) + suffix;

  test('64 KiB adversarial lines finish fast', () => {
    const head = '<Event xmlns="x"><System><EventID>4624</EventID></System><EventData>';
    const lines = [
      fill('', '<'),
      fill('', '<Event '),
      fill('<Event ', 'a="1" '),
      fill('<Event ', 'a=\'"'),
      fill('', '<Event><System>'),
      fill('<Event>', '<x>'),
      fill('<Event>', '</x>'),
      fill('<Event>', '<!--'),
      fill('<Event>', '<![CDATA['),
      fill('<Event>', '<?'),
      fill(head, '<Data Name="a">'),
      fill(head, '<Data Name="a">&amp;</Data>', '</EventData></Event>'),
      fill(head, '&#x41;&#65;&lt;'),
      fill(head, '&'),
      fill(head, '<Data Name="n" ', '/></EventData></Event>'),
      fill(head, ' x="y"'),
      fill(head + '<Data Name="', 'a'),
      fill(head + '<Data ', 'Name="a" '),
      fill('<Event ', 'x'),
      fill('', ' '),
    ];
    for (let i = 0; i < 20; i++) lines.push(fill(head, `<Data Name="k${i}">v</Data>`, '</EventData></Event>'));
    // one untimed pass first: the bound is on the work per line, not on compiling the reader
    for (const line of lines) parseWindowsXml(line, {});
    let slowest = 0;
    for (const line of lines) {
      const e: EcsEvent = {};
      const t0 = performance.now();
      windowsXmlFormat.sniff(line);
      parseWindowsXml(line, e);
      const ms = performance.now() - t0;
      slowest = Math.max(slowest, ms);
      assert.ok(ms < 100, `${ms.toFixed(1)} ms on ${JSON.stringify(line.slice(0, 80))}`);
    }
    assert.ok(slowest < 100);
  });

  test('deep nesting and huge attribute counts are bounded', () => {
    const deep = `<Event>${'<a>'.repeat(20000)}${'</a>'.repeat(20000)}</Event>`;
    assert.equal(readEventXml(deep), undefined);
    const attrs = `<Event xmlns="x"><System><Provider ${Array.from({ length: 5000 }, (_, i) => `a${i}="${i}"`).join(' ')} Name="P"/><EventID>1</EventID></System></Event>`;
    const x = readEventXml(attrs);
    assert.ok(x);
    assert.equal(x.system.provider, undefined); // only the first attributes of a tag are kept
    const many = `<Event xmlns="x"><System><EventID>1</EventID></System><EventData>${Array.from({ length: 3000 }, (_, i) => `<Data Name="k${i}">v</Data>`).join('')}</EventData></Event>`;
    const m = readEventXml(many);
    assert.ok(m);
    assert.equal(Object.keys(m.eventData).length, 512);
    const nestedData = readEventXml('<Event><System><EventID>1</EventID></System><EventData><Data Name="a">x<b>inner</b>y</Data></EventData></Event>');
    assert.equal(nestedData?.eventData.a, 'xy');
  });

  test('line parser keeps a malformed Event line as a failure', () => {
    const parser = new LineParser(() => Date.UTC(2026, 0, 1));
    const line = '<Event xmlns="x"><System><EventID>4624</EventID>';
    const e = parser.parse({ message: line, receivedAt: 0 });
    assert.equal(get(e, F.eventOriginal), line);
    assert.ok((e[F.tags] as string[]).includes('_parse_failure'));
  });
});
