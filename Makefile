# Clueboard — two commands do all the set-up on a fresh machine:
#   make run    create .venv, install the pinned requirements, start the app on the bundled sample data
#   make test   install what the tests need (dev requirements; Debian chromium if missing) and run every test

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501

.PHONY: run test chromium bench sample clean

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

bench: $(VENV)/.dev
	$(PY) bench/ingest.py
	$(PY) bench/pages.py
	$(PY) bench/models.py
	$(PY) bench/pipeline.py

sample: $(VENV)/.runtime
	$(PY) sample_data/generate.py

clean:
	rm -rf $(VENV) .pytest_cache
