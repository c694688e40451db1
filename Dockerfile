# One image for the API and the workers; docker-compose.yml picks the command.
FROM node:24-bookworm-slim

# Debian's Chromium (the local adapter drives it through patchright-core; no browser download). HEADLESS=true
# runs Chrome's normal mode off-screen, on Chromium's headless platform: no X server or Xvfb needed
# (docs/real-sites.md). The worker service needs deploy/chromium-seccomp.json for Chromium's sandbox
# (docker-compose.yml; docs/operations.md).
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium fonts-liberation ca-certificates tini \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY package.json package-lock.json ./
# npm ci wants every workspace of the lock present; the API and workers import none of them.
COPY packages/client/package.json ./packages/client/
COPY packages/connect-react/package.json ./packages/connect-react/
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY tsconfig.json providers.json ./
COPY src ./src

ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    HEADLESS=true \
    CHROMIUM_PATH=/usr/lib/chromium/chromium \
    DATA_DIR=/app/.data

USER node
EXPOSE 3000
# tini forwards SIGTERM so that workers drain and close their browsers.
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "src/bin/api.ts"]
