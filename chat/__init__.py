"""The AI specialist: conversations, WebSocket consumer, agents, tools, RAG and hand-off."""
