package io.vnet.agent.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.vnet.api.Endpoint;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A read-only HTTP/1.1 server of fixed paths: {@code GET} (or {@code HEAD}) of a path in its
 * routes answers what that route's supplier gives; other paths 404, other methods 405. It runs
 * on one NIO thread of its own. Bounds, each counted when it refuses: {@value #MAX_CONNECTIONS}
 * connections at once (more are closed at once), a request line of {@value #MAX_LINE} bytes,
 * headers of {@value #MAX_HEADERS} bytes, no body (a request with one is answered 413), and
 * {@value #IDLE_SECONDS} s of silence on a connection.
 */
public final class HttpEndpoint implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(HttpEndpoint.class.getName());
    static final int MAX_CONNECTIONS = 32;
    static final int MAX_LINE = 2048;
    static final int MAX_HEADERS = 8192;
    static final int IDLE_SECONDS = 30;

    /** What a route answers: a status, a content type and a body. */
    public record Response(int status, String contentType, String body) {
        public static Response text(int status, String body) {
            return new Response(status, "text/plain; charset=utf-8", body);
        }
    }

    private final Map<String, Supplier<Response>> routes;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong refusedConnections = new AtomicLong();
    private final AtomicLong badRequests = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private EventLoopGroup group;
    private Channel server;

    /** Serves {@code routes} (path → answer) on the connections given to {@link #serve}: not bound (tests). */
    HttpEndpoint(Map<String, Supplier<Response>> routes) {
        this.routes = Map.copyOf(routes);
    }

    /**
     * Listens on {@code listen} and serves {@code routes} (path → answer) on a thread named {@code name}.
     *
     * @throws IOException the address cannot be bound (in use, not this host's)
     */
    public HttpEndpoint(Endpoint listen, Map<String, Supplier<Response>> routes, String name) throws IOException {
        this(routes);
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(name, true), NioIoHandler.newFactory());
        ChannelFuture f = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        serve(ch);
                    }
                })
                .bind(new InetSocketAddress(listen.host(), listen.port())).awaitUninterruptibly();
        if (!f.isSuccess()) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IOException("cannot listen on " + listen + ": " + f.cause().getMessage(), f.cause());
        }
        server = f.channel();
    }

    /** Serves a new connection: refused (closed) beyond {@value #MAX_CONNECTIONS}, else given the HTTP pipeline. */
    void serve(Channel ch) {
        if (open.incrementAndGet() > MAX_CONNECTIONS) {
            refusedConnections.incrementAndGet();
            open.decrementAndGet();
            ch.close();
            return;
        }
        ch.closeFuture().addListener(x -> open.decrementAndGet());
        ch.pipeline().addLast(new ReadTimeoutHandler(IDLE_SECONDS))
                .addLast(new HttpServerCodec(MAX_LINE, MAX_HEADERS, 8192))
                .addLast(new NoBody())
                .addLast(new Handler());
    }

    /** The port it listens on. */
    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Connections closed at once because {@value #MAX_CONNECTIONS} were open. */
    public long refusedConnections() {
        return refusedConnections.get();
    }

    /** Requests answered 400, 405, 413 or 431 (malformed, a body, too long, a method other than GET or HEAD). */
    public long badRequests() {
        return badRequests.get();
    }

    /** Requests answered. */
    public long requests() {
        return requests.get();
    }

    @Override
    public void close() {
        if (server != null) {
            server.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        }
    }

    /** Aggregates a request without a body; one with a body is answered 413 by Netty, and counted here. */
    private final class NoBody extends HttpObjectAggregator {
        NoBody() {
            super(0);
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, io.netty.handler.codec.http.HttpMessage oversized)
                throws Exception {
            badRequests.incrementAndGet();
            super.handleOversizedMessage(ctx, oversized);
        }
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            requests.incrementAndGet();
            Response r;
            boolean keep = HttpUtil.isKeepAlive(req);
            if (!req.decoderResult().isSuccess()) {
                badRequests.incrementAndGet();
                r = Response.text(400, "bad request\n");
                keep = false;
            } else if (!req.method().equals(HttpMethod.GET) && !req.method().equals(HttpMethod.HEAD)) {
                badRequests.incrementAndGet();
                r = Response.text(405, "only GET and HEAD\n");
            } else {
                r = route(req.uri());
            }
            FullHttpResponse res = response(r, req.method().equals(HttpMethod.HEAD));
            if (r.status() == 405) {
                res.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            }
            if (keep) {
                res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
                ctx.writeAndFlush(res);
            } else {
                res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
            }
        }

        /** The route of {@code uri}'s path (its query ignored), or 404. */
        private Response route(String uri) {
            int q = uri.indexOf('?');
            String path = q < 0 ? uri : uri.substring(0, q);
            Supplier<Response> s = routes.get(path);
            if (s == null) {
                return Response.text(404, "no such path; try " + String.join(", ", new java.util.TreeSet<>(routes.keySet()))
                        + "\n");
            }
            try {
                return s.get();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "answering " + path + ": " + e);
                return Response.text(500, "internal error: " + e.getClass().getSimpleName() + "\n");
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (!(cause instanceof io.netty.handler.timeout.ReadTimeoutException)
                    && !(cause instanceof java.net.SocketException)
                    && !(cause instanceof IOException)) {
                LOG.log(Level.DEBUG, "HTTP connection from " + ctx.channel().remoteAddress() + ": " + cause);
            }
            ctx.close();
        }
    }

    private static FullHttpResponse response(Response r, boolean head) {
        byte[] body = r.body().getBytes(StandardCharsets.UTF_8);
        ByteBuf content = head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body);
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(r.status()),
                content);
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType())
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return res;
    }
}
