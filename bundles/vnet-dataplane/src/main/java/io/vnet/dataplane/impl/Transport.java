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
                 Class<? extends ServerChannel> server, Class<? extends Channel> datagram) {

    static Transport create(int threads) {
        int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        DefaultThreadFactory tf = new DefaultThreadFactory("vnet-link", true);
        if (Epoll.isAvailable()) {
            return new Transport("epoll", new MultiThreadIoEventLoopGroup(n, tf, EpollIoHandler.newFactory()),
                    EpollSocketChannel.class, EpollServerSocketChannel.class, EpollDatagramChannel.class);
        }
        System.getLogger(Transport.class.getName()).log(System.Logger.Level.WARNING,
                "native epoll unavailable (" + Epoll.unavailabilityCause() + "); using NIO");
        return new Transport("nio", new MultiThreadIoEventLoopGroup(n, tf, NioIoHandler.newFactory()),
                NioSocketChannel.class, NioServerSocketChannel.class, NioDatagramChannel.class);
    }
}
