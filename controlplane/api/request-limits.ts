/**
 * How large a request may be. The SDKs put every API parameter in the URL (sdk-wire §1), so
 * the request line carries the whole call, and Node's default 16 KB limit on the request line
 * plus headers refuses valid calls (a 13 KB script is 17.3 KB of Base64, more once URL-encoded).
 *
 * The largest valid call is a RunCommand with KeepCommand=false: content plus parameters up to
 * 24 KB of Base64 (18 KB of script bytes after substitution). Its worst URL-encoding is about
 * 8 characters per script byte (a control byte in a `Parameters` value: JSON `\u0001`, then
 * `%5Cu0001`), about 150 KB. The other parameters add at most about 120 KB: 20 Tag.N and 20
 * ResourceTag.N of 64 + 128 characters (up to 12 URL characters each, a 4-byte UTF-8 character
 * percent-encoded) are about 92 KB, then Name, Description, Launcher, Username, 100 instance
 * IDs, … Under 300 KB in all, with a few KB of headers; 1 MiB, the same as the form body limit,
 * leaves more than a threefold margin.
 */
export const MAX_REQUEST_HEAD_BYTES = 1024 * 1024;

/** The largest form body (POST x-www-form-urlencoded) accepted. */
export const MAX_BODY_BYTES = 1024 * 1024;
