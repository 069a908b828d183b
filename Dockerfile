# dvt-router image: the worker (default command), `temporal setup` and `codec-server`.
#
#   docker build -t dvt-router:0.1.0 .
#   docker run --rm dvt-router:0.1.0 --help
#
# The TypeScript sources run through tsx (bin/dvt-router.js registers it in-process; there is no
# separate JS build for production yet); tsx is a runtime dependency, every dev dependency is
# pruned. Install scripts are skipped, as in development (npm 11 runs none unless allowed);
# the Temporal native bridge and esbuild ship prebuilt binaries in platform packages.
# Debian (glibc), not Alpine: the Temporal core bridge and @swc/core ship glibc binaries.
# Node 20 matches package.json "engines" and the CI toolchain; move both together.

FROM node:20.20.2-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# The exact tree of package-lock.json, then without the dev dependencies.
RUN npm ci --ignore-scripts --no-audit --no-fund \
  && npm prune --omit=dev --ignore-scripts --no-audit --no-fund \
  && npm cache clean --force

FROM node:20.20.2-bookworm-slim
LABEL org.opencontainers.image.title="dvt-router" \
      org.opencontainers.image.description="Off-chain router of a liquid-staking pool on Temporal" \
      org.opencontainers.image.licenses="Apache-2.0"
ENV NODE_ENV=production
WORKDIR /app
# Code and dependencies belong to root and are read-only for the process user.
COPY --from=deps /app/node_modules ./node_modules
COPY . .
# The worker's SSV cluster index snapshot (a cache: deleting it only costs a rescan). Owned by the
# runtime user, so a named volume mounted here starts with the right owner.
ENV DVT_SSV_INDEX_DIR=/var/lib/dvt-router/ssv-index
RUN mkdir -p /var/lib/dvt-router/ssv-index && chown -R 1000:1000 /var/lib/dvt-router
# The base image's `node` user, by number so Kubernetes `runAsNonRoot` can verify it.
USER 1000:1000
# 9464: worker /metrics, /healthz, /readyz. 8888: codec server.
EXPOSE 9464 8888
# The worker drains on SIGTERM within its 30 s shutdownGraceTime; give it more (compose
# stop_grace_period 60s, Kubernetes terminationGracePeriodSeconds 60).
STOPSIGNAL SIGTERM
# The worker's liveness endpoint. No curl in slim images: Node's fetch. Other commands point
# DVT_HEALTHCHECK_URL elsewhere (the codec server: http://127.0.0.1:8888/healthz) or disable it.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(process.env.DVT_HEALTHCHECK_URL || 'http://127.0.0.1:' + (process.env.DVT_METRICS_PORT || '9464') + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "bin/dvt-router.js"]
CMD ["worker"]
