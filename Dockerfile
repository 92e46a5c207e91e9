# syntax=docker/dockerfile:1

# ---- build ---------------------------------------------------------------------------------
FROM rust:1.95-slim-bookworm AS build
# Debian's security updates replace exact versions; the base image tag pins the release.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Dependencies first, so source edits do not rebuild them.
COPY Cargo.toml Cargo.lock ./
COPY .cargo ./.cargo
RUN mkdir src && echo 'fn main() {}' > src/main.rs && echo '' > src/lib.rs \
    && cargo build --release --locked \
    && rm -rf src
COPY src ./src
COPY migrations ./migrations
RUN touch src/main.rs src/lib.rs && cargo build --release --locked --bin brigade

# ---- runtime -------------------------------------------------------------------------------
FROM debian:bookworm-slim
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq5 ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /var/lib/brigade --create-home brigade
COPY --from=build /src/target/release/brigade /usr/local/bin/brigade
USER 10001
WORKDIR /var/lib/brigade
ENV BRIGADE_SERVER__BIND=0.0.0.0:8080 \
    DATABASE_URL=sqlite:///var/lib/brigade/data/brigade.db
VOLUME ["/var/lib/brigade/data"]
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
    CMD ["curl", "-fsS", "http://127.0.0.1:8080/healthz"]
ENTRYPOINT ["/usr/local/bin/brigade"]
CMD ["serve"]
