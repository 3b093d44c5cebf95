# Build a static binary, then ship it alone on a distroless, non-root base.
# Base images are fully qualified (registry/namespace/name), so podman and
# buildah, which do not assume docker.io, build this file as docker does.
FROM docker.io/library/golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# The version stamp (migration_exporter_build_info, --version). Pass the
# real values, e.g.
#   --build-arg VERSION=0.1.0 --build-arg REVISION=$(git rev-parse HEAD)
#   --build-arg BRANCH=$(git rev-parse --abbrev-ref HEAD)
ARG VERSION=0.1.0
ARG REVISION=unknown
ARG BRANCH=unknown
RUN CGO_ENABLED=0 GOOS=linux go build -trimpath \
      -ldflags "-s -w \
        -X github.com/prometheus/common/version.Version=${VERSION} \
        -X github.com/prometheus/common/version.Revision=${REVISION} \
        -X github.com/prometheus/common/version.Branch=${BRANCH}" \
      -o /out/migration_exporter .

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/migration_exporter /bin/migration_exporter
USER 65532:65532
EXPOSE 9863
WORKDIR /etc/migration_exporter
ENTRYPOINT ["/bin/migration_exporter"]
CMD ["--config.file=/etc/migration_exporter/migration_exporter.yml"]
