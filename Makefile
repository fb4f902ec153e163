# Two commands: `make run` (serve the app with demo data) and `make test` (everything).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
# The Nu HTML checker (npm vnu-jar) for tests/a11y; it needs Java (scripts/ensure-system-packages.sh).
VNU_VERSION := 26.9.27
VNU_JAR := $(VENV)/vnu-$(VNU_VERSION)/node_modules/vnu-jar/build/dist/vnu.jar
export VNU_JAR  # where tests/a11y finds it, also with another VENV
HOST ?= 127.0.0.1
PORT ?= 5000
DEMO_MODE ?= 1
export FLASK_APP := wsgi
export HOST PORT DEMO_MODE

.PHONY: run serve test install install-dev migrate bench clean demo-code

run: install migrate
	$(BIN)/flask refdata load
	@if [ "$(DEMO_MODE)" = "1" ]; then $(BIN)/flask demo load; fi
	$(BIN)/flask serve

# Production start (docs/deploy.md): no demo accounts or data, whatever DEMO_MODE says in the environment.
serve: install migrate
	DEMO_MODE=0 $(BIN)/flask refdata load
	DEMO_MODE=0 $(BIN)/flask serve

# The current 双重认证 code of a demo officer or sysadmin (make demo-code ACCOUNT=sysadmin).
demo-code:
	@$(BIN)/flask demo code $(or $(ACCOUNT),demo_officer)

test: install-dev
	@scripts/ensure-system-packages.sh
	$(BIN)/python -m pytest $(PYTEST_ARGS)

install: $(BIN)/.installed
install-dev: $(BIN)/.dev-installed $(VNU_JAR)

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

# --ignore-scripts: its postinstall would try to download a Java runtime; Debian's comes with apt.
$(VNU_JAR): | $(BIN)/python
	@command -v npm >/dev/null || scripts/ensure-system-packages.sh
	npm install --prefix $(VENV)/vnu-$(VNU_VERSION) --ignore-scripts --no-save --no-package-lock --no-audit --no-fund \
	  --loglevel=error vnu-jar@$(VNU_VERSION)
	@test -f $@ || { echo "vnu.jar not found after npm install: $@"; exit 1; }

bench: install-dev
	@for script in bench/*.py; do [ -e "$$script" ] && $(BIN)/python "$$script"; done; true

clean:
	rm -rf $(VENV) .pytest_cache
