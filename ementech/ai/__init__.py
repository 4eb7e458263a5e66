"""AI library: providers, embeddings, vector index, rerank, routing, cost and fallback.

Plain Python with no Django models; implementations are chosen from settings in one place.
"""
