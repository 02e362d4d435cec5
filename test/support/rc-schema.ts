// Validates responses against the schemas of RingCentral's OpenAPI description (test/fixtures/rc-platform.yaml).

import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const here = dirname(fileURLToPath(import.meta.url));

/** An unmodified copy of RingCentral's rc-platform.yaml 1.0.48 (see shared/reference/README.md). */
const SPEC = join(here, '../fixtures/rc-platform.yaml');

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv,
) => Ajv;

let ajv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction>();

function instance(): Ajv {
  if (!ajv) {
    const spec = parse(readFileSync(SPEC, 'utf8')) as { components: unknown };
    ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
    addFormats(ajv);
    ajv.addSchema({ $id: 'rc', components: spec.components });
  }
  return ajv;
}

/** Throws with every violation if `data` does not satisfy the named component schema. */
export function assertSchema(schemaName: string, data: unknown): void {
  let validate = compiled.get(schemaName);
  if (!validate) {
    validate = instance().getSchema(`rc#/components/schemas/${schemaName}`);
    if (!validate) throw new Error(`no schema ${schemaName} in rc-platform.yaml`);
    compiled.set(schemaName, validate);
  }
  if (!validate(data)) {
    const list = (validate.errors ?? [])
      .slice(0, 10)
      .map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
    throw new Error(`response does not satisfy ${schemaName}:\n${list.join('\n')}`);
  }
}
