// doctor --iam-policy-dir DIR: the IAM policy documents (*.json, as migrate --iam-policy-dir writes them)
// read for usernameWithRole. A file named after a namespace in scope is that namespace's; others are shared.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { IamDocument } from '../../settings/doctor/checks/username-variable.ts';
import { PluginError } from '../cli/errors.ts';
import { fsUserError } from '../fs-errors.ts';

const policySchema = z.looseObject({ Statement: z.union([z.array(z.unknown()), z.looseObject({})]) });

export function readIamPolicies(dir: string, namespaces: string[]): IamDocument[] {
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort();
  } catch (e) {
    throw fsUserError(e, { name: '--iam-policy-dir', value: dir });
  }
  return files.map((file) => {
    let text: string;
    try {
      text = readFileSync(join(dir, file), 'utf8');
    } catch (e) {
      throw fsUserError(e, { name: '--iam-policy-dir', value: dir });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new PluginError(`--iam-policy-dir ${dir}: ${file} is not JSON (${e instanceof Error ? e.message : String(e)})`);
    }
    const parsed = policySchema.safeParse(json);
    if (!parsed.success) throw new PluginError(`--iam-policy-dir ${dir}: ${file} is not an IAM policy document (no Statement)`);
    const statement = parsed.data.Statement;
    const name = file.slice(0, -'.json'.length);
    return {
      file,
      ...(namespaces.includes(name) ? { namespace: name } : {}),
      statements: Array.isArray(statement) ? statement : [statement],
    };
  });
}
