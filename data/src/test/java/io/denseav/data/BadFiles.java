package io.denseav.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/** {@code bad/expected_errors.json}: each malformed fixture and the substring its DataException must contain. */
final class BadFiles {
    private BadFiles() {
    }

    static Stream<Arguments> images() {
        return select(n -> n.endsWith(".png") || n.endsWith(".jpg"));
    }

    static Stream<Arguments> audio() {
        return select(n -> !(n.endsWith(".png") || n.endsWith(".jpg")));
    }

    private static Stream<Arguments> select(Predicate<String> which) {
        JsonNode expected;
        try {
            expected = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(Goldens.path("bad/expected_errors.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Arguments> out = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) expected::fields) {
            if (which.test(e.getKey())) out.add(Arguments.of(e.getKey(), e.getValue().asText()));
        }
        return out.stream();
    }
}
