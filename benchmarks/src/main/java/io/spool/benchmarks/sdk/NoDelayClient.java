package io.spool.benchmarks.sdk;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.SocketFactory;
import okhttp3.OkHttpClient;

/**
 * The OkHttp client both SDKs get in the benchmarks: sockets with TCP_NODELAY. Segment's client writes a
 * request in several pieces; with Nagle on, the last piece waits for the server's delayed ACK (~40 ms a
 * request, ~6k events/s), which measures the kernel, not the client. Spool writes each body in one piece
 * and is not affected, but gets the same client for a like-for-like run.
 */
final class NoDelayClient {
    private NoDelayClient() {}

    static OkHttpClient create() {
        return new OkHttpClient.Builder()
                .socketFactory(new SocketFactory() {
                    @Override
                    public Socket createSocket() throws IOException {
                        Socket socket = new Socket();
                        socket.setTcpNoDelay(true);
                        return socket;
                    }

                    @Override
                    public Socket createSocket(String host, int port) throws IOException {
                        throw new UnsupportedOperationException("OkHttp connects unconnected sockets");
                    }

                    @Override
                    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) {
                        throw new UnsupportedOperationException("OkHttp connects unconnected sockets");
                    }

                    @Override
                    public Socket createSocket(InetAddress host, int port) {
                        throw new UnsupportedOperationException("OkHttp connects unconnected sockets");
                    }

                    @Override
                    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) {
                        throw new UnsupportedOperationException("OkHttp connects unconnected sockets");
                    }
                })
                .build();
    }
}
