# 构建：docker build -t kb .
# 运行：docker run -p 8080:8080 -v kb-data:/data kb
# 基础镜像按摘要（digest，多架构索引）固定：标签会被移到新的镜像上，摘要不会，
# 所以日后重新构建得到的仍是同样的基础层。标签留在摘要旁供人阅读。
# 更新时两者一起改，先查当前摘要：
#   docker buildx imagetools inspect golang:1.26-bookworm
#   docker buildx imagetools inspect gcr.io/distroless/static-debian12:nonroot
# 取输出中 “Digest:” 一行（索引的摘要，不是某个平台的）。
FROM golang:1.26-bookworm@sha256:9fdc884aacc3bec89b20ffc69f4bb369c78210e3e4f600387b5128b12c199f81 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# 版本号可在构建时指定：docker build --build-arg VERSION=v1.2.3 -t kb .
ARG VERSION=""
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w -X main.version=${VERSION}" -o /out/kb . && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot@sha256:afa5c872c891853ca7fcf1f12c3edb23f7eeef36189728842dd51042ff57f7ab
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
