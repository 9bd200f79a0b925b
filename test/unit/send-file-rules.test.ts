import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../controlplane/api/catalog.js';
import { ApiError, fromDomainError } from '../../controlplane/api/errors.js';
import { DomainError } from '../../controlplane/domain/domain-error.js';
import { validateParams } from '../../controlplane/api/validate-params.js';
import { fileAggregateStatus } from '../../controlplane/files/file-aggregate-status.js';
import { FILE_CONTENT_LIMIT, fileContentBase64, sendFileTimeout } from '../../controlplane/files/file-content.js';
import { FILE_ERROR_INFO, statusOfFileOutcome, undeliveredFileStatus } from '../../controlplane/files/file-outcome-status.js';
import type { FileInstanceStatus as S } from '../../controlplane/store/records.js';
import type { FileOutcome } from '../../shared/protocol.js';

function codeOf(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    if (error instanceof ApiError) return `${error.status} ${error.code}`;
    if (error instanceof DomainError) return `${fromDomainError(error).status} ${error.code}`;
    throw error;
  }
  return 'ok';
}

const base = { RegionId: 'cn-hangzhou', 'InstanceId.1': 'i-a', Name: 'f.txt', TargetDir: '/tmp/x', Content: 'hi' };

describe('SendFile parameters (spec §14.1)', () => {
  const cases: Array<[string, Record<string, string | undefined>, string]> = [
    ['a valid call', {}, 'ok'],
    ['no InstanceId', { 'InstanceId.1': undefined }, '400 MissingParam.InstanceId'],
    ['51 instances', Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`InstanceId.${i + 1}`, `i-${i}`])), '403 InstanceIds.ExceedLimit'],
    ['50 instances', Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`InstanceId.${i + 1}`, `i-${i}`])), 'ok'],
    ['no Name', { Name: undefined }, '400 MissingParameter.Name'],
    ['a 255-character Name', { Name: 'n'.repeat(255) }, 'ok'],
    ['a 256-character Name', { Name: 'n'.repeat(256) }, '403 FileName.ExceedLimit'],
    ['no TargetDir', { TargetDir: undefined }, '400 MissingParameter.TargetDir'],
    ['a relative TargetDir', { TargetDir: 'tmp/x' }, '400 FileTargetDir.Invalid'],
    ['a 256-character TargetDir', { TargetDir: '/' + 'd'.repeat(255) }, '400 FileTargetDir.Invalid'],
    ['no Content', { Content: undefined }, '400 MissingParameter.Content'],
    ['ContentType base64 (any case)', { ContentType: 'base64', Content: 'aGk=' }, 'ok'],
    ['an unknown ContentType', { ContentType: 'Hex' }, '400 FileContentType.Invalid'],
    ['a 513-character Description', { Description: 'd'.repeat(513) }, '403 FileDesc.ExceedLimit'],
    ['a 65-character FileOwner', { FileOwner: 'o'.repeat(65) }, '400 InvalidParameter.FileOwner'],
    ['a FileOwner with a colon', { FileOwner: 'a:b' }, '400 InvalidParameter.FileOwner'],
    ['a 65-character FileGroup', { FileGroup: 'g'.repeat(65) }, '400 InvalidParameter.FileGroup'],
    ['FileMode 0755', { FileMode: '0755' }, 'ok'],
    ['FileMode 644', { FileMode: '644' }, 'ok'],
    ['FileMode 0999', { FileMode: '0999' }, '400 FileMode.Invalid'],
    ['FileMode u+x', { FileMode: 'u+x' }, '400 FileMode.Invalid'],
    ['FileMode 07777', { FileMode: '07777' }, '400 FileMode.Invalid'],
    ['Overwrite maybe', { Overwrite: 'maybe' }, '400 InvalidParameter.Overwrite'],
    ['Timeout 5 (raised later, not refused)', { Timeout: '5' }, 'ok'],
    ['Timeout 86401', { Timeout: '86401' }, '403 InvalidTimeout.ExceedLimit'],
    ['a duplicate tag key', { 'Tag.1.Key': 'a', 'Tag.2.Key': 'a' }, '400 Duplicate.TagKey'],
    ['a tag value without key', { 'Tag.1.Value': 'v' }, '400 MissingParameter.TagKey'],
    ['an unknown region', { RegionId: 'mars-1' }, '404 InvalidRegionId.NotFound'],
  ];
  it.each(cases)('%s gives %s', (_what, change, expected) => {
    const entries = Object.entries({ ...base, ...change }).filter((e): e is [string, string] => e[1] !== undefined);
    expect(codeOf(() => validateParams(new Map(entries), CATALOG.SendFile))).toBe(expected);
  });
});

describe('fileContentBase64 (32 KB after Base64)', () => {
  const limitText = 'x'.repeat((FILE_CONTENT_LIMIT / 4) * 3); // exactly 32768 Base64 characters
  const cases: Array<[string, string, 'PlainText' | 'Base64', string]> = [
    ['plain text', 'héllo', 'PlainText', Buffer.from('héllo').toString('base64')],
    ['Base64', 'AAEC/w==', 'Base64', 'AAEC/w=='],
    ['Base64 with line breaks', 'AAEC\n/w==', 'Base64', 'AAEC/w=='],
    ['plain text at the limit', limitText, 'PlainText', Buffer.from(limitText).toString('base64')],
  ];
  it.each(cases)('encodes %s', (_what, content, type, expected) => {
    expect(fileContentBase64(content, type)).toBe(expected);
  });

  const errors: Array<[string, string, 'PlainText' | 'Base64', string]> = [
    ['plain text one byte over the limit', limitText + 'x', 'PlainText', '403 FileSize.ExceedLimit'],
    ['Base64 over the limit', 'AAAA'.repeat(FILE_CONTENT_LIMIT / 4 + 1), 'Base64', '403 FileSize.ExceedLimit'],
    ['text that is not Base64', 'not base64!', 'Base64', '400 FileContent.DecodeError'],
    ['Base64 with a bad length', 'AAE', 'Base64', '400 FileContent.DecodeError'],
  ];
  it.each(errors)('refuses %s with %s', (_what, content, type, expected) => {
    expect(codeOf(() => fileContentBase64(content, type))).toBe(expected);
  });
});

describe('sendFileTimeout', () => {
  it.each([
    [undefined, 60],
    [0, 10],
    [9, 10],
    [10, 10],
    [3600, 3600],
  ] as Array<[number | undefined, number]>)('%s → %i', (given, expected) => {
    expect(sendFileTimeout(given)).toBe(expected);
  });
});

describe('fileAggregateStatus (spec §14.2)', () => {
  const cases: Array<[S[], string]> = [
    [['Pending', 'Running', 'Success'], 'Pending'],
    [['Running', 'Success'], 'Running'],
    [['Running', 'Failed'], 'Running'],
    [['Success'], 'Success'],
    [['Success', 'Success'], 'Success'],
    [['Failed'], 'Failed'],
    [['Invalid', 'Aborted', 'Timeout', 'Error', 'Failed'], 'Failed'],
    [['Success', 'Invalid'], 'PartialFailed'],
    [['Aborted', 'Success', 'Success'], 'PartialFailed'],
  ];
  it.each(cases)('derives %j as %s', (statuses, expected) => {
    expect(fileAggregateStatus(statuses)).toBe(expected);
  });
});

describe('statusOfFileOutcome (the agent facts → public status)', () => {
  const failed = (reason: Extract<FileOutcome, { kind: 'failed' }>['reason']): FileOutcome => ({ kind: 'failed', reason, detail: '' });
  const cases: Array<[string, FileOutcome, string, string, string]> = [
    ['written', { kind: 'written' }, 'Success', '', ''],
    ['file-exists', failed('file-exists'), 'Failed', 'FileAlreadyExists', 'File already exists'],
    ['owner-not-exists', failed('owner-not-exists'), 'Invalid', 'UserGroupNotExists', 'Owner not exists'],
    ['group-not-exists', failed('group-not-exists'), 'Invalid', 'UserGroupNotExists', 'Group not exists'],
    ['name-invalid', failed('name-invalid'), 'Invalid', 'FileNameInvalid', 'File name is invalid'],
    ['path-invalid', failed('path-invalid'), 'Invalid', 'FilePathInvalid', 'File path is invalid'],
    ['mode-invalid', failed('mode-invalid'), 'Invalid', 'FileAuthorityInvalid', 'Mode is invalid'],
    ['authority-failed', failed('authority-failed'), 'Failed', 'FileAuthorityInvalid', 'the authority of file is invalid'],
    ['create-failed', failed('create-failed'), 'Failed', 'FileCreateFail', 'the file creation is failed due to unknown error'],
  ];
  it.each(cases)('maps %s', (_what, outcome, status, errorCode, errorInfo) => {
    expect(statusOfFileOutcome(outcome)).toEqual({ status, errorCode, errorInfo });
  });

  it('aborts an undelivered file with ClientNotRunning or DeliveryTimeout', () => {
    expect(undeliveredFileStatus(false)).toEqual({ status: 'Aborted', errorCode: 'ClientNotRunning', errorInfo: FILE_ERROR_INFO.ClientNotRunning });
    expect(undeliveredFileStatus(true)).toEqual({ status: 'Aborted', errorCode: 'DeliveryTimeout', errorInfo: 'the command delivery has been timeout' });
  });
});
