# Two entry points for a fresh machine with Python 3.11 and make: `make run`, `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck pytest browser bench clean deploy-tools office-tools

# The report and print tests convert .docx/.xlsx to PDF with LibreOffice and read the PDF with
# poppler. Installed here on a Debian machine where they are missing (as root); elsewhere the
# tests fail and say what to install.
OFFICE_PACKAGES := libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils fonts-liberation2

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Cần Python 3.11 ($(PYTHON)) / Python 3.11 is required"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/bietphai run

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

office-tools:
	@if ! command -v soffice >/dev/null 2>&1 || ! command -v pdffonts >/dev/null 2>&1 \
		|| ! fc-list 2>/dev/null | grep -q "Liberation Serif"; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "Cài LibreOffice và poppler cho các bài kiểm thử báo cáo / installing LibreOffice"; \
			apt-get -o DPkg::Lock::Timeout=600 update -qq && \
			DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
				--no-install-recommends $(OFFICE_PACKAGES) >/dev/null; \
		else \
			echo "Thiếu LibreOffice/poppler; cài: apt-get install -y $(OFFICE_PACKAGES)"; \
		fi; \
	fi

# The dashboard's tests drive Debian's Chromium (Playwright never downloads a browser here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else \
	    echo "Cần Chromium cho các bài kiểm tra web: apt-get install chromium (quyền root) / Chromium is required"; \
	    exit 1; \
	  fi; }

pytest: $(STAMP) deploy-tools office-tools browser
	$(BIN)/pytest

# tests/app/test_deploy_kit.py checks deploy/ with the servers' own tools; Debian packages them.
DEPLOY_TOOLS := nginx:nginx-light caddy:caddy systemd-analyze:systemd openssl:openssl unshare:util-linux
deploy-tools:
	@missing=""; for pair in $(DEPLOY_TOOLS); do \
	  tool=$${pair%%:*}; package=$${pair#*:}; \
	  PATH="$$PATH:/usr/sbin:/sbin" command -v $$tool >/dev/null 2>&1 || missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Cài các gói Debian cho kiểm thử bộ triển khai / installing:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get -o DPkg::Lock::Timeout=600 install -y $$missing \
	    || { apt-get update && apt-get -o DPkg::Lock::Timeout=600 install -y $$missing; } \
	    || { echo "Không cài được:$$missing"; exit 1; }; \
	  else echo "Cần quyền root để cài:$$missing (sudo apt-get install$$missing)"; exit 1; fi; \
	fi

test: lint typecheck pytest

bench: $(STAMP)
	$(BIN)/python -m bench.telegram_throughput

clean:
	rm -rf $(VENV) build *.egg-info
