// `{profile}` / `{bucket}` templates in StorePolicy values.
export type Placeholder = 'profile' | 'bucket';

const PLACEHOLDER = /\{([^{}]*)\}/g;

/** Problems with a template: unknown placeholders or stray braces. */
export function templateProblems(template: string, allowed: Placeholder[]): string[] {
  const problems: string[] = [];
  for (const m of template.matchAll(PLACEHOLDER)) {
    const name = m[1] ?? '';
    if (!(allowed as string[]).includes(name)) {
      const list = allowed.length > 0 ? allowed.map((a) => `{${a}}`).join(', ') : 'none';
      problems.push(`unknown placeholder {${name}} (allowed: ${list})`);
    }
  }
  if (/[{}]/.test(template.replace(PLACEHOLDER, ''))) problems.push('unbalanced { or }');
  return problems;
}

export function renderTemplate(template: string, values: Record<Placeholder, string>): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => (name === 'profile' || name === 'bucket' ? values[name] : whole));
}
