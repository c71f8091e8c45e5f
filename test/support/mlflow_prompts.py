"""Prompts written and read back by the real mlflow client, for the prompt tests.

usage: mlflow_prompts.py make URI     registers qa-prompt (2 versions, @production -> 1) and chat-prompt
       mlflow_prompts.py read URI     prints every prompt with its versions as the client reads them
"""
import json
import sys

import mlflow
from mlflow import MlflowClient


def make(uri):
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    mlflow.genai.register_prompt(
        "qa-prompt", "Answer {{question}} in a {{ style }} tone.", commit_message="first", tags={"author": "ann"}
    )
    mlflow.genai.register_prompt("qa-prompt", "Answer {{question}} briefly,\nin a {{style}} tone.", commit_message="shorter")
    mlflow.genai.set_prompt_alias("qa-prompt", "production", 1)
    mlflow.genai.register_prompt(
        "chat-prompt",
        [{"role": "system", "content": "You are {{persona}}. Caf\u00e9 \U0001F600 <b>\"x\"</b>"}, {"role": "user", "content": "{{question}}"}],
        response_format={"type": "object"},
        model_config={"model_name": "gpt-4", "temperature": 0.5},
    )
    print(json.dumps({"ok": True}))


def read(uri):
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    out = []
    for p in sorted(client.search_prompts(max_results=1000), key=lambda p: p.name):
        rm = client._get_registry_client().get_registered_model(p.name)
        versions = []
        for mv in client.search_prompt_versions(p.name):
            v = client.load_prompt(p.name, mv.version)
            versions.append({
                "version": str(v.version),
                "type": "text" if v.is_text_prompt else "chat",
                "template": v.template if v.is_text_prompt else json.dumps(v.template),
                "commit_message": v.commit_message,
                "aliases": sorted(v.aliases),
                "tags": v.tags,
                "response_format": json.dumps(v.response_format) if v.response_format else None,
                "model_config": json.dumps(v.model_config) if v.model_config else None,
            })
        versions.sort(key=lambda v: int(v["version"]))
        out.append({"name": p.name, "description": p.description, "tags": p.tags, "aliases": {k: str(v) for k, v in rm.aliases.items()}, "versions": versions})
    print(json.dumps(out))


if __name__ == "__main__":
    {"make": make, "read": read}[sys.argv[1]](sys.argv[2])
