# Stand-in for postgres:15-bookworm, assembled offline by tools/scripts/base-images.sh.
# BASE_IMAGE is a Debian bookworm rootfs with Debian's postgresql-15 installed (no cluster created).
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
ARG RECIPE_HASH
ENV PG_MAJOR=15
ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
ENV PGDATA=/var/lib/postgresql/data
ENV LANG=C.UTF-8
RUN mkdir -p /docker-entrypoint-initdb.d /var/run/postgresql "$PGDATA" \
  && chown postgres:postgres /var/run/postgresql "$PGDATA" \
  && chmod 3775 /var/run/postgresql \
  && chmod 1777 "$PGDATA"
COPY postgres-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
VOLUME /var/lib/postgresql/data
LABEL ventas.offline-base=${RECIPE_HASH} \
  org.opencontainers.image.description="postgres:15-bookworm stand-in assembled offline (Debian postgresql-15)"
ENTRYPOINT ["docker-entrypoint.sh"]
# Like the official image: no HEALTHCHECK (whoever runs it says how to probe readiness, e.g. pg_isready).
# SIGINT is PostgreSQL's "fast" shutdown (disconnect clients, checkpoint, exit).
STOPSIGNAL SIGINT
EXPOSE 5432
CMD ["postgres"]
