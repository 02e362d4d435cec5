// Content-Disposition for recording content (RFC 6266 with RFC 5987's filename*): any file name the caller asks
// for is sent safely, an ASCII fallback in `filename` and the exact name, UTF-8 percent-encoded, in `filename*`.

/** Longest file name sent, in characters (longer names are cut). */
const MAX_NAME = 255;

/** Lone surrogates (not valid UTF-16) become U+FFFD, as TextEncoder would make them. */
function wellFormed(text: string): string {
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/** RFC 5987 value characters: attr-char, everything else percent-encoded from UTF-8. */
function encodeExtValue(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9!#$&+.^_`|~-]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** `inline` or `attachment` with the file name; both forms only when the name is not plain printable ASCII. */
export function contentDisposition(type: 'inline' | 'attachment', filename: string): string {
  const name = [...wellFormed(filename)].slice(0, MAX_NAME).join('');
  const fallback = name.replace(/[^\x20-\x7E]|["\\%]/g, '_');
  if (fallback === name) return `${type}; filename="${name}"`;
  return `${type}; filename="${fallback}"; filename*=UTF-8''${encodeExtValue(name)}`;
}
