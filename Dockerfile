# 构建：docker build -t kb .
# 运行：docker run -p 8080:8080 -v kb-data:/data kb
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/kb . && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/kb /kb
# 数据目录（索引）归非 root 用户所有，挂载为卷。
COPY --from=build --chown=65532:65532 /out/data /data
VOLUME ["/data"]
EXPOSE 8080
USER nonroot:nonroot
ENTRYPOINT ["/kb"]
CMD ["serve", "--addr", "0.0.0.0:8080", "--data", "/data"]
