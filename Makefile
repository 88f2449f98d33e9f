# The two commands a newcomer types: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app app

.PHONY: run test lint serve db clean fonts bundle

# The Chinese fonts the PDFs embed (services/pdf.py), from Debian packages; never copied into the repository.
FONT_FILES := /usr/share/fonts/truetype/arphic/uming.ttc /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc
FONT_PACKAGES := fonts-arphic-uming fonts-wqy-zenhei
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

fonts:
	@for f in $(FONT_FILES); do [ -f $$f ] || missing=1; done; \
	if [ -n "$$missing" ]; then \
		echo "Installing the PDF fonts: $(SUDO) apt-get install -y $(FONT_PACKAGES)"; \
		$(SUDO) apt-get install -y -qq --no-install-recommends $(FONT_PACKAGES) \
			|| { echo "Could not install them; run: sudo apt-get install $(FONT_PACKAGES)"; exit 1; }; \
	fi

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

instance/secret_key:
	mkdir -p instance
	$(PYTHON) -c "import secrets; print(secrets.token_hex(32))" > $@

# The platform's key and self-signed certificate that sign the 电子证书: made once, never overwritten.
instance/signing-key.pem: | $(VENV)/.installed instance/secret_key
	SECRET_KEY_FILE=instance/secret_key $(FLASK) create-signing-key

# Migrate, load reference data, and demo accounts only when the database has no users yet.
db: $(VENV)/.installed instance/secret_key instance/signing-key.pem
	SECRET_KEY_FILE=instance/secret_key $(FLASK) db-upgrade
	SECRET_KEY_FILE=instance/secret_key $(FLASK) seed-reference
	SECRET_KEY_FILE=instance/secret_key $(FLASK) seed-demo --if-empty

# The huey worker (batches of documents; every minute the SMS outbox and the offices' list counters) runs beside
# gunicorn; Ctrl-C stops both.
run: db fonts node_modules/.package-lock.json
	export SECRET_KEY_FILE=instance/secret_key; \
	$(BIN)/huey_consumer tasks.huey --workers 2 --worker-type thread --logfile instance/huey.log & worker=$$!; \
	trap 'kill -INT $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(BIN)/gunicorn --bind 127.0.0.1:$(PORT) wsgi:app  # processes and the like: gunicorn.conf.py

# -rfEs lists failures, errors and skips, so a machine without Chromium says the browser tests were skipped.
test: $(VENV)/.installed-dev node_modules/.package-lock.json
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q -rfEs $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .

# One archive for intranets that reach no registry (README 离线安装包): dist/zhicheng-bundle-<date>.tar.gz.
bundle: $(VENV)/.installed node_modules/.package-lock.json
	PIP=$(BIN)/pip bash deploy/bundle.sh

clean:
	rm -rf $(VENV) node_modules
