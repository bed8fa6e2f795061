import { isObject, setPath, type EcsEvent } from '../schema/event.js';
import { F } from '../schema/fields.js';
import type { LineFormat } from './message-parser.js';
import { child, ip, J, parseJsonLine, put, releaseJsonLine, setTimestamp, str, type Json } from './json-fields.js';

/**
 * AWS CloudTrail records, one record object per line (as CloudWatch Logs, EventBridge targets and most shippers
 * deliver them). The S3 delivery form `{"Records":[…]}` holds many records in one document: it is not split here
 * (a line yields one event), so such a line falls through to generic JSON. The record is kept under
 * `aws.cloudtrail`.
 */

export const CLOUDTRAIL_DATASET = 'aws.cloudtrail';

/** True when `obj` has the fields every CloudTrail record has. */
export function isCloudTrail(obj: Json): boolean {
  return (
    typeof child(obj, 'eventVersion') === 'string' &&
    typeof child(obj, 'eventSource') === 'string' &&
    typeof child(obj, 'eventName') === 'string' &&
    typeof child(obj, 'eventTime') === 'string'
  );
}

/** The user an ARN names: the part after the last `/` (`…:user/alice` → alice), else after the last `:` (`…:root`). */
export function arnUser(arn: string): string | undefined {
  const slash = arn.lastIndexOf('/');
  const tail = slash >= 0 ? arn.slice(slash + 1) : arn.slice(arn.lastIndexOf(':') + 1);
  return tail.length > 0 ? tail : undefined;
}

/** Maps a CloudTrail record onto `event`; false (nothing set) when `obj` is not one. */
export function mapCloudTrail(obj: Json, event: EcsEvent): boolean {
  if (!isCloudTrail(obj)) return false;
  const name = obj['eventName'] as string;
  setTimestamp(event, obj['eventTime']);
  setPath(event, F.eventDataset, CLOUDTRAIL_DATASET);
  setPath(event, 'aws.cloudtrail', obj);
  setPath(event, F.eventKind, 'event');
  setPath(event, F.eventAction, name);
  setPath(event, J.eventProvider, obj['eventSource']);
  setPath(event, J.cloudProvider, 'aws');
  put(event, J.cloudRegion, str(child(obj, 'awsRegion'), 64));
  put(event, J.eventId, str(child(obj, 'eventID'), 128));
  const identity = child(obj, 'userIdentity');
  put(event, J.cloudAccountId, str(child(obj, 'recipientAccountId'), 32) ?? str(child(identity, 'accountId'), 32));

  const from = str(child(obj, 'sourceIPAddress'), 255);
  const addr = ip(from);
  if (addr !== undefined) setPath(event, F.sourceIp, addr);
  else put(event, F.sourceDomain, from);
  put(event, J.sourceAddress, from);
  put(event, F.userAgentOriginal, str(child(obj, 'userAgent')));

  if (isObject(identity)) {
    const arn = str(identity['arn'], 2048);
    const user = str(identity['userName'], 256) ?? str(child(child(child(identity, 'sessionContext'), 'sessionIssuer'), 'userName'), 256) ?? (arn !== undefined ? arnUser(arn) : undefined);
    put(event, F.userName, user);
    put(event, J.userId, str(identity['principalId'], 256));
  }

  const errorCode = str(child(obj, 'errorCode'), 256);
  put(event, J.errorCode, errorCode);
  put(event, F.errorMessage, str(child(obj, 'errorMessage')));
  let outcome = errorCode !== undefined ? 'failure' : 'success';
  if (name === 'ConsoleLogin') {
    const result = str(child(child(obj, 'responseElements'), 'ConsoleLogin'), 32);
    if (result === 'Success') outcome = 'success';
    else if (result === 'Failure') outcome = 'failure';
    setPath(event, F.eventCategory, ['authentication']);
    setPath(event, F.eventType, ['start']);
    const mfa = str(child(child(obj, 'additionalEventData'), 'MFAUsed'), 8);
    if (mfa !== undefined) setPath(event, 'user.authentication.mfa_used', mfa === 'Yes');
  } else if (errorCode !== undefined && /^(?:AccessDenied|UnauthorizedOperation|Client\.UnauthorizedOperation)/.test(errorCode)) {
    setPath(event, F.eventType, ['denied']);
  }
  setPath(event, F.eventOutcome, outcome);
  return true;
}

/** `cloudtrail`: CloudTrail record lines only (the `json` format also routes them here). */
export const cloudtrailFormat: LineFormat = {
  name: 'cloudtrail',
  dataset: CLOUDTRAIL_DATASET,
  sniff: (line) => line.trimStart().startsWith('{') && line.includes('"eventSource"'),
  parse(line, event) {
    const obj = parseJsonLine(line);
    if (!obj || !mapCloudTrail(obj, event)) return false;
    releaseJsonLine();
    return true;
  },
};
