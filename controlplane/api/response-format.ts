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

const xml = new XMLBuilder({ ignoreAttributes: true, format: false, suppressEmptyNode: false });
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
