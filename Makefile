# Clueboard — two commands do all the set-up on a fresh machine:
#   make run    create .venv, install the pinned requirements, start the app on the bundled sample data
#   make test   install what the tests need (dev requirements; Debian chromium if missing) and run every test
#   make test-spark  install pyspark and Java (Debian's openjdk-17-jre-headless, if java is missing) and run every
#               mart on local Spark against DuckDB's results (the tests marked spark, which make test leaves out)

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501

.PHONY: run test test-spark chromium java bench sample clean

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.runtime
	$(VENV)/bin/streamlit run app.py --server.port $(PORT) --browser.gatherUsageStats false

chromium:
	@if [ ! -x /usr/bin/chromium ] || [ ! -d /usr/share/fonts/truetype/noto ] || [ ! -x /usr/bin/pdftoppm ]; then \
		echo "Installing Debian's chromium (and an emoji font) for the browser tests, poppler-utils for the PDF report's"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-color-emoji poppler-utils >/dev/null; \
	fi

test: $(VENV)/.dev chromium
	$(PY) -m pytest -q

java:
	@if ! command -v java >/dev/null 2>&1; then \
		echo "Installing Debian's openjdk-17-jre-headless for the Spark tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null; \
	fi

$(VENV)/.spark: $(VENV)/.dev requirements-spark.txt
	$(PY) -m pip install --quiet -r requirements-spark.txt
	touch $@

test-spark: $(VENV)/.spark java
	$(PY) -m pytest -q -m spark tests/scale

bench: $(VENV)/.dev
	$(PY) bench/ingest.py
	$(PY) bench/pages.py
	$(PY) bench/models.py
	$(PY) bench/pipeline.py

sample: $(VENV)/.runtime
	$(PY) sample_data/generate.py

clean:
	rm -rf $(VENV) .pytest_cache
