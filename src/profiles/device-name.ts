// The device name template of a deployment profile ("Apply device name template"), with Intune's rules: the name
// Windows ends up with is at most 15 characters (the NetBIOS limit), of letters, digits and hyphens, and not only
// digits. Two macros: %SERIAL% (the device's serial number) and %RAND:x% (x random digits). Intune documents them as
// alternatives, so a template holds at most one macro.
//
// Counting: the fixed characters plus the %RAND:x% digits must fit in 15. A serial number's length is unknown when
// the profile is written, so %SERIAL% needs room for at least one character and is cut to what is left when the name
// is expanded (serials longer than the room keep their first characters, like a plain truncation of the result).

export const MAX_DEVICE_NAME_LENGTH = 15;

const NAME_CHARACTER = /^[A-Za-z0-9-]$/;

type TemplatePart = { kind: 'text'; text: string } | { kind: 'serial' } | { kind: 'rand'; digits: number };

/** Splits a template into text and macros, or returns an error message. */
function parseTemplate(template: string): TemplatePart[] | string {
  const parts: TemplatePart[] = [];
  let text = '';
  let index = 0;
  while (index < template.length) {
    const char = template.charAt(index);
    if (char === '%') {
      const rest = template.slice(index);
      const serial = /^%SERIAL%/.exec(rest);
      const rand = /^%RAND:(\d+)%/.exec(rest);
      if (!serial && !rand) {
        return `deviceNameTemplate has an unknown macro at position ${index + 1}: only %SERIAL% and %RAND:x% (x = number of digits) are supported.`;
      }
      if (text) parts.push({ kind: 'text', text });
      text = '';
      if (serial) {
        parts.push({ kind: 'serial' });
        index += serial[0].length;
      } else if (rand) {
        parts.push({ kind: 'rand', digits: Number(rand[1]) });
        index += rand[0].length;
      }
      continue;
    }
    if (!NAME_CHARACTER.test(char)) {
      return `deviceNameTemplate may contain only letters (a-z, A-Z), digits (0-9), hyphens and the macros %SERIAL% or %RAND:x%; '${char}' at position ${index + 1} is not allowed.`;
    }
    text += char;
    index += 1;
  }
  if (text) parts.push({ kind: 'text', text });
  return parts;
}

/** Why the template is not acceptable, or null when it is (an empty template means "no template" and is fine). */
export function validateDeviceNameTemplate(template: string): string | null {
  if (template === '') return null;
  const parts = parseTemplate(template);
  if (typeof parts === 'string') return parts;
  const macros = parts.filter((part) => part.kind !== 'text');
  if (macros.length > 1) return 'deviceNameTemplate may use only one macro: either %SERIAL% or %RAND:x%.';
  const fixed = parts.reduce((sum, part) => sum + (part.kind === 'text' ? part.text.length : 0), 0);
  const macro = macros[0];
  if (macro?.kind === 'rand') {
    if (macro.digits < 1) return 'deviceNameTemplate: %RAND:x% needs at least 1 digit.';
    if (fixed + macro.digits > MAX_DEVICE_NAME_LENGTH) {
      return `deviceNameTemplate produces names of ${fixed + macro.digits} characters; device names can be at most ${MAX_DEVICE_NAME_LENGTH}.`;
    }
  } else if (macro?.kind === 'serial') {
    if (fixed > MAX_DEVICE_NAME_LENGTH - 1) {
      return `deviceNameTemplate leaves no room for %SERIAL%: the other characters already take ${fixed} of ${MAX_DEVICE_NAME_LENGTH}.`;
    }
  } else if (fixed > MAX_DEVICE_NAME_LENGTH) {
    return `deviceNameTemplate is ${fixed} characters long; device names can be at most ${MAX_DEVICE_NAME_LENGTH}.`;
  }
  // With %SERIAL% the serial may bring letters; otherwise the fixed text must hold something other than digits.
  const fixedText = parts.map((part) => (part.kind === 'text' ? part.text : '')).join('');
  if (macro?.kind !== 'serial' && /^\d*$/.test(fixedText)) {
    return 'deviceNameTemplate must not produce names made of digits only.';
  }
  return null;
}

/**
 * The device name a (valid) template gives this device: %SERIAL% becomes the serial number without characters a
 * computer name cannot hold, cut to the room left; %RAND:x% becomes x digits from `random` (a function like
 * Math.random). The result is at most 15 characters.
 */
export function expandDeviceName(template: string, serialNumber: string, random: () => number = Math.random): string {
  const parts = parseTemplate(template);
  if (typeof parts === 'string') throw new Error(parts);
  const fixed = parts.reduce((sum, part) => sum + (part.kind === 'text' ? part.text.length : part.kind === 'rand' ? part.digits : 0), 0);
  const serialRoom = Math.max(0, MAX_DEVICE_NAME_LENGTH - fixed);
  const cleanSerial = [...serialNumber].filter((char) => NAME_CHARACTER.test(char)).join('');
  const name = parts
    .map((part) => {
      if (part.kind === 'text') return part.text;
      if (part.kind === 'serial') return cleanSerial.slice(0, serialRoom);
      return Array.from({ length: part.digits }, () => String(Math.min(9, Math.floor(random() * 10)))).join('');
    })
    .join('');
  return name.slice(0, MAX_DEVICE_NAME_LENGTH);
}
