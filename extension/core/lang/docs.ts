/**
 * Our own documentation for every key and type of MLproject and MLmodel files, shown on hover and
 * in completion. Facts come from MLflow's loaders (see docs/language-server.md); wording is ours.
 */
export type DocTable = Record<string, string>;

export const MLPROJECT_TOP: DocTable = {
  name: 'Project name. Used as the Docker image name when the project has a `docker_env`; otherwise informational.',
  entry_points:
    'Map of entry point name → `{command, parameters}`. `mlflow run` runs `main` unless `-e NAME` is given. A name that is not declared but ends in `.py`, `.sh` or `.R` runs that script directly.',
  python_env:
    'Path (relative to the project folder) to a `python_env.yaml` with `python`, `build_dependencies` and `dependencies`. The file must exist or `mlflow run` stops. Only one of `python_env`, `conda_env`, `docker_env` is allowed.',
  conda_env:
    'Path (relative to the project folder) to a conda environment YAML. The file must exist or `mlflow run` stops. Only one of `python_env`, `conda_env`, `docker_env` is allowed.',
  docker_env:
    'Run inside a Docker container: `image` (required), `volumes` (list of `"host:container"` strings), `environment` (list of `"VAR"` to copy from the host or `["NAME", "value"]` pairs). Only one environment key is allowed.',
  databricks_spark_job:
    'Run as a Databricks Spark job: `python_file`, `parameters` (list) and `python_libraries` (list). Cannot be combined with an environment key, and `path` parameters are not supported.',
};

export const ENTRY_POINT_KEYS: DocTable = {
  command:
    'Shell command run in the project folder. `{name}` placeholders are replaced (Python `str.format`) by the shell-quoted parameter values; `{{` and `}}` give literal braces. A placeholder that no parameter declares makes `mlflow run` fail.',
  parameters:
    'Map of parameter name → type (`alpha: float`) or `{type, default}`. Parameters without a default are required (`-P name=value`). Values passed with `-P` for undeclared names are appended to the command as `--name value`.',
};

export const PARAM_SPEC_KEYS: DocTable = {
  type: 'Parameter type: `string` (default), `float`, `path` or `uri`. MLflow checks only `path` (a local path must exist; remote URIs are downloaded) and `uri` (must have a scheme). Any other name is accepted and treated like `string`.',
  default:
    'Value used when `-P name=…` is not given. Without a default (or with `null`) the parameter is required. PyYAML types it first (YAML 1.1): `0.10` becomes `0.1`, `yes` becomes `True`, `010` becomes `8` — quote it to keep the text.',
};

export const PARAM_TYPES: DocTable = {
  string: 'Any text. Passed to the command shell-quoted, unchanged.',
  float: 'A number. MLflow does not convert or check it; the text is passed as written (after YAML typing).',
  path: 'A file or folder. A local path must exist and is made absolute; a remote URI (`s3://…`, `dbfs:/…`) is downloaded first. The run logs the value as given.',
  uri: 'A URI with a scheme (`s3://…`, `file:///…`, `runs:/…`). A relative path such as `./data` is rejected by `mlflow run`.',
};

/** Types MLflow does not document but treats as `string`, with the documented type to use instead. */
export const UNDOCUMENTED_TYPES: Record<string, string> = {
  str: 'string',
  text: 'string',
  int: 'float',
  integer: 'float',
  long: 'float',
  number: 'float',
  double: 'float',
  numeric: 'float',
  bool: 'string',
  boolean: 'string',
  list: 'string',
  'list[str]': 'string',
  'list[int]': 'string',
  'list[float]': 'string',
  file: 'path',
  dir: 'path',
  directory: 'path',
  url: 'uri',
};

export const DOCKER_KEYS: DocTable = {
  image: 'Docker image to run in (required). MLflow builds a project image on top of it unless `--build-image` is off and the image already fits.',
  volumes: 'List of volume mounts as strings, e.g. `"/host/data:/data"`.',
  environment:
    'List of environment variables for the container: `"VAR"` copies VAR from the host (it must be set), `["NAME", "value"]` sets a value.',
};

export const SPARK_JOB_KEYS: DocTable = {
  python_file: 'Python file run by the Spark job. Cannot be combined with `entry_points`.',
  parameters: 'List of command-line arguments for `python_file`.',
  python_libraries: 'List of Python libraries to install on the cluster.',
};

export const MLMODEL_TOP: DocTable = {
  artifact_path:
    'Where the model was logged: the full artifact URI in MLflow 3 (`…/models/m-…/artifacts`), the run-relative path (e.g. `model`) in MLflow 2.',
  flavors: 'Map of flavor name → flavor configuration. `python_function` lets `mlflow.pyfunc.load_model` load the model; the others belong to their library loaders.',
  run_id: 'Id of the run that logged the model (32 hex characters). Absent when the model was saved without a run.',
  model_uuid: 'Unique id of this model: 32 hex characters in MLflow 2, equal to `model_id` (`m-…`) in MLflow 3.',
  model_id: 'MLflow 3 LoggedModel id (`m-` followed by 32 hex characters), or null.',
  utc_time_created: "When the model was saved, as Python writes a naive UTC datetime: `'YYYY-MM-DD HH:MM:SS.ffffff'` (no fraction when the microseconds are 0).",
  mlflow_version: 'MLflow version that saved the model. Quote it: an unquoted `2.10` would be read as the number 2.1.',
  signature: 'Model signature: `inputs`, `outputs` and `params`, each a JSON string (or null). Used to validate and convert inputs at prediction time.',
  is_signature_from_type_hint: 'MLflow 3: true when the signature was inferred from the PythonModel type hints.',
  type_hint_from_example: 'MLflow 3: true when the type-hint signature was completed from the input example.',
  saved_input_example_info: 'Describes the saved input example: `artifact_path`, `type`, `pandas_orient`, `serving_input_path`, `params`.',
  metadata: 'Free-form user metadata (map).',
  model_size_bytes: 'Total size of the model folder in bytes.',
  prompts: 'List of prompt URIs linked to the model (MLflow 3), or null.',
  resources: 'Databricks resources the model depends on (`api_version` plus resource maps).',
  auth_policy: 'Databricks authentication policy (`system_auth_policy`, `user_auth_policy`).',
  env_vars: 'Names of environment variables the model used during input validation; also in `environment_variables.txt`.',
  databricks_runtime: 'Databricks runtime version that saved the model.',
  model_code_path: 'Models-from-code: path of the Python file that defines the model.',
  registered_model_version: 'Registered model version this copy was downloaded for (client-side only).',
};

export const SIGNATURE_KEYS: DocTable = {
  inputs:
    'JSON array of column specs (`{"type": "double", "name": "x", "required": true}`) or tensor specs (`{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 4]}}`), not both.',
  outputs: 'JSON array describing the prediction, same format as `inputs`.',
  params: 'JSON array of inference parameters: `{"name": …, "type": …, "default": …, "shape": null}`.',
};

export const INPUT_EXAMPLE_KEYS: DocTable = {
  artifact_path: 'File of the input example in the model folder, usually `input_example.json`.',
  type: 'Kind of example: `dataframe`, `ndarray`, `json_object`, `sparse_matrix_csc` or `sparse_matrix_csr`.',
  pandas_orient: 'Pandas JSON orientation of a dataframe example: `split` or `values`.',
  serving_input_path: 'Ready-made `/invocations` request body, usually `serving_input_example.json`.',
  params: 'Present (`"true"`) when the example carries inference params.',
};

export const INPUT_EXAMPLE_TYPES = ['dataframe', 'ndarray', 'json_object', 'sparse_matrix_csc', 'sparse_matrix_csr'];

export const PYFUNC_KEYS: DocTable = {
  loader_module: 'Python module whose `_load_pyfunc(path)` loads the model (e.g. `mlflow.sklearn`, `mlflow.pyfunc.model`). Required by `mlflow.pyfunc.load_model`.',
  python_version: 'Python version that saved the model; a different major/minor version only triggers a warning on load.',
  env: 'Environment files: `{conda: conda.yaml, virtualenv: python_env.yaml}` (a plain path to the conda file before MLflow 2).',
  data: 'Model data path, relative to the model folder, handed to the loader module.',
  code: 'Folder of code files added to `sys.path` before loading.',
  config: 'Model configuration passed to the loader (`model_config`).',
  model_path: 'Model file used by the loader (flavor specific, e.g. `model.pkl` for sklearn).',
  model_code_path: 'Models-from-code: the Python file defining the model.',
  predict_fn: 'Name of the prediction method (default `predict`).',
  streamable: 'True when the model supports `predict_stream`.',
  predict_stream_fn: 'Name of the streaming prediction method (default `predict_stream`).',
  python_model: 'Pickled `PythonModel` instance (`python_model.pkl`).',
  cloudpickle_version: 'cloudpickle version used to pickle the PythonModel.',
  artifacts: 'Artifacts of a PythonModel: `{name: {path, uri}}`.',
  python_model_compression: 'Compression used for the pickled PythonModel.',
  pickle_module_name: 'Pickle module used by the pytorch flavor.',
  extra_files: 'Extra files saved with the model.',
  streamable_fn: 'Streaming function name.',
};

const COMMON_FLAVOR: DocTable = {
  code: 'Folder of code saved with the model (null when unused).',
  extra_files: 'Extra files saved with the model.',
};

export const FLAVOR_KEYS: Record<string, DocTable> = {
  python_function: PYFUNC_KEYS,
  sklearn: { pickled_model: 'Serialized estimator file (`model.pkl`, or `model.skops`).', sklearn_version: 'scikit-learn version that saved the model.', serialization_format: '`cloudpickle`, `pickle` or `skops`.', skops_trusted_types: 'Types trusted when loading a skops file.', ...COMMON_FLAVOR },
  pytorch: { model_data: 'Folder with the saved model (`data`).', pytorch_version: 'PyTorch version that saved the model.', export_model: 'Saved with torch.export.', ...COMMON_FLAVOR },
  xgboost: { xgb_version: 'XGBoost version.', data: 'Model file (e.g. `model.xgb`).', model_class: 'Python class of the model.', model_format: '`xgb`, `json` or `ubj`.', ...COMMON_FLAVOR },
  lightgbm: { lgb_version: 'LightGBM version.', data: 'Model file.', model_class: 'Python class of the model.', serialization_format: 'Serialization format.', skops_trusted_types: 'Types trusted when loading a skops file.', ...COMMON_FLAVOR },
  catboost: { catboost_version: 'CatBoost version.', data: 'Model file.', model_type: 'CatBoost model class.', save_format: 'Save format.', ...COMMON_FLAVOR },
  tensorflow: { data: 'Keras model folder.', model_type: '`keras` or `tf2-module`.', keras_version: 'Keras version.', save_format: 'Save format.', saved_model_dir: 'SavedModel folder.', meta_graph_tags: 'Meta graph tags.', signature_def_key: 'Signature key.', ...COMMON_FLAVOR },
  keras: { data: 'Model folder.', keras_version: 'Keras version.', keras_backend: 'Keras 3 backend.', save_exported_model: 'Saved as exported model.', keras_module: 'Keras module.', save_format: 'Save format.', ...COMMON_FLAVOR },
  onnx: { onnx_version: 'ONNX version.', data: 'Model file (e.g. `model.onnx`).', providers: 'Execution providers.', onnx_session_options: 'Session options.', ...COMMON_FLAVOR },
  transformers: { transformers_version: 'transformers version.', task: 'Pipeline task.', instance_type: 'Pipeline class.', pipeline_model_type: 'Model class.', source_model_name: 'Hub model name.', source_model_revision: 'Hub revision.', framework: '`pt` or `tf`.', torch_dtype: 'Torch dtype.', components: 'Saved components.', model_binary: 'Model weights folder.', peft_adaptor: 'PEFT adapter folder.', prompt_template: 'Prompt template.', ...COMMON_FLAVOR },
  spark: { pyspark_version: 'PySpark version.', model_data: 'Model folder.', model_class: 'Model class.', ...COMMON_FLAVOR },
  statsmodels: { statsmodels_version: 'statsmodels version.', data: 'Model file.', ...COMMON_FLAVOR },
  prophet: { prophet_version: 'Prophet version.', model_path: 'Model file.', ...COMMON_FLAVOR },
  h2o: { h2o_version: 'H2O version.', data: 'Model folder.', ...COMMON_FLAVOR },
};

/** Flavors MLflow ships (FLAVOR_NAME of its modules) plus historic ones; others draw a warning. */
export const KNOWN_FLAVORS = [
  'python_function', 'sklearn', 'pytorch', 'xgboost', 'lightgbm', 'catboost', 'tensorflow', 'keras', 'onnx', 'transformers',
  'spark', 'h2o', 'statsmodels', 'prophet', 'pmdarima', 'spacy', 'paddle', 'sentence_transformers', 'langchain', 'llama_index',
  'openai', 'dspy', 'johnsnowlabs', 'diviner', 'fastai', 'gluon', 'mleap', 'promptflow', 'shap', 'crate', 'diffusers', 'ag2',
  'agno', 'anthropic', 'autogen', 'bedrock', 'crewai', 'gemini', 'groq', 'haystack', 'litellm', 'mistral', 'pydantic_ai',
  'semantic_kernel', 'smolagents', 'strands', 'typesafe', 'otel', 'mojo', 'keras_module', 'tensorflow_hub', 'pyfunc',
];

export const COLUMN_TYPES: DocTable = {
  boolean: 'Boolean column (numpy `bool`).',
  integer: '32-bit integer (numpy `int32`).',
  long: '64-bit integer (numpy `int64`).',
  float: '32-bit float (numpy `float32`).',
  double: '64-bit float (numpy `float64`).',
  string: 'Text.',
  binary: 'Bytes (not allowed for params).',
  datetime: 'Timestamp (numpy `datetime64[ns]`); param defaults are ISO strings.',
  array: 'Composite: `{"type": "array", "items": <type spec>}`.',
  object: 'Composite: `{"type": "object", "properties": {name: {type spec, "required": bool}}}`.',
  map: 'Composite: `{"type": "map", "values": <type spec>}`.',
  any: 'Any value, not validated.',
  sparkml_vector: 'Spark ML vector.',
  tensor: 'Tensor spec: `{"type": "tensor", "tensor-spec": {"dtype": …, "shape": [-1, …]}}`.',
};
