"""LLM providers behind one protocol: OpenAI, Anthropic and the local (no keys) one."""
