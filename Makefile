# Two commands for a fresh machine with Python 3.11+: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export API_PORT ?= 8000
export AGENT_PORT ?= 8100
# honcho runs the Procfile's commands with the virtual environment's programs first on the PATH.
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: run test install env migrate superuser

# The agent talks to the API that `make run` starts, unless the environment names another one.
run: export TICKET_SYSTEM_URL ?= http://127.0.0.1:$(API_PORT)
run: install env migrate
	@$(PY) scripts/print_urls.py
	@$(VENV)/bin/honcho start -f Procfile

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

install: $(VENV)/.installed

# Reinstalls only when a requirements file changed.
$(VENV)/.installed: requirements-dev.txt ticket_system/requirements.txt ai_agent/requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

env: install
	$(PY) scripts/create_env.py

migrate: install env
	cd ticket_system && ../$(PY) manage.py migrate --noinput && ../$(PY) manage.py collectstatic --noinput -v0

superuser: install env migrate
	cd ticket_system && ../$(PY) manage.py createsuperuser
