# The TypeScript OCS Registry Agent as a container, used like the simonsobs/ocs
# image: INSTANCE_ID, SITE_HUB, SITE_HTTP (and SITE_HOST, CROSSBAR_TIMEOUT) from
# the environment, the site config mounted at /config (OCS_CONFIG_DIR), user 9000.
# See README "Install at a site" for the compose service.
#
#   docker build -t ocs-registry:0.1.0 .

FROM oven/bun:1.4.5-debian AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN bun install --production --ignore-scripts
COPY bin/ bin/
COPY src/ src/
COPY sim/ sim/
RUN bun build --compile --minify-syntax bin/ocs-registry.ts --outfile /out/ocs-registry \
 && /out/ocs-registry --version

# The executable needs glibc and nothing else.
FROM debian:bookworm-slim
COPY --from=build /out/ocs-registry /usr/local/bin/ocs-registry
ENV OCS_CONFIG_DIR=/config
USER 9000:9000
WORKDIR /tmp
EXPOSE 8787
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/ocs-registry"]
CMD ["--http-port", "8787", "--http-host", "0.0.0.0"]
