# Two commands for a fresh machine with Python 3.11+: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export API_PORT ?= 8000
export AGENT_PORT ?= 8100

.PHONY: run test install env migrate superuser

run: install env migrate
	@$(PY) scripts/print_urls.py
	@$(VENV)/bin/honcho start --no-prefix=false -f Procfile

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

install: $(VENV)/.installed

# Reinstalls only when a requirements file changed.
$(VENV)/.installed: requirements-dev.txt ticket_system/requirements.txt ai_agent/requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

env: ticket_system/.env

ticket_system/.env:
	$(PY) scripts/create_env.py

migrate: install env
	cd ticket_system && ../$(PY) manage.py migrate --noinput && ../$(PY) manage.py collectstatic --noinput -v0

superuser: install env migrate
	cd ticket_system && ../$(PY) manage.py createsuperuser
