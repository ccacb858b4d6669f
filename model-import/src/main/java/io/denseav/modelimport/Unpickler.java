package io.denseav.modelimport;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A restricted pickle virtual machine (protocols 0-5). It builds only plain data (None, bool, int, float, str,
 * bytes, list, tuple, dict, set) and the objects its {@link UnpicklerPolicy} allows: torch tensor rebuilds,
 * storages, OrderedDict and plain-data classes. Any other GLOBAL is refused by name before anything is built,
 * so loading never executes code. Every length is checked against the bytes that remain, so a corrupt pickle
 * fails with {@link CheckpointException} instead of allocating or looping.
 */
final class Unpickler {

    /** The MARK sentinel on the stack. */
    private static final Object MARK = new Object();

    /** Resolves a persistent id (torch storages) to an object. */
    interface PersistentLoader {
        Object load(Object pid);
    }

    private final Path file;
    private final ByteBuffer in;
    private final UnpicklerPolicy policy;
    private final PersistentLoader persistent;
    private final List<Object> stack = new ArrayList<>();
    private final List<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();

    Unpickler(Path file, ByteBuffer data, UnpicklerPolicy policy, PersistentLoader persistent) {
        this.file = file;
        this.in = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        this.in.position(data.position());
        this.policy = policy;
        this.persistent = persistent;
    }

    /** Position after the STOP opcode of the last {@link #load()}. */
    int position() {
        return in.position();
    }

    /** Runs the pickle up to STOP and returns its value. */
    Object load() {
        stack.clear();
        marks.clear();
        memo.clear();
        while (true) {
            if (!in.hasRemaining()) throw fail("truncated pickle (no STOP opcode)");
            int op = in.get() & 0xff;
            switch (op) {
                case 0x80: { int proto = u8(); if (proto > 5) throw fail("unsupported pickle protocol " + proto); break; } // PROTO
                case 0x95: skip(8); break; // FRAME: framing is irrelevant to a buffer reader
                case '.': return pop(); // STOP
                case '(': marks.add(stack.size()); break; // MARK
                case '0': if (!marks.isEmpty() && marks.get(marks.size() - 1) == stack.size()) marks.remove(marks.size() - 1); else pop(); break; // POP
                case '1': popMark(); break; // POP_MARK
                case '2': push(peek()); break; // DUP
                case 'N': push(null); break;
                case 0x88: push(Boolean.TRUE); break; // NEWTRUE
                case 0x89: push(Boolean.FALSE); break; // NEWFALSE
                case 'J': need(4); push((long) in.getInt()); break; // BININT
                case 'K': push((long) u8()); break; // BININT1
                case 'M': need(2); push((long) (in.getShort() & 0xffff)); break; // BININT2
                case 0x8a: push(longFromBytes(bytes(u8()))); break; // LONG1
                case 0x8b: push(longFromBytes(bytes(len32()))); break; // LONG4
                case 'I': push(parseInt(line())); break; // INT
                case 'L': push(parseInt(line().replaceAll("L$", ""))); break; // LONG
                case 'G': need(8); push(Double.longBitsToDouble(Long.reverseBytes(in.getLong()))); break; // BINFLOAT (big-endian)
                case 'F': push(parseFloat(line())); break; // FLOAT
                case 'X': push(utf8(len32())); break; // BINUNICODE
                case 0x8c: push(utf8(u8())); break; // SHORT_BINUNICODE
                case 0x8d: push(utf8(len64())); break; // BINUNICODE8
                case 'V': push(rawUnicodeEscape(line())); break; // UNICODE
                case 'S': push(quoted(line())); break; // STRING
                case 'T': push(latin1(len32())); break; // BINSTRING
                case 'U': push(latin1(u8())); break; // SHORT_BINSTRING
                case 'B': push(bytes(len32())); break; // BINBYTES
                case 'C': push(bytes(u8())); break; // SHORT_BINBYTES
                case 0x8e: case 0x96: push(bytes(len64())); break; // BINBYTES8, BYTEARRAY8
                case ')': push(new ArrayList<>()); break; // EMPTY_TUPLE
                case ']': push(new ArrayList<>()); break; // EMPTY_LIST
                case '}': push(new LinkedHashMap<>()); break; // EMPTY_DICT
                case 0x8f: push(new LinkedHashSet<>()); break; // EMPTY_SET
                case 't': case 'l': push(popMark()); break; // TUPLE, LIST
                case 0x85: push(tuple(1)); break; // TUPLE1
                case 0x86: push(tuple(2)); break; // TUPLE2
                case 0x87: push(tuple(3)); break; // TUPLE3
                case 'd': push(dict(popMark())); break; // DICT
                case 0x91: push(new LinkedHashSet<>(popMark())); break; // FROZENSET
                case 'a': { Object v = pop(); asList(peek(), "APPEND").add(v); break; }
                case 'e': { List<Object> items = popMark(); asList(peek(), "APPENDS").addAll(items); break; }
                case 's': { Object v = pop(); Object k = pop(); asMap(peek(), "SETITEM").put(key(k), v); break; }
                case 'u': { List<Object> kv = popMark(); Map<Object, Object> m = asMap(peek(), "SETITEMS"); putAll(m, kv); break; }
                case 0x90: { List<Object> items = popMark(); asSet(peek()).addAll(items); break; } // ADDITEMS
                case 'q': memo.put((long) u8(), peek()); break; // BINPUT
                case 'r': memo.put(len32Unsigned(), peek()); break; // LONG_BINPUT
                case 'p': memo.put(parseMemoIndex(line()), peek()); break; // PUT
                case 0x94: memo.put((long) memo.size(), peek()); break; // MEMOIZE
                case 'h': push(memoGet(u8())); break; // BINGET
                case 'j': push(memoGet(len32Unsigned())); break; // LONG_BINGET
                case 'g': push(memoGet(parseMemoIndex(line()))); break; // GET
                case 'c': { String module = line(); String name = line(); push(policy.global(file, module, name)); break; } // GLOBAL
                case 0x93: { Object name = pop(); Object module = pop(); push(policy.global(file, str(module), str(name))); break; } // STACK_GLOBAL
                case 'i': { String module = line(); String name = line(); List<Object> args = popMark(); // INST
                    push(policy.call(file, policy.global(file, module, name), args)); break; }
                case 'o': { List<Object> items = popMark(); if (items.isEmpty()) throw fail("OBJ without a class"); // OBJ
                    push(policy.call(file, items.get(0), items.subList(1, items.size()))); break; }
                case 'R': { Object args = pop(); Object fn = pop(); push(policy.call(file, fn, asList(args, "REDUCE"))); break; } // REDUCE
                case 0x81: { Object args = pop(); Object cls = pop(); push(policy.newObject(file, cls, asList(args, "NEWOBJ"))); break; } // NEWOBJ
                case 0x92: { Object kw = pop(); Object args = pop(); Object cls = pop(); asMap(kw, "NEWOBJ_EX"); // NEWOBJ_EX
                    push(policy.newObject(file, cls, asList(args, "NEWOBJ_EX"))); break; }
                case 'b': { Object state = pop(); policy.build(file, peek(), state); break; } // BUILD
                case 'Q': push(persistent.load(pop())); break; // BINPERSID
                case 'P': push(persistent.load(line())); break; // PERSID
                case 0x82: case 0x83: case 0x84: throw fail("refused pickle EXT opcode (extension registry)");
                case 0x97: case 0x98: throw fail("refused out-of-band pickle buffer");
                default: throw fail(String.format("unknown pickle opcode 0x%02x at byte %d", op, in.position() - 1));
            }
        }
    }

    private CheckpointException fail(String problem) {
        return new CheckpointException(file, problem);
    }

    private void push(Object o) {
        stack.add(o);
    }

    private Object pop() {
        if (stack.isEmpty() || (!marks.isEmpty() && marks.get(marks.size() - 1) == stack.size())) {
            throw fail("corrupt pickle (stack underflow at byte " + in.position() + ")");
        }
        return stack.remove(stack.size() - 1);
    }

    private Object peek() {
        if (stack.isEmpty()) throw fail("corrupt pickle (empty stack at byte " + in.position() + ")");
        return stack.get(stack.size() - 1);
    }

    private List<Object> popMark() {
        if (marks.isEmpty()) throw fail("corrupt pickle (no MARK at byte " + in.position() + ")");
        int m = marks.remove(marks.size() - 1);
        List<Object> tail = stack.subList(m, stack.size());
        List<Object> out = new ArrayList<>(tail);
        tail.clear();
        return out;
    }

    private List<Object> tuple(int n) {
        List<Object> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) out.add(0, pop());
        return out;
    }

    private Map<Object, Object> dict(List<Object> kv) {
        Map<Object, Object> m = new LinkedHashMap<>();
        putAll(m, kv);
        return m;
    }

    private void putAll(Map<Object, Object> m, List<Object> kv) {
        if (kv.size() % 2 != 0) throw fail("corrupt pickle (odd number of dict items)");
        for (int i = 0; i < kv.size(); i += 2) m.put(key(kv.get(i)), kv.get(i + 1));
    }

    private static Object key(Object k) {
        return PlainData.key(k);
    }

    @SuppressWarnings("unchecked")
    private List<Object> asList(Object o, String op) {
        if (o instanceof List) return (List<Object>) o;
        throw fail("corrupt pickle (" + op + " expects a list or tuple)");
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> asMap(Object o, String op) {
        if (o instanceof Map) return (Map<Object, Object>) o;
        if (o instanceof UnpicklerPolicy.PyObject && ((UnpicklerPolicy.PyObject) o).items != null) {
            return ((UnpicklerPolicy.PyObject) o).items; // a dict subclass such as Lightning's AttributeDict
        }
        throw fail("corrupt pickle (" + op + " expects a dict)");
    }

    @SuppressWarnings("unchecked")
    private Set<Object> asSet(Object o) {
        if (o instanceof Set) return (Set<Object>) o;
        throw fail("corrupt pickle (ADDITEMS expects a set)");
    }

    private Object memoGet(long idx) {
        if (!memo.containsKey(idx)) throw fail("corrupt pickle (memo key " + idx + " missing)");
        return memo.get(idx);
    }

    private String str(Object o) {
        if (o instanceof String) return (String) o;
        throw fail("corrupt pickle (STACK_GLOBAL expects strings)");
    }

    private int u8() {
        need(1);
        return in.get() & 0xff;
    }

    private int len32() {
        need(4);
        int n = in.getInt();
        if (n < 0) throw fail("corrupt pickle (negative length)");
        need(n);
        return n;
    }

    private long len32Unsigned() {
        need(4);
        return in.getInt() & 0xffffffffL;
    }

    private int len64() {
        need(8);
        long n = in.getLong();
        if (n < 0 || n > in.remaining()) throw fail("truncated pickle (length " + n + " exceeds the data)");
        return (int) n;
    }

    private void need(int n) {
        if (n > in.remaining()) throw fail("truncated pickle (needs " + n + " bytes at byte " + in.position() + ")");
    }

    private void skip(int n) {
        need(n);
        in.position(in.position() + n);
    }

    private byte[] bytes(int n) {
        need(n);
        byte[] b = new byte[n];
        in.get(b);
        return b;
    }

    private String utf8(int n) {
        return new String(bytes(n), StandardCharsets.UTF_8);
    }

    private String latin1(int n) {
        return new String(bytes(n), StandardCharsets.ISO_8859_1);
    }

    /** A newline-terminated text argument (protocol 0). */
    private String line() {
        int start = in.position();
        int limit = Math.min(in.limit(), start + (1 << 16));
        for (int i = start; i < limit; i++) {
            if (in.get(i) == '\n') {
                byte[] b = new byte[i - start];
                in.get(b);
                in.get();
                return new String(b, StandardCharsets.ISO_8859_1);
            }
        }
        throw fail("truncated pickle (unterminated text argument at byte " + start + ")");
    }

    /** Two's-complement little-endian integer (LONG1/LONG4). */
    private static Object longFromBytes(byte[] b) {
        if (b.length == 0) return 0L;
        byte[] be = new byte[b.length];
        for (int i = 0; i < b.length; i++) be[i] = b[b.length - 1 - i];
        BigInteger v = new BigInteger(be);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    private Object parseInt(String s) {
        if (s.equals("00")) return Boolean.FALSE; // protocol 0 booleans
        if (s.equals("01")) return Boolean.TRUE;
        try {
            BigInteger v = new BigInteger(s.trim());
            return v.bitLength() < 64 ? (Object) v.longValue() : v;
        } catch (NumberFormatException e) {
            throw fail("corrupt pickle (bad integer '" + PlainData.clip(s) + "')");
        }
    }

    private long parseMemoIndex(String s) {
        Object v = parseInt(s);
        if (v instanceof Long && (Long) v >= 0) return (Long) v;
        throw fail("corrupt pickle (bad memo index)");
    }

    private double parseFloat(String s) {
        try {
            return Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            throw fail("corrupt pickle (bad float '" + PlainData.clip(s) + "')");
        }
    }

    private String quoted(String s) {
        if (s.length() < 2 || (s.charAt(0) != '\'' && s.charAt(0) != '"') || s.charAt(s.length() - 1) != s.charAt(0)) {
            throw fail("corrupt pickle (bad STRING argument)");
        }
        return s.substring(1, s.length() - 1).replace("\\'", "'").replace("\\\\", "\\");
    }

    /** Protocol 0's raw-unicode-escape: latin-1 text with {@code \\uXXXX} and {@code \\UXXXXXXXX} escapes. */
    private String rawUnicodeEscape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int digits = c != '\\' || i + 1 >= s.length() ? 0 : s.charAt(i + 1) == 'u' ? 4 : s.charAt(i + 1) == 'U' ? 8 : 0;
            if (digits > 0) {
                try {
                    sb.appendCodePoint(Integer.parseInt(s.substring(i + 2, i + 2 + digits), 16));
                    i += 1 + digits;
                    continue;
                } catch (RuntimeException e) {
                    throw fail("corrupt pickle (bad unicode escape)");
                }
            }
            sb.append(c);
        }
        return sb.toString();
    }
}
