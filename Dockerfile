# 构建：docker build -t kb .
# 运行：docker run -p 8080:8080 -v kb-data:/data kb
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# 版本号可在构建时指定：docker build --build-arg VERSION=v1.2.3 -t kb .
ARG VERSION=""
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w -X main.version=${VERSION}" -o /out/kb . && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/kb /kb
# 数据目录（索引）归非 root 用户所有，挂载为卷。
COPY --from=build --chown=65532:65532 /out/data /data
VOLUME ["/data"]
EXPOSE 8080
USER nonroot:nonroot
# 镜像里没有 curl：用 kb health 访问 /healthz，索引就绪（200）时退出码为 0。
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 CMD ["/kb", "health", "--url", "http://127.0.0.1:8080", "--timeout", "5s"]
ENTRYPOINT ["/kb"]
# 收到 SIGTERM 后最多等 30 秒处理完进行中的请求：docker stop 请用 -t 35 或更长（默认只等 10 秒）。
CMD ["serve", "--addr", "0.0.0.0:8080", "--data", "/data", "--log-format", "json"]
