/**
 * Go's `%q` formatting, for messages that must read exactly as Kubernetes' (which builds them with fmt).
 * `goQuote` is strconv.Quote: backslash escapes for `"`, `\` and control characters, printable text as is.
 * `goQuoteList` is `%q` of a []string: `["a" "b"]` (space-separated, as Go prints slices).
 */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (c === 0x07) out += '\\a';
    else if (c === 0x08) out += '\\b';
    else if (c === 0x0c) out += '\\f';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x0b) out += '\\v';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (c >= 0x80 && c < 0xa0) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else if (c >= 0xd800 && c <= 0xdfff)
      out += '\uFFFD'; // a lone surrogate: what reaches Go decodes as U+FFFD
    else out += ch;
  }
  return `${out}"`;
}

export function goQuoteList(values: readonly string[]): string {
  return `[${values.map(goQuote).join(' ')}]`;
}
