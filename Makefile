# Two entry points: `make run` (set up, then summarize the seed article with the
# embedded model) and `make test` (set up, then every test and the replayed eval).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SEED   := seeds/00_tass_lavrov_de_mistura.txt

.PHONY: setup run test eval-replay bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[local,html,dev]'
	touch $(STAMP)

setup: $(STAMP)

run: setup
	$(BIN)/summarizer summarize $(SEED) --stats

test: setup
	$(BIN)/python -m pytest -q
	$(MAKE) --no-print-directory eval-replay

# The development suite answered from committed recordings: seconds, no model,
# thresholds from evals/news/suite.toml.
eval-replay: setup
	$(BIN)/summarizer eval evals/news --replay evals/recordings --out runs/replay-$$(date +%s)

bench: setup
	$(BIN)/python bench/bench_summarize.py
	$(BIN)/python bench/bench_eval.py
	$(BIN)/python bench/bench_floor.py
	$(BIN)/python bench/bench_decoding.py
	$(BIN)/python bench/bench_grammar.py
	$(BIN)/python bench/bench_drafts.py
	$(BIN)/python bench/bench_stops.py

clean:
	rm -rf $(VENV) runs .pytest_cache
