# syntax=docker/dockerfile:1
# The hub as a container: docker-compose.yml runs it; docs/deploy.md says how.

# The base images are build arguments, so a machine without a registry can build on bases of its
# own (deploy/container/podman-check.sh builds Debian ones with debootstrap). The build base needs
# a JDK 17 and Maven on the PATH; the runtime base a Java 17 runtime, `groupadd` and `useradd`.
ARG BUILD_IMAGE=maven:3.9-eclipse-temurin-17
ARG RUNTIME_IMAGE=eclipse-temurin:17-jre

# 1. Build ektp-hub.jar with the same Maven build as everywhere else (tests run in CI, not here): the
#    app module and the modules it needs, not the benchmark drivers (bench/).
FROM ${BUILD_IMAGE} AS build
# Extra Maven arguments, e.g. -Dmaven.repo.local=... for a local repository mounted into the build.
ARG MAVEN_ARGS=""
WORKDIR /src
COPY . .
# The cache mount keeps ~/.m2 between builds, so a rebuild does not download everything again.
RUN --mount=type=cache,target=/root/.m2 mvn -B -q $MAVEN_ARGS -DskipTests -pl app -am package

# 2. Run it on a plain Java 17 runtime, as its own unprivileged user.
FROM ${RUNTIME_IMAGE}
# curl only for the container healthcheck (docker-compose.yml); a base that has it already
# (the debootstrapped one) needs no package index.
RUN command -v curl >/dev/null \
 || { apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*; }
# A fixed uid, so the secret files on the host can be given to it (chown 10001, chmod 600).
RUN groupadd --system --gid 10001 ektp \
 && useradd --system --uid 10001 --gid ektp --home-dir /var/lib/ektp-hub --shell /usr/sbin/nologin ektp \
 && mkdir -p /var/lib/ektp-hub/data /var/lib/ektp-printers /etc/ektp-hub \
 && chown -R ektp:ektp /var/lib/ektp-hub /var/lib/ektp-printers \
 && chmod 700 /var/lib/ektp-hub /var/lib/ektp-hub/data
COPY --from=build /src/app/target/ektp-hub.jar /opt/ektp-hub/ektp-hub.jar
USER 10001:10001
WORKDIR /var/lib/ektp-hub
EXPOSE 8080
# SIGTERM (docker stop) makes the hub finish what is in flight and stop (within 30 s).
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/ektp-hub/ektp-hub.jar"]
CMD ["run", "--config", "/etc/ektp-hub/hub.yaml"]
