import { TAG } from '../model/entities';
import { RUNS } from './dialects';
import { parseOrderByList, type OrderKey } from './orderBy';
import { parseFilter, type Clause } from './parser';

/**
 * A run search, parsed, with the keys it looks at. Stores that read runs piecemeal (the file store)
 * load only these keys for every candidate run, order and page, and read whole runs only for the
 * page they return. Parsing happens here, before any store is touched, so bad input always fails.
 */
export interface RunSearchPlan {
  clauses: Clause[];
  order: OrderKey[];
  params: ReadonlySet<string>;
  tags: ReadonlySet<string>;
  metrics: ReadonlySet<string>;
  /** The search names run_name, which older writers kept only in the mlflow.runName tag. */
  usesRunName: boolean;
}

export function planRunSearch(filter: string | undefined, orderBy: readonly string[] | undefined): RunSearchPlan {
  const clauses = parseFilter(filter ?? '', RUNS);
  const order = parseOrderByList(orderBy, RUNS);
  const params = new Set<string>();
  const tags = new Set<string>();
  const metrics = new Set<string>();
  let usesRunName = false;
  for (const k of [...clauses, ...order]) {
    if (k.type === 'parameter') params.add(k.key);
    else if (k.type === 'tag') tags.add(k.key);
    else if (k.type === 'metric') metrics.add(k.key);
    else if (k.type === 'attribute' && RUNS.alias(k.key) === 'run_name') usesRunName = true;
  }
  if (usesRunName) tags.add(TAG.runName);
  return { clauses, order, params, tags, metrics, usesRunName };
}
