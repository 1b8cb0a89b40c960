# jaga's container image: built in a stage with the compilers better-sqlite3 may need, run as the
# unprivileged `node` user. Config at /etc/jaga/jaga.yaml, state in /var/lib/jaga (both volumes).

FROM node:20-bookworm-slim AS build
# better-sqlite3 compiles from source (node-gyp) when no prebuilt binary can be downloaded.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# Dependencies first, so editing the sources does not re-install them. --ignore-scripts skips the
# `prepare` build (the sources are not here yet); better-sqlite3's own install script runs next.
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npm rebuild better-sqlite3
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts ./scripts
RUN npm run build \
 && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# Volumes mounted here start with the image's ownership, so the node user can write them.
RUN mkdir -p /etc/jaga /var/lib/jaga /srv/rekaman \
 && chown node:node /var/lib/jaga /srv/rekaman
USER node
EXPOSE 9469
VOLUME ["/var/lib/jaga"]
CMD ["node","dist/src/cli/bin.js","start","--config","/etc/jaga/jaga.yaml"]
