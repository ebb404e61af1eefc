# idgate container image: a static binary on distroless, non-root.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/idgate ./cmd/idgate

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/idgate /idgate
ENV IDGATE_DATA_DIR=/data IDGATE_LISTEN=0.0.0.0:8080
VOLUME /data
EXPOSE 8080
USER nonroot
ENTRYPOINT ["/idgate", "serve"]
