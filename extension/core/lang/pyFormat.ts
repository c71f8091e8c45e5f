/**
 * Python `str.format` field parsing for MLproject commands: MLflow calls
 * `command.format(**quoted_params)`, so each `{field}` must name a declared parameter and its format
 * spec must suit a string value.
 */
export interface FormatField {
  /** Index in the command value where `{` is. */
  start: number;
  /** Index just after the closing `}`. */
  end: number;
  /** Argument name (before any `.attr`, `[index]`, `!conv` or `:spec`). */
  name: string;
  /** Offset of name inside the value. */
  nameStart: number;
  spec?: string;
  conversion?: string;
}
export interface FormatProblem {
  start: number;
  end: number;
  message: string;
}

export function parseFormatString(s: string): { fields: FormatField[]; problems: FormatProblem[] } {
  const fields: FormatField[] = [];
  const problems: FormatProblem[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === '{') {
      if (s[i + 1] === '{') {
        i += 2;
        continue;
      }
      let depth = 1;
      let j = i + 1;
      while (j < s.length && depth > 0) {
        if (s[j] === '{') depth++;
        else if (s[j] === '}') depth--;
        if (depth > 0) j++;
      }
      if (depth > 0) {
        problems.push({ start: i, end: s.length, message: "unclosed '{' in command: Python's str.format fails (write '{{' for a literal brace)" });
        break;
      }
      const body = s.slice(i + 1, j);
      let nameEnd = body.search(/[!:]/);
      if (nameEnd < 0) nameEnd = body.length;
      const fieldName = body.slice(0, nameEnd);
      const argEnd = fieldName.search(/[.[]/);
      const name = argEnd < 0 ? fieldName : fieldName.slice(0, argEnd);
      let rest = body.slice(nameEnd);
      let conversion: string | undefined;
      if (rest.startsWith('!')) {
        conversion = rest.slice(1, 2);
        rest = rest.slice(2);
        if (!['r', 's', 'a'].includes(conversion) || (rest !== '' && !rest.startsWith(':'))) {
          problems.push({ start: i, end: j + 1, message: `invalid conversion '!${conversion}' in '{${body}}': str.format accepts only !r, !s and !a` });
        }
      }
      const spec = rest.startsWith(':') ? rest.slice(1) : undefined;
      fields.push({ start: i, end: j + 1, name, nameStart: i + 1, spec, conversion });
      // Nested fields inside a spec ("{x:{width}}") are substituted too.
      if (spec && spec.includes('{')) {
        const inner = parseFormatString(spec);
        const base = i + 1 + nameEnd + (rest.length - spec.length);
        for (const f of inner.fields) fields.push({ ...f, start: f.start + base, end: f.end + base, nameStart: f.nameStart + base });
      }
      i = j + 1;
      continue;
    }
    if (c === '}') {
      if (s[i + 1] === '}') {
        i += 2;
        continue;
      }
      problems.push({ start: i, end: i + 1, message: "single '}' in command: Python's str.format fails (write '}}' for a literal brace)" });
    }
    i++;
  }
  return { fields, problems };
}

/** True when a format spec can be applied to a str (MLflow substitutes shell-quoted strings). */
export function specFitsString(spec: string): boolean {
  if (spec.includes('{')) return true;
  return /^(?:[\s\S]?[<>^])?\d*(?:\.\d+)?s?$/.test(spec);
}
