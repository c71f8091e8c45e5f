/**
 * The schema of `mlflow gateway start --config-path` files, as mlflow 3.17.2's
 * mlflow/gateway/config.py and provider registry define it (pydantic models that ignore unknown
 * keys). Documentation strings are ours.
 */

export type KeyDocs = Record<string, string>;

export const GATEWAY_TOP: KeyDocs = {
  endpoints: 'List of endpoints the gateway serves, each at `/gateway/<name>/invocations`. Required.',
  routes: 'Optional traffic routes: a name that splits calls between endpoints of one type by percentage.',
};

export const ENDPOINT_KEYS: KeyDocs = {
  name: 'Endpoint name, used in the URL: letters, digits, `_`, `-` and `.` only. Unique across endpoints and routes.',
  endpoint_type: 'What the endpoint does: `llm/v1/chat`, `llm/v1/completions` or `llm/v1/embeddings`.',
  model: 'The provider model this endpoint calls: `provider`, `name` and the provider\'s `config`.',
  limit: 'Optional rate limit: `calls` per `renewal_period` (e.g. 10 per `minute`).',
};

export const ENDPOINT_TYPES: KeyDocs = {
  'llm/v1/chat': 'Chat: a list of messages in, an assistant message out.',
  'llm/v1/completions': 'Completions: a prompt in, generated text out.',
  'llm/v1/embeddings': 'Embeddings: text in, vectors out.',
};

export const MODEL_KEYS: KeyDocs = {
  provider: 'Provider name (e.g. `openai`, `anthropic`, `mlflow-model-serving`); plugins may add more.',
  name: 'The provider\'s model name, e.g. `gpt-4o-mini`.',
  config: 'Provider settings (API key, base URL…); required for MLflow\'s built-in providers.',
};

export const LIMIT_KEYS: KeyDocs = {
  calls: 'Number of calls allowed per renewal period (an integer).',
  renewal_period: 'Period the calls are counted over: `second`, `minute`, `hour`, `day`, `month` or `year`.',
  key: 'Optional request header whose value the limit is counted per.',
};

export const ROUTE_KEYS: KeyDocs = {
  name: 'Route name, used in the URL; unique across endpoints and routes.',
  task_type: 'Endpoint type of every destination: `llm/v1/chat`, `llm/v1/completions` or `llm/v1/embeddings`.',
  destinations: 'Endpoints to split traffic between: `name` (an endpoint) and `traffic_percentage`; percentages add up to 100.',
  routing_strategy: 'Only `TRAFFIC_SPLIT` (the default).',
};

export const DESTINATION_KEYS: KeyDocs = {
  name: 'Name of an endpoint in this file, of the route\'s task_type.',
  traffic_percentage: 'Share of calls in percent (0–100); a route\'s destinations add up to 100.',
};

interface ProviderConfig {
  /** Keys pydantic requires (no default). */
  required: string[];
  keys: KeyDocs;
}

const apiKey = (what: string) => `${what} API key: the key, \`$ENV_VAR\` (read from the gateway's environment) or a path to a file holding it.`;
const openAICompatible = (what: string, base?: string): ProviderConfig => ({
  required: ['api_key'],
  keys: { api_key: apiKey(what), api_base: `Base URL of the OpenAI-compatible API${base ? ` (default ${base})` : ''}.` },
});

/** Provider → the config model its CONFIG_TYPE names (mlflow/gateway/providers/*.py). */
export const PROVIDER_CONFIGS: Record<string, ProviderConfig> = {
  openai: {
    required: ['openai_api_key'],
    keys: {
      openai_api_key: apiKey('OpenAI'),
      openai_api_type: '`openai` (default), `azure` or `azuread`.',
      openai_api_base: 'Base URL (default https://api.openai.com/v1); required for Azure.',
      openai_api_version: 'API version; required for Azure.',
      openai_deployment_name: 'Azure deployment name; required for Azure, refused for `openai`.',
      openai_organization: 'OpenAI organization id; refused for Azure.',
    },
  },
  anthropic: { required: ['anthropic_api_key'], keys: { anthropic_api_key: apiKey('Anthropic'), anthropic_version: 'API version header (default 2023-06-01).', anthropic_api_base: 'Base URL (default https://api.anthropic.com/v1).' } },
  cohere: { required: ['cohere_api_key'], keys: { cohere_api_key: apiKey('Cohere') } },
  ai21labs: { required: ['ai21labs_api_key'], keys: { ai21labs_api_key: apiKey('AI21 Labs') } },
  'mlflow-model-serving': { required: ['model_server_url'], keys: { model_server_url: 'URL of an `mlflow models serve` server.' } },
  mosaicml: { required: ['mosaicml_api_key'], keys: { mosaicml_api_key: apiKey('MosaicML'), mosaicml_api_base: 'Base URL.' } },
  'huggingface-text-generation-inference': { required: ['hf_server_url'], keys: { hf_server_url: 'URL of a Text Generation Inference server.' } },
  palm: { required: ['palm_api_key'], keys: { palm_api_key: apiKey('PaLM') } },
  gemini: { required: ['gemini_api_key'], keys: { gemini_api_key: apiKey('Gemini') } },
  bedrock: { required: ['aws_config'], keys: { aws_config: 'AWS credentials: `aws_region` plus a role (`aws_role_arn`), keys (`aws_access_key_id`, `aws_secret_access_key`) or `aws_bearer_token`.' } },
  'amazon-bedrock': { required: ['aws_config'], keys: { aws_config: 'AWS credentials: `aws_region` plus a role (`aws_role_arn`), keys (`aws_access_key_id`, `aws_secret_access_key`) or `aws_bearer_token`.' } },
  databricks: { required: [], keys: { host: 'Workspace URL.', token: 'Personal access token.', client_id: 'OAuth client id.', client_secret: 'OAuth client secret.' } },
  'databricks-model-serving': { required: [], keys: { host: 'Workspace URL.', token: 'Personal access token.', client_id: 'OAuth client id.', client_secret: 'OAuth client secret.' } },
  mistral: { required: ['mistral_api_key'], keys: { mistral_api_key: apiKey('Mistral') } },
  togetherai: { required: ['togetherai_api_key'], keys: { togetherai_api_key: apiKey('Together AI') } },
  litellm: { required: [], keys: { litellm_provider: 'LiteLLM provider name.', litellm_auth_config: 'Mapping of LiteLLM auth settings (`api_key`, `api_base`…).' } },
  azure: {
    required: ['openai_api_key'],
    keys: {
      openai_api_key: apiKey('Azure OpenAI'),
      openai_api_type: '`azure` or `azuread`.',
      openai_api_base: 'Azure resource URL.',
      openai_api_version: 'API version.',
      openai_deployment_name: 'Deployment name.',
    },
  },
  groq: openAICompatible('Groq'),
  deepseek: openAICompatible('DeepSeek'),
  xai: openAICompatible('xAI'),
  openrouter: openAICompatible('OpenRouter'),
  ollama: { required: [], keys: { api_key: 'API key (default `ollama`: none sent).', api_base: 'Base URL (default http://localhost:11434/v1).' } },
  vertex_ai: { required: ['vertex_project'], keys: { vertex_project: 'Google Cloud project.', vertex_location: 'Region.', vertex_credentials: 'Service account credentials JSON.', vertex_anthropic_betas: 'anthropic-beta values forwarded to Claude models.' } },
  portkey: { required: ['api_key'], keys: { api_key: apiKey('Portkey'), api_base: 'Base URL.', portkey_provider: 'Upstream provider slug (`@integration` or a bare provider).', portkey_config: 'Saved Portkey config id or JSON.', provider_api_key: 'Upstream provider key for bare provider slugs.' } },
  'sap-ai-core': { required: [], keys: {} },
  typesafe: { required: ['typesafe_api_key'], keys: { typesafe_api_key: apiKey('TypeSafe'), typesafe_api_base: 'Base URL.' } },
};

/** MLflow's `Provider` enum spelling: case-insensitive, `-` and `_` alike. */
export function providerKey(provider: string): string | undefined {
  const norm = provider.replace(/-/g, '_').toLowerCase();
  return Object.keys(PROVIDER_CONFIGS).find((p) => p.replace(/-/g, '_') === norm);
}

export const RENEWAL_PERIODS = ['second', 'minute', 'hour', 'day', 'month', 'year'];
