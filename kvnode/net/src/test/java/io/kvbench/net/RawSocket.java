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
