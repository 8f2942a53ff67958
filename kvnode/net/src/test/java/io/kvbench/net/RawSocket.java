package io.kvbench.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;

/** A plain blocking socket for sending bytes no well-behaved peer would send, and reading the answer. */
final class RawSocket implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    RawSocket(InetSocketAddress address) throws IOException {
        socket = new Socket(address.getAddress(), address.getPort());
        socket.setSoTimeout((int) Await.DEADLINE.toMillis());
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /**
     * Writes what the server may refuse before taking it all: a server that closes the connection mid-write (as it
     * should, seeing a header it refuses) makes the rest of the write fail with a broken pipe or a reset, which is
     * the behaviour under test, not a failure of the test. The server's reason, sent before it closed, stays readable.
     */
    void writeUntilClosed(byte[] bytes) throws IOException {
        try {
            write(bytes);
        } catch (SocketException closedByServer) {
            // see above
        }
    }

    void write(ByteBuf frame) throws IOException {
        try {
            write(bytes(frame));
        } finally {
            frame.release();
        }
    }

    /** Reads one whole frame and decodes it with {@code bodyDecoder}. */
    Object readFrame(FrameBodyDecoder bodyDecoder) throws IOException {
        int length = in.readInt();
        byte[] rest = new byte[length];
        in.readFully(rest);
        ByteBuf frame = Unpooled.wrappedBuffer(rest);
        frame.skipBytes(1);
        return bodyDecoder.decode(FrameType.fromCode(frame.readUnsignedByte()), frame);
    }

    /** True once the server has closed the connection (end of stream or reset). */
    boolean closedByPeer() throws IOException {
        try {
            return in.read() == -1;
        } catch (EOFException | SocketException e) {
            return true;
        }
    }

    static byte[] bytes(ByteBuf buffer) {
        byte[] bytes = new byte[buffer.readableBytes()];
        buffer.getBytes(buffer.readerIndex(), bytes);
        return bytes;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
