import { XMLBuilder } from 'fast-xml-parser';
import type { RawParams } from './request-params.js';
import type { Body } from './views.js';

export type ResponseFormat = 'JSON' | 'XML';

/**
 * `Format` (case-insensitive) decides; without it `accept: application/json` means JSON, and
 * anything else gets XML, the ECS default (spec §1.3, §1.5).
 */
export function responseFormat(params: RawParams, accept: string | undefined): ResponseFormat {
  const format = params.get('Format')?.toUpperCase();
  if (format === 'JSON' || format === 'XML') return format;
  return accept?.toLowerCase().includes('application/json') ? 'JSON' : 'XML';
}

/** What XML 1.0 cannot carry at all, even escaped: C0 controls but tab, LF, CR; U+FFFE, U+FFFF; lone surrogates. */
const NOT_XML_CHARACTER = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** A text value as XML 1.0 can hold it: each character it cannot carry becomes U+FFFD (JSON answers keep them). Pure. */
export function xmlText(value: string): string {
  return value.replace(NOT_XML_CHARACTER, '\uFFFD');
}

const xml = new XMLBuilder({
  ignoreAttributes: true,
  format: false,
  suppressEmptyNode: false,
  tagValueProcessor: (_name: string, value: unknown) => (typeof value === 'string' ? xmlText(value) : value) as string,
});
const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

export interface RenderedBody {
  contentType: string;
  text: string;
}

/** A success body: JSON as is, XML under `<ActionResponse>` with list wrappers repeated. */
export function renderSuccess(body: Body, action: string, format: ResponseFormat): RenderedBody {
  if (format === 'JSON') return { contentType: 'application/json;charset=utf-8', text: JSON.stringify(body) };
  return { contentType: 'text/xml;charset=utf-8', text: XML_DECLARATION + xml.build({ [`${action}Response`]: body }) };
}

/** An error body: `{RequestId,HostId,Code,Message,Recommend}` or `<Error>…</Error>`. */
export function renderError(body: Body, format: ResponseFormat): RenderedBody {
  if (format === 'JSON') return { contentType: 'application/json;charset=utf-8', text: JSON.stringify(body) };
  return { contentType: 'text/xml;charset=utf-8', text: XML_DECLARATION + xml.build({ Error: body }) };
}
