// Splits one physical line into values. Autopilot values never contain a delimiter, a quotation mark or a line
// break, so a quoted value never spans lines here: an unterminated quote is closed at the end of its line, which
// keeps one bad line from swallowing the rest of the file.

export interface SplitLine {
  /** Values with quotation marks removed (RFC 4180 `""` → `"`), not trimmed. */
  values: string[];
  /** Per value: whether it had quotation marks; null when the line has none at all (the fast, common case). */
  quoted: boolean[] | null;
  /** A quoted value ran to the end of the line without its closing quotation mark. */
  unterminated: boolean;
}

export function splitLine(text: string, delimiter: string): SplitLine {
  if (text.indexOf('"') === -1) return { values: text.split(delimiter), quoted: null, unterminated: false };
  const values: string[] = [];
  const quoted: boolean[] = [];
  let unterminated = false;
  let i = 0;
  const n = text.length;
  for (;;) {
    let j = i;
    while (j < n && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j++;
    if (j < n && text.charCodeAt(j) === 34 /* " */) {
      // Quoted value: keep the whitespace before it (reported as TrailingWhitespace, then trimmed).
      let value = text.slice(i, j);
      let k = j + 1;
      let closed = false;
      for (;;) {
        const q = text.indexOf('"', k);
        if (q === -1) {
          value += text.slice(k);
          k = n;
          break;
        }
        value += text.slice(k, q);
        if (text.charCodeAt(q + 1) === 34) {
          value += '"';
          k = q + 2;
          continue;
        }
        k = q + 1;
        closed = true;
        break;
      }
      if (!closed) {
        unterminated = true;
        values.push(value);
        quoted.push(true);
        break;
      }
      // Anything between the closing quote and the delimiter belongs to the value (stray quotes removed).
      const d = text.indexOf(delimiter, k);
      const tail = d === -1 ? text.slice(k) : text.slice(k, d);
      values.push(value + tail.replaceAll('"', ''));
      quoted.push(true);
      if (d === -1) break;
      i = d + delimiter.length;
      continue;
    }
    const d = text.indexOf(delimiter, i);
    const raw = d === -1 ? text.slice(i) : text.slice(i, d);
    if (raw.indexOf('"') === -1) {
      values.push(raw);
      quoted.push(false);
    } else {
      values.push(raw.replaceAll('"', ''));
      quoted.push(true);
    }
    if (d === -1) break;
    i = d + delimiter.length;
  }
  return { values, quoted, unterminated };
}
