import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { getPath, type EcsEvent } from '../schema/event.js';
import { F } from '../schema/fields.js';
import { arnUser } from './cloudtrail.js';
import { LineParser } from './line.js';

const parser = new LineParser(() => Date.UTC(2026, 5, 15, 12));
const parse = (message: string, format?: string): EcsEvent => parser.parse(format === undefined ? { message, receivedAt: 0 } : { message, receivedAt: 0, format });
const get = getPath;

// Records in the CloudTrail record format (AWS CloudTrail User Guide, "CloudTrail record contents"), one per line.
const LOGIN_OK =
  '{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDACKCEVSQ6C2EXAMPLE","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","userName":"alice"},"eventTime":"2024-02-14T09:15:02Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.23","userAgent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:122.0) Gecko/20100101 Firefox/122.0","requestParameters":null,"responseElements":{"ConsoleLogin":"Success"},"additionalEventData":{"LoginTo":"https://console.aws.amazon.com/console/home","MobileVersion":"No","MFAUsed":"Yes"},"eventID":"3fcfb586-a0b0-4a34-8e2f-1e9a5a5d2a6f","readOnly":false,"eventType":"AwsConsoleSignIn","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"}';
const LOGIN_FAIL =
  '{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDACKCEVSQ6C2EXAMPLE","accountId":"111122223333","accessKeyId":"","userName":"bob"},"eventTime":"2024-02-14T09:16:40Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.77","userAgent":"Mozilla/5.0 (X11; Linux x86_64)","errorMessage":"Failed authentication","requestParameters":null,"responseElements":{"ConsoleLogin":"Failure"},"additionalEventData":{"LoginTo":"https://console.aws.amazon.com/console/home","MobileVersion":"No","MFAUsed":"No"},"eventID":"a5b2e1c0-7e51-4d6f-9a3c-0a7a8f2b9e11","readOnly":false,"eventType":"AwsConsoleSignIn","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"}';
const ACCESS_DENIED =
  '{"eventVersion":"1.09","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLEID:ci-session","arn":"arn:aws:sts::111122223333:assumed-role/ci-deployer/ci-session","accountId":"111122223333","accessKeyId":"ASIAEXAMPLEKEY","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLEID","arn":"arn:aws:iam::111122223333:role/ci-deployer","accountId":"111122223333","userName":"ci-deployer"},"attributes":{"creationDate":"2024-02-14T10:00:00Z","mfaAuthenticated":"false"}}},"eventTime":"2024-02-14T10:02:11Z","eventSource":"iam.amazonaws.com","eventName":"CreateUser","awsRegion":"us-east-1","sourceIPAddress":"192.0.2.10","userAgent":"aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64","errorCode":"AccessDenied","errorMessage":"User: arn:aws:sts::111122223333:assumed-role/ci-deployer/ci-session is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::111122223333:user/backdoor","requestParameters":null,"responseElements":null,"requestID":"9b1c6f0e-1111-2222-3333-444455556666","eventID":"0d1f9c3a-5555-6666-7777-888899990000","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"}';
const SERVICE_CALL =
  '{"eventVersion":"1.08","userIdentity":{"type":"AWSService","invokedBy":"ec2.amazonaws.com"},"eventTime":"2024-02-14T11:00:00Z","eventSource":"sts.amazonaws.com","eventName":"AssumeRole","awsRegion":"eu-west-1","sourceIPAddress":"ec2.amazonaws.com","userAgent":"ec2.amazonaws.com","requestParameters":{"roleArn":"arn:aws:iam::111122223333:role/web","roleSessionName":"i-0abc"},"responseElements":{"credentials":{"accessKeyId":"ASIAEXAMPLE","expiration":"Feb 14, 2024, 5:00:00 PM"}},"eventID":"e1","readOnly":true,"eventType":"AwsApiCall","recipientAccountId":"111122223333"}';
const ROOT_LOGIN =
  '{"eventVersion":"1.08","userIdentity":{"type":"Root","principalId":"111122223333","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333"},"eventTime":"2024-02-14T12:00:00Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-1","sourceIPAddress":"2001:db8::7","userAgent":"Mozilla/5.0","requestParameters":null,"responseElements":{"ConsoleLogin":"Success"},"additionalEventData":{"MFAUsed":"No"},"eventID":"r1","eventType":"AwsConsoleSignIn","recipientAccountId":"111122223333"}';

describe('AWS CloudTrail records', () => {
  test('ConsoleLogin success: authentication, user, source, cloud fields', () => {
    const e = parse(LOGIN_OK);
    assert.equal(get(e, F.eventDataset), 'aws.cloudtrail');
    assert.equal(e[F.timestamp], '2024-02-14T09:15:02.000Z');
    assert.equal(get(e, F.eventAction), 'ConsoleLogin');
    assert.equal(get(e, 'event.provider'), 'signin.amazonaws.com');
    assert.deepEqual(get(e, F.eventCategory), ['authentication']);
    assert.equal(get(e, F.eventOutcome), 'success');
    assert.equal(get(e, F.userName), 'alice');
    assert.equal(get(e, F.sourceIp), '198.51.100.23');
    assert.equal(get(e, 'cloud.provider'), 'aws');
    assert.equal(get(e, 'cloud.region'), 'us-east-1');
    assert.equal(get(e, 'cloud.account.id'), '111122223333');
    assert.equal(get(e, F.userAgentOriginal), 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:122.0) Gecko/20100101 Firefox/122.0');
    assert.equal(get(e, 'user.authentication.mfa_used'), true);
    assert.equal(get(e, 'aws.cloudtrail.eventType'), 'AwsConsoleSignIn');
  });
  test('ConsoleLogin failure: outcome from responseElements.ConsoleLogin, no errorCode needed', () => {
    const e = parse(LOGIN_FAIL);
    assert.deepEqual(get(e, F.eventCategory), ['authentication']);
    assert.equal(get(e, F.eventOutcome), 'failure');
    assert.equal(get(e, F.userName), 'bob');
    assert.equal(get(e, F.sourceIp), '203.0.113.77');
    assert.equal(get(e, F.errorMessage), 'Failed authentication');
  });
  test('an API call denied (errorCode AccessDenied): failure, the role session as user', () => {
    const e = parse(ACCESS_DENIED);
    assert.equal(get(e, F.eventAction), 'CreateUser');
    assert.equal(get(e, 'event.provider'), 'iam.amazonaws.com');
    assert.equal(get(e, F.eventOutcome), 'failure');
    assert.equal(get(e, 'error.code'), 'AccessDenied');
    assert.deepEqual(get(e, F.eventType), ['denied']);
    assert.equal(get(e, F.eventCategory), undefined);
    assert.equal(get(e, F.userName), 'ci-deployer');
    assert.equal(get(e, F.userAgentOriginal), 'aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64');
  });
  test('a call by an AWS service: source.domain, success', () => {
    const e = parse(SERVICE_CALL, 'cloudtrail');
    assert.equal(get(e, F.sourceIp), undefined);
    assert.equal(get(e, F.sourceDomain), 'ec2.amazonaws.com');
    assert.equal(get(e, F.eventOutcome), 'success');
    assert.equal(get(e, 'cloud.region'), 'eu-west-1');
    assert.equal(get(e, F.userName), undefined);
  });
  test('root login from IPv6: user from the ARN', () => {
    const e = parse(ROOT_LOGIN, 'json');
    assert.equal(get(e, F.eventDataset), 'aws.cloudtrail');
    assert.equal(get(e, F.userName), 'root');
    assert.equal(get(e, F.sourceIp), '2001:db8::7');
    assert.equal(get(e, 'user.authentication.mfa_used'), false);
  });
  test('arnUser', () => {
    assert.equal(arnUser('arn:aws:iam::1:user/path/alice'), 'alice');
    assert.equal(arnUser('arn:aws:iam::1:root'), 'root');
    assert.equal(arnUser('arn:aws:iam::1:user/'), undefined);
  });
  test('a {"Records":[…]} document is not split: it stays generic JSON', () => {
    const e = parse(`{"Records":[${LOGIN_OK}]}`);
    assert.equal(get(e, F.eventDataset), 'json');
    assert.equal(get(e, F.eventAction), undefined);
  });
});
