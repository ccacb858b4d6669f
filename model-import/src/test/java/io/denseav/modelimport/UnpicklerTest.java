package io.denseav.modelimport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.denseav.fixtures.Fixtures;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The restricted VM against CPython's own pickles of plain data, in protocols 0-5 (generate_pickles.py). */
class UnpicklerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<Path> pickles() throws Exception {
        try (Stream<Path> s = Files.list(Fixtures.path("pickles"))) {
            List<Path> l = new ArrayList<>(s.filter(p -> p.toString().endsWith(".pkl")).sorted().toList());
            return l.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("pickles")
    void matchesCPython(Path pkl) throws Exception {
        String name = pkl.getFileName().toString();
        Path expected = pkl.resolveSibling(name.substring(0, name.lastIndexOf("_p")) + ".expected.json");
        Object value = unpickle(Files.readAllBytes(pkl), UnpicklerPolicy.DEFAULT);
        JsonNode actual = JSON.valueToTree(PlainData.convert(value));
        JsonTrees.assertSameJson(JSON.readTree(expected.toFile()), actual, name);
    }

    @Test
    void refusesEveryGlobalOffTheAllowlist() {
        for (String global : List.of("os\nsystem", "posix\nsystem", "builtins\neval", "__builtin__\neval",
                "subprocess\nPopen", "builtins\ngetattr", "torch\nload", "numpy\nload")) {
            byte[] pkl = ("c" + global + "\n(S'echo pwned'\ntR.").getBytes(StandardCharsets.ISO_8859_1);
            CheckpointException e = assertThrows(CheckpointException.class, () -> unpickle(pkl, UnpicklerPolicy.DEFAULT));
            assertTrue(e.getMessage().contains("refused pickle GLOBAL '" + global.replace('\n', '.') + "'"), e.getMessage());
        }
    }

    @Test
    void extraPlainDataClassIsReadAsFieldsNeverCalled() {
        byte[] pkl = "cmy.mod\nCfg\n)\u0081}S'lr'\nF0.5\nsb.".getBytes(StandardCharsets.ISO_8859_1);
        assertThrows(CheckpointException.class, () -> unpickle(pkl, UnpicklerPolicy.DEFAULT));
        Object v = PlainData.convert(unpickle(pkl, UnpicklerPolicy.DEFAULT.allowPlainDataClass("my.mod.Cfg")));
        assertEquals(java.util.Map.of("lr", 0.5), v);
    }

    @Test
    void corruptInputsFailCleanly() {
        String[] bad = {"", "\u0080\u0002", "\u00ff", "(", "]a.", "K\u0001K\u0002s.", "X\u00ff\u00ff\u00ff\u007fabc",
                "h\u0005.", "\u0080\u0009N."};
        for (String s : bad) {
            byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
            assertThrows(CheckpointException.class, () -> unpickle(b, UnpicklerPolicy.DEFAULT), () -> "input " + s);
        }
    }

    @Test
    void selfReferenceIsRejectedNotOverflowed() {
        // l = []; l.append(l): a cycle must not recurse forever when converted
        byte[] pkl = "]q\u0000h\u0000a.".getBytes(StandardCharsets.ISO_8859_1);
        Object v = unpickle(pkl, UnpicklerPolicy.DEFAULT);
        assertThrows(IllegalStateException.class, () -> PlainData.convert(v));
    }

    static Object unpickle(byte[] b, UnpicklerPolicy policy) {
        return new Unpickler(Path.of("test.pkl"), ByteBuffer.wrap(b), policy, pid -> {
            throw new CheckpointException(Path.of("test.pkl"), "no persistent ids here");
        }).load();
    }
}
