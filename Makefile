# Haven — `make run` to try it, `make test` to check it. Both install what is missing first.
SHELL := /bin/bash
SWIFT ?= swift
HOST ?= 127.0.0.1
PORT ?= 8080

.PHONY: all deps build run test check-tls check-drain check-scaleout check-no-outbound bench clean clean-data

all: build

deps:
	@scripts/install-deps

build: deps
	$(SWIFT) build --product haven

## run: start an embedded PostgreSQL under ./.haven, migrate it, and serve on https://$(HOST):$(PORT)/;
## it ends by printing the address, the development certificate to trust and, on a new
## installation, a one-time invitation for the first administrator. A second run reuses .haven.
run: build
	.build/debug/haven serve --migrate --host $(HOST) --port $(PORT) --bootstrap-admin admin@localhost

## test: the whole suite (unit, PostgreSQL, TLS, HTTP, command-line), then API fuzzing, the TLS
## scan and the Dockerfile check
test: deps
	scripts/python-tools
	@scripts/install-deps clamav-daemon wrk haproxy strace iproute2 procps librsvg2-bin zbar-tools chromium chromium-driver
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --skip TimingTests --skip WebBrowserTests --skip MailDeliveryTests
	$(SWIFT) test --skip-build --filter TimingTests
	$(SWIFT) test --skip-build --filter MailDeliveryTests
	$(SWIFT) test --skip-build --filter WebBrowserTests
	scripts/check-openapi .build/debug/haven
	scripts/check-tls .build/debug/haven
	scripts/check-drain .build/debug/haven
	scripts/check-scaleout .build/debug/haven
	scripts/check-deploy .build/debug/haven
	scripts/check-no-outbound .build/debug/haven
	scripts/check-dockerfile

## check-tls: testssl.sh against haven serve; fails on any finding of severity MEDIUM or worse
check-tls: build
	scripts/check-tls .build/debug/haven

## bench: performance figures against reference tools measured in the same run
bench: deps
	@scripts/install-deps wrk nginx
	$(SWIFT) build -c release --product haven-bench
	$$($(SWIFT) build -c release --show-bin-path)/haven-bench

## check-drain: SIGTERM under wrk load: nothing accepted is lost, exit 0 within the drain timeout
check-drain: build
	@scripts/install-deps wrk
	scripts/check-drain .build/debug/haven

## check-scaleout: two haven serve on one PostgreSQL behind HAProxy (TCP, round robin)
check-scaleout: build
	@scripts/install-deps haproxy
	scripts/check-scaleout .build/debug/haven

## check-no-outbound: haven in a network namespace with only loopback, its connections traced:
## nothing but PostgreSQL and the SMTP server it was given, and no third-party URL in its responses
check-no-outbound: build
	@scripts/install-deps strace iproute2 procps
	scripts/check-no-outbound .build/debug/haven

clean:
	rm -rf .build

## clean-data: delete the development installation (.haven: database, keys, certificate), after asking
clean-data:
	@scripts/clean-data
