# `make run` and `make test` do all the set-up on a fresh machine.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.requirements-installed

.PHONY: run test graph bench clean-graph

$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation --editable .
	touch $(STAMP)

# Builds the graph when it is missing or its inputs changed; a no-op rebuild takes about a second.
graph: $(STAMP)
	$(PY) -m kg build

run: graph
	$(PY) -m kg app --port 8501

test: graph
	$(PY) -m pytest -q

bench: graph
	$(PY) bench/build_bench.py
	$(PY) bench/add_instrument_bench.py
	$(PY) bench/extraction_bench.py
	$(PY) bench/search_bench.py
	$(PY) bench/gaps_bench.py
	$(PY) bench/coherence_bench.py
	$(PY) bench/network_render_bench.py
	$(PY) bench/sparql_bench.py
	$(PY) bench/app_first_answer_bench.py
	$(PY) bench/app_concurrent_answers_bench.py
	$(PY) bench/vector_index_bench.py
	$(PY) bench/scale_bench.py

clean-graph:
	rm -rf data
