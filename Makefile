# vnocr — the two commands of the README are `make demo` and `make test`.
# Both install what they need on a fresh Debian machine (apt packages, a venv) first.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# libtesseract-dev, libleptonica-dev, g++, pkg-config, python3-dev: tesserocr is built against the
# system's libtesseract (the library the tesseract program runs on, so its words are the same)
APT_PACKAGES := tesseract-ocr tesseract-ocr-vie tesseract-ocr-eng fonts-liberation2 chromium tmux \
	libtesseract-dev libleptonica-dev g++ pkg-config python3-dev poppler-utils
SAMPLES := samples
OUT ?= out

.PHONY: demo test test-quick bench system venv lint clean samples models lexicon confusions

demo: system venv
	$(VENV)/bin/vnocr run $(SAMPLES) -o $(OUT)

test: system venv
	$(PY) -m pytest -q

test-quick: venv
	$(PY) -m pytest -q -m "not slow and not tesseract"

bench: system venv
	$(PY) bench/ocr_bench.py
	$(PY) bench/lm_bench.py
	$(PY) bench/correct_bench.py
	$(PY) bench/real_correct_bench.py
	$(PY) bench/report_bench.py
	$(PY) bench/report_cost_bench.py
	$(PY) bench/structure_bench.py --ocr
	$(PY) bench/preprocess_bench.py
	$(PY) bench/layout_bench.py
	$(PY) bench/seal_bench.py
	$(PY) bench/batch_bench.py
	$(PY) bench/parent_memory.py
	$(PY) bench/speed_bench.py
	$(PY) bench/formats_bench.py
	VNOCR_FUZZ_CASES=4000 $(PY) -m pytest -q -s tests/test_fuzz.py

# Rebuild the shipped language model from the corpora (held-out dev documents excluded).
models: venv
	$(PY) -m pipeline.workshop.lm_build build ../shared/corpus/lm ../shared/corpus/party -o models/lm.npz --force --held-out bench/splits.json

# Relearn the OCR confusion costs (models/confusions.json) from rendered tuning documents.
confusions: venv
	$(PY) bench/learn_confusions.py

# Rebuild lexicon/ from installed word lists (underthesea, hunspell-vi, tesseract vie).
lexicon: venv
	$(PY) -m pip install -q -e '.[lexicon]'
	$(PY) bench/build_lexicon.py

# Re-render the shipped sample scans from their source texts.
samples: system venv
	$(PY) bench/make_samples.py

# Debian packages: installed only when missing, so a second run costs nothing.
system:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

venv: $(VENV)/.installed

# tesserocr from source (not its wheel, which bundles another Tesseract): needs `make system`
$(VENV)/.installed: pyproject.toml
	$(MAKE) system
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q --no-binary tesserocr -e '.[test]'
	touch $@

lint: venv
	$(PY) -m pip install -q ruff && $(VENV)/bin/ruff check pipeline tests bench

clean:
	rm -rf $(OUT) .pytest_cache build *.egg-info
