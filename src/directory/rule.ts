// Dynamic membership rules of device groups, as Entra writes them:
//   (device.devicePhysicalIds -any (_ -startsWith "[ZTDid]")) -and (device.deviceOwnership -eq "Company")
// Parsed once into a small tree (parseMembershipRule, which rejects a bad rule naming the position), evaluated in JS
// against Entra devices (evaluateRule). Entra compares case-insensitively: property names, operators and string
// values alike. Only `device.` rules: Tarmac's groups hold devices.
import type { EntraDevice } from '../model/index.js';

/** What a rule can read of a device: these properties of an Entra device. */
export type RuleSubject = Pick<
  EntraDevice,
  | 'id'
  | 'deviceId'
  | 'displayName'
  | 'operatingSystem'
  | 'operatingSystemVersion'
  | 'accountEnabled'
  | 'trustType'
  | 'enrollmentProfileName'
  | 'deviceOwnership'
  | 'managementType'
  | 'physicalIds'
>;

export type StringOperator = 'eq' | 'ne' | 'startsWith' | 'notStartsWith' | 'contains' | 'notContains' | 'match' | 'notMatch' | 'in' | 'notIn';

export type RuleNode =
  | { kind: 'and' | 'or'; left: RuleNode; right: RuleNode }
  | { kind: 'not'; operand: RuleNode }
  /** A single-valued property (or, inside -any/-all, the element `_`) compared with a value. */
  | { kind: 'compare'; property: PropertyName | '_'; op: StringOperator; value: RuleValue }
  | { kind: 'collection'; property: CollectionName; quantifier: 'any' | 'all'; predicate: RuleNode };

/** A string, a boolean, null, a list (for -in/-notIn) or a compiled regular expression (for -match). */
export type RuleValue = { type: 'string'; value: string } | { type: 'boolean'; value: boolean } | { type: 'null' } | { type: 'list'; values: string[] } | { type: 'regex'; source: string; regex: RegExp };

/** The device properties a rule may use (Entra's names), and where each comes from. */
const STRING_PROPERTIES = {
  displayName: (d: RuleSubject) => d.displayName,
  deviceId: (d: RuleSubject) => d.deviceId,
  objectId: (d: RuleSubject) => d.id,
  deviceOwnership: (d: RuleSubject) => d.deviceOwnership,
  deviceTrustType: (d: RuleSubject) => d.trustType,
  enrollmentProfileName: (d: RuleSubject) => d.enrollmentProfileName,
  managementType: (d: RuleSubject) => d.managementType,
  deviceOSType: (d: RuleSubject) => d.operatingSystem,
  deviceOSVersion: (d: RuleSubject) => d.operatingSystemVersion,
} as const;
const BOOLEAN_PROPERTIES = { accountEnabled: (d: RuleSubject) => d.accountEnabled } as const;
const COLLECTION_PROPERTIES = { devicePhysicalIds: (d: RuleSubject) => d.physicalIds } as const;

export type PropertyName = keyof typeof STRING_PROPERTIES | keyof typeof BOOLEAN_PROPERTIES;
export type CollectionName = keyof typeof COLLECTION_PROPERTIES;

/** Other spellings people use (Graph's property names, the CA filter's `physicalIds`), mapped to Entra's. */
const ALIASES: Record<string, PropertyName | CollectionName> = {
  operatingsystem: 'deviceOSType',
  operatingsystemversion: 'deviceOSVersion',
  trusttype: 'deviceTrustType',
  physicalids: 'devicePhysicalIds',
  id: 'objectId',
};

const OPERATORS: Record<string, StringOperator | 'any' | 'all' | 'and' | 'or' | 'not'> = {
  '-eq': 'eq',
  '-ne': 'ne',
  '-startswith': 'startsWith',
  '-notstartswith': 'notStartsWith',
  '-contains': 'contains',
  '-notcontains': 'notContains',
  '-match': 'match',
  '-notmatch': 'notMatch',
  '-in': 'in',
  '-notin': 'notIn',
  '-any': 'any',
  '-all': 'all',
  '-and': 'and',
  '-or': 'or',
  '-not': 'not',
};
const COMPARISONS = '-eq, -ne, -startsWith, -notStartsWith, -contains, -notContains, -match, -notMatch, -in, -notIn';

/** Entra's limit on the length of a membership rule. */
export const MAX_RULE_LENGTH = 3072;

export class MembershipRuleError extends Error {
  override readonly name = 'MembershipRuleError';
  constructor(
    readonly position: number,
    readonly detail: string,
  ) {
    super(`Invalid membershipRule at position ${position}: ${detail}`);
  }
}

interface Token {
  kind: 'lparen' | 'rparen' | 'lbracket' | 'rbracket' | 'comma' | 'operator' | 'string' | 'word';
  text: string;
  /** For strings: the value without quotes and escapes. */
  value: string;
  position: number;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const single: Record<string, Token['kind']> = { '(': 'lparen', ')': 'rparen', '[': 'lbracket', ']': 'rbracket', ',': 'comma' };
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c in single) {
      tokens.push({ kind: single[c], text: c, value: c, position: i });
      i++;
    } else if (c === '"' || c === '\u201c' || c === '\u201d') {
      // Entra escapes a double quote inside a string with a backtick: "a`"b".
      if (c !== '"') throw new MembershipRuleError(i, 'use straight double quotes (") around values, not typographic quotes');
      const start = i;
      let value = '';
      for (i++; ; i++) {
        if (i >= text.length) throw new MembershipRuleError(start, 'unterminated string (close it with ", and write a quote inside a string as `")');
        if (text[i] === '`' && text[i + 1] === '"') {
          value += '"';
          i++;
        } else if (text[i] === '"') break;
        else value += text[i];
      }
      i++;
      tokens.push({ kind: 'string', text: text.slice(start, i), value, position: start });
    } else if (c === "'") {
      throw new MembershipRuleError(i, 'put values in double quotes ("…"), not single quotes');
    } else if (c === '-') {
      const m = /^-[A-Za-z]+/.exec(text.slice(i));
      if (!m) throw new MembershipRuleError(i, "expected an operator after '-' (e.g. -eq, -and)");
      tokens.push({ kind: 'operator', text: m[0], value: m[0].toLowerCase(), position: i });
      i += m[0].length;
    } else {
      const m = /^[A-Za-z0-9_.]+/.exec(text.slice(i));
      if (!m) throw new MembershipRuleError(i, `unexpected character '${c}'`);
      tokens.push({ kind: 'word', text: m[0], value: m[0], position: i });
      i += m[0].length;
    }
  }
  return tokens;
}

/** Parses and validates a rule. Throws MembershipRuleError naming the position (0-based) and what is wrong. */
export function parseMembershipRule(text: string): RuleNode {
  if (text.trim() === '') throw new MembershipRuleError(0, 'the rule is empty');
  if (text.length > MAX_RULE_LENGTH) throw new MembershipRuleError(MAX_RULE_LENGTH, `a rule is at most ${MAX_RULE_LENGTH} characters long`);
  return new Parser(text, tokenize(text)).rule();
}

class Parser {
  private i = 0;
  /** Inside -any/-all: the element `_` is the only subject. */
  private inLambda = false;

  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
  ) {}

  rule(): RuleNode {
    const node = this.or();
    const rest = this.tokens[this.i];
    if (rest) {
      throw new MembershipRuleError(rest.position, rest.kind === 'rparen' ? "unexpected ')' without a matching '('" : `expected -and or -or before '${rest.text}'`);
    }
    return node;
  }

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }

  private isOperator(name: string): boolean {
    const t = this.peek();
    return t?.kind === 'operator' && OPERATORS[t.value] === name;
  }

  private end(): number {
    return this.text.length;
  }

  private or(): RuleNode {
    let left = this.and();
    while (this.isOperator('or')) {
      this.i++;
      left = { kind: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): RuleNode {
    let left = this.unary();
    while (this.isOperator('and')) {
      this.i++;
      left = { kind: 'and', left, right: this.unary() };
    }
    return left;
  }

  private unary(): RuleNode {
    if (this.isOperator('not')) {
      this.i++;
      return { kind: 'not', operand: this.unary() };
    }
    return this.primary();
  }

  private primary(): RuleNode {
    const t = this.peek();
    if (!t) throw new MembershipRuleError(this.end(), 'the rule ends too early (a condition is missing)');
    if (t.kind === 'lparen') {
      this.i++;
      const node = this.or();
      const close = this.peek();
      if (close?.kind !== 'rparen') {
        throw new MembershipRuleError(close?.position ?? t.position, close ? `expected ')' (or -and/-or) before '${close.text}'` : "'(' is never closed");
      }
      this.i++;
      return node;
    }
    if (t.kind !== 'word') throw new MembershipRuleError(t.position, `expected a condition like device.displayName -eq "PC-1", found '${t.text}'`);
    return this.condition(t);
  }

  private condition(subject: Token): RuleNode {
    this.i++;
    const property = this.subject(subject);
    const opToken = this.peek();
    if (opToken?.kind !== 'operator') {
      throw new MembershipRuleError(opToken?.position ?? this.end(), `expected an operator after '${subject.text}' (${COMPARISONS}${property.kind === 'collection' ? ', -any, -all' : ''})`);
    }
    const op = OPERATORS[opToken.value];
    if (!op) throw new MembershipRuleError(opToken.position, `unknown operator '${opToken.text}' (supported: ${COMPARISONS}, -any, -all, -and, -or, -not)`);
    this.i++;

    if (property.kind === 'collection') {
      if (op !== 'any' && op !== 'all') {
        throw new MembershipRuleError(
          opToken.position,
          `'${subject.text}' holds several values: use -any or -all, e.g. (device.devicePhysicalIds -any (_ ${opToken.text} "…"))`,
        );
      }
      return { kind: 'collection', property: property.name, quantifier: op, predicate: this.lambda(opToken) };
    }
    if (op === 'any' || op === 'all') throw new MembershipRuleError(opToken.position, `${opToken.text} applies to multi-valued properties (device.devicePhysicalIds); '${subject.text}' has one value`);
    if (op === 'and' || op === 'or' || op === 'not') throw new MembershipRuleError(opToken.position, `expected a comparison (${COMPARISONS}) after '${subject.text}', found '${opToken.text}'`);
    if (property.kind === 'boolean' && op !== 'eq' && op !== 'ne') {
      throw new MembershipRuleError(opToken.position, `'${subject.text}' is true or false: compare it with -eq or -ne`);
    }
    const value = this.value(op, property.kind === 'boolean', subject.text);
    return { kind: 'compare', property: property.name, op, value };
  }

  /** `(_ -startsWith "[ZTDid]")`, or any -and/-or/-not of such conditions on `_`. */
  private lambda(opToken: Token): RuleNode {
    const open = this.peek();
    if (open?.kind !== 'lparen') {
      throw new MembershipRuleError(open?.position ?? this.end(), `${opToken.text} takes a condition on _ in parentheses, e.g. ${opToken.text} (_ -startsWith "[ZTDid]")`);
    }
    if (this.inLambda) throw new MembershipRuleError(opToken.position, `${opToken.text} cannot be nested`);
    this.inLambda = true;
    try {
      return this.primary();
    } finally {
      this.inLambda = false;
    }
  }

  private subject(t: Token): { kind: 'string' | 'boolean'; name: PropertyName | '_' } | { kind: 'collection'; name: CollectionName } {
    if (this.inLambda) {
      if (t.value !== '_') throw new MembershipRuleError(t.position, `inside -any/-all, compare the element _ (e.g. _ -startsWith "[ZTDid]"), not '${t.text}'`);
      return { kind: 'string', name: '_' };
    }
    if (t.value === '_') throw new MembershipRuleError(t.position, '_ stands for an element of a multi-valued property and can only be used inside -any/-all');
    const dot = t.value.indexOf('.');
    const object = dot < 0 ? '' : t.value.slice(0, dot).toLowerCase();
    const name = dot < 0 ? t.value : t.value.slice(dot + 1);
    if (object === 'user') throw new MembershipRuleError(t.position, `'${t.text}': Tarmac groups hold devices only; write rules on device properties (device.…)`);
    if (object !== 'device') {
      const what = ['true', 'false', 'null'].includes(t.value.toLowerCase()) ? 'a value' : `'${t.text}'`;
      throw new MembershipRuleError(t.position, `expected a device property like device.displayName, found ${what}`);
    }
    const resolved = resolveRuleProperty(name);
    if (!resolved) throw new MembershipRuleError(t.position + dot + 1, `unknown device property '${name}' (supported: ${knownProperties().join(', ')})`);
    return resolved;
  }

  private value(op: StringOperator, booleanProperty: boolean, subject: string): RuleValue {
    const t = this.peek();
    if (!t) throw new MembershipRuleError(this.end(), `a value must follow the operator`);
    if (op === 'in' || op === 'notIn') return this.list(t, op, booleanProperty, subject);
    this.i++;
    if (t.kind === 'word' && t.value.toLowerCase() === 'null') {
      if (op !== 'eq' && op !== 'ne') throw new MembershipRuleError(t.position, 'null can only be compared with -eq or -ne');
      return { type: 'null' };
    }
    if (booleanProperty) {
      const word = t.kind === 'word' || t.kind === 'string' ? t.value.toLowerCase() : '';
      if (op !== 'eq' && op !== 'ne') throw new MembershipRuleError(t.position, `'${subject}' is true or false: compare it with -eq or -ne`);
      if (word !== 'true' && word !== 'false') throw new MembershipRuleError(t.position, `'${subject}' is true or false, not ${t.text}`);
      return { type: 'boolean', value: word === 'true' };
    }
    if (t.kind !== 'string') throw new MembershipRuleError(t.position, `put the value in double quotes, e.g. "${t.text}"`);
    if (op === 'match' || op === 'notMatch') {
      try {
        return { type: 'regex', source: t.value, regex: new RegExp(t.value, 'i') };
      } catch (err) {
        throw new MembershipRuleError(t.position, `not a valid regular expression: ${(err as Error).message}`);
      }
    }
    return { type: 'string', value: t.value };
  }

  private list(open: Token, op: StringOperator, booleanProperty: boolean, subject: string): RuleValue {
    const name = op === 'in' ? '-in' : '-notIn';
    if (booleanProperty) throw new MembershipRuleError(open.position, `'${subject}' is true or false: compare it with -eq or -ne`);
    if (open.kind !== 'lbracket') throw new MembershipRuleError(open.position, `${name} takes a list in brackets, e.g. ${name} ["a","b"]`);
    this.i++;
    const values: string[] = [];
    for (;;) {
      const t = this.peek();
      if (!t) throw new MembershipRuleError(open.position, "'[' is never closed");
      if (t.kind === 'rbracket' && values.length === 0) throw new MembershipRuleError(t.position, `${name} needs at least one value`);
      if (t.kind !== 'string') throw new MembershipRuleError(t.position, `list values go in double quotes, e.g. ["a","b"]`);
      values.push(t.value);
      this.i++;
      const sep = this.peek();
      if (sep?.kind === 'comma') {
        this.i++;
        continue;
      }
      if (sep?.kind === 'rbracket') {
        this.i++;
        return { type: 'list', values };
      }
      throw new MembershipRuleError(sep?.position ?? this.end(), "expected ',' or ']' in the list");
    }
  }
}

function knownProperties(): string[] {
  return [...Object.keys(STRING_PROPERTIES), ...Object.keys(BOOLEAN_PROPERTIES), ...Object.keys(COLLECTION_PROPERTIES)];
}

function resolveRuleProperty(name: string): { kind: 'string' | 'boolean'; name: PropertyName } | { kind: 'collection'; name: CollectionName } | undefined {
  const lower = name.toLowerCase();
  const canonical = knownProperties().find((p) => p.toLowerCase() === lower) ?? ALIASES[lower];
  if (!canonical) return undefined;
  if (canonical in COLLECTION_PROPERTIES) return { kind: 'collection', name: canonical as CollectionName };
  if (canonical in BOOLEAN_PROPERTIES) return { kind: 'boolean', name: canonical as PropertyName };
  return { kind: 'string', name: canonical as PropertyName };
}

/** True when the device satisfies the rule. */
export function evaluateRule(node: RuleNode, device: RuleSubject): boolean {
  return evaluate(node, device, undefined);
}

function evaluate(node: RuleNode, device: RuleSubject, element: string | undefined): boolean {
  switch (node.kind) {
    case 'and':
      return evaluate(node.left, device, element) && evaluate(node.right, device, element);
    case 'or':
      return evaluate(node.left, device, element) || evaluate(node.right, device, element);
    case 'not':
      return !evaluate(node.operand, device, element);
    case 'collection': {
      const values = COLLECTION_PROPERTIES[node.property](device);
      return node.quantifier === 'any' ? values.some((v) => evaluate(node.predicate, device, v)) : values.every((v) => evaluate(node.predicate, device, v));
    }
    case 'compare': {
      if (node.property === '_') return compare(element ?? null, node.op, node.value);
      if (node.property in BOOLEAN_PROPERTIES) {
        const actual = BOOLEAN_PROPERTIES[node.property as keyof typeof BOOLEAN_PROPERTIES](device);
        if (node.value.type !== 'boolean') return node.op === 'ne';
        return node.op === 'eq' ? actual === node.value.value : actual !== node.value.value;
      }
      return compare(STRING_PROPERTIES[node.property as keyof typeof STRING_PROPERTIES](device), node.op, node.value);
    }
  }
}

/** One string comparison, case-insensitive. An unset value (null or "") equals null and matches no string operator. */
function compare(actual: string | null, op: StringOperator, value: RuleValue): boolean {
  const a = (actual ?? '').toLowerCase();
  if (value.type === 'null') return op === 'eq' ? a === '' : a !== '';
  switch (op) {
    case 'eq':
      return value.type === 'string' && a === value.value.toLowerCase();
    case 'ne':
      return !(value.type === 'string' && a === value.value.toLowerCase());
    case 'startsWith':
      return value.type === 'string' && a.startsWith(value.value.toLowerCase());
    case 'notStartsWith':
      return !(value.type === 'string' && a.startsWith(value.value.toLowerCase()));
    case 'contains':
      return value.type === 'string' && a.includes(value.value.toLowerCase());
    case 'notContains':
      return !(value.type === 'string' && a.includes(value.value.toLowerCase()));
    case 'match':
      return value.type === 'regex' && value.regex.test(actual ?? '');
    case 'notMatch':
      return !(value.type === 'regex' && value.regex.test(actual ?? ''));
    case 'in':
      return value.type === 'list' && value.values.some((v) => v.toLowerCase() === a);
    case 'notIn':
      return !(value.type === 'list' && value.values.some((v) => v.toLowerCase() === a));
  }
}

/** The rule as text in Entra's canonical spelling (for tests and messages). */
export function formatRule(node: RuleNode): string {
  switch (node.kind) {
    case 'and':
    case 'or':
      return `(${formatRule(node.left)} -${node.kind} ${formatRule(node.right)})`;
    case 'not':
      return `-not ${formatRule(node.operand)}`;
    case 'collection':
      return `(device.${node.property} -${node.quantifier} ${formatRule(node.predicate)})`;
    case 'compare': {
      const subject = node.property === '_' ? '_' : `device.${node.property}`;
      return `(${subject} -${node.op} ${formatValue(node.value)})`;
    }
  }
}

function formatValue(value: RuleValue): string {
  const quote = (s: string) => `"${s.replace(/"/g, '`"')}"`;
  switch (value.type) {
    case 'string':
      return quote(value.value);
    case 'regex':
      return quote(value.source);
    case 'boolean':
      return String(value.value);
    case 'null':
      return 'null';
    case 'list':
      return `[${value.values.map(quote).join(',')}]`;
  }
}
