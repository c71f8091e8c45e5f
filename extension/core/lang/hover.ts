import type { Analysis } from './analysis';
import {
  COLUMN_TYPES,
  DOCKER_KEYS,
  ENTRY_POINT_KEYS,
  FLAVOR_KEYS,
  INPUT_EXAMPLE_KEYS,
  KNOWN_FLAVORS,
  MLMODEL_TOP,
  MLPROJECT_TOP,
  PARAM_SPEC_KEYS,
  PARAM_TYPES,
  SIGNATURE_KEYS,
  SPARK_JOB_KEYS,
  UNDOCUMENTED_TYPES,
} from './docs';
import { hoverGateway } from './gatewayAssist';
import type { JsonNode } from './jsonLocated';
import { locate } from './locate';
import { containsPosition } from './text';
import type { HoverResult, Position } from './types';
import { rangeOf, type Scalar } from './yamlSupport';

export function hover(analysis: Analysis, pos: Position): HoverResult | undefined {
  if (analysis.kind === 'gateway') return hoverGateway(analysis, pos);
  const { parsed } = analysis;
  if (pos.line < 0 || pos.line >= parsed.lines.lineCount) return undefined;
  const offset = parsed.lines.offset(pos);

  if (analysis.kind === 'mlproject') {
    for (const ep of analysis.entryPoints) {
      for (const ph of ep.placeholders) {
        if (!containsPosition(ph.range, pos)) continue;
        const p = ep.params.find((x) => x.name === ph.name);
        const md = p
          ? `**{${p.name}}** — parameter of \`${ep.name}\`, type \`${p.type ?? '?'}\`${p.defaultNode?.range ? `, default \`${parsed.text.slice(p.defaultNode.range[0], p.defaultNode.range[1])}\`` : ' (required: pass `-P ' + p.name + '=…`)'}.\n\nReplaced by the shell-quoted value when \`mlflow run\` builds the command.`
          : `**{${ph.name}}** — not declared in \`${ep.name}\`'s parameters: \`mlflow run\` fails with KeyError.`;
        return { markdown: md, range: ph.range };
      }
    }
  } else {
    for (const part of analysis.signature) {
      const v = part.pair.value as Scalar | null;
      if (!part.json || !part.toDoc || !v?.range || offset < v.range[0] || offset > v.range[1]) continue;
      const hit = jsonStringAt(part.json, (o) => part.toDoc!(o), offset);
      if (hit && COLUMN_TYPES[hit.value]) return { markdown: `**${hit.value}** — ${COLUMN_TYPES[hit.value]}`, range: parsed.lines.range(part.toDoc(hit.start), part.toDoc(hit.end - 1) + 1) };
      return { markdown: `**signature.${part.which}** — ${SIGNATURE_KEYS[part.which]}`, range: rangeOf(parsed, v) };
    }
  }

  const loc = locate(parsed, offset);
  if (!loc || !loc.node) return undefined;
  const range = rangeOf(parsed, loc.node);
  const path = loc.path;
  if (loc.on === 'key') {
    const doc = keyDoc(analysis.kind, path);
    return doc ? { markdown: `**${path[path.length - 1]}** — ${doc}`, range } : undefined;
  }
  const value = (loc.node as Scalar).value;
  if (typeof value !== 'string') return undefined;
  if (analysis.kind === 'mlproject' && path[0] === 'entry_points' && path[2] === 'parameters' && (path.length === 4 || path[4] === 'type')) {
    if (PARAM_TYPES[value]) return { markdown: `**${value}** — ${PARAM_TYPES[value]}`, range };
    const alt = UNDOCUMENTED_TYPES[value] ?? 'string';
    return { markdown: `**${value}** — not an MLflow parameter type; MLflow treats it like \`string\` (no check, no conversion). Documented types: \`string\`, \`float\`, \`path\`, \`uri\`; closest: \`${alt}\`.`, range };
  }
  if (analysis.kind === 'mlmodel' && path[0] === 'flavors' && path[path.length - 1] === 'loader_module') {
    return { markdown: `**${value}** — module whose \`_load_pyfunc(path)\` mlflow.pyfunc.load_model imports.`, range };
  }
  const doc = keyDoc(analysis.kind, path);
  return doc ? { markdown: `**${path[path.length - 1]}** — ${doc}`, range } : undefined;
}

export function keyDoc(kind: 'mlproject' | 'mlmodel', path: string[]): string | undefined {
  const last = path[path.length - 1];
  if (kind === 'mlproject') {
    if (path.length === 1) return MLPROJECT_TOP[last];
    if (path[0] === 'entry_points') {
      if (path.length === 2) return `Entry point \`${last}\`: run it with \`mlflow run . -e ${last}\`.`;
      if (path.length === 3) return ENTRY_POINT_KEYS[last];
      if (path.length === 4 && path[2] === 'parameters') return `Parameter \`${last}\`: pass \`-P ${last}=…\`; substituted at \`{${last}}\` in the command.`;
      if (path.length === 5 && path[2] === 'parameters') return PARAM_SPEC_KEYS[last];
    }
    if (path.length === 2 && path[0] === 'docker_env') return DOCKER_KEYS[last];
    if (path.length === 2 && path[0] === 'databricks_spark_job') return SPARK_JOB_KEYS[last];
    return undefined;
  }
  if (path.length === 1) return MLMODEL_TOP[last];
  if (path[0] === 'flavors') {
    if (path.length === 2) return last === 'python_function' ? 'Generic Python function flavor: what `mlflow.pyfunc.load_model` and `mlflow models serve` use.' : KNOWN_FLAVORS.includes(last) ? `The \`${last}\` flavor, loaded with \`mlflow.${last}.load_model\`.` : 'A flavor MLflow does not ship.';
    if (path.length === 3) return FLAVOR_KEYS[path[1]]?.[last] ?? (last === 'code' ? 'Folder of code saved with the model.' : undefined);
    if (path.length === 4 && path[1] === 'python_function' && path[2] === 'env') return last === 'conda' ? 'Conda environment file.' : last === 'virtualenv' ? 'python_env.yaml used with virtualenv or uv.' : undefined;
  }
  if (path.length === 2 && path[0] === 'signature') return SIGNATURE_KEYS[last];
  if (path.length === 2 && path[0] === 'saved_input_example_info') return INPUT_EXAMPLE_KEYS[last];
  return undefined;
}

function jsonStringAt(node: JsonNode, toDoc: (o: number) => number, offset: number): { value: string; start: number; end: number } | undefined {
  const inside = (s: number, e: number) => toDoc(s) <= offset && offset <= toDoc(Math.max(s, e - 1)) + 1;
  if (node.kind === 'string') return inside(node.start, node.end) ? { value: node.value, start: node.start, end: node.end } : undefined;
  if (node.kind === 'array') for (const it of node.items) {
    const r = jsonStringAt(it, toDoc, offset);
    if (r) return r;
  }
  if (node.kind === 'object') for (const p of node.props) {
    const r = jsonStringAt(p.value, toDoc, offset);
    if (r) return r;
  }
  return undefined;
}
