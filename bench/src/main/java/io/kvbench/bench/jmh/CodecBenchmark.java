package io.kvbench.bench.jmh;

import io.kvbench.kv.KvCommand;
import io.kvbench.kv.KvCommandCodec;
import io.kvbench.kv.ProposedCommand;
import io.kvbench.net.FrameType;
import io.kvbench.net.PeerCodec;
import io.kvbench.net.WireFormat;
import io.kvbench.raft.Entry;
import io.kvbench.raft.Message;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Wire codecs on the write path: a raft AppendRequest of 16 entries of 100 bytes through {@link PeerCodec}
 * (what a leader sends a follower under load), and a KV Put through {@link KvCommandCodec} (what every
 * proposal carries).
 *
 * <p>Rules from the JMH samples: every benchmark returns what it computed, so the JIT cannot drop the work
 * as dead code (JMHSample_08_DeadCode); inputs live in {@code @State} fields, not constants, so they cannot
 * be folded (JMHSample_10_ConstantFold); always forked (JMHSample_12_Forking), never {@code -f 0}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class CodecBenchmark {
    static final int ENTRIES_PER_APPEND = 16;
    static final int ENTRY_BYTES = 100;

    /** The allocator Netty channels use by default, so encode cost includes what production pays. */
    private final ByteBufAllocator allocator = PooledByteBufAllocator.DEFAULT;
    private Message.AppendRequest appendRequest;
    /** The body of an encoded AppendRequest frame (after length, version and type), as the decoder sees it. */
    private ByteBuf appendRequestBody;
    private KvCommand.Put put;
    private byte[] encodedPut;
    private long leaderTimeMillis;

    @Setup
    public void setUp() {
        Random random = new Random(42);
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < ENTRIES_PER_APPEND; i++) {
            byte[] data = new byte[ENTRY_BYTES];
            random.nextBytes(data);
            entries.add(Entry.command(1_000 + i, 7, data));
        }
        appendRequest = new Message.AppendRequest(1, 2, 7, 999, 7, entries, 990);
        ByteBuf frame = PeerCodec.encode(UnpooledByteBufAllocator.DEFAULT, appendRequest);
        byte[] frameBytes = new byte[frame.readableBytes()];
        frame.readBytes(frameBytes);
        frame.release();
        appendRequestBody = Unpooled.wrappedBuffer(frameBytes, WireFormat.HEADER_BYTES,
                frameBytes.length - WireFormat.HEADER_BYTES);

        byte[] value = new byte[ENTRY_BYTES];
        random.nextBytes(value);
        put = new KvCommand.Put(17, 1_234, 1_230, "key-0000000042", value);
        leaderTimeMillis = 1_700_000_000_000L;
        encodedPut = KvCommandCodec.encode(put, leaderTimeMillis);
    }

    /** Encode into a pooled buffer and release it, as the peer pipeline does once the frame is written. */
    @Benchmark
    public int encodeAppendRequest() {
        ByteBuf frame = PeerCodec.encode(allocator, appendRequest);
        int bytes = frame.readableBytes();
        frame.release();
        return bytes;
    }

    @Benchmark
    public Object decodeAppendRequest() {
        // A fresh reader index each time over the same bytes: the decoder reads, it does not consume the array.
        ByteBuf body = appendRequestBody.duplicate();
        return PeerCodec.decode(FrameType.APPEND_REQUEST, body);
    }

    @Benchmark
    public byte[] encodePut() {
        return KvCommandCodec.encode(put, leaderTimeMillis);
    }

    @Benchmark
    public ProposedCommand decodePut() {
        return KvCommandCodec.decode(encodedPut);
    }
}
