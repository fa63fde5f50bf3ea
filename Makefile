# Two commands set everything up on a fresh machine: `make run` and `make test`.
VENV ?= .venv
# The interpreter the virtual environment is made from (CI also runs the suite on 3.12, 3.13).
PYTHON ?= python3
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip

.PHONY: run test lint bench package package-test demo clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(PIP) install -q -e '.[test]'
	touch $@

run: $(VENV)/.installed
	$(VENV)/bin/inbox

test: $(VENV)/.installed-test
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -p no:cacheprovider $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check inbox tests benchmarks scripts
	$(VENV)/bin/lint-imports

demo: $(VENV)/.installed
	$(VENV)/bin/inbox demo

$(VENV)/.installed-package: $(VENV)/.installed pyproject.toml
	$(PIP) install -q -e '.[package]'
	touch $@

# A one-folder app in dist/feedback-inbox (see packaging/README.md for macOS and Windows).
package: $(VENV)/.installed-package
	QT_QPA_PLATFORM=offscreen $(PY) packaging/render_icons.py --check
	$(VENV)/bin/pyinstaller --noconfirm --clean --log-level WARN \
		--distpath dist --workpath build/pyinstaller packaging/feedback-inbox.spec

# Start the bundle under Xvfb in a fresh home with --smoke-test; validate desktop metadata.
package-test: package
	packaging/package_test.sh dist/feedback-inbox

bench: $(VENV)/.installed-test
	QT_QPA_PLATFORM=offscreen $(PY) benchmarks/store.py

clean:
	rm -rf $(VENV) .venv-* build dist *.egg-info
