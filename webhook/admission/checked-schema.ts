// A zod schema checked in place. zod stays the definition and the error text, but a zod parse
// builds a new object for every object it passes (a KFP pod review: ~100 of them), and that copy
// and its garbage were a sixth of the CPU of a pod review. ajv, compiled once from the same
// schema's JSON Schema, only reads: a value it accepts is used as it is; a value it rejects is
// parsed by zod, whose result (and message) decides. test/webhook/admission/checked-schema.test.ts
// holds the two to the same verdict on damaged fixtures.
import { Ajv } from 'ajv';
import { z } from 'zod';

/** zod types and checks whose JSON Schema says exactly what zod checks (no value is changed). */
const SAME_IN_JSON_SCHEMA = new Set<string>([
  ...['object', 'array', 'record', 'string', 'number', 'boolean', 'null', 'literal', 'enum', 'union', 'optional', 'nullable', 'unknown'],
  ...['min_length', 'max_length', 'length_equals'],
]);

/**
 * ajv calls `unicode` deprecated (and still honours it), saying so on the console at every compile;
 * the webhook logs JSON only. Anything else ajv would say at compile time is a start-up error.
 */
const AJV_LOGGER = {
  log: (): void => {},
  warn: (...args: unknown[]): void => {
    if (!String(args[0]).startsWith('DEPRECATED: option unicode.')) throw new Error(`checkedSchema: ajv: ${args.map(String).join(' ')}`);
  },
  error: (...args: unknown[]): void => {
    throw new Error(`checkedSchema: ajv: ${args.map(String).join(' ')}`);
  },
};

export type Checked<T> = { success: true; data: T } | { success: false; error: z.ZodError };

export function checkedSchema<S extends z.ZodType>(schema: S): (value: unknown) => Checked<z.output<S>> {
  const accepts = inPlaceValidator(schema);
  return (value) => {
    // Without a copy, the output type's "no unknown keys" is not true at run time: readers of the
    // result read named fields only (patches address the original object by index anyway).
    if (accepts(value)) return { success: true, data: value as z.output<S> };
    const parsed = schema.safeParse(value);
    return parsed.success ? { success: true, data: parsed.data } : { success: false, error: parsed.error };
  };
}

/** ajv's verdict on the schema's JSON Schema: true where zod's parse would succeed. */
export function inPlaceValidator(schema: z.ZodType): (value: unknown) => boolean {
  // 'input': what JSON may hold (unknown keys allowed, as zod's z.object strips them instead of
  // refusing). JSON Schema drops refinements and cannot apply transforms or defaults, where the two
  // verdicts (or the value) would differ: such a schema is refused here, at start-up.
  const jsonSchema = z.toJSONSchema(schema, {
    target: 'draft-7',
    io: 'input',
    unrepresentable: 'throw',
    override: ({ zodSchema }) => {
      const def = zodSchema._zod.def;
      const checks = (def.checks ?? []).map((c) => c._zod.def);
      const odd = [def.type, ...checks.map((c) => c.check)].find((kind) => !SAME_IN_JSON_SCHEMA.has(kind));
      if (odd !== undefined) throw new Error(`checkedSchema: zod ${odd} has no JSON Schema equivalent; parse this schema with zod`);
      // ajv below counts string lengths in UTF-16 units and zod in code points: the two agree only
      // on "empty or not".
      const stringBound =
        def.type === 'string' && checks.some((c) => c.check !== 'min_length' || !('minimum' in c) || Number(c.minimum) > 1);
      if (stringBound)
        throw new Error('checkedSchema: a string length bound other than min(1) is counted differently by ajv; parse this schema with zod');
    },
  });
  // allErrors off: the first failure is enough, zod explains it. unicode off: string lengths in
  // UTF-16 units, read without walking the string (counting code points, as zod does, was four
  // fifths of a pod's check); the only string bound allowed above is min(1), where the two agree.
  const validate = new Ajv({ strict: true, allErrors: false, allowUnionTypes: true, unicode: false, logger: AJV_LOGGER }).compile(
    jsonSchema,
  );
  return (value) => validate(value);
}
