// HTTP Range requests (RFC 9110): which single byte range of a body to send, if any.

/**
 * Parses an HTTP Range header against a body of `size` bytes. Returns null when the body should be
 * sent whole (no header, a malformed one, another unit, or several ranges), 'unsatisfiable' for
 * a 416 answer, or the single inclusive range to send with 206 (its end clamped to the body).
 */
export function parseByteRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | 'unsatisfiable' | null {
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header ?? '');
  if (!match) return null;
  const [, first, last] = match;
  if (first === '' && last === '') return null;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? Infinity : Number(last);
  if (end < start) return null;
  if (start >= size) return 'unsatisfiable';
  return { start, end: Math.min(end, size - 1) };
}
