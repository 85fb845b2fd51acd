# Haven — `make run` to try it, `make test` to check it. Both install what is missing first.
SHELL := /bin/bash
SWIFT ?= swift
HOST ?= 127.0.0.1
PORT ?= 8080

.PHONY: all deps build run test check-tls bench clean

all: build

deps:
	@scripts/install-deps

build: deps
	$(SWIFT) build --product haven

## run: start an embedded PostgreSQL under ./.haven, migrate it, and serve on https://$(HOST):$(PORT)/;
## on a new installation, print a one-time invitation for the first administrator
run: build
	.build/debug/haven serve --migrate --host $(HOST) --port $(PORT) --bootstrap-admin admin@localhost

## test: the whole suite (unit, PostgreSQL, TLS, HTTP, command-line), then API fuzzing, the TLS
## scan and the Dockerfile check
test: deps
	scripts/python-tools
	@scripts/install-deps clamav-daemon
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --skip TimingTests
	$(SWIFT) test --skip-build --filter TimingTests
	scripts/check-openapi .build/debug/haven
	scripts/check-tls .build/debug/haven
	scripts/check-dockerfile

## check-tls: testssl.sh against haven serve; fails on any finding of severity MEDIUM or worse
check-tls: build
	scripts/check-tls .build/debug/haven

## bench: performance figures against reference tools measured in the same run
bench: deps
	@scripts/install-deps wrk nginx
	$(SWIFT) build -c release --product haven-bench
	$$($(SWIFT) build -c release --show-bin-path)/haven-bench

clean:
	rm -rf .build
