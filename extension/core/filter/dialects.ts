/**
 * What each MLflow search accepts: the entity prefixes, attribute keys, comparators and value
 * types. MLflow's SearchUtils subclasses differ in small ways (experiment search rejects the
 * `attributes.` prefix, registry searches have no IS NULL, only some keys take lists); each
 * difference is a field here so one parser serves all four searches.
 */

export type EntityType = 'metric' | 'parameter' | 'tag' | 'attribute' | 'dataset' | 'metadata';

export type Comparator = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'LIKE' | 'ILIKE' | 'IN' | 'NOT IN' | 'IS NULL' | 'IS NOT NULL';

export type SearchKind = 'runs' | 'experiments' | 'registeredModels' | 'modelVersions' | 'traces';

export interface Dialect {
  kind: SearchKind;
  /** Entity prefix → entity type. Prefixes are case-sensitive in MLflow. */
  entities: Record<string, EntityType>;
  /** Run search accepts `metrics`.x (back-ticked prefix); the others compare the raw prefix. */
  trimEntityBackticks: boolean;
  /** Attribute keys a filter may name. */
  filterAttributes: ReadonlySet<string>;
  numericAttributes: ReadonlySet<string>;
  /** Attributes that take `IN (…)` / `NOT IN (…)` lists. */
  listKeys: ReadonlySet<string>;
  comparators: {
    metric: ReadonlySet<Comparator>;
    parameter: ReadonlySet<Comparator>;
    tag: ReadonlySet<Comparator>;
    stringAttribute: ReadonlySet<Comparator>;
    numericAttribute: ReadonlySet<Comparator>;
    dataset: ReadonlySet<Comparator>;
    /** Trace metadata (`metadata.x`, `request_metadata.x`); only trace search has it. */
    metadata: ReadonlySet<Comparator>;
  };
  /** Registry searches check the attribute key before removing its quotes, so `name` works and `\`name\`` does not. */
  attributeKeyCheckedRaw: boolean;
  /** Model-version search converts a quoted number for version_number with int(). */
  numericAttributeAcceptsString: boolean;
  /** Numeric literals are only allowed on numeric attributes (model versions). */
  numbersOnlyOnNumericAttributes: boolean;
  /** Attribute keys order_by may name. */
  orderAttributes: ReadonlySet<string>;
  /** Entity types order_by may name (MLflow parses others but then fails when sorting). */
  orderEntities: ReadonlySet<EntityType>;
  /** Aliases MLflow rewrites before evaluating (created → start_time, run name → run_name). */
  alias(key: string): string;
}

const NUMERIC_CMP: ReadonlySet<Comparator> = new Set(['=', '!=', '<', '<=', '>', '>=']);
const STRING_CMP: ReadonlySet<Comparator> = new Set(['=', '!=', 'LIKE', 'ILIKE']);
const STRING_ATTR_CMP: ReadonlySet<Comparator> = new Set(['=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN']);
const NULLABLE_CMP: ReadonlySet<Comparator> = new Set(['=', '!=', 'LIKE', 'ILIKE', 'IS NULL', 'IS NOT NULL']);
const NONE: ReadonlySet<Comparator> = new Set();

const REGISTRY_ENTITIES: Record<string, EntityType> = { attribute: 'attribute', tag: 'tag', tags: 'tag' };

export const RUNS: Dialect = {
  kind: 'runs',
  entities: {
    metric: 'metric',
    metrics: 'metric',
    parameter: 'parameter',
    parameters: 'parameter',
    param: 'parameter',
    params: 'parameter',
    tag: 'tag',
    tags: 'tag',
    attribute: 'attribute',
    attributes: 'attribute',
    attr: 'attribute',
    run: 'attribute',
    dataset: 'dataset',
    datasets: 'dataset',
  },
  trimEntityBackticks: true,
  filterAttributes: new Set(['run_id', 'run_name', 'status', 'user_id', 'artifact_uri', 'start_time', 'end_time', 'created', 'Created', 'run name', 'Run name', 'Run Name']),
  numericAttributes: new Set(['start_time', 'end_time', 'created', 'Created']),
  listKeys: new Set(['run_id']),
  comparators: {
    metric: NUMERIC_CMP,
    parameter: NULLABLE_CMP,
    tag: NULLABLE_CMP,
    stringAttribute: STRING_ATTR_CMP,
    numericAttribute: NUMERIC_CMP,
    dataset: STRING_ATTR_CMP,
    metadata: NONE,
  },
  attributeKeyCheckedRaw: false,
  numericAttributeAcceptsString: false,
  numbersOnlyOnNumericAttributes: false,
  orderAttributes: new Set(['run_id', 'run_name', 'status', 'user_id', 'artifact_uri', 'start_time', 'end_time', 'created', 'Created']),
  orderEntities: new Set(['metric', 'parameter', 'tag', 'attribute']),
  alias(key) {
    if (key === 'created' || key === 'Created') return 'start_time';
    if (key === 'run name' || key === 'Run name' || key === 'Run Name') return 'run_name';
    return key;
  },
};

export const EXPERIMENTS: Dialect = {
  kind: 'experiments',
  entities: REGISTRY_ENTITIES,
  trimEntityBackticks: false,
  filterAttributes: new Set(['name', 'experiment_id', 'creation_time', 'last_update_time']),
  numericAttributes: new Set(['creation_time', 'last_update_time']),
  listKeys: new Set(['experiment_id']),
  comparators: { metric: NONE, parameter: NONE, tag: NULLABLE_CMP, stringAttribute: STRING_ATTR_CMP, numericAttribute: NUMERIC_CMP, dataset: NONE, metadata: NONE },
  attributeKeyCheckedRaw: false,
  numericAttributeAcceptsString: false,
  numbersOnlyOnNumericAttributes: false,
  orderAttributes: new Set(['name', 'experiment_id', 'creation_time', 'last_update_time']),
  orderEntities: new Set(['attribute']),
  alias: (k) => k,
};

export const REGISTERED_MODELS: Dialect = {
  kind: 'registeredModels',
  entities: REGISTRY_ENTITIES,
  trimEntityBackticks: false,
  filterAttributes: new Set(['name']),
  numericAttributes: new Set(['creation_timestamp', 'last_updated_timestamp']),
  listKeys: new Set(['name']),
  comparators: { metric: NONE, parameter: NONE, tag: STRING_CMP, stringAttribute: STRING_ATTR_CMP, numericAttribute: NUMERIC_CMP, dataset: NONE, metadata: NONE },
  attributeKeyCheckedRaw: true,
  numericAttributeAcceptsString: false,
  numbersOnlyOnNumericAttributes: true,
  orderAttributes: new Set(['name', 'creation_timestamp', 'last_updated_timestamp']),
  orderEntities: new Set(['attribute']),
  alias: (k) => k,
};

export const MODEL_VERSIONS: Dialect = {
  kind: 'modelVersions',
  entities: REGISTRY_ENTITIES,
  trimEntityBackticks: false,
  filterAttributes: new Set(['name', 'version_number', 'run_id', 'source_path']),
  numericAttributes: new Set(['version_number', 'creation_timestamp', 'last_updated_timestamp']),
  listKeys: new Set(['name', 'run_id']),
  comparators: { metric: NONE, parameter: NONE, tag: STRING_CMP, stringAttribute: STRING_ATTR_CMP, numericAttribute: NUMERIC_CMP, dataset: NONE, metadata: NONE },
  attributeKeyCheckedRaw: true,
  numericAttributeAcceptsString: true,
  numbersOnlyOnNumericAttributes: true,
  orderAttributes: new Set(['name', 'version_number', 'creation_timestamp', 'last_updated_timestamp']),
  orderEntities: new Set(['attribute']),
  alias: (k) => k,
};

/**
 * Trace search (MLflow's SearchTraceUtils) as the local stores evaluate it: `name`, `run_id` and
 * `prompt` are attribute keys that stand for a tag or metadata key (traceFilter.ts rewrites them);
 * span, feedback, expectation and full-text (`text`) clauses need MLflow's SQL store and are left
 * out here, as MLflow's own file store refuses them.
 */
export const TRACES: Dialect = {
  kind: 'traces',
  entities: {
    tag: 'tag',
    tags: 'tag',
    attribute: 'attribute',
    attributes: 'attribute',
    trace: 'attribute',
    request_metadata: 'metadata',
    metadata: 'metadata',
  },
  trimEntityBackticks: true,
  filterAttributes: new Set(['request_id', 'timestamp', 'timestamp_ms', 'execution_time', 'execution_time_ms', 'end_time', 'end_time_ms', 'status', 'client_request_id', 'name', 'run_id', 'prompt']),
  numericAttributes: new Set(['timestamp', 'timestamp_ms', 'execution_time', 'execution_time_ms', 'end_time', 'end_time_ms']),
  listKeys: new Set(['name', 'status', 'request_id', 'run_id', 'client_request_id']),
  comparators: {
    metric: NONE,
    parameter: NONE,
    tag: NULLABLE_CMP,
    stringAttribute: STRING_ATTR_CMP,
    numericAttribute: NUMERIC_CMP,
    dataset: NONE,
    metadata: NULLABLE_CMP,
  },
  attributeKeyCheckedRaw: false,
  numericAttributeAcceptsString: false,
  numbersOnlyOnNumericAttributes: false,
  orderAttributes: new Set(['experiment_id', 'timestamp', 'timestamp_ms', 'execution_time', 'execution_time_ms', 'end_time', 'end_time_ms', 'status', 'request_id', 'name', 'run_id']),
  orderEntities: new Set(['attribute']),
  alias(key) {
    if (key === 'timestamp' || key === 'execution_time' || key === 'end_time') return `${key}_ms`;
    return key;
  },
};

export const DIALECTS: Record<SearchKind, Dialect> = {
  traces: TRACES,
  runs: RUNS,
  experiments: EXPERIMENTS,
  registeredModels: REGISTERED_MODELS,
  modelVersions: MODEL_VERSIONS,
};

/** Entity type names as MLflow lists them in its messages. */
export function entityNames(d: Dialect): string {
  return [...new Set(Object.keys(d.entities))].join(', ');
}
