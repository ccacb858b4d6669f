package io.denseav.modelimport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.denseav.fixtures.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input gets one line naming the file and the problem: adversarial pickles (os.system, eval, Popen, ...)
 * are refused by name, corrupt files are reported, and nothing else escapes.
 */
class BadInputTest {
    @TempDir
    Path tmp;

    static Stream<Arguments> badFixtures() throws Exception {
        Path dir = Fixtures.path("checkpoints/bad");
        Map<String, String> expected = new ObjectMapper().readValue(dir.resolve("expected_errors.json").toFile(),
                new com.fasterxml.jackson.core.type.TypeReference<Map<String, String>>() { });
        return expected.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFixtures")
    void isRejectedWithOneLineNamingFileAndProblem(String name, String problem) {
        Path file = Fixtures.path("checkpoints/bad/" + name);
        CheckpointException e = assertThrows(CheckpointException.class, () -> {
            try (Checkpoint c = Checkpoint.open(file)) {
                for (Tensor t : c.tensors().values()) t.bytes();
            }
        });
        String msg = e.getMessage();
        assertTrue(msg.startsWith(file.toString() + ": "), msg);
        assertTrue(msg.toLowerCase(Locale.ROOT).contains(problem.toLowerCase(Locale.ROOT)), msg);
        assertFalse(msg.contains("\n"), "one line: " + msg);
    }

    @Test
    void evilGlobalsAreNamed() {
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> Checkpoint.open(Fixtures.path("checkpoints/bad/evil_os_system.pt")));
        assertTrue(e.getMessage().contains("refused pickle GLOBAL 'os.system'"), e.getMessage());
    }

    @Test
    void missingDirectoryAndEmpty() throws Exception {
        Path missing = tmp.resolve("nope.pt");
        assertTrue(assertThrows(CheckpointException.class, () -> Checkpoint.open(missing)).getMessage()
                .equals(missing + ": no such file"));
        assertTrue(assertThrows(CheckpointException.class, () -> Checkpoint.open(tmp)).getMessage()
                .contains("is a directory"));
        Path empty = Files.createFile(tmp.resolve("empty.ckpt"));
        assertTrue(assertThrows(CheckpointException.class, () -> Checkpoint.open(empty)).getMessage()
                .contains("empty"));
    }

    @Test
    void plainPickleIsNotALegacyCheckpoint() throws Exception {
        Path p = tmp.resolve("plain.pkl");
        Files.write(p, new byte[] {(byte) 0x80, 2, 'K', 7, '.'});
        assertTrue(assertThrows(CheckpointException.class, () -> Checkpoint.open(p)).getMessage()
                .contains("wrong magic number"));
    }
}
