package io.denseav.modelimport;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Random-access bytes of one storage: a region of a file, or one zip entry. Nothing is read until
 * {@link #read} is called, which is what lets {@code inspect} list a 1.3 GB checkpoint without reading it.
 */
public interface ByteSource {

    /** Size in bytes. */
    long size();

    /** Reads {@code length} bytes at {@code offset}; the caller has checked the range. Little-endian buffer. */
    ByteBuffer read(long offset, int length) throws IOException;

    /** How a source reads: {@code length} bytes at {@code offset}. */
    @FunctionalInterface
    interface Reader {
        ByteBuffer read(long offset, int length) throws IOException;
    }

    /** A source of {@code size} bytes read by {@code reader}. */
    static ByteSource of(long size, Reader reader) {
        return new ByteSource() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public ByteBuffer read(long offset, int length) throws IOException {
                return reader.read(offset, length);
            }
        };
    }

    /** The bytes {@code [base, base+size)} of this source. */
    default ByteSource slice(long base, long size) {
        return of(size, (offset, length) -> read(base + offset, length));
    }

    /** A region {@code [base, base+size)} of an open file channel. */
    static ByteSource of(FileChannel channel, long base, long size) {
        return of(size, (offset, length) -> {
            ByteBuffer buf = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
            long pos = base + offset;
            while (buf.hasRemaining()) {
                int n = channel.read(buf, pos);
                if (n < 0) throw new EOFException("file ends inside tensor data");
                pos += n;
            }
            return buf.flip();
        });
    }

    /** One entry of an open zip (torch stores its storages uncompressed, so skipping is cheap). */
    static ByteSource of(ZipFile zip, ZipEntry entry) {
        return of(entry.getSize(), (offset, length) -> {
            byte[] out = new byte[length];
            try (InputStream in = zip.getInputStream(entry)) {
                long skip = offset;
                while (skip > 0) {
                    long n = in.skip(skip);
                    if (n <= 0) {
                        if (in.read() < 0) throw new EOFException("zip entry " + entry.getName() + " is truncated");
                        n = 1;
                    }
                    skip -= n;
                }
                int off = 0;
                while (off < length) {
                    int n = in.read(out, off, length - off);
                    if (n < 0) throw new EOFException("zip entry " + entry.getName() + " is truncated");
                    off += n;
                }
            }
            return ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        });
    }

    /** In-memory bytes. */
    static ByteSource of(byte[] bytes) {
        return of(bytes.length, (offset, length) ->
                ByteBuffer.wrap(bytes, (int) offset, length).slice().order(ByteOrder.LITTLE_ENDIAN));
    }
}
