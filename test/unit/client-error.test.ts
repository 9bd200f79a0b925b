import { describe, expect, it } from 'vitest';
import { clientErrorToApiError, connectionGone, formatOfRawRequest, rawErrorResponse } from '../../controlplane/api/client-error.js';
import { apiError } from '../../controlplane/api/errors.js';
import { MAX_REQUEST_HEAD_BYTES } from '../../controlplane/api/request-limits.js';

describe('formatOfRawRequest', () => {
  it.each([
    ['nothing readable', 'xxxxxxxx', 'JSON'],
    ['Format=XML in the query', 'POST /?A=1&Format=XML HTTP/1.1\r\nhost: h\r\n', 'XML'],
    ['Format=xml, lower case', 'GET /?Format=xml&A=1 HTTP/1.1\r\n', 'XML'],
    ['Format=JSON with an xml accept header', 'GET /?Format=JSON HTTP/1.1\r\naccept: text/xml\r\n', 'JSON'],
    ['an xml accept header', 'xxxx HTTP/1.1\r\nhost: h\r\naccept: application/xml\r\n', 'XML'],
    ['the SDK accept header', 'xxxx HTTP/1.1\r\naccept: application/json\r\n', 'JSON'],
    ['a Format inside another value', 'GET /?Padding=xFormat=XML HTTP/1.1\r\n', 'JSON'],
  ])('%s → %s', (_label, raw, format) => {
    expect(formatOfRawRequest(raw)).toBe(format);
  });
});

describe('clientErrorToApiError', () => {
  it('answers a header overflow with 414 Request.TooLarge naming the limit', () => {
    const error = clientErrorToApiError('HPE_HEADER_OVERFLOW');
    expect({ status: error.status, code: error.code, message: error.message }).toEqual({
      status: 414,
      code: 'Request.TooLarge',
      message: `The request line and headers exceed the limit of ${MAX_REQUEST_HEAD_BYTES} bytes.`,
    });
  });

  it.each(['HPE_INVALID_METHOD', 'HPE_INVALID_HEADER_TOKEN', undefined])('answers %s with 400 InvalidParameter', (code) => {
    expect(clientErrorToApiError(code).code).toBe('InvalidParameter');
  });
});

describe('rawErrorResponse', () => {
  it('is a complete HTTP/1.1 response with the JSON envelope and a matching content-length', () => {
    const raw = rawErrorResponse(apiError('Request.TooLarge', '10'), 'ABC', 'JSON');
    const [head, body = ''] = raw.split('\r\n\r\n');
    expect(head?.split('\r\n')[0]).toBe('HTTP/1.1 414 URI Too Long');
    expect(head).toContain(`content-length: ${Buffer.byteLength(body)}`);
    expect(head).toContain('connection: close');
    expect(JSON.parse(body)).toEqual({
      RequestId: 'ABC',
      HostId: 'ecs.aliyuncs.com',
      Code: 'Request.TooLarge',
      Message: 'The request line and headers exceed the limit of 10 bytes.',
      Recommend: 'https://api.aliyun.com/troubleshoot?q=Request.TooLarge&product=Ecs&requestId=ABC',
    });
  });
});

describe('connectionGone', () => {
  it.each([
    [{ code: 'ECONNRESET' }, true, true],
    [{ code: 'EPIPE' }, true, true],
    [{ code: 'HPE_INVALID_METHOD' }, false, true],
    [{ code: 'HPE_INVALID_METHOD' }, true, false],
    [{}, true, false],
  ])('%j on a socket writable=%s: gone %s', (error, writable, gone) => {
    expect(connectionGone(error, { writable: writable as boolean })).toBe(gone);
  });
});
