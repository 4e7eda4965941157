# kfstore image: the webhook (default command) and the certs tool (the self-managed overlay's
# Job runs it with args: [/app/kfstore-certs.js, ...]).
#   docker build -t kfstore:0.1.0 .

# Build stage: install exactly the lockfile, then bundle each program into one file with esbuild
# (npm run build). Only the bundles leave this stage: no node_modules in the image.
FROM node:24-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# Runtime: distroless Node.js 24, as its nonroot user (65532, the uid the manifests run as).
# Chosen over node:24-bookworm-slim + USER 65532: no shell, package manager or npm, so far less
# to patch and to exploit in a pod that holds a token able to list Secrets; the bundles need
# nothing but node. For debugging, use `kubectl debug` with an ephemeral container.
FROM gcr.io/distroless/nodejs24-debian12:nonroot
WORKDIR /app
COPY --from=build /src/dist/kfstore-webhook.js /src/dist/kfstore-certs.js /app/
COPY LICENSE /app/LICENSE
USER 65532:65532
EXPOSE 8443 9090
# node as the entrypoint and the program as the default argument, so a Job picks another
# program with `args` alone, without knowing where node lives in this base image.
ENTRYPOINT ["/nodejs/bin/node"]
CMD ["/app/kfstore-webhook.js"]
