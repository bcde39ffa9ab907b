# syntax=docker/dockerfile:1
# One image for every role: `serve`, `migrate`, `operator`, `jobs`, `seed`.
FROM node:20 AS ui
WORKDIR /ui
COPY web/apidoc/package.json web/apidoc/package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
COPY --from=ui /ui/node_modules/swagger-ui-dist/swagger-ui-bundle.js /ui/node_modules/swagger-ui-dist/swagger-ui.css server/apidoc/assets/
ARG VERSION=dev
ARG COMMIT=unknown
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -tags noembed -trimpath \
      -ldflags "-s -w -X github.com/ternant/ternant/version.Version=${VERSION} -X github.com/ternant/ternant/version.Commit=${COMMIT}" \
      -o /out/ternant ./cmd/ternant

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/ternant /ternant
USER 65532:65532
EXPOSE 3000
ENTRYPOINT ["/ternant"]
CMD ["serve"]
