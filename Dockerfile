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
# Only the C libraries the binary loads; the migrations and the OpenAPI document are compiled in.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpq5 libssl3 libargon2-1 ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin haven \
 && install -d -o haven -g haven -m 0700 /var/lib/haven
COPY --from=build /out/haven /usr/local/bin/haven
USER 10001:10001
WORKDIR /var/lib/haven
# Production: the master key, the server secret and the certificate must be given (HAVEN_*_FILE
# pointing at mounted secrets), never made; nothing is written to the image, so it runs with a
# read-only root filesystem. The image has no PostgreSQL: set HAVEN_DATABASE_URL and run
# `haven migrate` once per upgrade (`docker run … haven migrate`). `haven config check` prints the
# effective configuration, secrets redacted.
ENV HAVEN_MODE=production \
    HAVEN_DATA_DIR=/var/lib/haven \
    HAVEN_HTTP_HOST=0.0.0.0 \
    HAVEN_HTTP_PORT=8443 \
    HAVEN_METRICS_HOST=0.0.0.0 \
    HAVEN_METRICS_PORT=9464 \
    HAVEN_LOG_FORMAT=json
EXPOSE 8443 9464
# Liveness over the operators' listener (plain HTTP, no client needed beyond bash): /healthz.
# Balancers should route on /readyz, which also follows the database and shutdown.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/9464 && printf 'GET /healthz HTTP/1.0\\r\\n\\r\\n' >&3 && head -n1 <&3 | grep -q ' 200 '"]
# SIGTERM drains requests in flight (HAVEN_HTTP_DRAIN_SECONDS, 25 s by default) and exits 0:
# give `docker stop` more than that (--time 30).
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/haven"]
CMD ["serve"]
