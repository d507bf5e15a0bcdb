# One command to run, one to test. Everything installs into .venv on first use.
PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
BOOTSTRAP_VERSION := 5.3.8
CHARTJS_VERSION := 4.6.1
AXE_VERSION := 4.14.1

.PHONY: run serve demo test lint audit format vendor colour-css screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the requirement files change.
$(VENV)/.installed: requirements.txt $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# Development: DEBUG on, and HOST and PORT passed on, so that the links in the emails
# (DJANGO_SITE_URL, unless set) lead to the address served here.
DEV_ENV = DJANGO_DEBUG=$${DJANGO_DEBUG:-true} HOST=$(HOST) PORT=$(PORT)

run: $(VENV)/.installed
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEV_ENV) $(BIN)/python manage.py createcachetable
	$(DEV_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

# The reminder sender beside `make run` (another terminal, with the same PORT if you
# gave one): with DEBUG on the emails print there. In production run it beside the web
# servers, with DJANGO_SITE_URL set (docs/reminders.md).
reminders: $(VENV)/.installed
	$(DEV_ENV) $(BIN)/python manage.py send_reminders

# Production: gunicorn, DEBUG off, hashed and compressed static files from WhiteNoise.
# Needs DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS (and DATABASE_URL / REDIS_URL to
# share state between machines); see the README.
# With LITESTREAM_REPLICA=DIR (SQLite only) gunicorn runs under Litestream, copying the
# database to DIR as it changes, and a missing database is first restored from DIR
# (crampjournal/serve.py, docs/backups.md).
serve: $(VENV)/.installed
	DJANGO_DEBUG=false HOST=$(HOST) PORT=$(PORT) $(BIN)/python -m crampjournal.serve

# A demo account full of a year of realistic data.
demo: $(VENV)/.installed
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(BIN)/python manage.py seed_demo --username demo --password demo-pass-123

# The phone screenshots in the README (docs/screenshots), from the mobile journey test,
# the share-link test and the body map's.
screenshots: $(VENV)/.installed-dev
	SCREENSHOT_DIR=docs/screenshots $(BIN)/pytest tests/browser/test_journeys.py -k "test_7 and demo"
	SCREENSHOT_DIR=docs/screenshots $(BIN)/pytest tests/browser/test_share_in_browser.py
	SCREENSHOT_DIR=docs/screenshots $(BIN)/pytest tests/browser/test_body_map.py -k screenshot

lint: $(VENV)/.installed-dev
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

# Known vulnerabilities (with a fixed version) in the installed packages fail this.
audit: $(VENV)/.installed-dev
	$(BIN)/python scripts/audit.py

test: lint
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=crampjournal.settings_test
	$(BIN)/pytest $(PYTEST_ARGS)

format: $(VENV)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Fetch the vendored front-end files again from the npm registry (they are committed).
vendor:
	rm -rf /tmp/cj-vendor && mkdir -p /tmp/cj-vendor
	cd /tmp/cj-vendor && npm pack --silent bootstrap@$(BOOTSTRAP_VERSION) && tar xzf bootstrap-$(BOOTSTRAP_VERSION).tgz
	mkdir -p static/vendor/bootstrap-$(BOOTSTRAP_VERSION)
	cp /tmp/cj-vendor/package/dist/css/bootstrap.min.css* /tmp/cj-vendor/package/dist/js/bootstrap.bundle.min.js* \
	   /tmp/cj-vendor/package/LICENSE static/vendor/bootstrap-$(BOOTSTRAP_VERSION)/
	rm -rf /tmp/cj-vendor/package
	cd /tmp/cj-vendor && npm pack --silent chart.js@$(CHARTJS_VERSION) && tar xzf chart.js-$(CHARTJS_VERSION).tgz
	mkdir -p static/vendor/chartjs-$(CHARTJS_VERSION)
	cp /tmp/cj-vendor/package/dist/chart.umd.min.js* /tmp/cj-vendor/package/LICENSE.md \
	   static/vendor/chartjs-$(CHARTJS_VERSION)/
	rm -rf /tmp/cj-vendor/package
	cd /tmp/cj-vendor && npm pack --silent axe-core@$(AXE_VERSION) && tar xzf axe-core-$(AXE_VERSION).tgz
	mkdir -p tests/browser/vendor/axe-core-$(AXE_VERSION)
	cp /tmp/cj-vendor/package/axe.min.js /tmp/cj-vendor/package/LICENSE \
	   /tmp/cj-vendor/package/LICENSE-3RD-PARTY.txt tests/browser/vendor/axe-core-$(AXE_VERSION)/
	$(MAKE) colour-css

# The dark colours for pages left on "system", from Bootstrap's and app.css's dark rules.
colour-css: $(VENV)/.installed-dev
	$(BIN)/python scripts/make_colour_css.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .hypothesis
