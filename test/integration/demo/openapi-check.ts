/**
 * Validates real HTTP answers against the OpenAPI document: the operation must document
 * the status, the body must match the JSON Schema of that status (Ajv, draft 2020-12 with
 * formats, $refs resolved inside the document) and documented required headers (Retry-After
 * on 429) must be there and match theirs.
 */
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

type Json = Record<string, unknown>;

export interface Answer {
  status: number;
  headers: Headers;
  /** Parsed JSON, or undefined when the body was empty. */
  body: unknown;
  text: string;
}

const DOC_ID = 'https://garmin-sync.invalid/openapi.json';

const pointer = (...parts: string[]) => parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');

export class OpenApiChecker {
  private readonly ajv: Ajv2020;
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(private readonly doc: Json) {
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
    addFormats(this.ajv);
    // The whole document as one schema resource, so '#/components/schemas/X' refs resolve.
    this.ajv.addSchema({ ...doc, $id: DOC_ID });
  }

  private resolve<T>(value: unknown): T {
    let current = value as Json;
    while (current && typeof current.$ref === 'string' && current.$ref.startsWith('#/')) {
      current = current.$ref
        .slice(2)
        .split('/')
        .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'))
        .reduce<Json>((node, key) => node[key] as Json, this.doc);
    }
    return current as T;
  }

  private validator(ref: string): ValidateFunction {
    let validate = this.cache.get(ref);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `${DOC_ID}#/${ref}` });
      this.cache.set(ref, validate);
    }
    return validate;
  }

  /** Throws with the schema errors when the answer is not what the document promises. */
  check(method: string, template: string, answer: Answer): void {
    const where = `${method.toUpperCase()} ${template} → ${answer.status}`;
    const paths = this.doc.paths as Record<string, Record<string, Json>>;
    const operation = paths[template]?.[method.toLowerCase()];
    if (!operation) throw new Error(`${where}: the document has no such operation`);
    const responses = operation.responses as Record<string, unknown>;
    const raw = responses[String(answer.status)];
    if (!raw) throw new Error(`${where}: status not documented (documented: ${Object.keys(responses).join(', ')})\n${answer.text}`);
    const response = this.resolve<Json>(raw);
    const content = response.content as Record<string, Json> | undefined;
    if (!content) {
      if (answer.text !== '') throw new Error(`${where}: documented without a body, got ${answer.text.slice(0, 200)}`);
    } else {
      const type = answer.headers.get('content-type') ?? '';
      if (!type.startsWith('application/json')) throw new Error(`${where}: content-type ${type}, documented application/json`);
      // Where the schema sits: under the response's own location (a $ref'd response or inline).
      const base =
        typeof (raw as Json).$ref === 'string'
          ? ((raw as Json).$ref as string).slice(2)
          : pointer('paths', template, method.toLowerCase(), 'responses', String(answer.status));
      const validate = this.validator(`${base}/${pointer('content', 'application/json', 'schema')}`);
      if (!validate(answer.body)) {
        throw new Error(`${where}: body does not match the document:\n${this.ajv.errorsText(validate.errors, { separator: '\n' })}\n${answer.text.slice(0, 500)}`);
      }
    }
    for (const [name, rawHeader] of Object.entries((response.headers ?? {}) as Record<string, unknown>)) {
      const header = this.resolve<Json>(rawHeader);
      const value = answer.headers.get(name);
      if (value === null) {
        if (header.required) throw new Error(`${where}: required header ${name} is missing`);
        continue;
      }
      if (header.schema && !this.ajv.validate(header.schema as Json, value)) {
        throw new Error(`${where}: header ${name}=${value} does not match its schema`);
      }
    }
  }
}
