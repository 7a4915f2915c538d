// OA3.xml, as `oa3tool /Report` writes it: one <Key> per device with <HardwareHash> and, when the firmware holds an
// OA3 key, <ProductKeyID>; some tools add <SerialNumber>. Small files, so plain regular expressions are fine here.

export interface Oa3XmlHash {
  /** The base64 text of <HardwareHash>, whitespace trimmed (hand to decodeHardwareHash). */
  hardwareHash: string;
  /** 1-based line and column where the hash text starts. */
  line: number;
  column: number;
  /** <ProductKeyID> / <SerialNumber> of the same <Key> element (or of the document when there is no <Key>). */
  productKeyId: string | null;
  serialNumber: string | null;
}

const KEY = /<(?:[\w.-]+:)?Key(?:\s[^>]*)?>([\s\S]*?)<\/(?:[\w.-]+:)?Key\s*>/g;
const HASH = /<(?:[\w.-]+:)?HardwareHash(?:\s[^>]*)?>([\s\S]*?)<\/(?:[\w.-]+:)?HardwareHash\s*>/g;

/** Every <HardwareHash> in an OA3.xml document, with where it is and the key fields beside it. */
export function readOa3Xml(text: string): Oa3XmlHash[] {
  const blocks: [start: number, body: string][] = [];
  for (const m of text.matchAll(KEY)) {
    const open = m[0].indexOf('>') + 1;
    blocks.push([(m.index ?? 0) + open, m[1]]);
  }
  if (blocks.length === 0) blocks.push([0, text]);

  const out: Oa3XmlHash[] = [];
  for (const [start, body] of blocks) {
    const productKeyId = element(body, 'ProductKeyID');
    const serialNumber = element(body, 'SerialNumber');
    for (const m of body.matchAll(HASH)) {
      const inner = m[1];
      const lead = inner.length - inner.trimStart().length;
      const at = start + (m.index ?? 0) + m[0].indexOf('>') + 1 + lead;
      const { line, column } = position(text, at);
      out.push({ hardwareHash: unescapeXml(inner.trim()), line, column, productKeyId, serialNumber });
    }
  }
  return out;
}

function element(body: string, name: string): string | null {
  const m = new RegExp(`<(?:[\\w.-]+:)?${name}(?:\\s[^>]*)?>([\\s\\S]*?)</(?:[\\w.-]+:)?${name}\\s*>`).exec(body);
  if (m === null) return null;
  const value = unescapeXml(m[1].trim());
  return value === '' ? null : value;
}

function position(text: string, index: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: index - lineStart + 1 };
}

function unescapeXml(s: string): string {
  if (!s.includes('&') && !s.includes('<![CDATA[')) return s;
  return s
    .replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1')
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}
