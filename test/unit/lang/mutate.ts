/** Deterministic mutations of real files, shared by the fuzz and parser-equivalence tests. */
export { mulberry32 } from '../../support/prng';
export const SNIPPETS = ['{', '}', ':', ': ', '- ', '"', "'", '\n', '  ', '\t', '{x}', '{{', '}}', 'type: ', 'default: ', '[', ']', '#', ',', '&a ', '*a', '!!str ', '|\n', '>\n', 'entry_points:\n', 'parameters:\n', 'command: "e {a}"\n', '\r\n', '\\', '\u00e9', '\ud83d\ude00', '---\n', '? ', '%YAML 1.1\n', 'python_env: x.yaml\n', "'[{\"type\": \"double\"}]'", 'null', '~', '0.10', 'yes'];

export function mutate(text: string, rnd: () => number): string {
  const pick = (n: number) => Math.floor(rnd() * n);
  const at = pick(text.length + 1);
  switch (pick(7)) {
    case 0: // delete a span
      return text.slice(0, at) + text.slice(Math.min(text.length, at + 1 + pick(20)));
    case 1: // insert a snippet
      return text.slice(0, at) + SNIPPETS[pick(SNIPPETS.length)] + text.slice(at);
    case 2: { // swap two neighbours
      if (text.length < 2) return text + '{';
      const i = Math.min(at, text.length - 2);
      return text.slice(0, i) + text[i + 1] + text[i] + text.slice(i + 2);
    }
    case 3: { // change one line's indentation
      const lines = text.split('\n');
      const l = pick(lines.length);
      lines[l] = pick(2) ? ' '.repeat(1 + pick(6)) + lines[l] : lines[l].replace(/^\s{1,4}/, '');
      return lines.join('\n');
    }
    case 4: // truncate
      return text.slice(0, at);
    case 5: { // duplicate a line
      const lines = text.split('\n');
      const l = pick(lines.length);
      lines.splice(l, 0, lines[l]);
      return lines.join('\n');
    }
    default: // several small edits
      return mutate(mutate(text, rnd), rnd);
  }
}

