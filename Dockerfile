# syntax=docker/dockerfile:1
# Haven: build a release binary with the Swift standard library linked in, then run it on a slim
# Debian with only the C libraries it loads (checked by scripts/check-dockerfile in `make test`).

FROM swift:6.3-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends pkg-config libpq-dev libssl-dev libargon2-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Manifest first, so dependency resolution is cached across source changes.
COPY Package.swift ./
RUN swift package resolve
COPY Sources Sources
COPY Plugins Plugins
COPY Schema Schema
COPY Tests Tests
RUN swift build -c release --product haven --static-swift-stdlib \
 && install -D "$(swift build -c release --show-bin-path)/haven" /out/haven

FROM debian:bookworm-slim AS runtime
# The migrations and the OpenAPI document are compiled into the binary: nothing else to copy.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpq5 libssl3 libargon2-1 ca-certificates tzdata \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin haven \
 && install -d -o haven -g haven -m 0700 /var/lib/haven
COPY --from=build /out/haven /usr/local/bin/haven
USER haven
WORKDIR /var/lib/haven
EXPOSE 8443
# The image has no PostgreSQL of its own: set HAVEN_DATABASE_URL, run `haven migrate` once, then
# serve. Mount the certificate and key and pass --tls-cert/--tls-key; without them Haven makes a
# self-signed development certificate in /var/lib/haven/.haven/tls.
ENTRYPOINT ["/usr/local/bin/haven"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8443"]
