// $filter: parse with @odata/parser, then validate against the entity model into a small typed tree (FilterNode,
// src/model/list-query.ts) that the store's compiler (src/store/list-query/compile.ts) turns into a WHERE condition.
// Every rejection names the position in the $filter text.
import { defaultParser, type Token } from '@odata/parser';
import {
  LAMBDA_ELEMENT,
  resolveProperty,
  type CompareOp,
  type EntityModel,
  type FilterNode,
  type FilterValue,
  type ResolvedProperty,
  type StringFunction,
} from '../../model/index.js';
import { filterError } from './errors.js';
import { unknownPropertyMessage } from './model.js';

const COMPARE: Record<string, CompareOp> = {
  EqualsExpression: 'eq',
  NotEqualsExpression: 'ne',
  GreaterThanExpression: 'gt',
  GreaterOrEqualsExpression: 'ge',
  LesserThanExpression: 'lt',
  LesserOrEqualsExpression: 'le',
};
/** `'x' lt prop` is `prop gt 'x'`. */
const MIRRORED: Record<CompareOp, CompareOp> = { eq: 'eq', ne: 'ne', gt: 'lt', ge: 'le', lt: 'gt', le: 'ge' };
const FUNCTIONS: readonly StringFunction[] = ['contains', 'startswith', 'endswith'];
const OPERATOR_NAMES: Record<string, string> = {
  HasExpression: 'has',
  AddExpression: 'add',
  SubExpression: 'sub',
  MulExpression: 'mul',
  DivExpression: 'div',
  ModExpression: 'mod',
  NegateExpression: '-',
  IsOfExpression: 'isof',
  CastExpression: 'cast',
};
const MAX_FILTER_LENGTH = 4096;

/** Parses and validates a $filter against the model. Throws a 400 GraphError naming the offending clause. */
export function parseFilter(text: string, model: EntityModel): FilterNode {
  if (text.trim() === '') throw filterError(0, 'the expression is empty; leave $filter out to list everything');
  if (text.length > MAX_FILTER_LENGTH) throw filterError(MAX_FILTER_LENGTH, `the expression is longer than ${MAX_FILTER_LENGTH} characters`);
  checkLexicalStructure(text);
  let ast: Token;
  try {
    ast = defaultParser.filter(text);
  } catch (err) {
    throw syntaxError(text, err);
  }
  return new Validator(text, model).boolean(ast);
}

/** Unbalanced quotes and parentheses, found before the parser (whose positions for them are unhelpful). */
function checkLexicalStructure(text: string): void {
  const open: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'") {
      const start = i;
      for (i++; ; i++) {
        if (i >= text.length) throw filterError(start, "unterminated string literal (close it with ', and write a quote inside a string as '')");
        if (text[i] === "'") {
          if (text[i + 1] === "'") i++;
          else break;
        }
      }
    } else if (c === '(') open.push(i);
    else if (c === ')') {
      if (open.pop() === undefined) throw filterError(i, "unexpected ')' without a matching '('");
    }
  }
  const unclosed = open.pop();
  if (unclosed !== undefined) throw filterError(unclosed, "'(' is never closed");
}

function syntaxError(text: string, err: unknown): Error {
  const m = /at (\d+)/.exec(err instanceof Error ? err.message : '');
  let position = m ? Number(m[1]) : 0;
  // The parser reports where it stopped; skip whitespace so that the snippet starts at the offending text.
  while (position < text.length && text[position] === ' ') position++;
  // A function the grammar does not know (`foo(x)`) fails at the name; say so.
  const call = /^([A-Za-z_][A-Za-z0-9_]*)\s*\(/.exec(text.slice(position));
  if (call && !FUNCTIONS.includes(call[1].toLowerCase() as StringFunction) && call[1].toLowerCase() !== 'not') {
    return filterError(position, `unknown function '${call[1]}' (supported: ${FUNCTIONS.join(', ')})`);
  }
  if (position >= text.length) return filterError(text.length, 'the expression ends too early (an operand is missing)');
  const near = text.slice(position, position + 20);
  return filterError(position, `syntax error near '${near}${text.length > position + 20 ? '…' : ''}'`);
}

interface BoolItem {
  op?: 'and' | 'or' | 'not';
  token?: Token;
  position: number;
}

function flattenBoolean(token: Token, out: BoolItem[]): void {
  switch (token.type) {
    case 'AndExpression':
    case 'OrExpression':
      flattenBoolean(token.value.left, out);
      out.push({ op: token.type === 'AndExpression' ? 'and' : 'or', position: token.value.left.next });
      flattenBoolean(token.value.right, out);
      return;
    case 'NotExpression':
      out.push({ op: 'not', position: token.position });
      flattenBoolean(token.value, out);
      return;
    default:
      out.push({ token, position: token.position });
  }
}

/** While validating a lambda's predicate: the variable, and the collection property it ranges over. */
interface LambdaScope {
  quantifier: 'any' | 'all';
  variable: string;
  collection: ResolvedProperty;
  /** The element as a string property (named after the variable, for messages). */
  element: ResolvedProperty;
}

interface Operand {
  kind: 'property' | 'literal';
  position: number;
  raw: string;
  property?: ResolvedProperty;
  /** Literal: its EDM type as the parser saw it ('Edm.String', 'Edm.Int32', 'null', 'Enum', …). */
  literalType?: string;
  enumValue?: string;
}

class Validator {
  constructor(
    private readonly text: string,
    private readonly model: EntityModel,
    private readonly lambda?: LambdaScope,
  ) {}

  /** The property name a node records: the model's, or LAMBDA_ELEMENT for a lambda's variable. */
  private nodeProperty(property: ResolvedProperty): string {
    return this.lambda && property === this.lambda.element ? LAMBDA_ELEMENT : property.name;
  }

  /**
   * The parser groups `not` wrongly (`not A and B` comes back as not(A and B), and an `or` after it is swallowed
   * too), so its and/or/not nodes are flattened back into source order and regrouped here with OData's precedence:
   * not binds tighter than and, and tighter than or, all left-associative; parentheses are kept.
   */
  boolean(token: Token): FilterNode {
    const items: BoolItem[] = [];
    flattenBoolean(token, items);
    const state = { i: 0 };
    const node = this.orChain(items, state);
    if (state.i !== items.length) throw filterError(token.position, 'syntax error');
    return node;
  }

  private orChain(items: BoolItem[], state: { i: number }): FilterNode {
    let left = this.andChain(items, state);
    while (items[state.i]?.op === 'or') {
      state.i++;
      left = { kind: 'or', left, right: this.andChain(items, state) };
    }
    return left;
  }

  private andChain(items: BoolItem[], state: { i: number }): FilterNode {
    let left = this.notChain(items, state);
    while (items[state.i]?.op === 'and') {
      state.i++;
      left = { kind: 'and', left, right: this.notChain(items, state) };
    }
    return left;
  }

  private notChain(items: BoolItem[], state: { i: number }): FilterNode {
    const item = items[state.i++];
    if (!item) throw filterError(this.text.length, 'the expression ends too early (an operand is missing)');
    if (item.op === 'not') return { kind: 'not', operand: this.notChain(items, state) };
    if (!item.token) throw filterError(item.position, `'${item.op}' needs a condition before it`);
    return this.primary(item.token);
  }

  private primary(token: Token): FilterNode {
    switch (token.type) {
      case 'BoolParenExpression':
      case 'ParenExpression':
        return this.boolean(token.value);
      case 'CommonExpression':
        return this.primary(token.value);
      case 'MethodCallExpression':
        return this.method(token);
      case 'FirstMemberExpression':
      case 'MemberExpression': {
        const lambda = lambdaPath(token);
        if (lambda) return this.lambdaExpression(lambda.property, lambda.lambda);
        break;
      }
    }
    if (token.type in COMPARE) return this.compare(token, COMPARE[token.type]);
    if (token.type in OPERATOR_NAMES) {
      throw filterError(token.position, `operator '${OPERATOR_NAMES[token.type]}' is not supported (supported: eq, ne, gt, ge, lt, le, and, or, not, contains, startswith, endswith, any, all)`);
    }
    throw filterError(token.position, `'${token.raw}' is not a condition (compare a property with a value, e.g. serialNumber eq 'X')`);
  }

  /** `physicalIds/any(p: startswith(p, '[ZTDID]'))`: the collection must be a string collection of the model. */
  private lambdaExpression(propertyToken: Token, lambda: Token): FilterNode {
    const quantifier = lambda.type === 'AnyExpression' ? 'any' : 'all';
    const name = String(propertyToken.value?.name ?? propertyToken.raw);
    if (this.lambda) throw filterError(propertyToken.position, `${quantifier}() cannot be nested inside another lambda`);
    const property = resolveProperty(this.model, name);
    if (!property) throw filterError(propertyToken.position, unknownPropertyMessage(this.model, name, (s) => s.type === 'stringCollection'));
    if (property.type !== 'stringCollection' || !property.collection) {
      const collections = Object.entries(this.model.properties).filter(([, s]) => s.type === 'stringCollection').map(([n]) => n);
      throw filterError(
        lambda.position,
        `${quantifier}() applies to collection properties${collections.length ? ` (${collections.join(', ')})` : ''}; '${property.name}' is ${article(property.type)}`,
      );
    }
    if (property.filterable === false) throw filterError(propertyToken.position, `property '${property.name}' cannot be filtered on`);
    const variable = lambda.value?.variable as Token | undefined;
    const predicate = lambda.value?.predicate as Token | undefined;
    if (!variable || !predicate) {
      if (quantifier === 'any' && !variable) return { kind: 'lambda', quantifier, property: property.name, predicate: undefined };
      throw filterError(lambda.position, `${quantifier}() takes a variable and a condition, e.g. ${property.name}/${quantifier}(p: startswith(p, 'X'))`);
    }
    const variableName = String(variable.value?.name ?? variable.raw);
    const element: ResolvedProperty = { name: variableName, column: property.collection.valueColumn, type: 'string' };
    const inner = new Validator(this.text, this.model, { quantifier, variable: variableName, collection: property, element });
    const body = predicate.type === 'LambdaPredicateExpression' ? (predicate.value as Token) : predicate;
    return { kind: 'lambda', quantifier, property: property.name, predicate: inner.boolean(body) };
  }

  private notTheVariable(position: number, raw: string): Error {
    const scope = this.lambda;
    if (!scope) return filterError(position, `'${raw}' is not a property of ${this.model.name}`);
    return filterError(
      position,
      `inside ${scope.collection.name}/${scope.quantifier}(…) only the lambda variable '${scope.variable}' can be used (e.g. startswith(${scope.variable}, 'X')), not '${raw}'`,
    );
  }

  private method(token: Token): FilterNode {
    const name = String(token.value.method);
    const fn = name.toLowerCase() as StringFunction;
    if (!FUNCTIONS.includes(fn)) {
      throw filterError(token.position, `function '${name}' is not supported here (supported: ${FUNCTIONS.join(', ')})`);
    }
    const params = (token.value.parameters ?? []) as Token[];
    if (params.length !== 2) throw filterError(token.position, `${fn}() takes two arguments: a property and a string, e.g. ${fn}(serialNumber,'ABC')`);
    const target = this.operand(params[0]);
    const needle = this.operand(params[1]);
    if (target.kind !== 'property' || needle.kind !== 'literal') {
      throw filterError(token.position, `${fn}() takes a property first and a string second, e.g. ${fn}(serialNumber,'ABC')`);
    }
    const property = this.filterable(target);
    if (property.type !== 'string') {
      throw filterError(target.position, `${fn}() needs a string property; '${property.name}' is ${article(property.type)}`);
    }
    if (needle.literalType !== 'Edm.String') {
      throw filterError(needle.position, `${fn}() needs a string in quotes as its second argument, not ${needle.raw}`);
    }
    return { kind: 'function', fn, property: this.nodeProperty(property), value: unquote(needle.raw) };
  }

  private compare(token: Token, op: CompareOp): FilterNode {
    let left = this.operand(token.value.left);
    let right = this.operand(token.value.right);
    if (left.kind === 'literal' && right.kind === 'property') {
      [left, right] = [right, left];
      op = MIRRORED[op];
    }
    if (left.kind !== 'property' || right.kind !== 'literal') {
      throw filterError(token.position, `'${token.raw}' must compare a property with a value, e.g. serialNumber eq 'X'`);
    }
    const property = this.filterable(left);
    const value = this.value(property, right, op);
    return { kind: 'compare', op, property: this.nodeProperty(property), value };
  }

  private filterable(operand: Operand): ResolvedProperty {
    const property = operand.property;
    if (!property) throw filterError(operand.position, unknownPropertyMessage(this.model, operand.raw, (s) => s.filterable !== false));
    if (property.filterable === false) throw filterError(operand.position, `property '${property.name}' cannot be filtered on`);
    if (property.type === 'stringCollection') {
      throw filterError(operand.position, `'${property.name}' is a collection: test its elements with a lambda, e.g. ${property.name}/any(p: p eq 'X') or ${property.name}/any(p: startswith(p, 'X'))`);
    }
    return property;
  }

  private value(property: ResolvedProperty, literal: Operand, op: CompareOp): FilterValue {
    const at = literal.position;
    if (literal.literalType === 'null') {
      if (op !== 'eq' && op !== 'ne') throw filterError(at, `null can only be compared with eq or ne`);
      return null;
    }
    const ordered = op !== 'eq' && op !== 'ne';
    switch (property.type) {
      case 'string':
        if (literal.literalType !== 'Edm.String') throw filterError(at, `'${property.name}' is a string: put the value in single quotes, e.g. '${literal.raw}'`);
        return unquote(literal.raw);
      case 'enum': {
        if (ordered) throw filterError(at, `'${property.name}' is an enumeration: compare it with eq or ne`);
        let name: string;
        if (literal.literalType === 'Enum') name = literal.enumValue ?? '';
        else if (literal.literalType === 'Edm.String') name = unquote(literal.raw);
        else throw filterError(at, `'${property.name}' takes one of ${enumList(property)} in single quotes`);
        const member = property.enumValues?.find((v) => v.toLowerCase() === name.toLowerCase());
        if (!member) throw filterError(at, `'${name}' is not a value of '${property.name}' (one of ${enumList(property)})`);
        return member;
      }
      case 'boolean':
        if (ordered) throw filterError(at, `'${property.name}' is a boolean: compare it with eq or ne`);
        if (literal.literalType !== 'Edm.Boolean') throw filterError(at, `'${property.name}' is a boolean: compare it with true or false`);
        return literal.raw.toLowerCase() === 'true';
      case 'dateTime': {
        const iso = literal.literalType === 'Edm.String' ? unquote(literal.raw) : literal.raw;
        const date = literal.literalType === 'Edm.DateTimeOffset' || literal.literalType === 'Edm.Date' || literal.literalType === 'Edm.String' ? new Date(iso) : undefined;
        if (!date || Number.isNaN(date.getTime())) {
          throw filterError(at, `'${property.name}' is a date and time: write it like 2024-05-01T12:00:00Z`);
        }
        return date.toISOString();
      }
      case 'stringCollection':
        throw filterError(at, `'${property.name}' is a collection: use ${property.name}/any(p: p eq 'X')`);
      case 'int': {
        if (!/^Edm\.(Byte|SByte|Int16|Int32|Int64)$/.test(literal.literalType ?? '')) {
          throw filterError(at, `'${property.name}' is an integer: compare it with a whole number`);
        }
        const n = Number(literal.raw);
        if (!Number.isSafeInteger(n)) throw filterError(at, `${literal.raw} is out of range`);
        return n;
      }
    }
  }

  private operand(token: Token): Operand {
    switch (token.type) {
      case 'FirstMemberExpression':
      case 'MemberExpression':
      case 'PropertyPathExpression':
      case 'CommonExpression':
      case 'ParenExpression':
        if (Array.isArray(token.value)) {
          throw filterError(token.position, `'${token.raw}': paths are not supported; the elements of a string collection are compared directly, e.g. startswith(p, 'X')`);
        }
        if (lambdaPath(token)) throw filterError(token.position, `'${token.raw}' is a condition, not a value: use it on its own (e.g. physicalIds/any(p: p eq 'X') and …)`);
        if (token.value && typeof token.value === 'object' && 'type' in token.value) return this.operand(token.value);
        if (token.type === 'PropertyPathExpression' && token.value?.current) {
          // A property of a complex property (auditEvent's actor/applicationId) when the model names the path itself.
          const path = resolveProperty(this.model, String(token.raw));
          if (path && path.name.includes('/') && !this.lambda) return { kind: 'property', position: token.position, raw: String(token.raw), property: path };
          throw filterError(token.position, `'${token.raw}': property paths are not supported; use a property of ${this.model.name}`);
        }
        break;
      case 'ODataIdentifier': {
        const raw = String(token.value.name);
        if (this.lambda) throw this.notTheVariable(token.position, raw);
        return { kind: 'property', position: token.position, raw, property: resolveProperty(this.model, raw) };
      }
      case 'LambdaVariableExpression': {
        const raw = String(token.value?.name ?? token.raw);
        if (!this.lambda) throw filterError(token.position, `'${raw}' is not a property of ${this.model.name}`);
        if (raw !== this.lambda.variable) throw this.notTheVariable(token.position, raw);
        return { kind: 'property', position: token.position, raw, property: this.lambda.element };
      }
      case 'Literal':
        return { kind: 'literal', position: token.position, raw: token.raw, literalType: token.value === null ? 'null' : String(token.value) };
      case 'Enum':
        return {
          kind: 'literal',
          position: token.position,
          raw: token.raw,
          literalType: 'Enum',
          enumValue: String(token.value?.value?.value?.name ?? token.value?.value?.raw ?? ''),
        };
      case 'MethodCallExpression':
        throw filterError(token.position, `function '${token.value.method}' is not supported here (supported: ${FUNCTIONS.join(', ')})`);
    }
    if (token.type in OPERATOR_NAMES) {
      throw filterError(token.position, `operator '${OPERATOR_NAMES[token.type]}' is not supported`);
    }
    throw filterError(token.position, `'${token.raw}' is not a property or a value`);
  }
}

function unquote(raw: string): string {
  // The parser also accepts %27 as the quote (a still-encoded URL); the value between is taken as written.
  const body = raw.startsWith("'") ? raw.slice(1, -1) : raw.startsWith('%27') ? raw.slice(3, -3) : raw;
  return body.replace(/''/g, "'");
}

function enumList(property: ResolvedProperty): string {
  return (property.enumValues ?? []).map((v) => `'${v}'`).join(', ');
}

function article(type: string): string {
  const word = type === 'dateTime' ? 'a date and time' : type === 'int' ? 'an integer' : type === 'enum' ? 'an enumeration' : type === 'stringCollection' ? 'a collection of strings' : `a ${type}`;
  return word;
}

/** A canonical text of a validated filter: equal filters (whatever their spacing or property-name case) give equal text. */
export function canonicalFilter(node: FilterNode | undefined): string {
  if (!node) return '';
  switch (node.kind) {
    case 'and':
    case 'or':
      return `(${canonicalFilter(node.left)} ${node.kind} ${canonicalFilter(node.right)})`;
    case 'not':
      return `not(${canonicalFilter(node.operand)})`;
    case 'compare':
      return `${node.property} ${node.op} ${JSON.stringify(node.value)}`;
    case 'function':
      return `${node.fn}(${node.property},${JSON.stringify(node.value)})`;
    case 'lambda':
      return `${node.property}/${node.quantifier}(${node.predicate ? canonicalFilter(node.predicate) : ''})`;
  }
}

/**
 * `physicalIds/any(…)` as @odata/parser builds it: member-expression wrappers around a PropertyPathExpression whose
 * `current` is the property and whose `next` is a CollectionPathExpression holding an AnyExpression/AllExpression.
 */
function lambdaPath(token: Token): { property: Token; lambda: Token } | undefined {
  let t: Token | undefined = token;
  while (t && (t.type === 'CommonExpression' || t.type === 'FirstMemberExpression' || t.type === 'MemberExpression') && t.value && !Array.isArray(t.value) && 'type' in t.value) {
    t = t.value as Token;
  }
  if (t?.type !== 'PropertyPathExpression') return undefined;
  const current = t.value?.current as Token | undefined;
  const next = t.value?.next as Token | undefined;
  const lambda = next?.type === 'CollectionPathExpression' ? (next.value as Token | undefined) : undefined;
  if (!current || !lambda || (lambda.type !== 'AnyExpression' && lambda.type !== 'AllExpression')) return undefined;
  return { property: current, lambda };
}
