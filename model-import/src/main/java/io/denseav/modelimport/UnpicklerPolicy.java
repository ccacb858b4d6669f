package io.denseav.modelimport;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The allowlist of pickle GLOBALs, as tables. A GLOBAL is accepted only if it is
 * <ul>
 *   <li>a known rebuild function (torch tensors and parameters, OrderedDict, {@code _codecs.encode}, ...), which
 *       is interpreted here in Java, never looked up or run;</li>
 *   <li>a constant used as data (torch storage types, {@code torch.float32}, {@code typing.Any}, builtin types);</li>
 *   <li>a plain-data class (Lightning's {@code AttributeDict}, omegaconf containers, {@code argparse.Namespace}, and
 *       any class the caller adds), whose instances become inert {@link PyObject}s and later plain maps.</li>
 * </ul>
 * Everything else ({@code os.system}, {@code builtins.eval}, {@code subprocess.Popen}, ...) is refused by name.
 */
public final class UnpicklerPolicy {

    /** Rebuild functions the VM interprets. */
    enum Fn {
        REBUILD_TENSOR_V2, REBUILD_TENSOR, REBUILD_PARAMETER, REBUILD_FROM_TYPE_V2, ORDERED_DICT, DEFAULT_DICT,
        CODECS_ENCODE, SET, TORCH_SIZE, TORCH_DEVICE, NUMPY_SCALAR, RECONSTRUCTOR, PATH, SLICE, BYTEARRAY
    }

    private static final Map<String, Fn> FUNCTIONS = Map.ofEntries(
            Map.entry("torch._utils._rebuild_tensor_v2", Fn.REBUILD_TENSOR_V2),
            Map.entry("torch._utils._rebuild_tensor", Fn.REBUILD_TENSOR),
            Map.entry("torch._utils._rebuild_parameter", Fn.REBUILD_PARAMETER),
            Map.entry("torch._utils._rebuild_parameter_with_state", Fn.REBUILD_PARAMETER),
            Map.entry("torch._tensor._rebuild_from_type_v2", Fn.REBUILD_FROM_TYPE_V2),
            Map.entry("collections.OrderedDict", Fn.ORDERED_DICT),
            Map.entry("collections.defaultdict", Fn.DEFAULT_DICT),
            Map.entry("_codecs.encode", Fn.CODECS_ENCODE),
            Map.entry("builtins.set", Fn.SET),
            Map.entry("builtins.frozenset", Fn.SET),
            Map.entry("builtins.slice", Fn.SLICE),
            Map.entry("builtins.bytearray", Fn.BYTEARRAY),
            Map.entry("torch.Size", Fn.TORCH_SIZE),
            Map.entry("torch.device", Fn.TORCH_DEVICE),
            Map.entry("numpy.core.multiarray.scalar", Fn.NUMPY_SCALAR),
            Map.entry("numpy._core.multiarray.scalar", Fn.NUMPY_SCALAR),
            Map.entry("copyreg._reconstructor", Fn.RECONSTRUCTOR),
            Map.entry("pathlib.PosixPath", Fn.PATH),
            Map.entry("pathlib.PurePosixPath", Fn.PATH),
            Map.entry("pathlib.WindowsPath", Fn.PATH),
            Map.entry("pathlib.PureWindowsPath", Fn.PATH));

    /** Names that are only ever data: types and constants. */
    private static final Set<String> CONSTANTS = Set.of(
            "torch.Tensor", "torch.nn.parameter.Parameter", "torch.UntypedStorage", "torch.storage.UntypedStorage",
            "torch.float32", "torch.float16", "torch.bfloat16", "torch.float64", "torch.int64", "torch.int32",
            "torch.int16", "torch.int8", "torch.uint8", "torch.bool", "torch.strided", "torch.contiguous_format",
            "typing.Any", "builtins.object", "builtins.dict", "builtins.list", "builtins.tuple", "builtins.str",
            "builtins.int", "builtins.float", "builtins.bool", "builtins.bytes", "builtins.NoneType");

    /** Plain-data classes: instances are kept as inert field maps. */
    private static final Set<String> PLAIN_CLASSES = Set.of(
            "pytorch_lightning.utilities.parsing.AttributeDict",
            "lightning_fabric.utilities.data.AttributeDict",
            "lightning.fabric.utilities.data.AttributeDict",
            "lightning.pytorch.utilities.parsing.AttributeDict",
            "omegaconf.dictconfig.DictConfig", "omegaconf.listconfig.ListConfig",
            "omegaconf.nodes.AnyNode", "omegaconf.nodes.StringNode", "omegaconf.nodes.IntegerNode",
            "omegaconf.nodes.FloatNode", "omegaconf.nodes.BooleanNode", "omegaconf.nodes.BytesNode",
            "omegaconf.nodes.PathNode", "omegaconf.base.Metadata", "omegaconf.base.ContainerMetadata",
            "argparse.Namespace", "numpy.dtype");

    /** Python 2 module names that protocol-2 pickles use for the same objects (pickle's fix_imports). */
    private static final Map<String, String> PY2_MODULES = Map.of("__builtin__", "builtins", "copy_reg", "copyreg");
    /** Python 2 builtin names that fix_imports writes for Python 3's int and str. */
    private static final Map<String, String> PY2_NAMES = Map.of("builtins.long", "int", "builtins.unicode", "str");

    /** The default allowlist. */
    public static final UnpicklerPolicy DEFAULT = new UnpicklerPolicy(Set.of());

    private final Set<String> extraClasses;

    private UnpicklerPolicy(Set<String> extraClasses) {
        this.extraClasses = Collections.unmodifiableSet(extraClasses);
    }

    /**
     * A policy that also accepts {@code module.Name} as a plain-data class: its instances are read as maps of
     * their pickled state. Nothing of the class is ever executed.
     */
    public UnpicklerPolicy allowPlainDataClass(String qualifiedName) {
        Set<String> s = new HashSet<>(extraClasses);
        s.add(qualifiedName);
        return new UnpicklerPolicy(s);
    }

    /** A resolved, allowed GLOBAL. */
    record Global(String module, String name) {
        String qualified() {
            return module + "." + name;
        }

        @Override
        public String toString() {
            return qualified();
        }
    }

    /** An inert instance of a plain-data class: constructor args, dict items (for dict subclasses) and state. */
    static final class PyObject {
        final Global cls;
        final List<Object> args;
        final Map<Object, Object> items = new LinkedHashMap<>();
        Object state;

        PyObject(Global cls, List<Object> args) {
            this.cls = cls;
            this.args = args;
        }
    }

    /** GLOBAL / STACK_GLOBAL / INST: refuse anything that is not on the allowlist. */
    Global global(Path file, String module, String name) {
        String mod = PY2_MODULES.getOrDefault(module, module);
        name = PY2_NAMES.getOrDefault(mod + "." + name, name);
        String q = mod + "." + name;
        boolean storage = mod.equals("torch") && name.endsWith("Storage");
        if (FUNCTIONS.containsKey(q) || CONSTANTS.contains(q) || isPlainClass(q) || storage) {
            return new Global(mod, name);
        }
        throw new CheckpointException(file, "refused pickle GLOBAL '" + PlainData.clip(module + "." + name)
                + "' (not a tensor or plain-data type; loading never executes code)");
    }

    private boolean isPlainClass(String q) {
        return PLAIN_CLASSES.contains(q) || extraClasses.contains(q);
    }

    /** REDUCE / INST / OBJ: interpret an allowed function, or instantiate a plain-data class. */
    @SuppressWarnings("unchecked")
    Object call(Path file, Object fn, List<Object> args) {
        if (!(fn instanceof Global)) throw bad(file, "call of a non-callable " + PlainData.describe(fn));
        Global g = (Global) fn;
        Fn kind = FUNCTIONS.get(g.qualified());
        if (kind == null) {
            if (isPlainClass(g.qualified())) return new PyObject(g, args);
            throw new CheckpointException(file, "refused to call '" + g + "' (only tensor rebuilds and plain data)");
        }
        switch (kind) {
            case REBUILD_TENSOR_V2: case REBUILD_TENSOR:
                if (args.size() < 4) throw bad(file, g + " takes at least 4 arguments");
                return TorchPickle.TensorRef.of(file, args.get(0), args.get(1), args.get(2), args.get(3));
            case REBUILD_PARAMETER:
                if (args.isEmpty() || !(args.get(0) instanceof TorchPickle.TensorRef)) throw bad(file, g + " expects a tensor");
                return args.get(0);
            case REBUILD_FROM_TYPE_V2:
                if (args.size() < 3 || !(args.get(2) instanceof List)) throw bad(file, g + " expects (func, type, args, state)");
                @SuppressWarnings("unchecked") List<Object> inner = (List<Object>) args.get(2);
                return call(file, args.get(0), inner);
            case ORDERED_DICT: case DEFAULT_DICT: {
                Map<Object, Object> m = new LinkedHashMap<>();
                if (kind == Fn.ORDERED_DICT && !args.isEmpty() && args.get(0) instanceof List) {
                    for (Object pair : (List<?>) args.get(0)) {
                        if (!(pair instanceof List) || ((List<?>) pair).size() != 2) throw bad(file, "OrderedDict item is not a pair");
                        m.put(PlainData.key(((List<?>) pair).get(0)), ((List<?>) pair).get(1));
                    }
                }
                return m;
            }
            case CODECS_ENCODE: {
                if (args.isEmpty() || !(args.get(0) instanceof String)) throw bad(file, "_codecs.encode expects a string");
                String enc = args.size() > 1 ? String.valueOf(args.get(1)) : "utf-8";
                return ((String) args.get(0)).getBytes(enc.replace("-", "").equalsIgnoreCase("latin1")
                        ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
            }
            case SET:
                return args.isEmpty() ? new LinkedHashSet<>() : new LinkedHashSet<>(iterable(file, args.get(0)));
            case SLICE: case TORCH_SIZE:
                return kind == Fn.SLICE ? args : iterable(file, args.isEmpty() ? null : args.get(0));
            case BYTEARRAY:
                return args.isEmpty() ? new byte[0] : args.get(0);
            case TORCH_DEVICE:
                return args.size() > 1 && args.get(1) != null ? args.get(0) + ":" + args.get(1) : String.valueOf(args.isEmpty() ? "" : args.get(0));
            case PATH: {
                StringBuilder sb = new StringBuilder();
                for (Object part : args) {
                    String p = String.valueOf(part);
                    if (sb.length() > 0 && sb.charAt(sb.length() - 1) != '/') sb.append('/');
                    sb.append(p);
                }
                return sb.toString();
            }
            case NUMPY_SCALAR:
                return numpyScalar(file, args);
            case RECONSTRUCTOR: { // copyreg._reconstructor(cls, base, state): protocol 0/1 objects and dict subclasses
                if (args.size() < 2) throw bad(file, "copyreg._reconstructor expects (cls, base, state)");
                Object obj = newObject(file, args.get(0), List.of());
                Object init = args.size() > 2 ? args.get(2) : null;
                if (init instanceof Map && obj instanceof PyObject) ((PyObject) obj).items.putAll((Map<?, ?>) init);
                if (init instanceof Map && obj instanceof Map) ((Map<Object, Object>) obj).putAll((Map<?, ?>) init);
                return obj;
            }
            default:
                throw new IllegalStateException(kind.toString());
        }
    }

    /** NEWOBJ: {@code cls.__new__(cls, *args)} for plain-data classes and builtin containers only. */
    Object newObject(Path file, Object cls, List<Object> args) {
        if (cls instanceof Global) {
            Global g = (Global) cls;
            String q = g.qualified();
            if (q.equals("collections.OrderedDict") || q.equals("builtins.dict") || q.equals("collections.defaultdict")) {
                return new LinkedHashMap<>();
            }
            if (q.equals("builtins.list")) return new java.util.ArrayList<>();
            if (q.equals("builtins.object") || isPlainClass(q)) return new PyObject(g, args);
            throw new CheckpointException(file, "refused to instantiate '" + g + "' (not a plain-data class)");
        }
        throw bad(file, "NEWOBJ of a non-class " + PlainData.describe(cls));
    }

    /** BUILD: set the state of an inert object; tensors and dicts ignore theirs (hooks, empty __dict__). */
    void build(Path file, Object target, Object state) {
        if (target instanceof PyObject) {
            ((PyObject) target).state = state;
        } else if (!(target instanceof Map || target instanceof TorchPickle.TensorRef || state == null)) {
            throw bad(file, "BUILD on " + PlainData.describe(target));
        }
    }

    private static List<?> iterable(Path file, Object o) {
        if (o instanceof List) return (List<?>) o;
        if (o instanceof Set) return new java.util.ArrayList<>((Set<?>) o);
        if (o == null) return List.of();
        throw bad(file, "expected a sequence, got " + PlainData.describe(o));
    }

    /** numpy.core.multiarray.scalar(dtype, bytes): a numpy scalar saved in hyper-parameters. */
    private static Object numpyScalar(Path file, List<Object> args) {
        if (args.size() < 2 || !(args.get(0) instanceof PyObject) || !(args.get(1) instanceof byte[])) {
            throw bad(file, "malformed numpy scalar");
        }
        PyObject dt = (PyObject) args.get(0);
        String descr = dt.args.isEmpty() ? "" : String.valueOf(dt.args.get(0));
        boolean big = dt.state instanceof List && ((List<?>) dt.state).size() > 1 && ">".equals(((List<?>) dt.state).get(1));
        ByteBuffer b = ByteBuffer.wrap((byte[]) args.get(1)).order(big ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        DType t = DType.fromNumpy("<" + descr.replaceAll("^[<>=|]", ""));
        if (t == null || b.remaining() < t.size()) throw bad(file, "unsupported numpy scalar dtype '" + PlainData.clip(descr) + "'");
        switch (t) {
            case F64: return b.getDouble();
            case F32: return (double) b.getFloat();
            case F16: return (double) Tensor.halfToFloat(b.getShort());
            case I64: return b.getLong();
            case I32: return (long) b.getInt();
            case I16: return (long) b.getShort();
            case I8: return (long) b.get();
            case U8: return (long) (b.get() & 0xff);
            case BOOL: return b.get() != 0;
            default: return BigInteger.ZERO;
        }
    }

    private static CheckpointException bad(Path file, String what) {
        return new CheckpointException(file, "corrupt pickle (" + what + ")");
    }
}
