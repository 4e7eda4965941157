// A command line read the way kubectl (spf13/pflag) reads it: --name=value and --name value,
// -x value, -xvalue and -x=value, grouped booleans (-Ah), --bool=false, `--` ends the flags.
// Unknown flags get pflag's wording plus the nearest known spelling.
import { PluginError } from './errors.ts';
import { suggest } from './suggest.ts';

export interface FlagSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
}

export type FlagSpecs = Readonly<Record<string, FlagSpec>>;
export type FlagValues = Record<string, string | boolean | string[] | undefined>;

export interface Parsed {
  values: FlagValues;
  positionals: string[];
}

export function parseFlags(argv: readonly string[], specs: FlagSpecs): Parsed {
  const values: FlagValues = {};
  const positionals: string[] = [];
  const byShort = new Map(Object.entries(specs).flatMap(([name, s]) => (s.short !== undefined ? [[s.short, name] as const] : [])));
  const set = (name: string, value: string | boolean): void => {
    const spec = specs[name];
    if (spec?.multiple === true && typeof value === 'string') {
      const list = values[name];
      values[name] = [...(Array.isArray(list) ? list : []), value];
    } else values[name] = value;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      const spec = specs[name];
      if (spec === undefined)
        throw unknown(
          `--${name}`,
          Object.keys(specs).map((n) => `--${n}`),
        );
      if (spec.type === 'boolean') {
        set(name, eq < 0 ? true : boolValue(arg.slice(eq + 1), `--${name}`));
      } else if (eq >= 0) {
        set(name, arg.slice(eq + 1));
      } else {
        const next = argv[i + 1];
        if (next === undefined) throw new PluginError(`flag needs an argument: --${name}; see --help`);
        set(name, next);
        i++;
      }
      continue;
    }
    if (arg.startsWith('-') && arg !== '-') {
      // A group of shorthands: booleans until one takes a value (the rest of the group, or the next argument).
      for (let j = 1; j < arg.length; j++) {
        const letter = arg[j] ?? '';
        const name = byShort.get(letter);
        const spec = name !== undefined ? specs[name] : undefined;
        if (name === undefined || spec === undefined) {
          const hint = Object.keys(specs).includes(arg.slice(1)) ? `; did you mean --${arg.slice(1)}?` : '';
          throw new PluginError(`unknown shorthand flag: '${letter}' in ${arg}${hint}; see --help`);
        }
        if (spec.type === 'boolean') {
          if (arg[j + 1] === '=') {
            set(name, boolValue(arg.slice(j + 2), `-${letter}`));
            break;
          }
          set(name, true);
          continue;
        }
        // pflag: -f=path is the file "path", not "=path".
        let value = arg.slice(j + 1);
        if (value.startsWith('=')) value = value.slice(1);
        else if (value === '') {
          const next = argv[i + 1];
          if (next === undefined) throw new PluginError(`flag needs an argument: '${letter}' in -${letter}; see --help`);
          value = next;
          i++;
        }
        set(name, value);
        break;
      }
      continue;
    }
    positionals.push(arg);
  }
  return { values, positionals };
}

function boolValue(text: string, flag: string): boolean {
  if (/^(true|t|1)$/i.test(text)) return true;
  if (/^(false|f|0)$/i.test(text)) return false;
  throw new PluginError(`invalid argument "${text}" for "${flag}" flag: want true or false`);
}

function unknown(flag: string, known: string[]): PluginError {
  const near = suggest(flag, known);
  return new PluginError(`unknown flag: ${flag}${near.length > 0 ? `; did you mean ${near.join(' or ')}?` : ''} (see --help)`);
}
