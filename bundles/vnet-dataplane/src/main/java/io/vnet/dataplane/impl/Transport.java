package io.vnet.dataplane.impl;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/** Netty's native epoll transport where it loads, NIO otherwise. */
record Transport(String name, EventLoopGroup group, Class<? extends Channel> channel,
                 Class<? extends ServerChannel> server, Class<? extends Channel> datagram,
                 java.util.concurrent.atomic.AtomicReference<io.vnet.dataplane.sys.RealtimeGuard> guard) {

    /**
     * @param threads          event loop threads (0: one per core)
     * @param realtimePriority 0 for normal scheduling, else each event loop thread asks for SCHED_RR
     *                         at this priority ({@link io.vnet.dataplane.sys.Scheduling}); where it is
     *                         refused, the threads run normally and a warning says why
     */
    static Transport create(int threads, int realtimePriority) {
        int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        DefaultThreadFactory tf = new DefaultThreadFactory("vnet-link", true);
        Transport t;
        if (Epoll.isAvailable()) {
            t = new Transport("epoll", new MultiThreadIoEventLoopGroup(n, tf, EpollIoHandler.newFactory()),
                    EpollSocketChannel.class, EpollServerSocketChannel.class, EpollDatagramChannel.class,
                    new java.util.concurrent.atomic.AtomicReference<>());
        } else {
            System.getLogger(Transport.class.getName()).log(System.Logger.Level.WARNING,
                    "native epoll unavailable (" + Epoll.unavailabilityCause() + "); using NIO");
            t = new Transport("nio", new MultiThreadIoEventLoopGroup(n, tf, NioIoHandler.newFactory()),
                    NioSocketChannel.class, NioServerSocketChannel.class, NioDatagramChannel.class,
                    new java.util.concurrent.atomic.AtomicReference<>());
        }
        if (realtimePriority > 0) {
            t.schedule(realtimePriority);
        }
        return t;
    }

    /** Each event loop thread puts itself into SCHED_RR (a thread's class is its own, so each must ask). */
    private void schedule(int priority) {
        System.Logger log = System.getLogger(Transport.class.getName());
        String refused = null;
        io.vnet.dataplane.sys.RealtimeGuard g = new io.vnet.dataplane.sys.RealtimeGuard(priority);
        guard.set(g);
        for (io.netty.util.concurrent.EventExecutor e : group) {
            try {
                String why = e.submit(() -> {
                    String r = io.vnet.dataplane.sys.Scheduling.realtime(priority);
                    if (r == null) {
                        g.watchCurrentThread();
                    }
                    return r;
                }).get();
                refused = refused == null ? why : refused;
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return;
            } catch (java.util.concurrent.ExecutionException ee) {
                refused = String.valueOf(ee.getCause());
            }
        }
        if (refused == null) {
            log.log(System.Logger.Level.INFO, "event loop threads run in SCHED_RR at priority " + priority
                    + " (realtimePriority): frames do not wait behind busy guests; a loop busy 90% of a second goes"
                    + " back to normal scheduling until it is quieter");
        } else {
            g.close();
            guard.set(null);
            log.log(System.Logger.Level.WARNING, "event loop threads run with normal scheduling: SCHED_RR at priority "
                    + priority + " was refused: " + refused + "; frames will wait behind busy guests (set"
                    + " realtimePriority 0 to silence this)");
        }
    }
}
