"""Retrieval: asking the provisions in plain words, and the models that read them.

- ``models``: where the embedding models are (the packaged one, those adapted to the corpus);
- ``text_embeddings``: texts embedded in batches with torch, cached on disk (the build);
- ``question_embedding``: one question embedded in NumPy (the app: no torch to import);
- ``adaptation``: adapting the encoder to the corpus, and when a cached adaptation is reused;
- ``units``: the index's units and points, and writing the index;
- ``ranking``: the loaded index, dense and BM25 rankings fused;
- ``late_interaction``: the second stage, reranking the fused candidates word piece by word piece;
- ``vector_index``: the nearest vectors to a question, exact in memory or, above a size threshold,
  approximate (HNSW, memory-mapped);
- ``instrument_names``, ``citations``, ``query_scope``: what a question names (a citation, instruments);
- ``answering``: ``search()``, the cited hits for a question;
- ``definitions``, ``direct_answers``: the corpus's defined terms; what a question asks (a bearer, a
  term) and the norm or definition among its hits that answers it (joined with search in kg.api.ask).
"""
