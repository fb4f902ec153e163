# Two commands: `make run` (serve the app with demo data) and `make test` (everything).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
DEMO_MODE ?= 1
export FLASK_APP := wsgi
export HOST PORT DEMO_MODE

.PHONY: run test install install-dev migrate bench clean

run: install migrate
	$(BIN)/flask refdata load
	@if [ "$(DEMO_MODE)" = "1" ]; then $(BIN)/flask demo load; fi
	$(BIN)/flask serve

test: install-dev
	@scripts/ensure-system-packages.sh
	$(BIN)/python -m pytest $(PYTEST_ARGS)

install: $(BIN)/.installed
install-dev: $(BIN)/.dev-installed

migrate: install
	$(BIN)/flask db upgrade

$(BIN)/python:
	@$(PYTHON) -m venv $(VENV) || { echo "无法创建虚拟环境：请先安装 python3-venv（Debian/Ubuntu: sudo apt install python3.11-venv）"; exit 1; }

$(BIN)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --disable-pip-version-check -q -r requirements.txt
	@touch $@

$(BIN)/.dev-installed: requirements-dev.txt $(BIN)/.installed
	$(BIN)/pip install --disable-pip-version-check -q -r requirements-dev.txt
	@touch $@

bench: install-dev
	@for script in bench/*.py; do [ -e "$$script" ] && $(BIN)/python "$$script"; done; true

clean:
	rm -rf $(VENV) .pytest_cache
