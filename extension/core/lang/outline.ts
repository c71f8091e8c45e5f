import type { Analysis } from './analysis';
import type { OutlineSymbol, Range } from './types';
import { isMap, keyName, keyRange, mapPairs, pairOffsets, type Pair, type ParsedYaml } from './yamlSupport';

function pairRange(parsed: ParsedYaml, pair: Pair): Range {
  const off = pairOffsets(pair);
  return off ? parsed.lines.range(off[0], off[1]) : keyRange(parsed, pair);
}

/** Document symbols: entry points with their parameters (MLproject); flavors and signature (MLmodel). */
export function outline(analysis: Analysis): OutlineSymbol[] {
  const { parsed } = analysis;
  const root = parsed.doc.contents;
  if (!isMap(root)) return [];
  const out: OutlineSymbol[] = [];
  for (const pair of mapPairs(root)) {
    const name = keyName(pair);
    if (name === undefined) continue;
    const sym: OutlineSymbol = { name, kind: 'property', range: pairRange(parsed, pair), selectionRange: keyRange(parsed, pair), children: [] };
    if (analysis.kind === 'mlproject' && name === 'entry_points') {
      sym.kind = 'namespace';
      for (const ep of analysis.entryPoints) {
        sym.children.push({
          name: ep.name,
          detail: ep.command ? ep.command.replace(/\s+/g, ' ').slice(0, 80) : undefined,
          kind: 'function',
          range: ep.range,
          selectionRange: ep.keyRange,
          children: ep.params.map((p) => ({ name: p.name, detail: p.type, kind: 'variable', range: p.range, selectionRange: p.keyRange, children: [] })),
        });
      }
    } else if (analysis.kind === 'mlproject' && ['conda_env', 'python_env', 'docker_env'].includes(name)) {
      sym.kind = 'file';
    } else if (analysis.kind === 'mlmodel' && (name === 'flavors' || name === 'signature') && isMap(pair.value)) {
      sym.kind = name === 'flavors' ? 'namespace' : 'object';
      for (const child of mapPairs(pair.value)) {
        const cn = keyName(child);
        if (cn === undefined) continue;
        sym.children.push({ name: cn, kind: name === 'flavors' ? 'object' : 'string', range: pairRange(parsed, child), selectionRange: keyRange(parsed, child), children: [] });
      }
    }
    out.push(sym);
  }
  return out;
}
